"""Nominations, appointments, disclosure, challenges with replacement, and the majority award."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from arbitration import awards, services
from arbitration.models import Arbitration, TribunalMember
from portal.models import CaseAssignment
from tests.arbitration import helpers
from tests.factories import AgentFactory, ArbitratorFactory

pytestmark = pytest.mark.django_db


def test_seats_follow_the_rule_set(world, big_world):
    assert [r for r, _ in services.seats(world["arbitration"])] == ["sole"]
    assert sorted(r for r, _ in services.seats(big_world["arbitration"])) == ["co", "co", "presiding"]


def test_a_side_nominee_is_appointed_only_to_that_sides_seat(big_world):
    arbitration = helpers.answered(big_world)
    a = big_world["arbitrators"]
    services.nominate(arbitration=arbitration, by=big_world["claimant"], arbitrator=a[0])
    with pytest.raises(services.ArbitrationError) as exc:
        services.appoint(arbitration=arbitration, by=big_world["manager"], arbitrator=a[3], role="co",
                         nominated_by="claimant")
    assert exc.value.code == "not_nominee"
    services.appoint(arbitration=arbitration, by=big_world["manager"], arbitrator=a[0], role="co",
                     nominated_by="claimant")
    with pytest.raises(services.ArbitrationError) as exc:
        services.appoint(arbitration=arbitration, by=big_world["manager"], arbitrator=a[1], role="co",
                         nominated_by="claimant")
    assert exc.value.code == "seat"


def test_nomination_by_name_is_recorded_for_the_centre(big_world):
    arbitration = helpers.answered(big_world)
    nomination = services.nominate(arbitration=arbitration, by=big_world["respondent"], nominee_name="王教授",
                                   nominee_contact="wang@example.test")
    assert nomination.side == "respondent" and nomination.arbitrator is None
    with pytest.raises(services.ArbitrationError):
        services.nominate(arbitration=arbitration, by=big_world["respondent"])
    with pytest.raises(PermissionDenied):
        services.nominate(arbitration=arbitration, by=big_world["manager"], nominee_name="x")


def test_only_arbitrators_from_the_panel_are_appointed(world):
    arbitration = helpers.answered(world)
    with pytest.raises(services.ArbitrationError):
        services.appoint(arbitration=arbitration, by=world["manager"], arbitrator=world["claimant"], role="sole",
                         nominated_by="centre")
    with pytest.raises(PermissionDenied):
        services.appoint(arbitration=arbitration, by=world["claimant"], arbitrator=world["arbitrators"][0],
                         role="sole", nominated_by="centre")


def test_conflict_of_interest_blocks_appointment_unless_overridden(world):
    arbitration = helpers.answered(world)
    arbitrator = world["arbitrators"][0]
    party = world["case"].parties.get(side="claimant")
    AgentFactory(case=world["case"], party=party, user=arbitrator)
    with pytest.raises(services.ArbitrationError) as exc:
        services.appoint(arbitration=arbitration, by=world["manager"], arbitrator=arbitrator, role="sole",
                         nominated_by="centre")
    assert exc.value.code == "conflict"
    member = services.appoint(arbitration=arbitration, by=world["manager"], arbitrator=arbitrator, role="sole",
                              nominated_by="centre", override_conflicts=True)
    assert member.status == "proposed"


def test_tribunal_is_constituted_only_when_every_seat_accepted(big_world):
    arbitration = helpers.answered(big_world)
    a = big_world["arbitrators"]
    services.nominate(arbitration=arbitration, by=big_world["claimant"], arbitrator=a[0])
    services.nominate(arbitration=arbitration, by=big_world["respondent"], arbitrator=a[1])
    m0 = services.appoint(arbitration=arbitration, by=big_world["manager"], arbitrator=a[0], role="co",
                          nominated_by="claimant")
    m1 = services.appoint(arbitration=arbitration, by=big_world["manager"], arbitrator=a[1], role="co",
                          nominated_by="respondent")
    m2 = services.appoint(arbitration=arbitration, by=big_world["manager"], arbitrator=a[2], role="presiding",
                          nominated_by="centre")
    services.accept_seat(member=m0, by=a[0], disclosure="曾与申请人代理律所合作（2019年）")
    services.accept_seat(member=m1, by=a[1])
    with pytest.raises(services.ArbitrationError):
        services.transition(arbitration=arbitration, name="constitute", by=big_world["manager"])
    with pytest.raises(PermissionDenied):
        services.accept_seat(member=m2, by=a[0])
    services.decline_seat(member=m2, by=a[2], reason="时间冲突")
    assert not CaseAssignment.objects.get(case=big_world["case"], user=a[2]).active
    m3 = services.appoint(arbitration=arbitration, by=big_world["manager"], arbitrator=a[3], role="presiding",
                          nominated_by="centre")
    services.accept_seat(member=m3, by=a[3])
    arbitration = services.transition(arbitration=arbitration, name="constitute", by=big_world["manager"])
    assert arbitration.state == "constituted"


def test_challenge_within_the_deadline_upheld_replaces_the_arbitrator(world):
    arbitration = helpers.in_proceedings(world)
    member = world["members"][0]
    with pytest.raises(services.ArbitrationError):
        services.challenge(member=member, by=world["respondent"], reason="")
    with pytest.raises(PermissionDenied):
        services.challenge(member=member, by=world["arbitrators"][3], reason="无关人员")
    made = services.challenge(member=member, by=world["respondent"], reason="仲裁员曾担任申请人法律顾问")
    with pytest.raises(services.ArbitrationError):
        services.challenge(member=member, by=world["respondent"], reason="再次申请")
    with pytest.raises(PermissionDenied):
        services.decide_challenge(challenge=made, by=world["presiding"], upheld=True, note="自行回避")
    services.decide_challenge(challenge=made, by=world["manager"], upheld=True, note="理由成立，予以回避")
    arbitration = Arbitration.objects.get(pk=arbitration.pk)
    assert arbitration.state == "constitution"
    member.refresh_from_db()
    assert member.status == TribunalMember.Status.REMOVED
    assert not CaseAssignment.objects.get(case=world["case"], user=member.arbitrator).active
    replacement = services.appoint(arbitration=arbitration, by=world["manager"], arbitrator=world["arbitrators"][3],
                                   role="sole", nominated_by="centre")
    services.accept_seat(member=replacement, by=world["arbitrators"][3])
    arbitration = services.transition(arbitration=arbitration, name="constitute", by=world["manager"])
    assert arbitration.state == "constituted"
    with pytest.raises(services.ArbitrationError):
        services.decide_challenge(challenge=made, by=world["manager"], upheld=False, note="again")


def test_challenge_dismissed_keeps_the_tribunal(world):
    arbitration = helpers.in_proceedings(world)
    made = services.challenge(member=world["members"][0], by=world["claimant"], reason="怀疑其不公正")
    services.decide_challenge(challenge=made, by=world["manager"], upheld=False, note="理由不成立")
    assert Arbitration.objects.get(pk=arbitration.pk).state == "proceedings"


def test_challenge_after_the_deadline_is_refused(world):
    from datetime import timedelta

    from freezegun import freeze_time

    helpers.in_proceedings(world)
    member = world["members"][0]
    member.refresh_from_db()
    with freeze_time(member.challenge_deadline() + timedelta(minutes=1)), pytest.raises(services.ArbitrationError) as e:
        services.challenge(member=member, by=world["respondent"], reason="迟到的回避申请")
    assert e.value.code == "late"


def test_majority_award_with_a_recorded_dissent(big_world):
    award = helpers.drafted(big_world)
    presiding, co1, co2 = (big_world["members"][2].arbitrator, big_world["members"][0].arbitrator,
                           big_world["members"][1].arbitrator)
    awards.sign(award=award, by=presiding, password=helpers.set_password(presiding))
    with pytest.raises(services.ArbitrationError) as exc:
        awards.issue(arbitration=big_world["arbitration"], by=big_world["manager"])
    assert exc.value.code == "majority"
    with pytest.raises(ValidationError):
        awards.sign(award=award, by=co1, password="wrong")
    awards.dissent(award=award, by=co2, opinion="赔偿数额过高。")
    with pytest.raises(services.ArbitrationError):
        awards.sign(award=award, by=co2, password=helpers.set_password(co2))
    awards.sign(award=award, by=co1, password=helpers.set_password(co1))
    arbitration = awards.issue(arbitration=big_world["arbitration"], by=big_world["manager"])
    assert arbitration.state == "award_issued"
    award.refresh_from_db()
    with award.document.file.open("rb") as fh:
        pdf = fh.read()
    from notary.pdf import validate_pdf

    assert validate_pdf(pdf)


def test_a_new_draft_voids_earlier_signatures(big_world):
    award = helpers.drafted(big_world)
    m = big_world["members"]
    for member in m[:2]:
        awards.sign(award=award, by=member.arbitrator, password=helpers.set_password(member.arbitrator))
    second = awards.draft(arbitration=big_world["arbitration"], by=big_world["presiding"],
                          content={**helpers.AWARD, "reasoning": "修改后的理由"})
    assert not second.has_majority()
    with pytest.raises(services.ArbitrationError):
        awards.sign(award=award, by=m[2].arbitrator, password=helpers.set_password(m[2].arbitrator))


def test_consent_award_settles_the_case(world):
    arbitration = helpers.in_proceedings(world)
    content = {**helpers.AWARD, "operative": ["双方自愿达成和解：被申请人支付 20,000 元。"]}
    award = awards.draft(arbitration=arbitration, by=world["presiding"], content=content, kind="consent")
    awards.sign(award=award, by=world["presiding"], password=helpers.set_password(world["presiding"]))
    arbitration = awards.issue(arbitration=arbitration, by=world["manager"])
    assert arbitration.state == "settled"
    award.refresh_from_db()
    assert award.document.original_name.startswith("调解书")


def test_award_content_is_checked(world):
    arbitration = helpers.in_proceedings(world)
    services.transition(arbitration=arbitration, name="close_proceedings", by=world["presiding"])
    for bad in ({**helpers.AWARD, "findings": ""}, {**helpers.AWARD, "operative": []},
                {**helpers.AWARD, "costs": {"claimant_percent": "120"}},
                {**helpers.AWARD, "costs": {"claimant_percent": "abc"}}):
        with pytest.raises(services.ArbitrationError):
            awards.draft(arbitration=arbitration, by=world["presiding"], content=bad)
    assert not arbitration.awards.exists()


def test_proceedings_orders_submissions_and_deadlines(world):
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from freezegun import freeze_time

    from tests.factories import PDF_BYTES

    arbitration = helpers.in_proceedings(world)
    order = arbitration.orders.get()
    with pytest.raises(PermissionDenied):
        services.issue_order(arbitration=arbitration, by=world["claimant"], title="x", text="y")
    submission = services.submit(arbitration=arbitration, by=world["claimant"], kind="evidence", order=order,
                                 upload=SimpleUploadedFile("证据.pdf", PDF_BYTES, "application/pdf"))
    assert submission.item.leaf.index >= 0 and submission.side == "claimant"
    with pytest.raises(services.ArbitrationError):
        services.submit(arbitration=arbitration, by=world["claimant"], kind="evidence", text="no file")
    with freeze_time(order.submissions_due + timedelta(minutes=1)), pytest.raises(services.ArbitrationError) as exc:
        services.submit(arbitration=arbitration, by=world["respondent"], kind="statement", text="迟交", order=order)
    assert exc.value.code == "late"
    with pytest.raises(PermissionDenied):
        services.submit(arbitration=arbitration, by=world["arbitrators"][3], kind="statement", text="外人")


def test_hearing_invitation_is_an_ics_with_a_stable_uid(world):
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone
    from icalendar import Calendar

    from arbitration.calendar import hearing_ics

    arbitration = helpers.in_proceedings(world)
    mail.outbox.clear()
    hearing = services.schedule_hearing(arbitration=arbitration, by=world["presiding"], mode="in_person",
                                        starts_at=timezone.now() + timedelta(days=7), location="杭州市西湖区某路 1 号")
    cal = Calendar.from_ical(hearing_ics(hearing))
    event = cal.walk("VEVENT")[0]
    assert str(event["uid"]) == hearing.uid and int(event["sequence"]) == 0
    cancelled = services.cancel_hearing(hearing=hearing, by=world["presiding"])
    event = Calendar.from_ical(hearing_ics(cancelled)).walk("VEVENT")[0]
    assert str(event["uid"]) == hearing.uid and int(event["sequence"]) == 1 and str(event["status"]) == "CANCELLED"
    with pytest.raises(services.ArbitrationError):
        services.schedule_hearing(arbitration=arbitration, by=world["presiding"], mode="in_person",
                                  starts_at=timezone.now() + timedelta(days=7), location="")
    with pytest.raises(PermissionDenied):
        services.schedule_hearing(arbitration=arbitration, by=world["claimant"], mode="online",
                                  starts_at=timezone.now() + timedelta(days=7))


def test_outsiders_cannot_download_the_enforcement_packet(world):
    helpers.issued(world)
    arbitration = Arbitration.objects.get(pk=world["arbitration"].pk)
    with pytest.raises(PermissionDenied):
        awards.enforcement_packet(arbitration=arbitration, by=ArbitratorFactory())


def test_med_arb_transfer_after_a_failed_mediation(db, django_capture_on_commit_callbacks):
    """Both sides agree to arbitrate after the mediation ended; the agreement is notarised;
    the mediator may not become the arbitrator."""
    from arbitration import transfer
    from mediation import services as mediation_services
    from tests.mediation.helpers import make_world as mediation_world
    from tests.mediation.helpers import started

    w = mediation_world(django_capture_on_commit_callbacks)
    mediation = started(w)
    case = w["case"]
    with pytest.raises(services.ArbitrationError):
        transfer.consent(case=case, by=w["claimant"])  # mediation still open
    mediation_services.terminate(mediation=mediation, by=w["respondent"], reason="金额分歧过大")
    with pytest.raises(PermissionDenied):
        transfer.consent(case=case, by=w["mediator"])
    transfer.consent(case=case, by=w["claimant"], expedited=True)
    with pytest.raises(services.ArbitrationError):
        transfer.consent(case=case, by=w["claimant"])
    assert not Arbitration.objects.filter(case=case).exists()
    transfer.consent(case=case, by=w["respondent"], expedited=True)
    arbitration = Arbitration.objects.get(case=case)
    assert arbitration.state == "filed" and arbitration.expedited_by_agreement
    assert arbitration.agreement_document.original_name.startswith("仲裁协议")
    w["mediator"].role = "arbitrator"
    w["mediator"].save()
    reasons = services.conflicts_of_interest(arbitrator=w["mediator"], case=case)
    assert any("mediator" in str(r) or "调解员" in str(r) for r in reasons)


def test_med_arb_through_the_mediation_page(db, client, django_capture_on_commit_callbacks):
    from mediation import services as mediation_services
    from tests.conftest import verified_client
    from tests.mediation.helpers import make_world as mediation_world
    from tests.mediation.helpers import started

    w = mediation_world(django_capture_on_commit_callbacks)
    mediation_services.terminate(mediation=started(w), by=w["respondent"], reason="分歧过大")
    key = w["case"].url_key
    page = verified_client(client, w["claimant"]).get(f"/mediation/{key}/").content.decode()
    assert f"/arbitration/{key}/transfer/" in page
    assert client.post(f"/arbitration/{key}/transfer/", {}).status_code == 302  # no confirmation: nothing recorded
    assert not w["case"].arbitration_consents.exists()
    client.post(f"/arbitration/{key}/transfer/", {"confirm": "1"})
    client.force_login(w["respondent"])
    response = client.post(f"/arbitration/{key}/transfer/", {"confirm": "1"})
    assert response.status_code == 302 and response["Location"] == f"/arbitration/{key}/"
    assert Arbitration.objects.filter(case=w["case"]).exists()
    stranger = ArbitratorFactory()
    client.force_login(stranger)
    assert client.post(f"/arbitration/{key}/transfer/", {"confirm": "1"}).status_code == 404


def test_med_arb_in_one_action_when_an_arbitration_agreement_is_on_file(db, client,
                                                                        django_capture_on_commit_callbacks):
    from mediation import services as mediation_services
    from portal.models import CaseDocument
    from tests.conftest import verified_client
    from tests.factories import DocumentFactory, UserFactory
    from tests.mediation.helpers import make_world as mediation_world
    from tests.mediation.helpers import started

    w = mediation_world(django_capture_on_commit_callbacks)
    key = w["case"].url_key
    mediation_services.terminate(mediation=started(w), by=w["respondent"], reason="分歧过大")
    verified_client(client, w["manager"])
    client.post(f"/arbitration/{key}/transfer/", {"under_agreement": "1"})
    assert not Arbitration.objects.filter(case=w["case"]).exists()  # no agreement on file yet
    DocumentFactory(case=w["case"], kind=CaseDocument.Kind.ARBITRATION_AGREEMENT)
    client.force_login(UserFactory())
    assert client.post(f"/arbitration/{key}/transfer/", {"under_agreement": "1"}).status_code == 404
    verified_client(client, w["manager"])
    assert "Move to arbitration" in client.get(f"/mediation/{key}/", HTTP_ACCEPT_LANGUAGE="en").content.decode() \
        or "/transfer/" in client.get(f"/mediation/{key}/").content.decode()
    response = client.post(f"/arbitration/{key}/transfer/", {"under_agreement": "1"})
    assert response.status_code == 302 and response["Location"] == f"/arbitration/{key}/"
    arbitration = Arbitration.objects.get(case=w["case"])
    assert arbitration.state == "filed"
    assert w["case"].events.filter(transition="move_to_arbitration", actor=w["manager"]).exists()
