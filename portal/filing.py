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


# The arbitration app registers its fee calculator, so the wizard can show what
# an arbitration will cost before the claimant files (portal never imports arbitration).
_fee_estimator: Callable | None = None


def register_fee_estimator(estimator: Callable) -> None:
    """`estimator(amount) -> dict` with registration_fee, admin_fee, total (Decimal)."""
    global _fee_estimator
    _fee_estimator = estimator


def fee_estimate(case) -> dict | None:
    if _fee_estimator is None or case.track != "arbitration":
        return None
    try:
        return _fee_estimator(case.claim_amount or 0)
    except Exception:  # noqa: BLE001  (no schedule in force: the wizard simply shows no estimate)
        return None
