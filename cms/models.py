"""Public site page types (Wagtail).

Tree: HomePage (site root) → GuidePage (how to file, how mediation works, how
arbitration works, fees), FilingPage ("File a dispute", the entry to the
filing wizard in portal) and NeutralDirectoryPage (the public list of
mediators and arbitrators, with one sub-URL per profile).
"""

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Orderable, Page

from cms.blocks import BodyBlock
from portal.filing import FilingGuidance
from portal.models import IPType, NeutralProfile
from portal.models.neutrals import LANGUAGE_NAMES


class HomePage(Page):
    """The site root: the centre's front page."""

    intro = models.CharField(_("headline"), max_length=200, blank=True)
    lead = models.TextField(_("lead paragraph"), blank=True)
    body = StreamField(BodyBlock(), blank=True, use_json_field=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("lead"), FieldPanel("body")]
    subpage_types = ["cms.GuidePage", "cms.FilingPage", "cms.NeutralDirectoryPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["guides"] = GuidePage.objects.child_of(self).live().public().in_menu()
        context["filing_page"] = FilingPage.objects.live().first()
        context["directory_page"] = NeutralDirectoryPage.objects.live().public().first()
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


AVATAR_RENDITION = "fill-160x160"


class NeutralDirectoryPage(RoutablePageMixin, Page):
    """The public directory of mediators and arbitrators.

    Lists the public `portal.NeutralProfile` rows with filters taken from the
    query string, and serves each profile at `<this page>/<profile id>/`.
    Profiles are edited in the back office (Directory → Neutrals), not here.
    """

    intro = RichTextField(_("introduction"), blank=True, features=["h3", "bold", "italic", "ol", "ul", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    per_page = 12

    class Meta:
        verbose_name = _("neutrals directory page")

    @staticmethod
    def profiles():
        """Public profiles with everything the templates show, in a fixed number of queries."""
        photos = get_image_model().objects.prefetch_renditions(AVATAR_RENDITION)
        return (NeutralProfile.objects.public().with_caseload()
                .prefetch_related(Prefetch("photo", queryset=photos))
                .order_by("display_name", "pk"))  # Meta.ordering is dropped by the GROUP BY

    @staticmethod
    def filter_profiles(queryset, params):
        """Apply the directory's filters (role, ip, region, language, availability, q)."""
        role = params.get("role")
        if role == "mediator":
            queryset = queryset.filter(is_mediator=True)
        elif role == "arbitrator":
            queryset = queryset.filter(is_arbitrator=True)
        if params.get("ip") in IPType.values:
            queryset = queryset.with_speciality(params["ip"])
        if region := params.get("region", "").strip():
            queryset = queryset.filter(region__icontains=region)
        if params.get("language") in LANGUAGE_NAMES:
            queryset = queryset.speaking(params["language"])
        if params.get("availability") in NeutralProfile.Availability.values:
            queryset = queryset.filter(availability=params["availability"])
        if q := params.get("q", "").strip()[:100]:
            queryset = queryset.filter(
                Q(display_name__icontains=q) | Q(name_en__icontains=q) | Q(organisation__icontains=q)
                | Q(industries__icontains=q) | Q(bio__icontains=q) | Q(bio_en__icontains=q))
        return queryset

    @path("")
    def directory(self, request):
        params = request.GET
        profiles = self.filter_profiles(self.profiles(), params)
        page_obj = Paginator(profiles, self.per_page).get_page(params.get("page"))
        query = params.copy()
        query.pop("page", None)
        filters = {
            "role": params.get("role", ""), "ip": params.get("ip", ""), "region": params.get("region", ""),
            "language": params.get("language", ""), "availability": params.get("availability", ""),
            "q": params.get("q", ""),
        }
        return self.render(request, context_overrides={
            "page_obj": page_obj,
            "profiles": page_obj.object_list,
            "filters": filters,
            "filtered": any(filters.values()),
            "query_string": query.urlencode(),
            "ip_choices": IPType.choices,
            "availability_choices": NeutralProfile.Availability.choices,
            "language_choices": list(LANGUAGE_NAMES.items()),
            "region_choices": sorted(set(NeutralProfile.objects.public().exclude(region="")
                                         .values_list("region", flat=True))),
        })

    @path("<int:profile_id>/", name="profile")
    def profile(self, request, profile_id: int):
        profile = self.profiles().filter(pk=profile_id).first()
        if profile is None:
            raise Http404
        return self.render(request, template="cms/neutral_profile.html", context_overrides={"profile": profile})


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
