"""The one world the access-control matrix (test_access_matrix.py) probes.

Built once per test module through the real services, so every object is in
the state the product puts it in:

- a platform complaint (filed through the API by a platform organisation)
  that went to mediation: the respondent claimed the invitation and
  consented, a mediator was appointed, a sitting took place in the joint room
  and in both caucuses (messages, an attachment private to the claimant side,
  transcripts), the settlement agreement was signed and both sides applied
  to a court for judicial confirmation (the court packet exists);
- an arbitration (expedited, sole arbitrator) with a hearing, a written
  submission, a payment and an issued award; the same court may see it for
  enforcement;
- a court referral filed through the API by that court;
- a draft filing of the claimant, evidence in the notary log of both cases,
  a notification for every user, API tokens of a platform and a court (and
  of a second platform and a second court, who are not members);
- an "other" docketed case whose parties, agents, mediator and referring
  court's clerk are the non-member variants of each role;
- the public site (home page, a password-protected page, a Wagtail
  document in a password-protected collection) and an infringer-list entry
  with an objection.

Users play roles (principals): one user per role that is linked to the
world's cases ("member"), one per role that is linked only to the other case
("other"), and centre staff with and without a verified second factor.
Every person and file name is distinctive, so a response can be searched for
anything it must not show (World.secrets).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client, TestCase
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PDF_BYTES, pdf_upload

#: Roles that have a "member" and an "other" (non-member) variant.
CASE_ROLES = ("claimant", "claimant_agent", "respondent", "respondent_agent", "mediator", "arbitrator", "clerk")
#: Centre staff: no membership, but a verified or unverified second factor.
STAFF_ROLES = ("case_manager", "admin")


@dataclass(frozen=True)
class Principal:
    """Who makes a request: a role and its relation to the world's cases.

    scope is "member" / "other" for case roles, "2fa" / "no-2fa" for staff,
    "" for anonymous."""

    role: str
    scope: str = ""

    @property
    def id(self) -> str:
        return f"{self.role}-{self.scope}" if self.scope else self.role

    @property
    def is_anonymous(self) -> bool:
        return self.role == "anonymous"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def unverified_staff(self) -> bool:
        return self.is_staff and self.scope == "no-2fa"

    @property
    def verified_staff(self) -> bool:
        return self.is_staff and self.scope == "2fa"


ANONYMOUS = Principal("anonymous")
PRINCIPALS: tuple[Principal, ...] = (
    ANONYMOUS,
    *(Principal(role, scope) for role in CASE_ROLES for scope in ("member", "other")),
    *(Principal(role, scope) for role in STAFF_ROLES for scope in ("2fa", "no-2fa")),
)

#: API callers: no token, a token of the organisation the object belongs to
#: ("member"), a token of another organisation of the same kind ("other").
API_CALLERS = ("no-token", "revoked-token", "session-claimant", "platform-member", "platform-other", "court-member",
               "court-other")


@dataclass
class World:
    users: dict[str, object] = field(default_factory=dict)  # principal id -> User
    sessions: dict[str, str] = field(default_factory=dict)  # principal id -> session key
    api_secrets: dict[str, str] = field(default_factory=dict)  # API caller -> bearer secret
    cases: dict[str, object] = field(default_factory=dict)  # "mediation", "arbitration", "referral", "draft", "other"
    objects: dict[str, object] = field(default_factory=dict)  # named objects the URL kwargs point at
    # scope (a case of the world, or one side's caucus of the mediation) -> strings only its readers may see
    secrets: dict[str, list[str]] = field(default_factory=dict)
    private_dir: str = ""


def _capture():
    return TestCase.captureOnCommitCallbacks(execute=True)


def _session_key(user, *, verified: bool) -> str:
    """Log the user in as the login page would; staff pass two-factor when `verified`."""
    client = Client()
    client.force_login(user)
    if verified and user.needs_two_factor:
        device = TOTPDevice.objects.create(user=user, name="matrix", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _grant_back_office(user) -> None:
    """What the centre gives its case managers (portal.demo.seed._grant_back_office): the Wagtail back
    office and the directory models."""
    from django.contrib.auth.models import Group

    group, _ = Group.objects.get_or_create(name="Case managers")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    group.permissions.add(*Permission.objects.filter(
        content_type__app_label="portal", content_type__model__in=["court", "organisation", "neutralprofile"],
        codename__regex=r"^(add|change|view)_"))
    user.groups.add(group)


def _users(w: World) -> None:
    from portal.models import Court, User
    from tests.factories import ArbitratorFactory, CourtFactory, ManagerFactory, MediatorFactory, UserFactory

    court = CourtFactory(name="保密测试西湖法院", region_code=settings.PORTAL_CENTRE_REGION_CODE, level=Court.Level.BASIC)
    other_court = CourtFactory(name="其他测试法院", region_code="330201", level=Court.Level.BASIC)
    w.objects.update(court=court, other_court=other_court)
    make = {
        "claimant": lambda n: UserFactory(full_name=f"{n}权利人用户"),
        "claimant_agent": lambda n: UserFactory(full_name=f"{n}申请人律师"),
        "respondent": lambda n: UserFactory(full_name=f"{n}卖家用户"),
        "respondent_agent": lambda n: UserFactory(full_name=f"{n}被申请人律师"),
        "mediator": lambda n: MediatorFactory(full_name=f"{n}调解员"),
        "arbitrator": lambda n: ArbitratorFactory(full_name=f"{n}仲裁员"),
    }
    for role, factory in make.items():
        w.users[f"{role}-member"] = factory("甲乙")
        w.users[f"{role}-other"] = factory("丙丁")
    w.users["clerk-member"] = UserFactory(role=User.Role.CLERK, court=court, full_name="法院书记员甲")
    w.users["clerk-other"] = UserFactory(role=User.Role.CLERK, court=other_court, full_name="法院书记员乙")
    for scope in ("2fa", "no-2fa"):
        manager = ManagerFactory(full_name=f"案件经办人{scope}")
        _grant_back_office(manager)
        w.users[f"case_manager-{scope}"] = manager
        w.users[f"admin-{scope}"] = UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True,
                                                full_name=f"管理员{scope}")


def _api(w: World) -> None:
    from portal.api.services import issue_token, revoke_token
    from portal.models import Organisation

    orgs = {
        "platform-member": dict(name="保密测试电商平台", kind=Organisation.Kind.PLATFORM),
        "platform-other": dict(name="另一电商平台", kind=Organisation.Kind.PLATFORM),
        "court-member": dict(name=w.objects["court"].name, kind=Organisation.Kind.COURT, court=w.objects["court"]),
        "court-other": dict(name=w.objects["other_court"].name, kind=Organisation.Kind.COURT,
                            court=w.objects["other_court"]),
    }
    for caller, data in orgs.items():
        org = Organisation.objects.create(**data)
        _token, secret = issue_token(organisation=org, name="matrix", by=None)
        w.objects[f"org:{caller}"] = org
        w.api_secrets[caller] = secret
    # A revoked token of the platform whose complaint the world has: refused like no token at all.
    revoked, w.api_secrets["revoked-token"] = issue_token(organisation=w.objects["org:platform-member"],
                                                           name="revoked", by=None)
    revoke_token(token=revoked)


def _api_post(secret: str, path: str, data: dict):
    import json

    response = Client().post(path, json.dumps(data), content_type="application/json",
                             headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == 201, response.content
    return response.json()


def _agent(case, side: str, user, name: str):
    from portal.models import Agent

    party = case.parties.filter(side=side).order_by("pk").first()
    return Agent.objects.create(case=case, party=party, name=name, email=user.email, user=user,
                                law_firm=f"{name}律师事务所")


def _register(case, name: str, submitter, **links):
    from notary.services.items import register_file

    return register_file(case=case, fileobj=ContentFile(PDF_BYTES, name=name), original_name=name,
                         content_type="application/pdf", submitter=submitter, description=f"{name} (matrix)",
                         **links)


def _mediation_case(w: World) -> None:
    """A platform complaint, mediated to a signed agreement and a joint application for confirmation."""
    from mediation import agreements, confirmation, services
    from mediation.models import JudicialConfirmation, Mediation, RoomMessage, Transcript
    from mediation.sessions import rooms
    from notary.models import NotaryItem
    from portal.models import Case, CaseDocument, Party, PlatformComplaint
    from portal.services import intake
    from tests.api.helpers import complaint
    from tests.factories import DocumentFactory
    from tests.mediation.helpers import TERMS, set_password

    u = w.users
    data = complaint(7101)
    data["claimant"]["name"] = "保密申请人甲公司"
    data["respondent"].update(name="保密被申请人乙商行", email="secret-seller@example.test")
    data["external_reference"] = "SECRET-REF-7101"
    filed = _api_post(w.api_secrets["platform-member"], "/api/v1/complaints/bulk", {"complaints": [data]})
    case = Case.objects.get(ref=filed["complaints"][0]["id"])
    case.parties.filter(side=Party.Side.CLAIMANT).update(user=u["claimant-member"])
    mail.outbox.clear()
    with _capture():
        case = intake.docket_case(case=case, by=u["case_manager-2fa"])
    invitation = next(m for m in mail.outbox if m.to == ["secret-seller@example.test"])
    token = re.search(r"/mediation/invitations/([^/\s]+)/", invitation.body).group(1)
    _agent(case, "claimant", u["claimant_agent-member"], "保密甲律师")
    _agent(case, "respondent", u["respondent_agent-member"], "保密乙律师")
    with _capture():
        mediation = services.claim_invitation(token=token, user=u["respondent-member"])
        mediation = services.consent(mediation=mediation, by=u["respondent-member"])
        services.propose_mediator(mediation=mediation, mediator=u["mediator-member"], by=u["case_manager-2fa"])
        mediation = services.accept_appointment(mediation=mediation, by=u["mediator-member"], disclosure="")

    # A sitting: the joint room and both caucuses, with an attachment private to the claimant side.
    with _capture():
        joint = rooms.joint_room(mediation)
        rooms.post_text(room=joint, author=u["claimant-member"], client_id="m-1", text="保密联席发言")
        caucus = rooms.set_caucus(mediation=mediation, by=u["mediator-member"], side="claimant", open_=True)
        rooms.set_caucus(mediation=mediation, by=u["mediator-member"], side="respondent", open_=True)
        rooms.post_text(room=caucus, author=u["claimant-member"], client_id="m-2", text="保密底线五万元")
        private = _register(case, "secret-caucus-note.pdf", u["claimant-member"], private_to_side="claimant")
        rooms.append_message(room=caucus, author=u["claimant-member"], client_id="m-3",
                             kind=RoomMessage.Kind.ATTACHMENT, attachment=private,
                             make_body=lambda r: {"item": str(private.uid), "name": private.original_name,
                                                  "size": private.size, "content_type": private.content_type,
                                                  "sha256": private.sha256})
        rooms.end_session(mediation=mediation, by=u["mediator-member"])
    # The rooms stay open for the WebSocket checks (a closed room still admits its people, read-only).
    rooms.start_session(mediation=Mediation.objects.get(pk=mediation.pk), by=u["mediator-member"])

    evidence = _register(case, "secret-mediation-evidence.pdf", u["claimant-member"])
    document = DocumentFactory(case=case, kind=CaseDocument.Kind.EVIDENCE, original_name="secret-mediation-doc.pdf",
                               uploaded_by=u["claimant-member"])

    # The settlement agreement, signed; both sides apply to the court for judicial confirmation.
    with _capture():
        mediation = Mediation.objects.get(pk=mediation.pk)
        version = agreements.draft_version(mediation=mediation, by=u["mediator-member"], terms=TERMS)
        for who in ("claimant-member", "respondent-member"):
            agreements.sign(version=version, by=u[who], password=set_password(u[who]))
        for who in ("claimant-member", "respondent-member"):
            confirmation.sign_application(mediation=Mediation.objects.get(pk=mediation.pk), by=u[who],
                                          court=w.objects["court"], password="sign-pass-1")
    mediation = Mediation.objects.get(pk=mediation.pk)
    application = JudicialConfirmation.objects.get(mediation=mediation)
    assert application.submitted_at is not None, "the joint application was not filed"

    caucus_transcript = Transcript.objects.filter(room__case=case, room__name="claimant").first()
    joint_transcript = Transcript.objects.filter(room__case=case, room__name="joint").first()
    assert caucus_transcript and joint_transcript, "ending the sitting made no transcripts"
    attachment = RoomMessage.objects.get(room=caucus, client_id="m-3")
    w.cases["mediation"] = Case.objects.get(pk=case.pk)
    w.objects.update({
        "invitation_token": token, "mediation": mediation, "application": application, "evidence:mediation": evidence,
        "private_item": private, "document:mediation": document, "attachment": attachment,
        "transcript:joint": joint_transcript, "transcript:claimant": caucus_transcript,
        "complaint": PlatformComplaint.objects.get(case=case),
        "outcome_document": mediation.agreement.signed_document,
    })
    items = NotaryItem.objects.filter(case=case)
    w.secrets["mediation"] = [
        case.number, str(case.ref), "保密申请人甲公司", "保密被申请人乙商行", "保密甲律师", "保密乙律师",
        "SECRET-REF-7101", "secret-seller@example.test", "secret-mediation-evidence.pdf", "secret-mediation-doc.pdf",
        "保密联席发言", *items.filter(private_to_side="").values_list("original_name", flat=True),
    ]
    # What was said and filed in a caucus: that side and the mediator only (not even the centre).
    for side in ("claimant", "respondent"):
        w.secrets[f"mediation-{side}-caucus"] = list(
            items.filter(private_to_side=side).values_list("original_name", flat=True))
    w.secrets["mediation-claimant-caucus"].append("保密底线五万元")
    assert "secret-caucus-note.pdf" in w.secrets["mediation-claimant-caucus"]
    assert len(w.secrets["mediation-respondent-caucus"]) == 1, "no transcript of the respondent's caucus"


def _arbitration_case(w: World) -> None:
    """An expedited arbitration of the same claimant and respondent: a sole arbitrator, a hearing,
    a submission, and the award issued."""
    from arbitration import awards, hearing_rooms
    from arbitration import services as arb
    from arbitration.models import Arbitration, Hearing, Payment
    from mediation.models import Transcript
    from mediation.sessions import rooms
    from portal.models import Case, CaseCourtAccess, CaseDocument, Party
    from portal.services import intake
    from tests.arbitration import helpers
    from tests.factories import CaseFactory, DocumentFactory

    u = w.users
    case = CaseFactory(created_by=u["claimant-member"], complete=True, state="submitted", track="arbitration",
                       arbitration_agreement="uploaded")
    case.parties.filter(side=Party.Side.CLAIMANT).update(name="机密仲裁申请人丙公司")
    case.parties.filter(side=Party.Side.RESPONDENT).update(name="机密仲裁被申请人丁公司",
                                                           email="secret-arb-seller@example.test",
                                                           phone="13900000000")
    DocumentFactory(case=case, kind=CaseDocument.Kind.ARBITRATION_AGREEMENT, original_name="secret-arb-clause.pdf",
                    uploaded_by=u["claimant-member"])
    with _capture():
        case = intake.docket_case(case=case, by=u["case_manager-2fa"])
    _agent(case, "claimant", u["claimant_agent-member"], "机密丙律师")
    _agent(case, "respondent", u["respondent_agent-member"], "机密丁律师")
    world = {"case": case, "claimant": u["claimant-member"], "respondent": u["respondent-member"],
             "manager": u["case_manager-2fa"], "arbitrators": [u["arbitrator-member"]],
             "arbitration": Arbitration.objects.get(case=case)}
    with _capture():
        helpers.in_proceedings(world)
        arbitration = Arbitration.objects.get(pk=world["arbitration"].pk)
        hearing = arb.schedule_hearing(arbitration=arbitration, by=u["arbitrator-member"], mode="online",
                                       starts_at=timezone.now() + timedelta(minutes=30), duration_minutes=60)
        # An online sitting in the hearing room, ended with a transcript.
        hearing_room = hearing_rooms.open_room(hearing=hearing, by=u["arbitrator-member"])
        rooms.post_text(room=hearing_room, author=u["claimant-member"], client_id="h-1", text="机密庭审陈述")
        hearing_rooms.end_hearing(hearing=Hearing.objects.get(pk=hearing.pk), by=u["arbitrator-member"])
        submission = arb.submit(arbitration=arbitration, by=u["claimant-member"], kind="evidence",
                                text="机密书面意见", upload=pdf_upload("secret-arb-submission.pdf"))
        arb.transition(arbitration=world["arbitration"], name="close_proceedings", by=u["arbitrator-member"])
        award = awards.draft(arbitration=world["arbitration"], by=u["arbitrator-member"], content=helpers.AWARD)
        awards.sign(award=award, by=u["arbitrator-member"], password=helpers.set_password(u["arbitrator-member"]))
        awards.issue(arbitration=world["arbitration"], by=u["case_manager-2fa"])
    # The court may see the case to enforce the award.
    CaseCourtAccess.objects.create(case=case, court=w.objects["court"], reason="enforcement")
    evidence = _register(case, "secret-arbitration-evidence.pdf", u["respondent-member"])
    document = case.documents.get(kind=CaseDocument.Kind.ARBITRATION_AGREEMENT)
    arbitration = Arbitration.objects.get(pk=world["arbitration"].pk)
    assert arbitration.state == "award_issued", arbitration.state
    w.cases["arbitration"] = Case.objects.get(pk=case.pk)
    hearing = Hearing.objects.select_related("room").get(pk=hearing.pk)
    assert hearing.room is not None
    hearing_transcript = Transcript.objects.filter(room=hearing.room).first()
    assert hearing_transcript is not None, "ending the hearing made no transcript"
    w.objects.update({
        "notice_token": world["token"], "arbitration": arbitration, "hearing": hearing, "submission": submission,
        "transcript:hearing": hearing_transcript,
        "payment": Payment.objects.filter(assessment__arbitration=arbitration).first(),
        "evidence:arbitration": evidence, "document:arbitration": document,
    })
    from notary.models import NotaryItem

    w.secrets["arbitration"] = [
        case.number, str(case.ref), "机密仲裁申请人丙公司", "机密仲裁被申请人丁公司", "机密丙律师", "机密丁律师",
        "secret-arb-seller@example.test", "secret-arb-clause.pdf", "secret-arbitration-evidence.pdf",
        "机密书面意见", "机密庭审陈述", *NotaryItem.objects.filter(case=case).values_list("original_name", flat=True),
    ]


def _referral(w: World) -> None:
    from portal.models import Case
    from tests.api.helpers import referral

    data = referral(7201)
    data["claimant"]["name"] = "秘密诉前申请人戊公司"
    data["respondent"]["name"] = "秘密诉前被申请人己商行"
    filed = _api_post(w.api_secrets["court-member"], "/api/v1/referrals", data)
    case = Case.objects.get(ref=filed["id"])
    w.cases["referral"] = case
    w.secrets["referral"] = [str(case.ref), "秘密诉前申请人戊公司", "秘密诉前被申请人己商行", data["court_reference"]]


def _draft(w: World) -> None:
    from portal.models import Party
    from tests.factories import CaseFactory

    case = CaseFactory(created_by=w.users["claimant-member"], complete=True)
    case.parties.filter(side=Party.Side.RESPONDENT).update(name="草稿机密被申请人庚")
    w.cases["draft"] = case
    w.secrets["draft"] = [str(case.ref), "草稿机密被申请人庚"]


def _other_case(w: World) -> None:
    """The non-members' own case: each "other" principal has a place in it."""
    from portal.models import Case, CaseAssignment, Party
    from tests.factories import CaseFactory

    u = w.users
    case = CaseFactory(created_by=u["claimant-other"], complete=True, channel="court",
                       referring_court=w.objects["other_court"])
    case.parties.filter(side=Party.Side.RESPONDENT).update(user=u["respondent-other"])
    _agent(case, "claimant", u["claimant_agent-other"], "他案甲律师")
    _agent(case, "respondent", u["respondent_agent-other"], "他案乙律师")
    CaseAssignment.objects.create(case=case, user=u["mediator-other"], role=CaseAssignment.Role.MEDIATOR)
    CaseAssignment.objects.create(case=case, user=u["arbitrator-other"], role=CaseAssignment.Role.ARBITRATOR)
    Case.objects.filter(pk=case.pk).update(state="docketed", number="ZJIP-M-2026-990001", docketed_at=timezone.now())
    w.cases["other"] = Case.objects.get(pk=case.pk)


def _notifications(w: World) -> None:
    from portal.models import Notification

    case = w.cases["mediation"]
    mediation_members = {f"{r}-member" for r in CASE_ROLES} - {"arbitrator-member"}
    for pid, user in w.users.items():
        member = pid in mediation_members or pid.startswith(("case_manager", "admin"))
        w.objects[f"notification:{pid}"] = Notification.objects.create(
            user=user, category="case", event="matrix",
            title=f"案件 {case.number} 有新进展" if member else "您的案件有新进展",
            url=f"/mediation/{case.number}/" if member else "/dashboard/", case=case if member else None)


def _public_site(w: World) -> None:
    from wagtail.documents.models import Document
    from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction, Site

    from cms.models import HomePage

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Matrix home", slug="matrix-home"))
    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "testserver", "root_page": home})
    private = home.add_child(instance=HomePage(title="Members only", slug="members-only"))
    restriction = PageViewRestriction.objects.create(page=private, restriction_type="password", password="pw")
    document = Document.objects.create(title="Public guide", file=ContentFile(PDF_BYTES, name="guide.pdf"))
    collection = Collection.get_first_root_node().add_child(name="Matrix private")
    doc_restriction = CollectionViewRestriction.objects.create(collection=collection, restriction_type="password",
                                                               password="pw")
    w.objects.update(home=home, private_page=private, page_restriction=restriction, document=document,
                     collection_restriction=doc_restriction)


def _infringer_list(w: World) -> None:
    from cms.infringers.models import InfringerCandidate
    from cms.infringers.services import approve_candidate, object_to_listing, objection_token

    today = timezone.localdate()
    manager = w.users["case_manager-2fa"]
    pending = InfringerCandidate.objects.create(key="name:某待定商行", name="某待定商行", case_count=2,
                                                first_decided_on=today, last_decided_on=today)
    pending.cases.add(w.cases["other"])
    listed = InfringerCandidate.objects.create(key="name:某上榜商行", name="某上榜商行", case_count=2,
                                               first_decided_on=today, last_decided_on=today)
    listed.cases.add(w.cases["other"])
    with _capture():
        listing = approve_candidate(candidate=listed, by=manager)
        objection = object_to_listing(listing=listing, name="王经理", email="objector@example.test",
                                      grounds="并非本商行。")
    w.objects.update(candidate=pending, listing=listing, objection=objection,
                     objection_token=objection_token(listing))


def _back_office_objects(w: World) -> None:
    """One object of each model viewset the portal registers in Wagtail's admin (their edit, delete, … URLs)."""
    from arbitration.models import FeeSchedule, RuleSet
    from notary.models import Checkpoint
    from portal.models import ApiToken, NeutralProfile, Organisation, WebhookEndpoint
    from tests.factories import CourtFactory

    org = w.objects["org:platform-member"]
    w.objects.update({
        "viewset:courts": w.objects["court"],
        "viewset:organisations": org,
        "viewset:neutrals": NeutralProfile.objects.create(user=w.users["mediator-other"], display_name="丙丁调解员",
                                                          is_mediator=True, region="浙江省杭州市", is_public=True),
        "viewset:api-tokens": ApiToken.objects.filter(organisation=org).first(),
        # No events: nothing is ever delivered to it.
        "viewset:webhooks": WebhookEndpoint.objects.create(organisation=org, url="https://hooks.example.test/matrix",
                                                           events=[]),
        "viewset:arbitration_rule_sets": RuleSet.objects.order_by("pk").first(),
        "viewset:arbitration_fee_schedules": FeeSchedule.objects.order_by("pk").first(),
        "checkpoint_sizes": list(Checkpoint.objects.order_by("size").values_list("size", flat=True)),
        # Spare ones, for the delete views.
        "viewset-spare:courts": CourtFactory(name="待删除法院"),
        "viewset-spare:organisations": Organisation.objects.create(name="待删除机构", kind=Organisation.Kind.PLATFORM),
        "viewset-spare:neutrals": NeutralProfile.objects.create(user=w.users["arbitrator-other"],
                                                                display_name="丙丁仲裁员", is_arbitrator=True,
                                                                is_public=False),
        "viewset-spare:api-tokens": ApiToken.objects.filter(organisation=w.objects["org:platform-other"]).first(),
        "viewset-spare:webhooks": WebhookEndpoint.objects.create(organisation=org, events=[],
                                                                 url="https://hooks.example.test/spare"),
        "viewset-spare:arbitration_rule_sets": RuleSet.objects.create(
            name="待删除程序", code="matrix-spare", tribunal_size=1, answer_days=20, award_months=3, is_active=False),
        "viewset-spare:arbitration_fee_schedules": FeeSchedule.objects.create(
            name="待删除收费表", registration_fee=0, minimum_admin_fee=0,
            effective_from=timezone.localdate() + timedelta(days=3650)),
    })


def _reference_data() -> None:
    """What data migrations create (Wagtail's locales and root page, the arbitration procedures and fees),
    in case the database was made without them (pytest --nomigrations). Idempotent."""
    from wagtail.models import Collection, Locale, Page

    from arbitration.defaults import ensure_defaults

    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", url_path="/"))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    ensure_defaults()


def build_world(private_dir: str) -> World:
    """Everything the matrix needs; call inside a transaction that is rolled back afterwards."""
    w = World(private_dir=private_dir)
    mail.outbox = []
    _reference_data()
    _users(w)
    _api(w)
    _mediation_case(w)
    _arbitration_case(w)
    _referral(w)
    _draft(w)
    _other_case(w)
    _notifications(w)
    _public_site(w)
    _infringer_list(w)
    _back_office_objects(w)
    for pid, user in w.users.items():
        w.sessions[pid] = _session_key(user, verified=not pid.endswith("no-2fa"))
    mail.outbox = []
    return w
