"""Who may reach which route: the declarative side of the access-control matrix.

test_access_matrix.py enumerates every HTTP route (django.urls.get_resolver())
and every WebSocket route (portal.routing.websocket_urlpatterns) and looks each
one up here:

- HTTP routes by their identifier: the route name (with its namespace, e.g.
  "api:complaint-list"), else the full pattern string;
- WebSocket routes by their full pattern string.

Every route of the portal's own apps (portal, mediation, arbitration, notary,
cms, the API and the back-office screens and viewsets they register) has its
own entry. The rest of Wagtail's back office and Django's admin are covered by
prefix entries ("admin/*", "django-admin/*": staff with a verified second
factor only). A route without an entry, or an entry that matches no route,
fails the matrix.

An entry is a Rule: how the route authenticates, which methods it accepts,
the URL variants to try (each names the world's case it is about), and who is
let in. What a principal gets is computed by `expected()`:

1. a case manager or admin without a verified second factor is sent to the
   two-factor page (everywhere but the 2FA pages, logout and a few paths);
2. anonymous users of a login-required route (or of a back office) are sent
   to the login page;
3. a back office turns away anyone who may not use the screen, whatever the
   method;
4. a method the view does not accept answers 405;
5. else the rule decides: allowed, 404 (the answer for anything of a case one
   may not see), 403 (a role refused by the view), …

The principals (tests/security/access_world.py) are one user per role linked to
the world's cases ("-member"), one per role linked only to another case
("-other"), case managers and admins with and without a verified second
factor, and anonymous.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.security.access_world import Principal

# --- outcomes ---------------------------------------------------------------------------------------

ALLOW = "allow"          # reached the view: not 401/403/404, not sent to log in or to the 2FA page
NOT_FOUND = "404"        # the answer for a case (object) one may not see: exactly 404
FORBIDDEN = "403"        # the view refuses this role (the case itself is visible, or no case is involved)
DENIED = "denied"        # the back office turns the user away: 403, 404 or a redirect away, never the page
LOGIN = "login"          # 302 to a login page
TWO_FA = "2fa"           # 302 to the two-factor page
NOT_ALLOWED = "405"      # the view does not take this method
UNAUTHORISED = "401"     # API without (valid) credentials: 401 problem+json
WS_ACCEPT = "accept"     # WebSocket: accepted and welcomed
WS_NOT_FOUND = "4404"    # WebSocket: closed as "no such room"
WS_UNAUTHENTICATED = "4401"

HTTP_METHODS = ("GET", "POST")
API_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

# --- who is linked to which case of the world --------------------------------------------------------

PARTY_ROLES = ("claimant", "claimant_agent", "respondent", "respondent_agent")
MEMBERS: dict[str, frozenset[str]] = {
    "mediation": frozenset({*(f"{r}-member" for r in PARTY_ROLES), "mediator-member", "clerk-member"}),
    "arbitration": frozenset({*(f"{r}-member" for r in PARTY_ROLES), "arbitrator-member", "clerk-member"}),
    "referral": frozenset({"clerk-member"}),
    "draft": frozenset({"claimant-member"}),
    # A side's private caucus: that side and the mediator (what the leak check calls these secrets' readers).
    "mediation-claimant-caucus": frozenset({"claimant-member", "claimant_agent-member", "mediator-member"}),
    "mediation-respondent-caucus": frozenset({"respondent-member", "respondent_agent-member", "mediator-member"}),
}
#: Cases a verified case manager or admin sees (every case past draft).
STAFF_CASES = frozenset({"mediation", "arbitration", "referral"})


def sees_case(p: Principal, case: str) -> bool:
    """portal.rules.can_view_case, for the world's cases."""
    return p.id in MEMBERS[case] or (p.verified_staff and case in STAFF_CASES)


def on_side(p: Principal, side: str) -> bool:
    return p.id in (f"{side}-member", f"{side}_agent-member")


def is_party(p: Principal) -> bool:
    return p.id in {f"{r}-member" for r in PARTY_ROLES}


Decide = Callable[[Principal, str, str], str]  # (principal, method, variant) -> outcome


@dataclass(frozen=True)
class Rule:
    """One route's access rule.

    auth: "login" (login_required around the view), "view" (the view decides,
    anonymous included), "public", "wagtail-admin", "django-admin", "api", "ws".
    methods: what the view accepts; any other method answers 405 after the
    login check. variants: URL variant name -> the world's case it is about
    (None: no case). decide: the outcome for an accepted method.
    """

    auth: str
    decide: Decide
    methods: tuple[str, ...] = ("GET",)
    variants: dict[str, str | None] = field(default_factory=lambda: {"": None})
    two_fa_exempt: bool = False
    #: POST data that gets past input validation to the permission check.
    data: dict[str, str] = field(default_factory=dict)
    #: What a public route answers an anonymous GET (a public page is a 200 for everyone).
    public_status: int = 200
    #: Variant -> the case a valid single-use link shows whoever holds it (exempt from the leak check).
    shows: dict[str, str] = field(default_factory=dict)
    note: str = ""


BACK_OFFICES = ("wagtail-admin", "django-admin")


def expected(rule: Rule, p: Principal, method: str, variant: str) -> str:
    if rule.auth == "api":
        raise ValueError("API rules are evaluated by expected_api()")
    if p.unverified_staff and not rule.two_fa_exempt:
        return TWO_FA
    if p.is_anonymous and rule.auth in ("login", *BACK_OFFICES):
        return LOGIN
    if rule.auth in BACK_OFFICES:
        # the back offices check who you are (and your model permissions) before the method
        outcome = rule.decide(p, method, variant)
        if outcome != ALLOW:
            return outcome
    if method not in rule.methods:
        return NOT_ALLOWED
    return rule.decide(p, method, variant)


def principals_for(rule: Rule, variant: str, principals: tuple[Principal, ...]) -> tuple[Principal, ...]:
    """Who to try: everyone (members and non-members of every role) where the URL names a case; one user
    per role elsewhere (membership means nothing there); in the back office, one user per kind of answer."""
    case = rule.variants.get(variant)
    if case is not None:
        # both variants of each role, unless the role's member is no member of this case either (the arbitrator
        # on a mediation page): then one outsider of that role is enough
        return tuple(p for p in principals if p.scope != "other" or f"{p.role}-member" in MEMBERS[case])
    if rule.auth in BACK_OFFICES:
        # Wagtail's gate treats every role without back-office access alike: one party and one clerk for them
        keep = {"anonymous", "claimant-member", "clerk-member", "case_manager-2fa", "case_manager-no-2fa", "admin-2fa"}
        return tuple(p for p in principals if p.id in keep)
    return tuple(p for p in principals if p.scope != "other")


# --- decision helpers ------------------------------------------------------------------------------------

def everyone(p, method, variant) -> str:
    return ALLOW


def logged_in(p, method, variant) -> str:
    return LOGIN if p.is_anonymous else ALLOW


def case_members(p, method, variant, *, case=None) -> str:
    """Anyone who may see the variant's case (portal.rules.can_view_case); everyone else 404."""
    return ALLOW if sees_case(p, case or variant) else NOT_FOUND


def only(*ids: str, staff: bool = False, deny: str = NOT_FOUND) -> Decide:
    allowed = frozenset(ids)

    def decide(p, method, variant):
        return ALLOW if p.id in allowed or (staff and p.verified_staff) else deny
    return decide


def members_of(case: str) -> Decide:
    """Anyone who may see this case (a route of one track), everyone else 404."""
    def decide(p, method, variant):
        return ALLOW if sees_case(p, case) else NOT_FOUND
    return decide


def per_variant(**decisions: Decide) -> Decide:
    def decide(p, method, variant):
        return decisions[variant](p, method, variant)
    return decide


def per_method(**decisions: Decide) -> Decide:
    def decide(p, method, variant):
        return decisions[method](p, method, variant)
    return decide


def staff_only(deny: str = NOT_FOUND) -> Decide:
    def decide(p, method, variant):
        return ALLOW if p.verified_staff else deny
    return decide


def session_room(room: str) -> Decide:
    """mediation.sessions.access.room_access: the joint room for both sides' parties and agents, the
    mediator, and case managers observing; a caucus for its side and the mediator only."""
    def decide(p, method, variant):
        if p.id == "mediator-member":
            return ALLOW
        if room == "joint":
            return ALLOW if is_party(p) or p.verified_staff else NOT_FOUND
        return ALLOW if on_side(p, room) else NOT_FOUND
    return decide


def hearing_room(p, method, variant) -> str:
    """arbitration.hearing_rooms.hearing_access: the tribunal, both sides' parties and agents, case
    managers observing; not the court's clerk, not anyone of another case."""
    return ALLOW if p.id == "arbitrator-member" or is_party(p) or p.verified_staff else NOT_FOUND


def ws_room(decide: Decide) -> Decide:
    """A WebSocket room: an HTTP decision translated to close codes (anonymous 4401, refused 4404)."""
    def ws(p, method, variant):
        if p.is_anonymous:
            return WS_UNAUTHENTICATED
        if p.unverified_staff:
            return WS_NOT_FOUND
        return WS_ACCEPT if decide(p, method, variant) == ALLOW else WS_NOT_FOUND
    return ws


def back_office(decide: Decide) -> Decide:
    """A back-office screen: Wagtail turns away anyone without access to the admin first."""
    def gate(p, method, variant):
        if not p.verified_staff:
            return DENIED
        return decide(p, method, variant)
    return gate


def token_link(p, method, variant) -> str:
    """A single-use link: a wrong or spent token shows a generic page (never the case); answering
    it (POST) needs an account."""
    if method == "POST" and p.is_anonymous:
        return LOGIN
    return ALLOW


LOGIN_GET_POST = ("GET", "POST")

# --- the portal's own HTTP routes ---------------------------------------------------------------------

CASE_PAGES = {"mediation": "mediation", "arbitration": "arbitration", "referral": "referral", "draft": "draft"}

ROUTES: dict[str, Rule] = {
    # Health check and accounts.
    "healthz": Rule("public", everyone, methods=("GET",), two_fa_exempt=True),
    "login": Rule("public", everyone, methods=LOGIN_GET_POST),
    "logout": Rule("public", everyone, methods=("POST",), two_fa_exempt=True),
    "register": Rule("public", everyone, methods=LOGIN_GET_POST),
    "two_factor_setup": Rule("login", logged_in, methods=LOGIN_GET_POST, two_fa_exempt=True),
    "two_factor_verify": Rule("login", logged_in, methods=LOGIN_GET_POST, two_fa_exempt=True),
    "password_change": Rule("login", logged_in, methods=LOGIN_GET_POST),
    "password_change_done": Rule("login", logged_in),
    "dashboard": Rule("login", logged_in),
    # Notifications: one's own only.
    "notification_list": Rule("login", logged_in),
    "notification_open": Rule("login", only("claimant-member"), note="the claimant's notification"),
    "notification_mark_all_read": Rule("login", logged_in, methods=("POST",)),
    "notification_preferences": Rule("login", logged_in, methods=LOGIN_GET_POST),
    # Cases.
    "case_list": Rule("login", logged_in),
    "intake_queue": Rule("login", staff_only()),
    "filing_start": Rule("login", lambda p, m, v: FORBIDDEN if p.role in ("mediator", "arbitrator") else ALLOW,
                         methods=LOGIN_GET_POST, note="neutrals cannot file"),
    "filing_step": Rule("login", only("claimant-member"), methods=LOGIN_GET_POST, variants={"": "draft"},
                        note="the filer's draft only; never staff"),
    "case_detail": Rule("login", case_members, variants=CASE_PAGES),
    "case_action": Rule("login", case_members, methods=("POST",), variants={"mediation": "mediation", "draft": "draft"},
                        data={"note": "matrix"}),
    "document_download": Rule("login", case_members, variants={"mediation": "mediation", "arbitration": "arbitration"}),
    # Notary: a case's evidence, one item, the public log.
    "notary_case_items": Rule("login", per_method(
        GET=case_members,
        # adding evidence: the people working the case, not the court's clerk (notary.rules)
        POST=lambda p, m, v: ALLOW if sees_case(p, v) and p.id != "clerk-member" else NOT_FOUND),
        methods=LOGIN_GET_POST, variants={"mediation": "mediation", "arbitration": "arbitration"}),
    "notary_case_capture": Rule("login", lambda p, m, v: ALLOW if sees_case(p, v) and p.id != "clerk-member"
                                else NOT_FOUND, methods=("POST",), variants={"mediation": "mediation"}),
    **{name: Rule("login", per_variant(
        evidence=lambda p, m, v: case_members(p, m, v, case="mediation"),
        # an attachment of the claimant's caucus: that side and the mediator, nobody else (not even staff)
        caucus=only("claimant-member", "claimant_agent-member", "mediator-member")),
        variants={"evidence": "mediation", "caucus": "mediation"})
       for name in ("notary_item", "notary_item_download", "notary_item_proof", "notary_item_certificate")},
    "notary_item_withdraw": Rule("login", per_variant(
        # the submitter (the claimant) or a case manager; others who see the item get 404 too
        evidence=only("claimant-member", staff=True),
        caucus=only("claimant-member")),
        methods=("POST",), variants={"evidence": "mediation", "caucus": "mediation"}, data={"reason": "matrix"}),
    "notary_checkpoint": Rule("public", everyone),
    "notary_checkpoints": Rule("public", everyone),
    "notary_consistency": Rule("public", everyone),
    "notary_key": Rule("public", everyone),
    "notary_verify": Rule("public", everyone, variants={"": "mediation"},
                          note="looks up the mediation evidence by hash: the case only for those who see it"),
    "notary_public_proof": Rule("public", everyone),
    # Mediation.
    # A single-use link is the credential, not a membership: one user per role. A wrong or spent token shows
    # nothing of any case; a fresh one (made for the check) shows its case to whoever holds it.
    "mediation_invitation": Rule("view", token_link, methods=LOGIN_GET_POST, shows={"fresh-token": "mediation"},
                                 variants={"wrong-token": None, "used-token": None, "fresh-token": None}),
    "mediation_panel": Rule("login", members_of("mediation"), variants={"": "mediation"}),
    "mediation_action": Rule("login", members_of("mediation"), methods=("POST",), variants={"": "mediation"},
                             data={"reason": "matrix"}),
    "mediation_packet": Rule("login", only("clerk-member", staff=True), variants={"": "mediation"},
                             note="the clerk of the court applied to, and the centre"),
    "mediation_ruling": Rule("login", only("clerk-member"), methods=("POST",), variants={"": "mediation"}),
    "mediation_sessions": Rule("login", session_room("joint"), methods=("GET", "POST"), variants={"": "mediation"},
                               note="redirects to the joint room for those with a place in it"),
    "mediation_session": Rule("login", per_variant(joint=session_room("joint"), claimant=session_room("claimant"),
                                                   respondent=session_room("respondent")),
                              variants={"joint": "mediation", "claimant": "mediation", "respondent": "mediation"}),
    "mediation_session_upload": Rule("login", per_variant(
        # observers (case managers) have a place in the joint room but may not post: 403
        joint=lambda p, m, v: FORBIDDEN if p.verified_staff else session_room("joint")(p, m, v),
        claimant=session_room("claimant")),
        methods=("POST",), variants={"joint": "mediation", "claimant": "mediation"}),
    "mediation_session_attachment": Rule("login", session_room("claimant"), variants={"": "mediation"}),
    "mediation_session_transcript": Rule("login", per_variant(
        joint=session_room("joint"), claimant=session_room("claimant"),
        # the caucus transcript asked for through the joint room: it is not there
        **{"caucus-via-joint": only()}),
        variants={"joint": "mediation", "claimant": "mediation", "caucus-via-joint": "mediation"}),
    # Arbitration.
    "arbitration_fee_calculator": Rule("public", everyone),
    "arbitration_notice": Rule("view", token_link, methods=LOGIN_GET_POST, shows={"fresh-token": "arbitration"},
                               variants={"wrong-token": None, "used-token": None, "fresh-token": None}),
    "arbitration_dev_gateway": Rule("login", only("claimant-member"), methods=LOGIN_GET_POST,
                                    variants={"": "arbitration"}, note="the payer only"),
    "arbitration_panel": Rule("login", members_of("arbitration"), variants={"": "arbitration"}),
    "arbitration_transfer": Rule("login", members_of("arbitration"), methods=("POST",), variants={"": "arbitration"}),
    "arbitration_action": Rule("login", lambda p, m, v: ALLOW if p.verified_staff else (
        FORBIDDEN if sees_case(p, "arbitration") else NOT_FOUND), methods=("POST",), variants={"": "arbitration"},
        note="issue_award: the centre's; members who may not get 403, outsiders 404"),
    "arbitration_hearing_ics": Rule("login", members_of("arbitration"), variants={"": "arbitration"}),
    "arbitration_hearing_room": Rule("login", hearing_room, variants={"": "arbitration"}),
    "arbitration_hearing_transcript": Rule("login", hearing_room, variants={"": "arbitration"}),
    "arbitration_packet": Rule("login", members_of("arbitration"), variants={"": "arbitration"},
                               note="parties, tribunal, centre and the enforcing court"),
    # Public site, objections, back-office tool outside /admin/.
    "set_language": Rule("public", everyone, methods=LOGIN_GET_POST, two_fa_exempt=True, public_status=302),
    "infringer_objection": Rule("public", per_variant(valid=everyone, **{"wrong-token": only(deny=NOT_FOUND)}),
                                methods=LOGIN_GET_POST, variants={"valid": None, "wrong-token": None}),
    "create_case_study": Rule("view", staff_only(), methods=("POST",)),
    "site_search": Rule("public", everyone, variants={"zh": None, "en": None}),
    "wagtail_serve": Rule("public", everyone, methods=LOGIN_GET_POST, variants={"home": None, "private": None}),
    "wagtailcore_authenticate_with_password": Rule("public", everyone, methods=LOGIN_GET_POST),
    "wagtailcore_login": Rule("public", everyone, methods=LOGIN_GET_POST),
    "wagtaildocs_serve": Rule("public", everyone, methods=LOGIN_GET_POST),
    "wagtaildocs_authenticate_with_password": Rule("public", everyone, methods=LOGIN_GET_POST),
    # Back-office screens the portal's apps register in Wagtail's admin (case managers).
    "cms_case_study_drafts": Rule("wagtail-admin", back_office(everyone)),
    "cms_infringer_review": Rule("wagtail-admin", back_office(everyone)),
    "cms_infringer_scan": Rule("wagtail-admin", back_office(everyone), methods=("POST",)),
    "cms_infringer_candidate": Rule("wagtail-admin", back_office(everyone), methods=("POST",)),
    "cms_infringer_objection": Rule("wagtail-admin", back_office(everyone), methods=("POST",)),
}

# The model viewsets the portal registers in Wagtail's admin: what a case manager may do there
# (the "Case managers" group: the directory models) and what only admins may (API, procedures, fees).
VIEWSET_VIEWS = ("index", "index_results", "add", "edit", "delete", "history", "history_results", "usage", "copy")
MANAGER_VIEWSETS = ("courts", "organisations", "neutrals")
ADMIN_VIEWSETS = ("api-tokens", "webhooks", "arbitration_rule_sets", "arbitration_fee_schedules")


def _viewset_rule(namespace: str, view: str) -> Rule:
    methods = ("GET",) if view in ("index", "index_results", "history", "history_results", "usage") else ("GET", "POST")
    if namespace in MANAGER_VIEWSETS and view != "delete":
        decide = back_office(everyone)
    else:
        decide = back_office(lambda p, m, v: ALLOW if p.role == "admin" else DENIED)
    return Rule("wagtail-admin", decide, methods=methods)


for _ns in (*MANAGER_VIEWSETS, *ADMIN_VIEWSETS):
    for _view in VIEWSET_VIEWS:
        ROUTES[f"{_ns}:{_view}"] = _viewset_rule(_ns, _view)

# --- third-party trees (prefix entries on the full pattern) -----------------------------------------

PREFIX_ROUTES: dict[str, Rule] = {
    # Wagtail's back office: staff with a verified second factor; anonymous users are sent to log in.
    "admin/": Rule("wagtail-admin", back_office(lambda p, m, v: ALLOW), methods=("GET", "POST")),
    # Django's admin: admins (is_staff) with a verified second factor.
    "django-admin/": Rule("django-admin", back_office(lambda p, m, v: ALLOW), methods=("GET", "POST")),
}
#: Public pages inside those trees (their own login and password-reset forms, static assets) and the methods
#: they take.
PUBLIC_BACK_OFFICE: dict[str, tuple[str, ...]] = {
    "wagtailadmin_login": ("GET", "POST"),
    "wagtailadmin_password_reset": ("GET", "POST"),
    "wagtailadmin_password_reset_done": ("GET",),
    "wagtailadmin_password_reset_confirm": ("GET", "POST"),
    "wagtailadmin_password_reset_complete": ("GET",),
    "wagtailadmin_sprite": ("GET", "POST"),
    "wagtailadmin_javascript_catalog": ("GET",),
    "admin:login": ("GET", "POST"),
    "admin:logout": ("GET", "POST"),
}

# --- the API ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiRule:
    """scope: the token kind the endpoint is for ("platform", "court"), or None for a public endpoint.
    objects: whether the URL names an object of one organisation (others get 404).
    methods: what the endpoint implements."""

    scope: str | None
    methods: tuple[str, ...] = ("GET",)
    objects: bool = False
    public: bool = False
    not_found: bool = False


API_ROUTES: dict[str, ApiRule] = {
    "api:schema": ApiRule(None, public=True),
    "api:docs": ApiRule(None, public=True),
    "api:redoc": ApiRule(None, public=True),
    "api:problem-type": ApiRule(None, methods=API_METHODS, public=True),
    "api:complaint-list": ApiRule("platform"),
    "api:complaint-bulk": ApiRule("platform", methods=("POST",)),
    "api:complaint-detail": ApiRule("platform", objects=True),
    "api:complaint-evidence": ApiRule("platform", methods=("POST",), objects=True),
    "api:complaint-outcome": ApiRule("platform", objects=True),
    "api:complaint-document": ApiRule("platform", objects=True),
    "api:referral-list": ApiRule("court", methods=("GET", "POST")),
    "api:referral-detail": ApiRule("court", objects=True),
    "api:packet-list": ApiRule("court"),
    "api:packet-detail": ApiRule("court", objects=True),
    "api:packet-download": ApiRule("court", objects=True),
    "api:packet-ruling": ApiRule("court", methods=("POST",), objects=True),
    # Anything else under /api/: a problem+json 404 for everyone.
    r"api/^[\s\S]*$": ApiRule(None, methods=API_METHODS, not_found=True),
}


def expected_api(rule: ApiRule, caller: str, method: str) -> str:
    """What an API caller gets: no token, a revoked one, or only a portal session → 401; a token of the
    other kind → 403; another organisation's object → 404; a method the endpoint lacks → 405."""
    if rule.not_found:
        return NOT_FOUND
    if rule.public:
        return ALLOW if method == "GET" or method in rule.methods else NOT_ALLOWED
    if caller in ("no-token", "revoked-token", "session-claimant"):
        return UNAUTHORISED
    kind, _sep, membership = caller.partition("-")
    if kind != rule.scope:
        return FORBIDDEN
    if method not in rule.methods:
        return NOT_ALLOWED
    if rule.objects and membership != "member":
        return NOT_FOUND
    return ALLOW


# --- WebSocket routes (full pattern string) -------------------------------------------------------------

WS_ROUTES: dict[str, Rule] = {
    # Carries no data (ping/pong), so any logged-in session may open it, as the health checks do.
    "ws/ping/": Rule("ws", lambda p, m, v: WS_UNAUTHENTICATED if p.is_anonymous else WS_ACCEPT),
    r"^ws/mediation/(?P<key>[A-Za-z0-9-]{1,64})/(?P<room>joint|claimant|respondent)/$": Rule(
        "ws", per_variant(joint=ws_room(session_room("joint")), claimant=ws_room(session_room("claimant")),
                          respondent=ws_room(session_room("respondent"))),
        variants={"joint": "mediation", "claimant": "mediation", "respondent": "mediation"}),
    r"^ws/arbitration/(?P<key>[A-Za-z0-9-]{1,64})/hearing/(?P<hearing>[0-9]{1,12})/$": Rule(
        "ws", ws_room(hearing_room), variants={"": "arbitration"}),
}
