"""The filing wizard through the test client: every step, saving drafts, submitting."""

import pytest
from django.urls import reverse

from portal.models import Case, CaseDocument, CaseState, Channel, Party
from tests.conftest import verified_client
from tests.factories import pdf_upload, png_upload, valid_credit_code, valid_id_number

pytestmark = pytest.mark.django_db


def formset_data(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "1", f"{prefix}-MAX_NUM_FORMS": "20"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


CLAIMANT = {"kind": "entity", "name": "杭州茶业有限公司", "credit_code": valid_credit_code(1), "id_number": "",
            "address": "杭州市西湖区", "phone": "0571-1234567", "email": "legal@tea.example"}
RESPONDENT = {"kind": "person", "name": "张三", "credit_code": "", "id_number": valid_id_number(7), "address": "",
              "phone": "", "email": "", "shop_url": "https://shop.example.cn/123"}
RIGHT = {"ip_type": "trademark", "title": "西湖龙井", "registration_number": "12345678", "holder": "杭州茶业有限公司",
         "valid_from": "2020-01-01", "valid_until": "2030-01-01"}
CLAIMS = {"facts": "被申请人在网店销售假冒商品。", "claim_amount": "50000", "claim_cease_infringement": "on",
          "claim_other": ""}


def start(client) -> Case:
    response = client.post(reverse("filing_start"))
    assert response.status_code == 302
    return Case.objects.latest("id")


def step(client, case, slug, data, files=None):
    return client.post(reverse("filing_step", args=[case.ref, slug]), {**data, **(files or {})})


def file_complete_case(client, *, as_agent=False) -> Case:
    case = start(client)
    as_data = {"filing_as": "self"}
    if as_agent:
        as_data = {"filing_as": "agent", "agent_name": "李律师", "law_firm": "正和律所", "licence_number": "1330",
                   "agent_phone": "138", "power_of_attorney": pdf_upload("授权委托书.pdf")}
    r = step(client, case, "claimants", {**formset_data("claimant", [CLAIMANT]), **as_data})
    assert r.status_code == 302, r.content.decode()[:3000]
    assert step(client, case, "respondents", formset_data("respondent", [RESPONDENT])).status_code == 302
    assert step(client, case, "rights", formset_data("rights", [RIGHT])).status_code == 302
    assert step(client, case, "claims", CLAIMS).status_code == 302
    r = step(client, case, "evidence", {"upload": "1", "kind": "evidence", "description": "截图",
                                        "file": png_upload("截图.png")})
    assert r.status_code == 302
    assert step(client, case, "evidence", {"next": "1"}).status_code == 302
    assert step(client, case, "track", {"track": "mediation"}).status_code == 302
    return case


def test_claimant_files_through_every_step_and_submits(client, claimant):
    client = verified_client(client, claimant)
    case = file_complete_case(client)
    case.refresh_from_db()
    assert case.state == CaseState.DRAFT
    assert case.channel == Channel.ONLINE
    assert case.parties.get(side=Party.Side.CLAIMANT).user == claimant
    response = client.get(reverse("filing_step", args=[case.ref, "review"]))
    assert "杭州茶业有限公司" in response.content.decode()
    response = client.post(reverse("filing_step", args=[case.ref, "review"]))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert case.events.get().transition == "submit"


def test_lawyer_files_as_agent_with_power_of_attorney(client, claimant):
    client = verified_client(client, claimant)
    case = file_complete_case(client, as_agent=True)
    agent = case.agents.get()
    assert agent.user == claimant
    assert agent.power_of_attorney.kind == CaseDocument.Kind.POWER_OF_ATTORNEY
    assert not case.parties.filter(user=claimant).exists()
    client.post(reverse("filing_step", args=[case.ref, "review"]))
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_agent_without_power_of_attorney_is_refused_with_a_message(client, claimant):
    client = verified_client(client, claimant)
    case = start(client)
    r = step(client, case, "claimants", {**formset_data("claimant", [CLAIMANT]), "filing_as": "agent",
                                         "agent_name": "李律师"})
    assert r.status_code == 200
    assert r.context["as_form"].errors["power_of_attorney"]
    assert not case.parties.exists()


def test_invalid_credit_code_is_refused_in_chinese_and_nothing_saved(client, claimant):
    client = verified_client(client, claimant)
    case = start(client)
    bad = {**CLAIMANT, "credit_code": "91330106MA2B0XKQ8X"}
    r = step(client, case, "claimants", {**formset_data("claimant", [bad]), "filing_as": "self"})
    assert r.status_code == 200
    assert "统一社会信用代码" in r.content.decode()
    assert not case.parties.exists()


def test_english_users_get_english_messages(client, claimant):
    client = verified_client(client, claimant)
    client.cookies["django_language"] = "en"
    case = start(client)
    bad = {**CLAIMANT, "credit_code": "123"}
    r = step(client, case, "claimants", {**formset_data("claimant", [bad]), "filing_as": "self"})
    assert "Enter a valid 18-character unified social credit code." in r.content.decode()


def test_respondent_needs_a_way_to_be_reached(client, claimant):
    client = verified_client(client, claimant)
    case = start(client)
    nobody = {**RESPONDENT, "shop_url": ""}
    r = step(client, case, "respondents", formset_data("respondent", [nobody]))
    assert r.status_code == 200
    assert not case.parties.exists()


def test_ip_right_validity_must_be_ordered(client, claimant):
    client = verified_client(client, claimant)
    case = start(client)
    r = step(client, case, "rights", formset_data("rights", [{**RIGHT, "valid_until": "2019-01-01"}]))
    assert r.status_code == 200
    assert not case.ip_rights.exists()


def test_arbitration_without_agreement_is_refused(client, claimant):
    client = verified_client(client, claimant)
    case = start(client)
    r = step(client, case, "track", {"track": "arbitration", "arbitration_agreement": "uploaded"})
    assert r.status_code == 200
    case.refresh_from_db()
    assert case.track == "mediation"


def test_arbitration_with_uploaded_agreement(client, claimant):
    client = verified_client(client, claimant)
    case = start(client)
    r = step(client, case, "track", {"track": "arbitration", "arbitration_agreement": "uploaded",
                                     "agreement_file": pdf_upload("仲裁协议.pdf")})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.track == "arbitration"
    assert case.documents.filter(kind="arbitration_agreement").count() == 1


def test_draft_is_resumable_from_the_dashboard(client, claimant):
    client = verified_client(client, claimant)
    case = start(client)
    step(client, case, "claimants", {**formset_data("claimant", [CLAIMANT]), "filing_as": "self", "save_draft": "1"})
    response = client.get(reverse("dashboard"))
    assert reverse("filing_step", args=[case.ref, "claimants"]) in response.content.decode()
    response = client.get(reverse("filing_step", args=[case.ref, "claimants"]))
    assert "杭州茶业有限公司" in response.content.decode()


def test_submitted_filing_can_no_longer_be_edited(client, claimant):
    client = verified_client(client, claimant)
    case = file_complete_case(client)
    client.post(reverse("filing_step", args=[case.ref, "review"]))
    r = step(client, case, "claims", {**CLAIMS, "facts": "changed"})
    assert r.status_code == 404
    case.refresh_from_db()
    assert case.facts == CLAIMS["facts"]


def test_staff_enter_walk_in_dispute(client, manager):
    client = verified_client(client, manager)
    r = client.post(reverse("filing_start"), {"channel": "walk_in", "intake_note": "现场"})
    case = Case.objects.latest("id")
    assert r.status_code == 302
    assert case.channel == Channel.WALK_IN
    assert case.intake_note == "现场"


def test_clerk_refers_a_dispute_for_their_court(client, clerk):
    client = verified_client(client, clerk)
    client.post(reverse("filing_start"), {"court_reference": "(2026)浙0106民诉前调9号"})
    case = Case.objects.latest("id")
    assert case.channel == Channel.COURT
    assert case.referring_court == clerk.court
    assert case.court_reference == "(2026)浙0106民诉前调9号"


def test_neutrals_cannot_file(client):
    from tests.factories import MediatorFactory

    client = verified_client(client, MediatorFactory())
    assert client.post(reverse("filing_start")).status_code == 403
    assert not Case.objects.exists()


def test_manager_dockets_through_the_case_page(client, claimant, manager):
    client = verified_client(client, claimant)
    case = file_complete_case(client)
    client.post(reverse("filing_step", args=[case.ref, "review"]))
    client.logout()
    mclient = verified_client(client, manager)
    assert case.short_ref.encode() in mclient.get(reverse("intake_queue")).content
    r = mclient.post(reverse("case_action", args=[case.ref, "docket"]), {"note": ""})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.DOCKETED
    mclient.logout()
    client = verified_client(client, claimant)
    assert case.number.encode() in client.get(reverse("dashboard")).content
