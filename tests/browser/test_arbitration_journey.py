"""Journey: an expedited arbitration in the browser, from the docketed request
to the issued award. The case manager assesses the fees, the claimant pays on
the simulated gateway, the manager serves the notice, the respondent takes the
case from the emailed link and answers, the manager appoints the sole
arbitrator who accepts, the arbitrator issues an order, closes the proceedings,
drafts and signs the award, the manager issues it and both parties download the
award; it carries the platform's verifying PDF signature, and the enforcement
packet the claimant downloads holds the very same file, which (like every file
in the packet) passes `python -m notary.verify`. Each person uses their own
browser context."""

import hashlib
import re

import pytest
from django.core import mail
from django.utils import translation

from arbitration.models import Arbitration, ArbitrationState
from portal.demo.seed import _ref
from portal.models import Case, User
from tests.browser.conftest import verify_packet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "demo12345"
S = ArbitrationState


def log_in(page, email):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button.primary")
    page.wait_for_load_state()
    if "/accounts/2fa/" in page.url:  # staff enrol TOTP on their first login
        import base64

        from django_otp.oath import totp

        secret = page.inner_text("code.secret").strip()
        page.fill("input[name=token]", f"{totp(base64.b32decode(secret)):06d}")
        page.click("form button.primary")
        page.wait_for_load_state()


def person(new_page, email, *, width=1280):
    page = new_page(width=width)
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm buttons
    log_in(page, email)
    return page


def act(page, name, *, fill=None, select=None):
    """Fill the panel's form for one action, submit it and wait for the next page."""
    form = f"form[action$='/actions/{name}/']"
    for field, value in (fill or {}).items():
        page.fill(f"{form} [name={field}]", value)
    for field, value in (select or {}).items():
        page.select_option(f"{form} select[name={field}]", value)
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")
    errors = page.locator(".message.error")
    assert errors.count() == 0, errors.all_inner_texts()


def state(case) -> str:
    return Arbitration.objects.get(case=case).state


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def download(page, selector: str, tmp_path):
    """Click a download link; returns the saved file's path."""
    with page.expect_download() as started:
        page.click(selector)
    path = tmp_path / f"{len(list(tmp_path.iterdir()))}-{started.value.suggested_filename}"
    started.value.save_as(path)
    return path


def test_expedited_arbitration_from_fees_to_the_enforcement_packet(new_page, shot, seed_demo, settings, tmp_path):
    settings.PORTAL_PUBLIC_URL = ""  # links in emails are relative to the live server
    seed_demo()
    case = Case.objects.get(ref=_ref("c1-docketed-a"))
    case.parties.filter(side="respondent").update(user=None)  # the respondent has no account on it yet
    rule_set = Arbitration.objects.get(case=case).rule_set
    assert state(case) == S.FILED and rule_set.code == "expedited" and rule_set.tribunal_size == 1
    panel = f"/arbitration/{case.number}/"
    arbitrator = User.objects.get(email="arbitrator@demo.test")

    manager = person(new_page, "manager@demo.test")
    manager.goto(panel)
    # The panel says which procedure applies: the expedited one, with a sole arbitrator.
    procedure = manager.locator("main dl dt").filter(has_text=re.compile(rf"^{re.escape(zh('Procedure'))}$"))
    assert procedure.locator("xpath=following-sibling::dd[1]").inner_text().strip() == rule_set.name
    shot(manager, "50-arbitration-filed")
    act(manager, "assess_fees")
    assert state(case) == S.FEES_ASSESSED

    # The claimant pays on the simulated gateway.
    claimant = person(new_page, "claimant@demo.test")
    claimant.goto(panel)
    with claimant.expect_navigation():
        claimant.click("form[action$='/actions/pay/'] button")
    assert "/arbitration/payments/dev/" in claimant.url
    shot(claimant, "51-arbitration-dev-gateway")
    with claimant.expect_navigation():
        claimant.click("main form button.primary")
    assert state(case) == S.FEES_PAID
    assert claimant.locator("#fees .badge.docketed").count() == 1

    # The manager serves the notice; the respondent follows the emailed link.
    mail.outbox.clear()
    manager.goto(panel)
    act(manager, "serve_notice")
    assert state(case) == S.NOTICE_SERVED
    notice = next(m for m in mail.outbox if m.to == ["respondent@demo.test"] and "/arbitration/notices/" in m.body)
    link = re.search(r"(/arbitration/notices/[^/\s]+/)", notice.body).group(1)
    respondent = new_page()
    respondent.goto(link)
    shot(respondent, "52-arbitration-notice")
    log_in(respondent, "respondent@demo.test")
    respondent.goto(link)
    with respondent.expect_navigation():
        respondent.click("main form button.primary")
    assert respondent.url.endswith(panel)
    act(respondent, "answer", fill={"text": "被申请人销售的商品系合法购进，不同意申请人的全部请求。"})
    shot(respondent, "53-arbitration-answer-filed")
    act(respondent, "begin_constitution")
    assert state(case) == S.CONSTITUTION

    # The centre appoints the sole arbitrator, who discloses and accepts.
    manager.goto(panel)
    assert zh("A sole arbitrator, appointed by the centre; each side may propose one.") in \
        manager.inner_text("#tribunal")
    act(manager, "appoint", select={"arbitrator": str(arbitrator.pk)})
    judge = person(new_page, "arbitrator@demo.test")
    judge.goto("/dashboard/")
    shot(judge, "54-arbitrator-dashboard")
    judge.click(f"a[href='{panel}#appointment']")
    act(judge, "accept_seat", fill={"disclosure": ""})
    manager.goto(panel)
    act(manager, "constitute")
    assert state(case) == S.CONSTITUTED
    members = manager.locator("#tribunal table.data tbody tr:not(.subrow)")
    assert members.count() == 1 and arbitrator.full_name in members.inner_text()  # the sole arbitrator
    assert members.locator(".badge.docketed").count() == 1  # accepted

    # The arbitrator runs the proceedings and drafts and signs the award.
    judge.goto(panel)
    act(judge, "issue_order", fill={"title": "程序令（一）", "text": "双方于十日内提交书面意见和证据。"})
    assert state(case) == S.PROCEEDINGS
    act(judge, "close_proceedings")
    act(judge, "draft_award", fill={
        "claims": "1. 被申请人停止销售侵权商品；2. 赔偿经济损失。",
        "findings": "申请人是涉案商标的权利人；被申请人在网店销售使用相同标识的茶叶。",
        "reasoning": "被申请人未经许可在同一种商品上使用相同商标，构成商标侵权。",
        "operative": "被申请人立即停止销售侵权商品。\n被申请人赔偿申请人经济损失人民币 50,000 元。",
        "claimant_percent": "0"})
    assert state(case) == S.AWARD_DRAFTED
    act(judge, "sign_award", fill={"password": PASSWORD})
    assert f"✔ {arbitrator.full_name}" in judge.inner_text("#award")  # the sole arbitrator's signature
    shot(judge, "55-arbitration-award-signed")

    # The centre issues the award; the claimant downloads it and the enforcement packet.
    manager.goto(panel)
    act(manager, "issue_award")
    assert state(case) == S.AWARD_ISSUED
    claimant.goto(panel)
    assert claimant.locator("#award .badge.docketed").inner_text() == zh("issued")
    award_pdf = download(claimant, "a[data-download=award]", tmp_path)
    assert award_pdf.suffix == ".pdf"
    award = award_pdf.read_bytes()
    assert award.startswith(b"%PDF-")
    # The platform's PAdES signature covers the whole file and chains to the centre's CA.
    from notary.cms import verify_pdf_signature
    from notary.keys import local_pki

    signature = verify_pdf_signature(award, trusted_cert=local_pki().root_cert)
    assert signature.trusted and signature.byte_range[2] + signature.byte_range[3] == len(award)
    # The respondent downloads the same award.
    respondent.goto(panel)
    assert respondent.locator("#award .badge.docketed").inner_text() == zh("issued")
    assert download(respondent, "a[data-download=award]", tmp_path).read_bytes() == award
    shot(respondent, "56a-arbitration-award-respondent")
    # The enforcement packet holds that award; every file in it verifies offline.
    packet = download(claimant, "a[data-download=packet]", tmp_path)
    assert packet.name.endswith(f"{case.number}-enforcement-packet.zip")
    reports = verify_packet(packet, tmp_path / "packet")
    awards = [name for name in reports if name.startswith("裁决书")]
    assert len(awards) == 1, sorted(reports)
    assert (tmp_path / "packet" / "files" / awards[0]).read_bytes() == award
    assert hashlib.sha256(award).hexdigest() in reports[awards[0]]
    shot(claimant, "56-arbitration-award-issued")

    # The same panel on a phone.
    phone = person(new_page, "claimant@demo.test", width=390)
    phone.goto(panel)
    shot(phone, "57-arbitration-award-issued-mobile")


def test_fee_calculator_answers_in_place_with_javascript(new_page, shot):
    page = new_page()
    page.goto("/arbitration/fees/calculator/")
    page.fill("form[data-fee-calculator] input[name=amount]", "50000.01")
    page.wait_for_selector("[data-fee-result] .fee-quote")
    assert "/fees/calculator/" in page.url and "amount=" not in page.url  # no page load: fetched as JSON
    assert "2,550.00" in page.inner_text("[data-fee-result]") or "2550.00" in page.inner_text("[data-fee-result]")
    page.fill("form[data-fee-calculator] input[name=amount]", "-3")
    page.click("form[data-fee-calculator] button[type=submit]")
    shot(page, "58-arbitration-fee-calculator")
