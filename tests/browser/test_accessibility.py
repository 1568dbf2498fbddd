"""Accessibility of the public site in both languages: axe-core's WCAG 2.1 A and
AA rules find no serious or critical violation; the language switcher leads to
the same page in the other language.

axe-core is fetched from the npm registry once, into var/axe/ (tests/browser/axe.py)."""

import json

import pytest
from wagtail.models import Locale

from cms.models import (
    CaseStudyIndexPage,
    CaseStudyPage,
    FilingPage,
    GuidePage,
    HomePage,
    InfringerListPage,
    NeutralDirectoryPage,
    NewsIndexPage,
    NewsPage,
    RulesPage,
    StatisticsPage,
)
from portal.models import NeutralProfile
from tests.browser.axe import NpmMissingError, blocking, describe, ensure_axe, run_axe
from tests.browser.conftest import ARTIFACTS, outside_event_loop

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# (language code, browser locale, <html lang>, a search that finds something)
LANGUAGES = [("zh-hans", "zh-CN", "zh-Hans", "司法确认"), ("en", "en-US", "en", "judicial confirmation")]


@pytest.fixture(scope="module")
def axe_script():
    try:
        return ensure_axe().read_text()
    except NpmMissingError as missing:
        pytest.skip(str(missing))


def public_urls(language_code: str, search: str) -> list[str]:
    """One page of each kind in this language, and the app pages the public uses."""
    from urllib.parse import urlencode

    locale = Locale.objects.get(language_code=language_code)

    def url(model, **filters):
        return model.objects.live().filter(locale=locale, **filters).first().url

    directory = url(NeutralDirectoryPage)
    profile = NeutralProfile.objects.public().order_by("pk").first()
    prefix = "" if language_code == "zh-hans" else f"/{language_code}"
    return [
        url(HomePage), url(GuidePage, slug="how-to-file"), url(FilingPage), directory, f"{directory}{profile.pk}/",
        url(RulesPage, slug="rules"), url(RulesPage, slug="mediation-rules"), url(CaseStudyIndexPage),
        url(CaseStudyPage), url(StatisticsPage), url(InfringerListPage), url(NewsIndexPage), url(NewsPage),
        f"{prefix}/search/?{urlencode({'q': search})}", "/notary/verify/", "/accounts/login/",
    ]


def test_public_pages_have_no_serious_or_critical_wcag_violations(new_page, seed_demo, axe_script, shot):
    seed_demo()
    failures, report = [], {}
    for language_code, browser_locale, html_lang, search in LANGUAGES:
        urls = public_urls(language_code, search)
        page = new_page(locale=browser_locale)
        for url in urls:
            response = page.goto(url)
            assert response.ok, url
            assert page.locator("html").get_attribute("lang") == html_lang, url
            report[url] = run_axe(page, axe_script)
            if violations := blocking(report[url]):
                failures.append(describe(url, violations))
        page.goto(urls[0])
        shot(page, f"a11y-{language_code}-home")
        page.goto(urls[9])
        shot(page, f"a11y-{language_code}-statistics")
    # Every violation, minor and moderate too, for people to read.
    (ARTIFACTS.parent / "axe-report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    assert not failures, "axe-core found serious or critical violations:\n" + "\n".join(failures)


def test_language_switcher_leads_to_the_same_page_in_the_other_language(new_page):
    from cms.demo import seed_pages

    outside_event_loop(seed_pages)
    english = Locale.objects.get(language_code="en")
    study = CaseStudyPage.objects.live().filter(locale=Locale.get_default()).first()
    page = new_page()

    page.goto(study.url)
    switcher = page.locator("header .lang-switch")
    assert switcher.locator("[aria-current=true]").inner_text() == "简体中文"
    switcher.get_by_role("link", name="English").click()
    page.wait_for_url(f"**{study.get_translation(english).url}")
    assert page.locator("html").get_attribute("lang") == "en"
    assert switcher.locator("[aria-current=true]").inner_text() == "English"

    # App pages have one URL in both languages; the English site carried the choice there.
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    with page.expect_navigation():
        switcher.get_by_role("button", name="简体中文").click()
    assert page.locator("html").get_attribute("lang") == "zh-Hans" and page.url.endswith("/accounts/login/")
