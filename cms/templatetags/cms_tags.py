"""Template tags of the public site: the main navigation links, the language
switcher and SVG bar charts."""

from django import template
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import translate_url
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

register = template.Library()

# Sections of the public site linked from the header, in order: (page model, label).
NAV_SECTIONS = [
    ("NeutralDirectoryPage", _("Mediators and arbitrators")),
    ("CaseStudyIndexPage", _("Typical cases")),
    ("StatisticsPage", _("Statistics")),
    ("RulesPage", _("Rules and fees")),
    ("NewsIndexPage", _("News")),
]


@register.simple_tag(takes_context=True)
def public_nav(context) -> list[tuple[str, str]]:
    """(url, label) of each section's live page in the active language (else the
    default language's), the top-most when there are several.

    Content types come from Django's cache, so this costs the page query (and
    Wagtail's view-restriction query) per request, with the locales' (once per request)."""
    from cms import models as cms_models

    request = context.get("request")
    types = ContentType.objects.get_for_models(*(getattr(cms_models, name) for name, _label in NAV_SECTIONS))
    section_of = {content_type.pk: model._meta.object_name for model, content_type in types.items()}
    active, default = _locales(request)
    candidates = (Page.objects.live().public().filter(content_type__in=types.values(), locale__in={active, default})
                  .order_by("depth", "path"))
    pages = {}
    for page in sorted(candidates, key=lambda page: page.locale_id != active.pk):  # stable: active language first
        pages.setdefault(section_of[page.content_type_id], page)
    links = []
    for name, label in NAV_SECTIONS:
        url = pages[name].get_url(request) if name in pages else None
        if url:
            links.append((url, label))
    return links


def _locales(request) -> tuple[Locale, Locale]:
    """The active and the default locale, looked up once per request."""
    locales = getattr(request, "_cms_locales", None)
    if locales is None:
        codes = [get_supported_content_language_variant(code) for code in (translation.get_language(),
                                                                            settings.LANGUAGE_CODE)]
        found = {locale.language_code: locale for locale in Locale.objects.filter(language_code__in=codes)}
        default = found.get(codes[1]) or Locale.get_default()
        locales = (found.get(codes[0], default), default)
        if request is not None:
            request._cms_locales = locales
    return locales


@register.simple_tag(takes_context=True)
def home_url(context) -> str:
    """The URL of the site's home page in the active language (else the default language's)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else Site.objects.filter(is_default_site=True).first()
    if site is None:
        return "/"
    home = site.root_page
    active, _default = _locales(request)
    if home.locale_id != active.pk:
        translated = home.get_translation_or_none(active)
        home = translated if translated is not None and translated.live else home
    return home.get_url(request) or "/"


def html_lang(language_code: str) -> str:
    """BCP 47 tag for the lang attribute: zh-hans → zh-Hans."""
    return translation.to_locale(language_code).replace("_", "-")


register.filter("html_lang", html_lang)


@register.simple_tag(takes_context=True)
def language_options(context) -> list[dict]:
    """One entry per language for the switcher in the header: code, name (in
    that language), lang (BCP 47), current, and url.

    On the public site (URLs that exist once per language) the url is this
    page in that language: the page's translation (with the same sub-path and
    query for routable pages and filters), else the home page in that language.
    On app pages url is None: the switcher posts to set_language instead."""
    request = context.get("request")
    current = translation.get_language()
    by_url = request is not None and getattr(request, "has_language_urls", False)
    page = context.get("page") if isinstance(context.get("page"), Page) else None
    options = []
    for code, _name in settings.LANGUAGES:
        options.append({
            "code": code, "name": translation.get_language_info(code)["name_local"], "lang": html_lang(code),
            "current": code == current, "url": _url_in_language(request, page, code) if by_url else None,
        })
    return options


def _url_in_language(request, page: Page | None, language_code: str) -> str:
    query = request.GET.urlencode()
    query = f"?{query}" if query else ""
    locale = Locale.objects.filter(language_code=language_code).first()
    if page is None or locale is None:  # a public URL outside the page tree, such as the site search
        return translate_url(request.path, language_code) + query
    if page.locale_id == locale.pk:
        return request.path + query
    translated = page.get_translation_or_none(locale)
    if translated is not None and translated.live:
        page_url = page.get_url(request) or ""
        rest = request.path[len(page_url):] if page_url and request.path.startswith(page_url) else ""
        return (translated.get_url(request) or "/") + rest + query
    site = Site.find_for_request(request)
    home = site.root_page.get_translation_or_none(locale) if site else None
    if home is not None and home.live:
        return home.get_url(request) or "/"
    return translate_url("/", language_code)


BAR_CHART = {"width": 640, "label_width": 200, "row": 34, "bar": 22, "value_gap": 8, "value_room": 60}


@register.inclusion_tag("cms/includes/bar_chart.html")
def bar_chart(bars, title: str, chart_id: str):
    """A horizontal bar chart as inline SVG (role="img", <title>, aria-label)
    followed by the same data as a table, for screen readers and copying."""
    geometry = BAR_CHART
    room = geometry["width"] - geometry["label_width"] - geometry["value_room"]
    top = max((bar.value for bar in bars), default=0) or 1
    rows = []
    for i, bar in enumerate(bars):
        y = i * geometry["row"]
        width = round(room * bar.value / top, 1)
        rows.append({
            "bar": bar, "y": y, "text_y": y + geometry["row"] / 2 + 5, "bar_y": y + (geometry["row"] - geometry["bar"]) / 2,
            "width": width, "value_x": geometry["label_width"] + width + geometry["value_gap"],
        })
    return {
        "title": title, "chart_id": chart_id, "rows": rows, "geometry": geometry,
        "height": max(len(bars), 1) * geometry["row"],
        "label_x": geometry["label_width"] - geometry["value_gap"],
        "description": "; ".join(f"{bar.label}: {bar.value}" for bar in bars),
    }


@register.filter
def percent(value) -> str:
    """0.6667 → "66.7%"; None → "—"."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"


@register.filter
def search_snippet(page, length: int = 200) -> str:
    """Plain text to show under a search result: the page's search description, summary or introduction."""
    for name in ("search_description", "summary", "intro"):
        text = strip_tags(str(getattr(page, name, "") or "")).strip()
        if text:
            return Truncator(text).chars(length)
    return ""
