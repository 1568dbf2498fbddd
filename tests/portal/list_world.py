"""Many cases at once, for the list pages' query counts (tests/portal/test_list_queries.py)
and the case list benchmark (bench/case_list.py).

`make_people()` creates one user per role (a party, a case manager, a mediator,
an arbitrator, a clerk), a platform and a court connected to the API, and
`add_cases(people, n)` adds n cases with bulk inserts: every kind of row a list
shows (parties, IP rights, mediations and arbitrations with their deadlines,
assignments, tribunal seats, platform complaints, court referrals, applications
for judicial confirmation), spread over the states each page lists. The party
is the claimant of every case (a tenth are the party's drafts, a tenth walk-in
filings the case manager is entering), mediations are the mediator's,
arbitrations the arbitrator's, and the clerk's court referred some cases and
received applications for judicial confirmation in others. Cases come in a
fixed cycle of KINDS kinds, so every list grows in proportion to n.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from portal.models import (
    Case,
    CaseAssignment,
    CaseState,
    Channel,
    Court,
    IPRight,
    IPType,
    Organisation,
    Party,
    PlatformComplaint,
    Track,
    User,
)


@dataclass
class People:
    party: User
    manager: User
    mediator: User
    arbitrator: User
    clerk: User
    court: Court
    platform: Organisation
    platform_secret: str
    court_org: Organisation
    court_secret: str


def make_people(password: str = "list-pass-1") -> People:
    from portal.api.services import issue_token

    tag = uuid.uuid4().hex[:6]
    court = Court.objects.create(name=f"杭州市西湖区人民法院-{tag}", region_code="330106", level=Court.Level.BASIC)

    def user(role: str, name: str, **extra) -> User:
        u = User(email=f"{role}-{tag}@example.test", full_name=name, role=role, **extra)
        u.set_password(password)
        u.save()
        return u

    platform = Organisation.objects.create(name=f"某电商平台-{tag}", kind=Organisation.Kind.PLATFORM)
    court_org = Organisation.objects.create(name=court.name, kind=Organisation.Kind.COURT, court=court)
    _, platform_secret = issue_token(organisation=platform, name="list bench", by=None)
    _, court_secret = issue_token(organisation=court_org, name="list bench", by=None)
    return People(
        party=user(User.Role.PARTY, "申请人"), manager=user(User.Role.CASE_MANAGER, "经办人", is_staff=True),
        mediator=user(User.Role.MEDIATOR, "调解员"), arbitrator=user(User.Role.ARBITRATOR, "仲裁员"),
        clerk=user(User.Role.CLERK, "书记员", court=court), court=court,
        platform=platform, platform_secret=platform_secret, court_org=court_org, court_secret=court_secret)


# Every run of KINDS consecutive cases has one case of each kind, so every list
# has rows as soon as KINDS cases exist, and n * KINDS cases give each list about
# n times as many rows: (intake state, track, channel, who files it, mediation or
# arbitration states it cycles through).
M, A = Track.MEDIATION, Track.ARBITRATION
_KINDS = [
    (CaseState.DRAFT, M, Channel.ONLINE, "party", ()),                  # the party's own draft
    (CaseState.DRAFT, M, Channel.WALK_IN, "manager", ()),               # a walk-in filing being entered
    (CaseState.SUBMITTED, M, Channel.PLATFORM, "party", ()),            # the intake queue
    (CaseState.RETURNED, A, Channel.COURT, "party", ()),
    (CaseState.DOCKETED, M, Channel.COURT, "party", ("in_progress", "awaiting_consent", "agreement_signed",
                                                     "terminated")),
    (CaseState.DOCKETED, A, Channel.PLATFORM, "party", ("proceedings", "award_issued", "proceedings_closed",
                                                        "constituted", "closed")),
    (CaseState.DOCKETED, M, Channel.ONLINE, "party", ("confirmation_applied",)),   # applied to the clerk's court
    (CaseState.DOCKETED, A, Channel.COURT, "party", ("constitution",)),  # the arbitrator's seat is proposed
    (CaseState.DOCKETED, M, Channel.PLATFORM, "party", ("agreement_drafted", "in_progress")),
    (CaseState.DOCKETED, A, Channel.ONLINE, "party", ("fees_assessed", "notice_served")),  # no tribunal yet
]
KINDS = len(_KINDS)


def add_cases(people: People, n: int) -> None:
    """Add n cases (bulk inserts, a handful of statements per table)."""
    from arbitration.models import Arbitration, RuleSet, TribunalMember
    from mediation.models import JudicialConfirmation, Mediation
    from portal.models import CaseCourtAccess

    now = timezone.now()
    start = Case.objects.count()
    rule_set = RuleSet.objects.order_by("pk").first()
    cases, states = [], []
    for i in range(start, start + n):
        state, track, channel, by, track_states = _KINDS[i % KINDS]
        docketed = state == CaseState.DOCKETED
        states.append(track_states[(i // KINDS) % len(track_states)] if track_states else None)
        cases.append(Case(
            number=f"ZJIP-{'M' if track == M else 'A'}-2026-{i + 1:06d}" if docketed else None,
            track=track, channel=channel, state=state, facts="被申请人在其店铺销售带有申请人注册商标的商品。",
            claim_amount=Decimal("10000.00"), claim_cease_infringement=True,
            referring_court=people.court if channel == Channel.COURT else None,
            court_reference=f"（2026）浙0106民诉前调{i + 1}号" if channel == Channel.COURT else "",
            created_by=getattr(people, by), created_at=now - timedelta(minutes=i),
            submitted_at=None if state == CaseState.DRAFT else now - timedelta(minutes=i),
            docketed_at=now if docketed else None,
            correction_due=(now + timedelta(days=10)).date() if state == CaseState.RETURNED else None))
    cases = Case.objects.bulk_create(cases)
    numbered = list(zip(range(start, start + n), cases, states, strict=True))
    Party.objects.bulk_create([p for i, case, _ in numbered for p in (
        Party(case=case, side=Party.Side.CLAIMANT, name=f"权利人公司{i}", user=people.party, position=0),
        Party(case=case, side=Party.Side.RESPONDENT, name=f"卖家{i}", position=0))])
    IPRight.objects.bulk_create([IPRight(case=case, ip_type=(IPType.TRADEMARK, IPType.COPYRIGHT)[i % 2],
                                         title="西湖龙井", holder=f"权利人公司{i}", registration_number=str(12345678 + i))
                                 for i, case, _ in numbered])
    PlatformComplaint.objects.bulk_create([
        PlatformComplaint(organisation=people.platform, case=case, external_reference=f"TM-{i:07d}",
                          listing_urls=[f"https://shop.example.cn/item/{i}"])
        for i, case, _ in numbered if case.channel == Channel.PLATFORM])

    mediations = Mediation.objects.bulk_create([Mediation(
        case=case, state=state, consent_due=now + timedelta(days=5), consented_at=now,
        period_ends=now + timedelta(days=30), mediator=people.mediator, agreement_effective_at=now - timedelta(days=1))
        for _, case, state in numbered if state and case.track == M])
    applied = [m for m in mediations if m.state == "confirmation_applied"]
    JudicialConfirmation.objects.bulk_create([JudicialConfirmation(
        mediation=m, court=people.court, created_by=people.party, claimant_signed_by=people.party,
        claimant_signed_at=now, respondent_signed_at=now, submitted_at=now) for m in applied])
    CaseCourtAccess.objects.bulk_create([CaseCourtAccess(case=m.case, court=people.court,
                                                         reason="judicial confirmation") for m in applied])
    arbitrations = Arbitration.objects.bulk_create([Arbitration(
        case=case, rule_set=rule_set, sole_arbitrator_agreed=True, state=state, fees_due=now + timedelta(days=15),
        answer_due=now + timedelta(days=20), nomination_due=now + timedelta(days=25),
        award_due=now + timedelta(days=90 + i % 30), correction_until=now + timedelta(days=30))
        for i, case, state in numbered if state and case.track == A])
    seated = [a for a in arbitrations if a.state not in ("fees_assessed", "notice_served")]
    TribunalMember.objects.bulk_create([TribunalMember(
        arbitration=a, arbitrator=people.arbitrator, role=TribunalMember.Role.SOLE, nominated_by="centre",
        status=TribunalMember.Status.PROPOSED if a.state == "constitution" else TribunalMember.Status.ACCEPTED,
        appointed_by=people.manager, accepted_at=None if a.state == "constitution" else now) for a in seated])
    CaseAssignment.objects.bulk_create(
        [CaseAssignment(case=m.case, user=people.mediator, role=CaseAssignment.Role.MEDIATOR) for m in mediations]
        + [CaseAssignment(case=a.case, user=people.arbitrator, role=CaseAssignment.Role.ARBITRATOR)
           for a in seated if a.state != "constitution"])


def login(user: User) -> Client:
    """A client logged in as `user`, through two-factor for staff as a TOTP login would."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    if user.needs_two_factor:
        device = TOTPDevice.objects.get_or_create(user=user, name="list", defaults={"confirmed": True})[0]
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def api_client(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en"})


def pages(people: People) -> dict[str, tuple[Client, str]]:
    """Every list page a user sees: (client, URL) by name."""
    return {
        "party case list": (login(people.party), "/cases/"),
        "party dashboard": (login(people.party), "/dashboard/"),
        "manager intake queue": (login(people.manager), "/cases/queue/"),
        "manager dashboard": (login(people.manager), "/dashboard/"),
        "mediator dashboard": (login(people.mediator), "/dashboard/"),
        "arbitrator dashboard": (login(people.arbitrator), "/dashboard/"),
        "clerk dashboard": (login(people.clerk), "/dashboard/"),
        "API complaints (platform)": (api_client(people.platform_secret), "/api/v1/complaints"),
        "API referrals (court)": (api_client(people.court_secret), "/api/v1/referrals"),
        "API confirmation packets (court)": (api_client(people.court_secret), "/api/v1/confirmation-packets"),
    }

