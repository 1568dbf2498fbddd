"""Which language a request is served in.

The public site (the Wagtail page tree and site search) has one URL per
language: Chinese at `/…`, English at `/en/…` (`i18n_patterns` with
`prefix_default_language=False` in portal.urls), so that each language can be
linked to, bookmarked and indexed. App pages (accounts, dashboard, cases,
mediation, arbitration, notary) have one URL in both languages and follow the
language the user chose with the switcher (the `django_language` cookie set by
/i18n/setlang/), else the browser's.

Django's own LocaleMiddleware serves *every* unprefixed URL in LANGUAGE_CODE as
soon as `i18n_patterns` is used; this one does that only for URLs inside them.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import LocalePrefixPattern, Resolver404, get_resolver
from django.utils import translation


def has_language_urls(path: str, urlconf=None) -> bool:
    """Whether `path` is one of the URLs that exist once per language (the public site)."""
    if translation.get_language_from_path(path):
        return True
    # Resolved with the default language active: its prefix is empty.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            match = get_resolver(urlconf).resolve(path)
        except Resolver404:
            return False
    top_pattern = match.tried[-1][0] if match.tried else None
    return isinstance(getattr(top_pattern, "pattern", None), LocalePrefixPattern)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Public pages: the language of the URL. App pages: the user's choice or the browser's.

    When a public page is served in another language than app pages would be,
    the language cookie is updated, so that someone reading the English site
    who goes on to log in or file a case stays in English."""

    def process_request(self, request):
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        request.has_language_urls = has_language_urls(request.path_info, urlconf)
        if request.has_language_urls:
            language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        else:
            language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if (getattr(request, "has_language_urls", False) and response.status_code == 200
                and response.get("Content-Type", "").startswith("text/html")):
            language = request.LANGUAGE_CODE
            if translation.get_language_from_request(request, check_path=False) != language:
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                    path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                    secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE)
        return response
