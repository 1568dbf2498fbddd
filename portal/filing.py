"""What the filing wizard needs to know from the public site.

Editors control the intro, the offered IP categories and per-category
guidance on the CMS "File a dispute" page. cms registers a provider here at
start-up (cms.apps), so portal reads that content without importing cms.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from portal.models import IPType


@dataclass(frozen=True)
class FilingGuidance:
    intro: str = ""  # HTML from the CMS rich text field, already sanitised by Wagtail
    offered_ip_types: tuple[str, ...] = tuple(IPType.values)
    # ip_type -> HTML guidance shown next to the IP-right step
    category_guidance: dict[str, str] = field(default_factory=dict)
    page_url: str = ""


_provider: Callable[[], FilingGuidance | None] | None = None


def register_guidance_provider(provider: Callable[[], FilingGuidance | None]) -> None:
    global _provider
    _provider = provider


def get_guidance() -> FilingGuidance:
    guidance = _provider() if _provider else None
    return guidance or FilingGuidance()
