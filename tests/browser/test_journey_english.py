"""Journey, in English: a visitor on the Chinese site switches to English,
goes from the English home page to the filing page, logs in and files a dispute
through the wizard, which is in English throughout; the case is created and
shown in English.

On every page of the way the interface is English: <html lang="en">, the
expected English labels, and no Chinese text except what users typed or their
account holds (names), and text marked up as Chinese on purpose (the language
switcher's "简体中文": a language is offered in its own name; the centre's
official Chinese name in the footer).

Screenshots: test-artifacts/screenshots/80-… to 86-…."""

import re

import pytest
from django.utils import translation

from portal.models import Case, CaseState
from tests.browser.conftest import DEMO_PASSWORD
from tests.factories import PNG_BYTES

# serialized_rollback restores the Wagtail root page and locale that migrations create.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CLAIMANT_NAME = "杭州西湖龙井茶业有限公司"  # the demo claimant's company, pre-filled from the account
RESPONDENT_NAME = "Yiwu Example Tea Shop"
# Chinese, Japanese and Korean characters and their punctuation and full-width forms.
CJK = re.compile(r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")


def user_data() -> list[str]:
    """Text that comes from users, not from the interface: names of parties and
    people, and case titles (made of party names), as stored; the demo data is
    in Chinese. Longest first, so that a title goes before the names in it."""
    from portal.models import Party, User

    data = set(Party.objects.values_list("name", flat=True)) | set(User.objects.values_list("full_name", flat=True))
    data |= {case.title for case in Case.objects.all()}
    return sorted((d for d in data if d), key=len, reverse=True)


# The page's visible text, leaving out what is marked up as being in another
# language (the switcher's "简体中文", the centre's official Chinese name in the
# footer) and what is hidden from assistive technology (the decorative brand mark).
VISIBLE_INTERFACE_TEXT = """() => {
  const skip = [...document.body.querySelectorAll('[lang]:not([lang|="en"]), [aria-hidden="true"]')];
  const before = skip.map((el) => el.style.display);
  skip.forEach((el) => { el.style.display = "none"; });
  const text = document.body.innerText;
  skip.forEach((el, i) => { el.style.display = before[i]; });
  return text;
}"""


class EnglishCheck:
    """Checks that a page is in English: its language, the labels we expect,
    and no Chinese outside user data. Every page's findings are kept and
    reported together at the end, so one run shows every untranslated string."""

    def __init__(self):
        self.problems = []

    def __call__(self, page, *, expect: tuple[str, ...] = ()):
        found = []
        if page.locator("html").get_attribute("lang") != "en":
            found.append(f"<html lang={page.locator('html').get_attribute('lang')!r}>")
        text = page.evaluate(VISIBLE_INTERFACE_TEXT)
        found += [f"{label!r} missing" for label in expect if label not in text]
        title = page.title()
        for data in user_data():
            text, title = text.replace(data, " "), title.replace(data, " ")
        found += [f"Chinese: {text[max(0, m.start() - 40):m.end() + 40]!r}" for m in CJK.finditer(text)]
        if CJK.search(title):
            found.append(f"Chinese in the title {page.title()!r}")
        path = page.url.split("/", 3)[-1]
        self.problems += [f"/{path}: {problem}" for problem in found]

    def assert_none(self):
        assert not self.problems, "pages not (only) in English:\n" + "\n".join(self.problems)


def test_the_filing_wizard_in_english(new_page, shot, seed_people_and_pages):
    seed_people_and_pages()
    assert_english = EnglishCheck()
    page = new_page(locale="zh-CN")  # a browser that prefers Chinese: the choice is the visitor's

    # The Chinese home page; the visitor switches to English.
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    with page.expect_navigation():
        page.locator("header .lang-switch").get_by_role("link", name="English").click()
    assert re.search(r"/en/$", page.url), page.url
    assert_english(page, expect=("File a dispute", "Log in"))
    shot(page, "80-english-home")

    # The English filing page leads, through the login, to the wizard.
    with page.expect_navigation():
        page.click(".hero a.button")  # File a dispute
    assert "/en/" in page.url
    assert_english(page, expect=("Start filing", "Disputes we handle"))
    shot(page, "81-english-filing-page")
    with page.expect_navigation():
        page.click("main .actions a.button")  # Start filing: log in first
    assert "/accounts/login/" in page.url
    assert_english(page, expect=("Log in", "Password"))
    page.fill("input[name=username]", "claimant@demo.test")
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form button.primary")
    page.wait_for_url(re.compile(r"/cases/file/$"))
    assert_english(page, expect=("File a dispute", "Start a new filing", "Start"))
    with page.expect_navigation():
        page.click("main form button.primary")

    # 1. Claimants.
    page.wait_for_url(re.compile(r"/cases/file/.+/claimants/$"))
    short_ref = page.inner_text("h1 .muted").strip()
    assert page.input_value("input[name='claimant-0-name']") == CLAIMANT_NAME
    assert_english(page, expect=("Claimants", "Who is filing", "Save and continue", "Save draft"))
    shot(page, "82-english-wizard-claimants")
    page.fill("input[name='claimant-0-address']", "1 Longjing Road, Xihu District, Hangzhou")
    page.click("button[name=next]")

    # 2. Respondents.
    page.wait_for_url(re.compile(r"/respondents/$"))
    assert_english(page, expect=("Respondents", "Back"))
    page.fill("input[name='respondent-0-name']", RESPONDENT_NAME)
    page.fill("input[name='respondent-0-shop_url']", "https://shop.example.cn/store/42")
    page.click("button[name=next]")

    # 3. IP rights.
    page.wait_for_url(re.compile(r"/rights/$"))
    assert_english(page, expect=("Trademark",))
    page.select_option("select[name='rights-0-ip_type']", "trademark")
    page.fill("input[name='rights-0-title']", "West Lake Longjing word and device mark")
    page.fill("input[name='rights-0-registration_number']", "12345678")
    page.fill("input[name='rights-0-holder']", "Hangzhou West Lake Longjing Tea Co., Ltd.")
    shot(page, "83-english-wizard-rights")
    page.click("button[name=next]")

    # 4. Facts and claims.
    page.wait_for_url(re.compile(r"/claims/$"))
    assert_english(page)
    page.fill("textarea[name=facts]", "The respondent sells counterfeit West Lake Longjing tea in its online shop.")
    page.fill("input[name=claim_amount]", "30000")
    page.check("input[name=claim_cease_infringement]")
    page.click("button[name=next]")

    # 5. Evidence.
    page.wait_for_url(re.compile(r"/evidence/$"))
    assert_english(page, expect=("Upload", "No files yet."))
    page.set_input_files("input[name=file]", files=[{"name": "listing.png", "mimeType": "image/png",
                                                     "buffer": PNG_BYTES}])
    page.fill("input[name=description]", "The infringing listing")
    with page.expect_navigation():
        page.click("button[name=upload]")
    page.wait_for_selector("text=listing.png")
    assert_english(page, expect=("The infringing listing", "Remove"))
    shot(page, "84-english-wizard-evidence")
    page.click("form button[name=next]")

    # 6. Track.
    page.wait_for_url(re.compile(r"/track/$"))
    assert_english(page, expect=("Mediation", "Arbitration"))
    page.check("input[name=track][value=mediation]")
    page.click("button[name=next]")

    # 7. Review and submit.
    page.wait_for_url(re.compile(r"/review/$"))
    assert_english(page, expect=("Submit to the centre", RESPONDENT_NAME))
    shot(page, "85-english-wizard-review")
    with page.expect_navigation():
        page.click("main form button.primary")

    # The case is created, and its page is in English.
    page.wait_for_selector(".badge.submitted")
    assert page.inner_text(".page-head .badge").strip() == "Submitted"
    assert_english(page, expect=(f"Filing {short_ref}", "Case number", "Track", "Mediation", RESPONDENT_NAME))
    shot(page, "86-english-case-submitted")
    case = Case.objects.get(parties__name=RESPONDENT_NAME)
    assert case.state == CaseState.SUBMITTED and case.short_ref == short_ref
    assert case.created_by.email == "claimant@demo.test" and case.track == "mediation"
    assert_english.assert_none()

    # Back on the Chinese site, the same case page follows the visitor's new choice.
    with page.expect_navigation():
        page.locator("header .lang-switch").get_by_role("button", name="简体中文").click()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    with translation.override("zh-hans"):
        assert page.inner_text(".page-head .badge").strip() == str(CaseState.SUBMITTED.label)
