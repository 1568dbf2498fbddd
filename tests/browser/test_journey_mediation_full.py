"""Journey: a dispute from the filing wizard to a court-confirmed settlement,
entirely in the browser, on a real ASGI server (uvicorn: HTTP and WebSockets).

The rights holder files through the wizard; the case manager (enrolling TOTP on
the spot) dockets it; the respondent takes the link from the invitation email the
server sent, logs in, takes the case into their account and consents; the centre
proposes the mediator, who accepts; the mediator and both parties meet in the
joint room of the live session, each in their own browser context, and every
message typed in one appears in the other two; the respondent makes an offer
the claimant accepts; the mediator drafts the settlement agreement on those
terms and both parties sign it; both sign the joint application for judicial
confirmation; the court clerk downloads the court packet, every file of which
passes `python -m notary.verify` (run as its README says), and records the
ruling, which the rights holder then sees.

Screenshots: test-artifacts/screenshots/60-… to 72-…."""

import datetime
import re

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from mediation.models import MediationState
from portal.models import CaseState, User
from tests.browser.conftest import DEMO_PASSWORD, sign_in, verify_packet
from tests.factories import PNG_BYTES

# serialized_rollback restores the Wagtail root page and locale that migrations create.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CLAIMANT, RESPONDENT = "claimant@demo.test", "respondent@demo.test"
RESPONDENT_NAME = "义乌市某某茶叶网店"
COURT = "杭州市西湖区人民法院"  # the centre's district: it may confirm a trademark settlement
CASE_NUMBER = re.compile(r"ZJIP-M-\d{4}-\d{6}")


def zh(label) -> str:
    """What the Chinese interface shows for an English message or a choice label."""
    with translation.override("zh-hans"):
        return str(translation.gettext(label) if isinstance(label, str) else label)


def badge(page) -> str:
    return page.inner_text(".page-head .badge").strip()


def post(page, form: str, *, fill: dict | None = None, check: tuple = (), choose: dict | None = None):
    """Fill one of the panel's forms, submit it, wait for the next page and
    check it reports no error. `check` holds selectors of boxes and radios to
    tick; `choose` picks, in a select, the option whose text contains a string."""
    for field, value in (fill or {}).items():
        page.fill(f"{form} [name={field}]", value)
    for selector in check:
        page.check(f"{form} {selector}")
    for field, text in (choose or {}).items():
        option = page.locator(f"{form} select[name={field}] option", has_text=text)
        page.select_option(f"{form} select[name={field}]", option.get_attribute("value"))
    with page.expect_navigation():
        page.click(f"{form} button.primary")
    errors = page.locator(".message.error, .errorlist")
    assert errors.count() == 0, errors.all_inner_texts()


def chat_online(page):
    page.wait_for_selector("[data-status][data-state=online]")


def say(page, text: str):
    page.fill("#chat-text", text)
    page.press("#chat-text", "Enter")


def shows(page, text: str):
    """The message is in the page's log as a stored message (not a pending one); returns it."""
    message = page.locator(".chat-log .chat-msg:not(.pending)").filter(
        has=page.locator(".chat-body", has_text=text)).first
    expect(message).to_be_visible()
    return message


def file_through_the_wizard(page, shot) -> str:
    """The rights holder files a trademark dispute; returns the filing's short reference."""
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.click(".hero a.button")  # 提交纠纷: the CMS filing page
    shot(page, "60-mediation-filing-page")
    page.click("main .actions a.button")  # 开始填写
    with page.expect_navigation():
        page.click("main form button.primary")  # start a new filing
    page.wait_for_url(re.compile(r"/cases/file/.+/claimants/$"))
    short_ref = page.inner_text("h1 .muted").strip()
    assert short_ref

    # 1. Claimants: pre-filled from the account.
    assert page.input_value("input[name='claimant-0-name']") == "杭州西湖龙井茶业有限公司"
    page.fill("input[name='claimant-0-address']", "浙江省杭州市西湖区龙井路 1 号")
    page.click("button[name=next]")
    # 2. The respondent, with the email address the invitation will go to.
    page.wait_for_url(re.compile(r"/respondents/$"))
    page.fill("input[name='respondent-0-name']", RESPONDENT_NAME)
    page.fill("input[name='respondent-0-email']", RESPONDENT)
    page.fill("input[name='respondent-0-shop_url']", "https://shop.example.cn/store/10086")
    page.click("button[name=next]")
    # 3. The right.
    page.wait_for_url(re.compile(r"/rights/$"))
    page.select_option("select[name='rights-0-ip_type']", "trademark")
    page.fill("input[name='rights-0-title']", "“西湖龙井”图文商标")
    page.fill("input[name='rights-0-registration_number']", "第 12345678 号")
    page.fill("input[name='rights-0-holder']", "杭州西湖龙井茶业有限公司")
    page.click("button[name=next]")
    # 4. Facts and claims.
    page.wait_for_url(re.compile(r"/claims/$"))
    page.fill("textarea[name=facts]", "被申请人在其网店销售假冒“西湖龙井”商标的茶叶。")
    page.fill("input[name=claim_amount]", "30000")
    page.check("input[name=claim_cease_infringement]")
    page.click("button[name=next]")
    # 5. Evidence, fingerprinted on arrival.
    page.wait_for_url(re.compile(r"/evidence/$"))
    page.set_input_files("input[name=file]", files=[{"name": "网店截图.png", "mimeType": "image/png",
                                                     "buffer": PNG_BYTES}])
    page.fill("input[name=description]", "被控侵权商品页面")
    page.click("button[name=upload]")
    page.wait_for_selector("text=网店截图.png")
    page.click("button[name=next]")
    # 6. Track: mediation.
    page.wait_for_url(re.compile(r"/track/$"))
    page.check("input[name=track][value=mediation]")
    page.click("button[name=next]")
    # 7. Review and submit.
    page.wait_for_url(re.compile(r"/review/$"))
    assert RESPONDENT_NAME in page.inner_text("main")
    shot(page, "61-mediation-wizard-review")
    with page.expect_navigation():
        page.click("main form button.primary")
    page.wait_for_selector(".badge.submitted")
    assert badge(page) == zh(CaseState.SUBMITTED.label)
    shot(page, "62-mediation-filing-submitted")
    return short_ref


def test_from_the_filing_wizard_to_a_court_confirmed_settlement(live_site, site_page, seed_people_and_pages, shot,
                                                                 tmp_path):
    seed_people_and_pages()
    today = timezone.localdate()
    with live_site() as site:
        # The rights holder files through the wizard.
        claimant = sign_in(site_page(site.url), CLAIMANT)
        short_ref = file_through_the_wizard(claimant, shot)

        # The case manager enrols TOTP, finds the filing in the queue and dockets it.
        manager = sign_in(site_page(site.url), "manager@demo.test")
        manager.goto("/cases/queue/")
        with manager.expect_navigation():
            manager.click(f"text={short_ref}")
        with manager.expect_navigation():
            manager.click("button[data-action=docket]")
        manager.wait_for_selector(".badge.docketed")
        number = manager.inner_text(".page-head h1").strip()
        assert CASE_NUMBER.fullmatch(number), number
        assert zh(MediationState.AWAITING_CONSENT.label) in manager.inner_text("main")
        shot(manager, "63-mediation-docketed")
        panel = f"/mediation/{number}/"
        # The rights holder is told by email too.
        assert number in site.mailbox.find(to=CLAIMANT, containing=number)[1]

        # The respondent reads the invitation email and follows its link.
        subject, text = site.mailbox.find(to=RESPONDENT, containing="/mediation/invitations/")
        assert number in subject + text
        link = re.search(r"/mediation/invitations/[^/\s]+/", text).group(0)
        respondent = site_page(site.url)
        respondent.goto(link)
        assert number in respondent.inner_text("main")
        shot(respondent, "64-mediation-invitation-email-link")
        with respondent.expect_navigation():
            respondent.click("main a.button[href*='/accounts/login/']")
        respondent.fill("input[name=username]", RESPONDENT)
        respondent.fill("input[name=password]", DEMO_PASSWORD)
        with respondent.expect_navigation():
            respondent.click("form button.primary")
        assert respondent.url.endswith(link)  # back at the invitation, logged in
        with respondent.expect_navigation():
            respondent.click("main form button.primary")  # take the case into my account
        assert respondent.url.endswith(panel)
        assert badge(respondent) == zh(MediationState.AWAITING_CONSENT.label)
        post(respondent, "form[action$='/actions/consent/']")
        assert badge(respondent) == zh(MediationState.CONSENTED.label)

        # The centre proposes the mediator (after the conflict check), who accepts.
        manager.goto(panel)
        post(manager, "form[action$='/actions/propose/']", choose={"mediator": "mediator@demo.test"})
        mediator = sign_in(site_page(site.url), "mediator@demo.test")
        mediator.goto("/dashboard/")
        expect(mediator.locator(f"main a[href*='{number}']").first).to_be_visible()
        mediator.goto(panel)
        post(mediator, "form[action$='/actions/accept/']", fill={"disclosure": "本人与双方当事人均无利害关系。"})
        assert badge(mediator) == zh(MediationState.IN_PROGRESS.label)

        # The joint session: the mediator and both parties, each in their own browser.
        with mediator.expect_navigation():
            mediator.click("[data-session-link]")
        mediator.wait_for_url(re.compile(r"/sessions/joint/$"))
        for page in (claimant, respondent):
            assert page.goto(f"{panel}sessions/").ok
            assert page.url.endswith(f"{panel}sessions/joint/")
        people = {"mediator": mediator, "claimant": claimant, "respondent": respondent}
        for page in people.values():
            chat_online(page)
            expect(page.locator(".chat-presence li")).to_have_count(3)  # all three are here
        lines = {
            "mediator": "各位好，今天在联席会谈中先确认争议焦点和赔偿金额。",
            "claimant": "申请人：我方要求赔偿三万元，并下架全部侵权链接。",
            "respondent": "被申请人：我们愿意下架链接，但三万元过高，请求降低。",
        }
        names = dict(User.objects.filter(email__in=[CLAIMANT, RESPONDENT, "mediator@demo.test"])
                     .values_list("email", "full_name"))
        authors = {"mediator": names["mediator@demo.test"], "claimant": names[CLAIMANT],
                   "respondent": names[RESPONDENT]}
        for speaker, text in lines.items():
            say(people[speaker], text)
            for page in people.values():  # the others see it live, the speaker as stored; all under its name
                assert authors[speaker] in shows(page, text).locator(".chat-meta strong").inner_text()
        # The respondent proposes a settlement; the claimant accepts it; everyone sees the outcome.
        respondent.click("[data-offer-panel] summary")
        respondent.fill("#offer-amount", "15000")
        respondent.fill("#offer-terms", "一次性支付，七日内下架全部链接。")
        respondent.click("[data-offer-form] button[type=submit]")
        offer = claimant.locator(".chat-msg.kind-offer", has_text="15000.00").first
        expect(offer).to_be_visible()
        offer.locator("button.primary").click()  # 接受
        for page in people.values():
            expect(page.locator(".chat-msg.kind-offer .badge.docketed").first).to_be_visible()
        shot(mediator, "65-session-joint-mediator")
        shot(claimant, "66-session-joint-claimant")
        shot(respondent, "67-session-joint-respondent")
        for speaker, page in people.items():
            log = page.inner_text(".chat-log")
            assert all(text in log for text in lines.values()), (speaker, log)

        # The mediator drafts the agreement on the accepted terms.
        mediator.goto(panel)
        post(mediator, "form[action$='/actions/draft/']", fill={
            "payment_amount": "15000",
            "remove_urls": "https://shop.example.cn/store/10086/item/7",
            "remove_by": (today + datetime.timedelta(days=7)).isoformat(),
        }, check=("[name=cease_infringement]",))
        assert badge(mediator) == zh(MediationState.AGREEMENT_DRAFTED.label)
        assert "15000" in mediator.inner_text("main") and "SHA-256" in mediator.inner_text("main")
        shot(mediator, "68-agreement-drafted")

        # Both parties sign this exact version, re-entering their password.
        for page in (claimant, respondent):
            page.goto(panel)
            post(page, "form[action$='/actions/sign/']", fill={"password": DEMO_PASSWORD})
        assert badge(respondent) == zh(MediationState.AGREEMENT_SIGNED.label)
        expect(respondent.locator("table.data .badge.docketed")).to_have_count(2)  # both parties signed
        expect(respondent.locator("main a.button[href^='/notary/items/']")).to_be_visible()  # the signed PDF
        shot(respondent, "69-agreement-signed")

        # Both sign the joint application for judicial confirmation to the district court.
        for page in (claimant, respondent):
            page.goto(panel)
            post(page, "form[action$='/actions/apply/']", fill={"password": DEMO_PASSWORD}, choose={"court": COURT})
        assert badge(respondent) == zh(MediationState.CONFIRMATION_APPLIED.label)
        assert COURT in respondent.inner_text("main")

        # The court's clerk finds the case, downloads the packet and checks every file offline.
        clerk = sign_in(site_page(site.url), "clerk@demo.test")
        clerk.goto("/dashboard/")
        with clerk.expect_navigation():
            clerk.locator(f"main a[href*='{number}']").first.click()
        clerk.goto(panel)
        with clerk.expect_download() as download:
            clerk.click("a[href$='packet.zip']")
        assert download.value.suggested_filename == f"{number}-court-packet.zip"
        packet = tmp_path / download.value.suggested_filename
        download.value.save_as(packet)
        reports = verify_packet(packet, tmp_path / "packet")
        names = set(reports)
        for title in ("司法确认申请书", "调解情况说明", "证据清单", "案件时间线"):
            assert f"{title}-{number}.pdf" in names, names
        assert len(names) == 5, names  # and the signed settlement agreement
        shot(clerk, "70-clerk-court-packet")

        # The clerk records the ruling; the rights holder sees the case confirmed.
        post(clerk, f"form[action$='{panel}ruling/']", fill={
            "ruling_number": "（2026）浙0106民特200号", "ruling_date": today.isoformat()},
            check=("[name=result][value=confirmed]",))
        assert badge(clerk) == zh(MediationState.CONFIRMED.label)
        shot(clerk, "71-ruling-recorded")
        claimant.goto(panel)
        assert badge(claimant) == zh(MediationState.CONFIRMED.label)
        assert "（2026）浙0106民特200号" in claimant.inner_text("main")
        shot(claimant, "72-claimant-sees-confirmation")
        assert site.query("SELECT m.state FROM mediation_mediation m JOIN portal_case c ON m.case_id = c.id "
                          "WHERE c.number = ?", number) == [("confirmed",)]
