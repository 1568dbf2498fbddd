"""Journey: a rights holder files through the wizard, the case manager (with
TOTP) dockets it, and the rights holder sees the case number."""

import base64
import re

import pytest
from django_otp.oath import totp

from portal.models import Case, CaseState

# serialized_rollback restores the Wagtail root page and locale that migrations create.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "demo12345"


def log_in(page, email):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button.primary")


def log_out(page):
    page.click("header form button.link-button")


def test_claimant_files_manager_dockets_claimant_sees_number(new_page, shot, seed_demo):
    seed_demo()
    page = new_page()

    # The public site, in Chinese, leads to the filing page and the wizard.
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    shot(page, "01-home")
    log_in(page, "claimant@demo.test")
    page.goto("/")
    page.click(".hero a.button")  # 提交纠纷
    shot(page, "02-filing-page")
    page.click("main .actions a.button")  # 开始填写
    page.click("form button.primary")  # start a new filing
    page.wait_for_url(re.compile(r"/cases/file/.+/claimants/"))

    # 1. Claimants: pre-filled from the account; the filer acts for themselves.
    assert page.input_value("input[name='claimant-0-name']") == "杭州西湖龙井茶业有限公司"
    page.fill("input[name='claimant-0-address']", "浙江省杭州市西湖区龙井路 1 号")
    shot(page, "03-wizard-claimants")
    page.click("button[name=next]")

    # 2. Respondents.
    page.wait_for_url(re.compile(r"/respondents/$"))
    page.fill("input[name='respondent-0-name']", "义乌市某某网店")
    page.fill("input[name='respondent-0-shop_url']", "https://shop.example.cn/store/42")
    page.click("button[name=next]")

    # 3. IP rights, with the editor's guidance per category.
    page.wait_for_url(re.compile(r"/rights/$"))
    page.select_option("select[name='rights-0-ip_type']", "trademark")
    page.fill("input[name='rights-0-title']", "“西湖龙井”图文商标")
    page.fill("input[name='rights-0-registration_number']", "第 12345678 号")
    page.fill("input[name='rights-0-holder']", "杭州西湖龙井茶业有限公司")
    shot(page, "04-wizard-rights")
    page.click("button[name=next]")

    # 4. Facts and claims.
    page.wait_for_url(re.compile(r"/claims/$"))
    page.fill("textarea[name=facts]", "被申请人在其网店销售假冒“西湖龙井”商标的茶叶。")
    page.fill("input[name=claim_amount]", "30000")
    page.check("input[name=claim_cease_infringement]")
    page.click("button[name=next]")

    # 5. Evidence: an upload, fingerprinted on arrival.
    page.wait_for_url(re.compile(r"/evidence/$"))
    from tests.factories import PNG_BYTES

    page.set_input_files("input[name=file]", files=[{"name": "网店截图.png", "mimeType": "image/png",
                                                     "buffer": PNG_BYTES}])
    page.fill("input[name=description]", "被控侵权商品页面")
    page.click("button[name=upload]")
    page.wait_for_selector("text=网店截图.png")
    shot(page, "05-wizard-evidence")
    page.click("button[name=next]")

    # 6. Track: mediation.
    page.wait_for_url(re.compile(r"/track/$"))
    page.check("input[name=track][value=mediation]")
    page.click("button[name=next]")

    # 7. Review and submit.
    page.wait_for_url(re.compile(r"/review/$"))
    shot(page, "06-wizard-review")
    page.click("main form button.primary")
    page.wait_for_selector(".badge.submitted")
    shot(page, "07-submitted")
    case = Case.objects.filter(state=CaseState.SUBMITTED, parties__name="义乌市某某网店").get()
    log_out(page)

    # The case manager enrols TOTP (reading the key off the page) and dockets.
    log_in(page, "manager@demo.test")
    page.wait_for_url(re.compile(r"/accounts/2fa/setup/"))
    secret = page.inner_text("code.secret").strip()
    page.fill("input[name=token]", f"{totp(base64.b32decode(secret)):06d}")
    page.click("form button.primary")
    page.goto("/cases/queue/")
    shot(page, "08-intake-queue")
    page.click(f"text={case.short_ref}")
    page.click("button[data-action=docket]")
    page.wait_for_selector(".badge.docketed")
    case.refresh_from_db()
    assert case.number and re.fullmatch(r"ZJIP-M-\d{4}-\d{6}", case.number)
    shot(page, "09-docketed")
    log_out(page)

    # The claimant sees the case number on the dashboard.
    log_in(page, "claimant@demo.test")
    page.goto("/dashboard/")
    assert page.locator(f"text={case.number}").count() >= 1
    shot(page, "10-claimant-dashboard")


def test_wizard_works_at_mobile_width(new_page, shot, seed_demo):
    seed_demo()
    page = new_page(width=390)
    log_in(page, "claimant@demo.test")
    page.goto("/dashboard/")
    shot(page, "11-dashboard-mobile")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
