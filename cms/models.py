"""Public site page types (Wagtail).

Tree: HomePage (site root) → GuidePage (how to file, how mediation works, how
arbitration works, fees) and FilingPage ("File a dispute", the entry to the
filing wizard in portal).
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page

from cms.blocks import BodyBlock
from portal.filing import FilingGuidance
from portal.models import IPType


class HomePage(Page):
    """The site root: the centre's front page."""

    intro = models.CharField(_("headline"), max_length=200, blank=True)
    lead = models.TextField(_("lead paragraph"), blank=True)
    body = StreamField(BodyBlock(), blank=True, use_json_field=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("lead"), FieldPanel("body")]
    subpage_types = ["cms.GuidePage", "cms.FilingPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["guides"] = GuidePage.objects.child_of(self).live().public().in_menu()
        context["filing_page"] = FilingPage.objects.live().first()
        return context


class GuidePage(Page):
    """A guide for users: how to file, how mediation or arbitration works, fees."""

    summary = models.CharField(_("summary"), max_length=300, blank=True,
                               help_text=_("Shown on the home page and in search results."))
    body = StreamField(BodyBlock(), use_json_field=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    parent_page_types = ["cms.HomePage", "cms.GuidePage"]
    subpage_types = ["cms.GuidePage"]

    class Meta:
        verbose_name = _("guide page")


class FilingPage(Page):
    """ "File a dispute": editors write the intro, choose which IP categories
    are offered and give guidance per category; the wizard itself is in portal."""

    intro = RichTextField(_("introduction"), features=["h3", "bold", "italic", "ol", "ul", "link"])
    before_you_start = RichTextField(_("before you start"), blank=True,
                                     features=["bold", "italic", "ol", "ul", "link"])

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("before_you_start"),
        InlinePanel("categories", label=_("Offered IP categories"), min_num=1),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("filing page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["wizard_url"] = reverse("filing_start")
        return context


class FilingCategory(Orderable):
    page = ParentalKey(FilingPage, on_delete=models.CASCADE, related_name="categories")
    ip_type = models.CharField(_("type of right"), max_length=20, choices=IPType.choices)
    guidance = RichTextField(_("guidance"), blank=True, features=["bold", "italic", "ol", "ul", "link"],
                             help_text=_("What a claimant should have ready for this kind of right."))

    panels = [FieldPanel("ip_type"), FieldPanel("guidance")]

    class Meta(Orderable.Meta):
        verbose_name = _("IP category")


def filing_guidance_from_page() -> FilingGuidance | None:
    """The live FilingPage's content, in the shape portal's wizard expects."""
    from wagtail.rich_text import expand_db_html

    page = FilingPage.objects.live().first()
    if page is None:
        return None
    categories = list(page.categories.all())
    return FilingGuidance(
        intro=expand_db_html(page.intro),
        offered_ip_types=tuple(c.ip_type for c in categories) or tuple(IPType.values),
        category_guidance={c.ip_type: expand_db_html(c.guidance) for c in categories if c.guidance},
        page_url=page.url or "",
    )
