"""Journey: the respondent takes the case from the emailed link and consents,
the centre assigns the mediator who accepts and drafts the agreement, both
parties sign it in the browser, and they apply jointly for judicial
confirmation; the clerk downloads the packet and records the ruling."""

import re

import pytest
from django.core import mail

from mediation.models import Mediation, MediationState
from portal.models import Case, Court, User
from portal.services import intake
from tests.browser.conftest import outside_event_loop

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "demo12345"


def log_in(page, email):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button.primary")


def log_out(page):
    page.click("header form button.link-button")


def test_mediation_from_invitation_to_court_ruling(new_page, shot, seed_demo, settings):
    settings.PORTAL_PUBLIC_URL = ""  # links in emails are relative to the live server
    seed_demo()
    # A trademark or copyright dispute: a basic court (the centre's district) may confirm it.
    case = Case.objects.filter(state="submitted", channel="online").exclude(
        ip_rights__ip_type__in=["patent", "plant_variety", "trade_secret"]).first()
    claimant_email = case.created_by.email
    case.parties.filter(side="respondent").update(email="respondent@demo.test", user=None)
    mail.outbox.clear()
    manager = User.objects.get(email="manager@demo.test")
    outside_event_loop(lambda: intake.docket_case(case=case, by=manager))
    case.refresh_from_db()
    invitation = next(m for m in mail.outbox if m.to == ["respondent@demo.test"] and "/mediation/invitations/" in m.body)
    link = re.search(r"(/mediation/invitations/[^/\s]+/)", invitation.body).group(1)

    page = new_page()
    # The respondent follows the link, logs in, takes the case and consents.
    page.goto(link)
    shot(page, "30-invitation")
    log_in(page, "respondent@demo.test")
    page.goto(link)
    page.click("main form button.primary")
    page.wait_for_url(re.compile(r"/mediation/"))
    page.click("form[action$='/actions/consent/'] button")
    page.wait_for_selector("text=同意调解时间")
    log_out(page)

    # The case manager (TOTP enrolled on the spot) assigns the mediator.
    log_in(page, "manager@demo.test")
    if "/accounts/2fa/" in page.url:
        import base64

        from django_otp.oath import totp

        secret = page.inner_text("code.secret").strip()
        page.fill("input[name=token]", f"{totp(base64.b32decode(secret)):06d}")
        page.click("form button.primary")
    page.goto(f"/mediation/{case.number}/")
    page.select_option("select[name=mediator]", str(User.objects.get(email="mediator@demo.test").pk))
    page.click("form[action$='/actions/propose/'] button")
    log_out(page)

    # The mediator accepts and drafts the agreement.
    log_in(page, "mediator@demo.test")
    page.goto(f"/mediation/{case.number}/")
    page.click("form[action$='/actions/accept/'] button")
    page.fill("input[name=payment_amount]", "15000")
    page.check("input[name=cease_infringement]")
    page.fill("textarea[name=remove_urls]", "https://shop.example.cn/store/10086/item/7")
    page.fill("input[name=remove_by]", "2026-12-20")
    page.click("form[action$='/actions/draft/'] button.primary")
    page.wait_for_selector("text=SHA-256")
    shot(page, "31-agreement-drafted")
    log_out(page)

    # Both parties sign the exact version, re-entering their password.
    for email in (claimant_email, "respondent@demo.test"):
        log_in(page, email)
        page.goto(f"/mediation/{case.number}/")
        page.fill("form[action$='/actions/sign/'] input[name=password]", PASSWORD)
        page.click("form[action$='/actions/sign/'] button.primary")
        page.wait_for_selector(".messages")
        if email.startswith("respondent"):
            shot(page, "32-agreement-signed")
        log_out(page)
    assert Mediation.objects.get(case=case).state == MediationState.AGREEMENT_SIGNED

    # Both apply jointly to the court of the centre's district.
    for email in (claimant_email, "respondent@demo.test"):
        log_in(page, email)
        page.goto(f"/mediation/{case.number}/")
        page.fill("form[action$='/actions/apply/'] input[name=password]", PASSWORD)
        page.click("form[action$='/actions/apply/'] button.primary")
        page.wait_for_selector(".messages")
        log_out(page)
    mediation = Mediation.objects.get(case=case)
    assert mediation.state == MediationState.CONFIRMATION_APPLIED
    assert mediation.confirmation.court == Court.objects.get(name="杭州市西湖区人民法院")

    # The clerk downloads the packet and records the ruling.
    log_in(page, "clerk@demo.test")
    page.goto("/dashboard/")
    assert page.locator(f"text={case.number}").count() >= 1
    page.goto(f"/mediation/{case.number}/")
    with page.expect_download() as download:
        page.click("a[href$='packet.zip']")
    assert download.value.suggested_filename.endswith("court-packet.zip")
    page.check("input[name=result][value=confirmed]")
    page.fill("input[name=ruling_number]", "（2026）浙0106民特200号")
    page.fill("input[name=ruling_date]", "2026-12-01")
    page.click("form[action$='/ruling/'] button.primary")
    page.wait_for_selector(".messages")
    shot(page, "33-confirmed")
    assert Mediation.objects.get(case=case).state == MediationState.CONFIRMED
