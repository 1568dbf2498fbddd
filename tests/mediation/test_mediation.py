"""Mediation: hand-over at docketing, invitation, consent, appointment, the
period and its extension, suspension, termination and the deadline job."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from mediation import services
from mediation.models import Invitation, Mediation, MediationState, MediatorAppointment
from portal.models import CaseAssignment, CaseEvent, Organisation
from portal.services import intake
from portal.sms import LocmemBackend
from tests.conftest import verified_client
from tests.factories import AgentFactory, CaseFactory, MediatorFactory, UserFactory
from tests.mediation.helpers import TERMS, claim_and_consent, set_password, started

pytestmark = pytest.mark.django_db


def test_docketing_a_mediation_case_opens_the_mediation_and_invites_the_respondent(world):
    m = world["mediation"]
    assert m.state == MediationState.AWAITING_CONSENT
    assert abs((m.consent_due - timezone.now()) - timedelta(days=7)) < timedelta(minutes=1)
    assert any(m.to == ["seller@example.test"] for m in mail.outbox)
    assert LocmemBackend.outbox and LocmemBackend.outbox[-1][0] == "13900000000"
    assert Invitation.objects.get().token_hash != world["token"]  # only the hash is stored


def test_arbitration_cases_get_no_mediation(manager):
    case = CaseFactory(complete=True, state="submitted", track="arbitration", arbitration_agreement="ask_respondent")
    intake.docket_case(case=case, by=manager)
    assert not Mediation.objects.filter(case=case).exists()


def test_invitation_is_single_use_and_links_the_respondent(world):
    services.claim_invitation(token=world["token"], user=world["respondent"])
    assert world["case"].parties.get(side="respondent").user == world["respondent"]
    with pytest.raises(services.MediationError) as exc:
        services.claim_invitation(token=world["token"], user=UserFactory())
    assert exc.value.code == "used"


def test_invitation_expires(world):
    with freeze_time(timezone.now() + timedelta(days=8)), pytest.raises(services.MediationError) as exc:
        services.claim_invitation(token=world["token"], user=world["respondent"])
    assert exc.value.code == "expired"


def test_forged_invitation_token_is_refused(world):
    with pytest.raises(services.MediationError):
        services.claim_invitation(token="x" * 43, user=world["respondent"])


def test_staff_cannot_claim_an_invitation(world):
    with pytest.raises(PermissionDenied):
        services.claim_invitation(token=world["token"], user=world["manager"])


@pytest.mark.parametrize("who", ["claimant", "manager", "mediator", "stranger"])
def test_only_the_respondent_side_consents(world, who):
    services.claim_invitation(token=world["token"], user=world["respondent"])
    user = world.get(who) or UserFactory()
    with pytest.raises(PermissionDenied):
        services.consent(mediation=world["mediation"], by=user)


def test_respondents_lawyer_may_consent(world):
    lawyer = UserFactory()
    AgentFactory(case=world["case"], party=world["case"].parties.get(side="respondent"), user=lawyer)
    m = services.consent(mediation=world["mediation"], by=lawyer)
    assert m.state == MediationState.CONSENTED


def test_consent_starts_the_30_day_period(world):
    m = claim_and_consent(world)
    assert abs((m.period_ends - m.consented_at) - timedelta(days=30)) < timedelta(seconds=1)
    assert CaseEvent.objects.filter(case=world["case"], process="mediation", transition="consent").exists()


def test_decline_needs_a_reason(world):
    services.claim_invitation(token=world["token"], user=world["respondent"])
    with pytest.raises(services.MediationError):
        services.decline(mediation=world["mediation"], by=world["respondent"], reason="")
    m = services.decline(mediation=world["mediation"], by=world["respondent"], reason="已与权利人和解")
    assert m.state == MediationState.DECLINED and m.decline_reason == "已与权利人和解"


def test_cannot_consent_twice_or_after_declining(world):
    claim_and_consent(world)
    with pytest.raises(services.MediationError):
        services.consent(mediation=world["mediation"], by=world["respondent"])


def test_only_the_centre_proposes_a_mediator(world):
    m = claim_and_consent(world)
    with pytest.raises(PermissionDenied):
        services.propose_mediator(mediation=m, mediator=world["mediator"], by=world["claimant"])


def test_proposed_mediator_gains_access_and_must_accept(world, client):
    m = claim_and_consent(world)
    services.propose_mediator(mediation=m, mediator=world["mediator"], by=world["manager"])
    assert CaseAssignment.objects.filter(case=world["case"], user=world["mediator"], active=True).exists()
    with pytest.raises(PermissionDenied):
        services.accept_appointment(mediation=m, by=MediatorFactory(), disclosure="")
    m = services.accept_appointment(mediation=m, by=world["mediator"], disclosure="曾在同一律所任职（2015年）")
    assert m.state == MediationState.IN_PROGRESS and m.mediator == world["mediator"]
    assert MediatorAppointment.objects.get().disclosure.startswith("曾在")


def test_conflict_of_interest_blocks_appointment(world):
    m = claim_and_consent(world)
    mediator = world["mediator"]
    party = world["case"].parties.get(side="claimant")
    mediator.organisation = Organisation.objects.create(name=party.name)
    mediator.save()
    with pytest.raises(services.MediationError) as exc:
        services.propose_mediator(mediation=m, mediator=mediator, by=world["manager"])
    assert exc.value.code == "conflict"


def test_mediator_who_represented_a_party_is_refused(world):
    claim_and_consent(world)
    other = CaseFactory(complete=True)
    respondent = world["case"].parties.get(side="respondent")
    other_party = other.parties.get(side="claimant")
    other_party.credit_code = respondent.credit_code
    other_party.save()
    AgentFactory(case=other, party=other_party, user=world["mediator"])
    assert services.conflicts_of_interest(mediator=world["mediator"], case=world["case"])


def test_only_mediators_can_be_proposed(world):
    m = claim_and_consent(world)
    with pytest.raises(services.MediationError):
        services.propose_mediator(mediation=m, mediator=UserFactory(), by=world["manager"])


def test_extension_needs_both_sides_and_happens_once(world):
    m = started(world)
    ends = m.period_ends
    m = services.agree_extension(mediation=m, by=world["claimant"])
    assert not m.extended
    m = services.agree_extension(mediation=m, by=world["respondent"])
    assert m.extended and m.period_ends == ends + timedelta(days=30)
    with pytest.raises(services.MediationError):
        services.agree_extension(mediation=m, by=world["claimant"])


def test_neutrals_cannot_agree_to_an_extension_for_the_parties(world):
    m = started(world)
    with pytest.raises(PermissionDenied):
        services.agree_extension(mediation=m, by=world["mediator"])


def test_suspend_and_resume_return_to_the_previous_state_and_stop_the_clock(world):
    m = started(world)
    ends = m.period_ends
    with pytest.raises(PermissionDenied):
        services.suspend(mediation=m, by=world["claimant"], reason="x")
    with freeze_time(timezone.now()):
        m = services.suspend(mediation=m, by=world["mediator"], reason="当事人住院")
    with freeze_time(timezone.now() + timedelta(days=5)):
        m = services.resume(mediation=m, by=world["mediator"])
    assert m.state == MediationState.IN_PROGRESS
    assert m.period_ends - ends >= timedelta(days=5) - timedelta(seconds=5)


@pytest.mark.parametrize("who", ["claimant", "respondent", "mediator", "manager"])
def test_either_party_the_mediator_or_the_centre_may_terminate(world, who):
    m = started(world)
    m = services.terminate(mediation=m, by=world[who], reason="无法达成一致")
    assert m.state == MediationState.TERMINATED


def test_outsiders_cannot_terminate_and_a_reason_is_required(world):
    m = started(world)
    with pytest.raises(PermissionDenied):
        services.terminate(mediation=m, by=UserFactory(), reason="x")
    with pytest.raises(services.MediationError):
        services.terminate(mediation=m, by=world["claimant"], reason=" ")


def test_deadline_job_reminds_then_expires_consent(world):
    m = world["mediation"]
    mail.outbox.clear()
    with freeze_time(m.consent_due - timedelta(hours=24)):
        assert services.run_deadlines()["reminded"] == 1
        assert services.run_deadlines()["reminded"] == 0  # once
    with freeze_time(m.consent_due + timedelta(minutes=1)):
        assert services.run_deadlines()["consent_expired"] == 1
    m.refresh_from_db()
    assert m.state == MediationState.CONSENT_EXPIRED
    event = CaseEvent.objects.get(case=world["case"], transition="expire_consent")
    assert event.actor is None and event.note


def test_deadline_job_ends_an_expired_mediation_period(world):
    m = started(world)
    with freeze_time(m.period_ends - timedelta(minutes=1)):
        assert services.run_deadlines()["period_expired"] == 0
    with freeze_time(m.period_ends + timedelta(minutes=1)):
        assert services.run_deadlines()["period_expired"] == 1
    m.refresh_from_db()
    assert m.state == MediationState.TERMINATED


def test_deadline_job_skips_suspended_mediations(world):
    m = started(world)
    services.suspend(mediation=m, by=world["mediator"], reason="暂停")
    with freeze_time(m.period_ends + timedelta(days=1)):
        assert services.run_deadlines()["period_expired"] == 0


def test_respondent_claims_and_consents_through_the_web(world, client):
    c = verified_client(client, world["respondent"])
    response = c.post(reverse("mediation_invitation", args=[world["token"]]))
    assert response.status_code == 302
    c.post(reverse("mediation_action", args=[world["case"].url_key, "consent"]))
    assert Mediation.objects.get(pk=world["mediation"].pk).state == MediationState.CONSENTED
    assert world["case"].number.encode() in c.get(reverse("dashboard")).content


def test_mediation_panel_is_404_for_outsiders(world, client):
    c = verified_client(client, UserFactory())
    assert c.get(reverse("mediation_panel", args=[world["case"].url_key])).status_code == 404
    assert c.post(reverse("mediation_action", args=[world["case"].url_key, "consent"])).status_code == 404


def test_anonymous_invitation_page_asks_to_log_in(world, client):
    response = client.get(reverse("mediation_invitation", args=[world["token"]]))
    assert response.status_code == 200
    assert world["case"].number in response.content.decode()


def test_run_deadlines_command(world):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    with freeze_time(world["mediation"].consent_due + timedelta(hours=1)):
        call_command("run_deadlines", stdout=out)
    assert "'consent_expired': 1" in out.getvalue()


# --- the settlement agreement ----------------------------------------------------------------

def test_only_the_mediator_drafts_and_terms_are_checked(world):
    from mediation import agreements

    m = started(world)
    with pytest.raises(PermissionDenied):
        agreements.draft_version(mediation=m, by=world["claimant"], terms=TERMS)
    with pytest.raises(ValidationError) as exc:
        agreements.draft_version(mediation=m, by=world["mediator"], terms={**TERMS, "payment_amount": "1"})
    assert exc.value.code == "instalments"
    version = agreements.draft_version(mediation=m, by=world["mediator"], terms=TERMS)
    assert version.number == 1 and len(version.sha256) == 64
    assert Mediation.objects.get(pk=m.pk).state == MediationState.AGREEMENT_DRAFTED


def test_signing_needs_the_password_and_binds_the_version_hash(world):
    from mediation import agreements

    m = started(world)
    version = agreements.draft_version(mediation=m, by=world["mediator"], terms=TERMS)
    password = set_password(world["claimant"])
    with pytest.raises(ValidationError) as exc:
        agreements.sign(version=version, by=world["claimant"], password="wrong")
    assert exc.value.code == "password"
    [signature] = agreements.sign(version=version, by=world["claimant"], password=password)
    assert signature.version_sha256 == version.sha256
    with pytest.raises(PermissionDenied):
        agreements.sign(version=version, by=world["mediator"], password=set_password(world["mediator"]))


def test_respondent_cannot_sign_after_agreement_is_edited(world):
    from mediation import agreements

    m = started(world)
    v1 = agreements.draft_version(mediation=m, by=world["mediator"], terms=TERMS)
    agreements.sign(version=v1, by=world["claimant"], password=set_password(world["claimant"]))
    v2 = agreements.draft_version(mediation=m, by=world["mediator"], terms={**TERMS, "costs": "被申请人承担"})
    assert v1.signatures.get().voided_at is not None  # the edit voided the claimant's signature
    with pytest.raises(services.MediationError) as exc:
        agreements.sign(version=v1, by=world["respondent"], password=set_password(world["respondent"]))
    assert exc.value.code == "stale_version"
    agreements.sign(version=v2, by=world["respondent"], password="sign-pass-1")
    assert Mediation.objects.get(pk=m.pk).state == MediationState.AGREEMENT_DRAFTED  # claimant must sign again


def test_otp_is_required_when_the_signer_has_a_device(world):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from mediation import agreements

    m = started(world)
    version = agreements.draft_version(mediation=m, by=world["mediator"], terms=TERMS)
    device = TOTPDevice.objects.create(user=world["claimant"], name="app", confirmed=True)
    password = set_password(world["claimant"])
    with pytest.raises(ValidationError) as exc:
        agreements.sign(version=version, by=world["claimant"], password=password)
    assert exc.value.code == "otp"
    device.refresh_from_db()
    device.throttle_reset()
    [sig] = agreements.sign(version=version, by=world["claimant"], password=password,
                            otp_token=f"{totp(device.bin_key):06d}")
    assert sig.with_otp


def test_agreement_takes_effect_when_every_party_signed_and_is_notarised(world):
    from mediation import agreements
    from notary.pdf import validate_pdf

    m = started(world)
    version = agreements.draft_version(mediation=m, by=world["mediator"], terms=TERMS)
    agreements.sign(version=version, by=world["claimant"], password=set_password(world["claimant"]))
    agreements.sign(version=version, by=world["respondent"], password=set_password(world["respondent"]))
    m = Mediation.objects.get(pk=m.pk)
    assert m.state == MediationState.AGREEMENT_SIGNED and m.agreement_effective_at
    item = m.agreement.signed_document
    assert item.kind == "document" and item.leaf is not None
    with item.file.open("rb") as fh:
        pdf = fh.read()
    assert validate_pdf(pdf).valid
    with pytest.raises(services.MediationError):
        agreements.sign(version=version, by=world["claimant"], password="sign-pass-1")


def test_agreement_through_the_web(world, client):
    m = started(world)
    mediator = verified_client(client, world["mediator"])
    key = world["case"].url_key
    r = mediator.post(reverse("mediation_action", args=[key, "draft"]), {
        "payment_amount": "5000", "instalments": "2026-12-31 5000", "cease_infringement": "on",
        "remove_urls": "https://shop.example.cn/item/9", "remove_by": "2026-12-20", "confidentiality": "on"})
    assert r.status_code == 302
    version = Mediation.objects.get(pk=m.pk).agreement.current_version()
    assert version.terms["instalments"] == [{"date": "2026-12-31", "amount": "5000.00"}]
    mediator.logout()
    for who in ("claimant", "respondent"):
        password = set_password(world[who])  # before logging in: a new password ends old sessions
        c = verified_client(client, world[who])
        assert b"SHA-256" in c.get(reverse("mediation_panel", args=[key])).content
        c.post(reverse("mediation_action", args=[key, "sign"]), {"version": version.pk, "password": password})
        c.logout()
    assert Mediation.objects.get(pk=m.pk).state == MediationState.AGREEMENT_SIGNED


def test_bad_instalment_lines_are_refused_with_a_message(world, client):
    started(world)
    mediator = verified_client(client, world["mediator"])
    r = mediator.post(reverse("mediation_action", args=[world["case"].url_key, "draft"]),
                      {"payment_amount": "5000", "instalments": "next week 5000"}, follow=True)
    assert "2026-12-31" in r.content.decode()  # the example in the message
    assert not hasattr(Mediation.objects.get(pk=world["mediation"].pk), "agreement")


@pytest.mark.parametrize("how", ["terminate", "decline", "expire"])
def test_a_mediation_ending_without_agreement_gets_a_signed_termination_certificate(world, how):
    from notary.pdf import validate_pdf

    if how == "terminate":
        m = services.terminate(mediation=started(world), by=world["claimant"], reason="分歧过大")
    elif how == "decline":
        services.claim_invitation(token=world["token"], user=world["respondent"])
        m = services.decline(mediation=world["mediation"], by=world["respondent"], reason="不同意调解")
    else:
        with freeze_time(world["mediation"].consent_due + timedelta(minutes=1)):
            services.run_deadlines()
        m = Mediation.objects.get(pk=world["mediation"].pk)
    item = Mediation.objects.get(pk=m.pk).termination_certificate
    assert item is not None and item.leaf is not None and item.kind == "document"
    with item.file.open("rb") as fh:
        assert validate_pdf(fh.read()).valid


# --- choosing the mediator together, and objections ----------------------------------------

def _directory(*users):
    from tests.factories import NeutralProfileFactory

    for user in users:
        NeutralProfileFactory(user=user, is_public=True)


def test_both_sides_picking_the_same_mediator_proposes_them(world):
    m = claim_and_consent(world)
    other = MediatorFactory()
    _directory(world["mediator"], other)
    assert services.nominate_mediator(mediation=m, by=world["claimant"], mediator=world["mediator"]) is None
    assert services.nominate_mediator(mediation=m, by=world["respondent"], mediator=other) is None  # no match yet
    appointment = services.nominate_mediator(mediation=m, by=world["respondent"], mediator=world["mediator"])
    assert appointment.mediator == world["mediator"]


def test_only_public_directory_mediators_can_be_picked(world):
    m = claim_and_consent(world)
    with pytest.raises(services.MediationError):
        services.nominate_mediator(mediation=m, by=world["claimant"], mediator=world["mediator"])  # no profile
    with pytest.raises(PermissionDenied):
        _directory(world["mediator"])
        services.nominate_mediator(mediation=m, by=world["mediator"], mediator=world["mediator"])


def test_each_side_objects_once_and_an_upheld_objection_replaces_the_mediator(world):
    m = started(world)
    objection = services.object_to_mediator(mediation=m, by=world["respondent"], reason="调解员曾为申请人提供法律咨询")
    with pytest.raises(services.MediationError) as exc:
        services.object_to_mediator(mediation=m, by=world["respondent"], reason="再次异议")
    assert exc.value.code == "already_objected"
    with pytest.raises(PermissionDenied):
        services.decide_objection(objection=objection, by=world["claimant"], uphold=True)
    services.decide_objection(objection=objection, by=world["manager"], uphold=True)
    m = Mediation.objects.get(pk=m.pk)
    assert m.state == MediationState.CONSENTED and m.mediator is None
    assert not CaseAssignment.objects.filter(case=world["case"], user=world["mediator"], active=True).exists()
    with pytest.raises(services.MediationError):
        services.decide_objection(objection=objection, by=world["manager"], uphold=False)


def test_a_dismissed_objection_keeps_the_mediator(world):
    m = started(world)
    objection = services.object_to_mediator(mediation=m, by=world["claimant"], reason="担心不中立")
    services.decide_objection(objection=objection, by=world["manager"], uphold=False, note="无事实依据")
    assert Mediation.objects.get(pk=m.pk).state == MediationState.IN_PROGRESS


def test_objection_through_the_web_and_manager_decision(world, client):
    m = started(world)
    c = verified_client(client, world["respondent"])
    c.post(reverse("mediation_action", args=[world["case"].url_key, "object"]), {"reason": "曾代理申请人"})
    objection = m.objections.get()
    c.logout()
    mc = verified_client(client, world["manager"])
    assert "曾代理申请人" in mc.get(reverse("mediation_panel", args=[world["case"].url_key])).content.decode()
    mc.post(reverse("mediation_action", args=[world["case"].url_key, "decide_objection"]),
            {"objection": objection.pk, "decision": "uphold", "note": "成立"})
    assert Mediation.objects.get(pk=m.pk).state == MediationState.CONSENTED


def test_mediator_working_for_a_related_party_is_refused(world):
    m = claim_and_consent(world)
    respondent = world["case"].parties.get(side="respondent")
    respondent.related_parties = "义乌某某控股有限公司\n91330782MA2E8AAN9X"
    respondent.save()
    world["mediator"].organisation = Organisation.objects.create(name="义乌某某控股有限公司")
    world["mediator"].save()
    with pytest.raises(services.MediationError) as exc:
        services.propose_mediator(mediation=m, mediator=world["mediator"], by=world["manager"])
    assert exc.value.code == "conflict"
