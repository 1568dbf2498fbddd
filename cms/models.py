"""Public site page types (Wagtail).

Tree: HomePage (site root) →
  GuidePage (how to file, how mediation works, how arbitration works, fees),
  FilingPage ("File a dispute", the entry to the filing wizard in portal),
  NeutralDirectoryPage (the public list of mediators and arbitrators, with one sub-URL per profile),
  CaseStudyIndexPage → CaseStudyPage (典型案例, anonymised, published after editorial review),
  StatisticsPage (live figures from the case database, with a CSV download),
  InfringerListPage (重复侵权、故意侵权企业名录; entries live in cms.infringers),
  NewsIndexPage → NewsPage (news and notices),
  RulesPage (rules, with the arbitration fee table and calculator when the fee schedule provides them).
"""

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Locale, Orderable, Page, TranslatableMixin
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.infringers.models import InfringerCandidate, InfringerListing, InfringerObjection  # noqa: F401 (cms models)
from cms.outcomes import Outcome
from cms.search import CJKSearchMixin
from portal.filing import FilingGuidance
from portal.models import IPType, NeutralProfile, Track
from portal.models.neutrals import LANGUAGE_NAMES

RICH_TEXT_FEATURES = ["h3", "bold", "italic", "ol", "ul", "link"]
# Chinese text, indexed as character pairs so that words inside sentences are found (cms.search).
CJK_SEARCH_FIELDS = [index.SearchField("cjk_search_terms")]


class HomePage(CJKSearchMixin, Page):
    """The site root: the centre's front page."""

    intro = models.CharField(_("headline"), max_length=200, blank=True)
    lead = models.TextField(_("lead paragraph"), blank=True)
    body = StreamField(BodyBlock(), blank=True, use_json_field=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("lead"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("lead"),
                                          index.SearchField("body")] + CJK_SEARCH_FIELDS
    subpage_types = ["cms.GuidePage", "cms.FilingPage", "cms.NeutralDirectoryPage", "cms.CaseStudyIndexPage",
                     "cms.StatisticsPage", "cms.InfringerListPage", "cms.NewsIndexPage", "cms.RulesPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["guides"] = GuidePage.objects.child_of(self).live().public().in_menu()
        context["filing_page"] = FilingPage.objects.live().filter(locale=self.locale).first()
        context["directory_page"] = NeutralDirectoryPage.objects.live().public().filter(locale=self.locale).first()
        return context


class GuidePage(CJKSearchMixin, Page):
    """A guide for users: how to file, how mediation or arbitration works, fees."""

    summary = models.CharField(_("summary"), max_length=300, blank=True,
                               help_text=_("Shown on the home page and in search results."))
    body = StreamField(BodyBlock(), use_json_field=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")] + CJK_SEARCH_FIELDS
    parent_page_types = ["cms.HomePage", "cms.GuidePage"]
    subpage_types = ["cms.GuidePage"]

    class Meta:
        verbose_name = _("guide page")


class FilingPage(CJKSearchMixin, Page):
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
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("before_you_start")] + CJK_SEARCH_FIELDS
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("filing page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["wizard_url"] = reverse("filing_start")
        return context


class FilingCategory(TranslatableMixin, Orderable):
    """An IP category offered on the filing page. Translatable, so that
    wagtail-localize translates its guidance with the page."""

    page = ParentalKey(FilingPage, on_delete=models.CASCADE, related_name="categories")
    ip_type = models.CharField(_("type of right"), max_length=20, choices=IPType.choices)
    guidance = RichTextField(_("guidance"), blank=True, features=["bold", "italic", "ol", "ul", "link"],
                             help_text=_("What a claimant should have ready for this kind of right."))

    panels = [FieldPanel("ip_type"), FieldPanel("guidance")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("IP category")


AVATAR_RENDITION = "fill-160x160"


class NeutralDirectoryPage(CJKSearchMixin, RoutablePageMixin, Page):
    """The public directory of mediators and arbitrators.

    Lists the public `portal.NeutralProfile` rows with filters taken from the
    query string, and serves each profile at `<this page>/<profile id>/`.
    Profiles are edited in the back office (Directory → Neutrals), not here.
    """

    intro = RichTextField(_("introduction"), blank=True, features=["h3", "bold", "italic", "ol", "ul", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")] + CJK_SEARCH_FIELDS
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
    """The live FilingPage's content, in the shape portal's wizard expects:
    the page in the active language, else the one in the default language."""
    from wagtail.rich_text import expand_db_html

    pages = FilingPage.objects.live()
    page = pages.filter(locale=Locale.get_active()).first() or pages.filter(locale=Locale.get_default()).first()
    if page is None:
        return None
    categories = list(page.categories.all())
    return FilingGuidance(
        intro=expand_db_html(page.intro),
        offered_ip_types=tuple(c.ip_type for c in categories) or tuple(IPType.values),
        category_guidance={c.ip_type: expand_db_html(c.guidance) for c in categories if c.guidance},
        page_url=page.url or "",
    )


def _paginate(request, items, per_page: int):
    return Paginator(items, per_page).get_page(request.GET.get("page"))


# --- typical cases (典型案例) -------------------------------------------------------------------

class CaseStudyIndexPage(CJKSearchMixin, Page):
    """The list of typical cases. Drafts are made from closed cases by
    cms.case_studies.create_case_study_draft and reach this list only after
    the "Case study review" workflow assigned to this page approves them."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")] + CJK_SEARCH_FIELDS
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CaseStudyPage"]
    max_count = 1
    per_page = 10

    class Meta:
        verbose_name = _("typical cases index page")

    def studies(self):
        return CaseStudyPage.objects.child_of(self).live().public().order_by("-year", "-first_published_at", "pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        studies = self.studies()
        filters = {"ip": request.GET.get("ip", ""), "year": request.GET.get("year", "")}
        if filters["ip"] in IPType.values:
            studies = studies.filter(ip_type=filters["ip"])
        if filters["year"].isdigit():
            studies = studies.filter(year=int(filters["year"]))
        page_obj = _paginate(request, studies, self.per_page)
        context.update({
            "page_obj": page_obj, "studies": page_obj.object_list, "filters": filters,
            "filtered": any(filters.values()), "ip_choices": IPType.choices,
            "year_choices": sorted(set(self.studies().values_list("year", flat=True)), reverse=True),
        })
        return context


class CaseStudyPage(CJKSearchMixin, Page):
    """A typical case (典型案例): an anonymised account of a closed case.

    `source_case` records which case it was written from, for the centre's
    own reference; it is shown in the back office only, never on the public
    page, in search or in any listing.
    """

    ip_type = models.CharField(_("type of right"), max_length=20, choices=IPType.choices)
    track = models.CharField(_("track"), max_length=20, choices=Track.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    year = models.PositiveSmallIntegerField(_("year closed"))
    summary = models.TextField(_("summary"), help_text=_("Two or three sentences for the list of typical cases."))
    facts = RichTextField(_("facts"), features=RICH_TEXT_FEATURES)
    result = RichTextField(_("result"), features=RICH_TEXT_FEATURES)
    significance = RichTextField(_("significance"), blank=True, features=RICH_TEXT_FEATURES,
                                 help_text=_("Why this case is typical: what other parties can learn from it."))
    source_case = models.ForeignKey(
        "portal.Case", verbose_name=_("source case (private)"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("For the centre's reference only; never shown on the public site."))

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("ip_type"), FieldPanel("track"), FieldPanel("outcome"), FieldPanel("year")],
                      heading=_("Case")),
        FieldPanel("summary"),
        FieldPanel("facts"),
        FieldPanel("result"),
        FieldPanel("significance"),
    ]
    private_panels = [MultiFieldPanel([FieldPanel("source_case", read_only=True)], heading=_("Source (private)"))]
    edit_handler = TabbedInterface([
        ObjectList(content_panels, heading=_("Content")),
        ObjectList(Page.promote_panels, heading=_("Promote")),
        ObjectList(Page.settings_panels, heading=_("Settings")),
        ObjectList(private_panels, heading=_("Source (private)")),
    ])
    search_fields = Page.search_fields + [
        index.SearchField("summary"), index.SearchField("facts"), index.SearchField("result"),
        index.SearchField("significance"), index.FilterField("ip_type"), index.FilterField("year"),
    ] + CJK_SEARCH_FIELDS
    parent_page_types = ["cms.CaseStudyIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("typical case")
        verbose_name_plural = _("typical cases")


# --- statistics --------------------------------------------------------------------------------

class StatisticsPage(CJKSearchMixin, Page):
    """Live figures from the case database (cms.statistics), by year, as
    charts with data tables, and as CSV at `?format=csv`."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    notes = RichTextField(_("notes on the figures"), blank=True, features=RICH_TEXT_FEATURES,
                          help_text=_("How the figures are counted; shown below them."))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("notes")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("notes")] + CJK_SEARCH_FIELDS
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("statistics page")

    @staticmethod
    def requested_year(request) -> int | None:
        year = request.GET.get("year", "")
        return int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None

    def serve(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            from cms.statistics import compute_figures, figures_csv

            year = self.requested_year(request)
            response = HttpResponse(figures_csv(compute_figures(year=year)), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="statistics-{year or "all"}.csv"'
            return response
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from cms.statistics import compute_figures

        context = super().get_context(request, *args, **kwargs)
        context["figures"] = compute_figures(year=self.requested_year(request))
        return context


# --- repeat and wilful infringer list ----------------------------------------------------------

class InfringerListPage(CJKSearchMixin, Page):
    """The public repeat and wilful infringer list (重复侵权、故意侵权企业名录).

    Shows only entries a case manager approved, that have not expired and are
    not suspended by an objection (cms.infringers). Entries are managed in the
    back office (Infringer list), not here."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    objection_info = RichTextField(
        _("how to object"), blank=True, features=RICH_TEXT_FEATURES,
        help_text=_("Shown under the list: how a listed company can object to its entry."))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("objection_info")]
    search_fields = Page.search_fields + [index.SearchField("intro")] + CJK_SEARCH_FIELDS
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    per_page = 20

    class Meta:
        verbose_name = _("infringer list page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        page_obj = _paginate(request, InfringerListing.objects.shown().order_by("-approved_at", "pk"), self.per_page)
        context.update({"page_obj": page_obj, "listings": page_obj.object_list})
        return context


# --- news and notices --------------------------------------------------------------------------

class NewsIndexPage(CJKSearchMixin, Page):
    """News and notices, newest first."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")] + CJK_SEARCH_FIELDS
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count = 1
    per_page = 10

    class Meta:
        verbose_name = _("news index page")

    def news(self):
        return NewsPage.objects.child_of(self).live().public().order_by("-date", "-first_published_at", "-pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        page_obj = _paginate(request, self.news(), self.per_page)
        context.update({"page_obj": page_obj, "news_items": page_obj.object_list})
        return context


class NewsPage(CJKSearchMixin, Page):
    """A news item or notice."""

    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.CharField(_("introduction"), max_length=300, blank=True,
                             help_text=_("Shown in the news list and in search results."))
    body = StreamField(BodyBlock(), use_json_field=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("date"), FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body"),
                                          index.FilterField("date")] + CJK_SEARCH_FIELDS
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")


# --- rules and fees ----------------------------------------------------------------------------

class RulesPage(CJKSearchMixin, Page):
    """Rules of the centre (mediation rules, arbitration rules, fees).

    With `show_fee_schedule`, the fee table and calculator are rendered below
    the body when an app provides them (cms.fees; the arbitration app does)."""

    summary = models.CharField(_("summary"), max_length=300, blank=True,
                               help_text=_("Shown in lists and search results."))
    body = StreamField(BodyBlock(), use_json_field=True, verbose_name=_("body"))
    show_fee_schedule = models.BooleanField(
        _("show the fee table and calculator"), default=False,
        help_text=_("Shown only when the arbitration fee schedule is available."))

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body"), FieldPanel("show_fee_schedule")]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")] + CJK_SEARCH_FIELDS
    parent_page_types = ["cms.HomePage", "cms.RulesPage"]
    subpage_types = ["cms.RulesPage"]

    class Meta:
        verbose_name = _("rules page")

    def get_context(self, request, *args, **kwargs):
        from cms.fees import fee_schedule

        context = super().get_context(request, *args, **kwargs)
        context["sub_rules"] = RulesPage.objects.child_of(self).live().public()
        context["fee_schedule"] = fee_schedule(request, self) if self.show_fee_schedule else None
        return context
