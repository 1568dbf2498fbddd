"""The access-control matrix: every route × every role × member or not × method.

Routes come from the resolvers, not from a list: every HTTP route of
django.urls.get_resolver() (the i18n-prefixed public site, the API, Wagtail's
and Django's back offices included) and every WebSocket route of
portal.routing.websocket_urlpatterns. Each must have an entry in
tests/security/access_table.py (a new route without one fails
test_every_route_has_an_entry); each entry must match a route.

Every check requests a route's URL, filled with real objects of one shared
world (tests/security/access_world.py, built once per module inside a
transaction that is rolled back), as one principal, and asserts:

- the outcome the table expects (allowed, 404, 403, login, two-factor, 405, 401);
- no leak: a response to anyone who may not see a case of the world contains
  none of that case's number, reference, parties' or agents' names, messages
  or file names, and nobody outside a caucus (case managers included) sees
  what was said or filed there (the request's own path is ignored: it echoes
  what was asked);
- a refused request changes nothing (a fingerprint of the world's state).

Each check runs in its own savepoint, rolled back afterwards, so allowed
POSTs do not change the world the next check sees. A failing check is named
route[variant]-principal-method, e.g. `mediation_panel-clerk-other-GET`.
"""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils import translation

from tests.security import access_table as table
from tests.security.access_world import ANONYMOUS, PRINCIPALS, Principal, World, build_world

OWN_PACKAGES = ("portal", "mediation", "arbitration", "notary", "cms")
PLACEHOLDER_UUID = uuid.UUID("00000000-0000-4000-8000-000000000000")


# --- the routes, from the resolvers ---------------------------------------------------------------------

@dataclass(frozen=True)
class Route:
    """One URL pattern, with the chain of patterns leading to it."""

    ident: str          # the name (namespace:name), else the full pattern string
    pattern: str        # the full pattern string (what ResolverMatch.route says)
    chain: tuple        # the pattern objects, outermost first
    module: str         # the view's module
    name: str | None

    @property
    def i18n(self) -> bool:
        return any(isinstance(p, LocalePrefixPattern) for p in self.chain)

    @property
    def own(self) -> bool:
        """A route of the portal's own code: its views, or a back-office viewset its apps register."""
        return self.module.split(".")[0] in OWN_PACKAGES or (
            self.name is not None and self.name.split(":")[0] in OWN_VIEWSETS)


def own_viewset_namespaces() -> frozenset[str]:
    """URL namespaces of the Wagtail viewsets the portal's apps register (their views are Wagtail's code)."""
    from wagtail import hooks
    from wagtail.admin.viewsets.base import ViewSetGroup

    names = set()
    for register in hooks.get_hooks("register_admin_viewset"):
        if register.__module__.split(".")[0] in OWN_PACKAGES:
            registered = register()
            for viewset in registered.items if isinstance(registered, ViewSetGroup) else [registered]:
                names.add(viewset.url_namespace)
    return frozenset(names)


def _walk(patterns, chain=(), namespace="") -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace + (f"{p.namespace}:" if p.namespace else "")
            yield from _walk(p.url_patterns, (*chain, p.pattern), ns)
        elif isinstance(p, URLPattern):
            full = (*chain, p.pattern)
            pattern = "".join(str(x) for x in full)
            callback = getattr(p.callback, "view_class", None) or p.callback
            module = getattr(callback, "__module__", "") or ""
            name = f"{namespace}{p.name}" if p.name else None
            yield Route(name or pattern, pattern, full, module, name)


def http_routes() -> list[Route]:
    with translation.override(settings.LANGUAGE_CODE):
        return list(_walk(get_resolver().url_patterns))


def ws_routes() -> list[str]:
    from portal.routing import websocket_urlpatterns

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern)
    return list(walk(websocket_urlpatterns))


def rule_for(route: Route):
    """(kind, rule): kind is "http", "api" or "tree" (a third-party back-office route under a prefix entry)."""
    if route.ident in table.API_ROUTES:
        return "api", table.API_ROUTES[route.ident]
    if route.ident in table.ROUTES:
        return "http", table.ROUTES[route.ident]
    if route.ident in table.PUBLIC_BACK_OFFICE:
        return "tree", table.Rule("public", table.everyone, methods=table.PUBLIC_BACK_OFFICE[route.ident])
    for prefix in sorted(table.PREFIX_ROUTES, key=len, reverse=True):
        if route.pattern.startswith(prefix) and not route.own:
            return "tree", table.PREFIX_ROUTES[prefix]
    return None, None


OWN_VIEWSETS = own_viewset_namespaces()
ROUTES = http_routes()
WS_PATTERNS = ws_routes()


# --- the checks ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    """One route (URL variant) as one principal, with every method: {method: expected outcome}."""

    route: Route
    rule: object
    variant: str
    principal: Principal
    expected: dict

    @property
    def id(self) -> str:
        variant = f"[{self.variant}]" if self.variant else ""
        return f"{self.route.ident}{variant}-{self.principal.id}"


def _http_checks() -> list[Check]:
    checks = []
    for route in ROUTES:
        kind, rule = rule_for(route)
        if kind != "http":
            continue
        for variant in rule.variants:
            for principal in table.principals_for(rule, variant, PRINCIPALS):
                checks.append(Check(route, rule, variant, principal, {
                    method: table.expected(rule, principal, method, variant) for method in table.HTTP_METHODS}))
    return checks


def _api_checks() -> list[Check]:
    from tests.security.access_world import API_CALLERS

    checks = []
    for route in ROUTES:
        kind, rule = rule_for(route)
        if kind != "api":
            continue
        for caller in API_CALLERS:
            checks.append(Check(route, rule, "", Principal("api", caller), {
                method: table.expected_api(rule, caller, method) for method in table.API_METHODS}))
    return checks


#: Back-office trees of third parties: one user per kind of refusal is enough (membership means nothing there).
TREE_PRINCIPALS = tuple(p for p in PRINCIPALS if p.id in ("anonymous", "claimant-member", "admin-no-2fa"))
TREE_ROUTES = [r for r in ROUTES if rule_for(r)[0] == "tree"]

HTTP_CHECKS = _http_checks()
API_CHECKS = _api_checks()


def _ws_checks() -> list[tuple[str, str, Principal, str]]:
    checks = []
    for pattern in WS_PATTERNS:
        rule = table.WS_ROUTES.get(pattern)
        if rule is None:
            continue
        for variant in rule.variants:
            for principal in PRINCIPALS:
                checks.append((pattern, variant, principal, rule.decide(principal, "CONNECT", variant)))
    return checks


WS_CHECKS = _ws_checks()


# --- the world ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def matrix_private_dir(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("matrix-private"))


def _storages(private_dir: str) -> dict:
    return {**settings.STORAGES, "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                             "OPTIONS": {"location": private_dir, "base_url": None}}}


@pytest.fixture(autouse=True)
def _private_media():
    """Overrides tests/conftest.py's per-test folder: the world's files live in one folder for the whole
    module (the `world` fixture points the private storage there while it lives)."""


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, matrix_private_dir) -> Iterator[World]:
    """Built once; every check runs in a savepoint inside this transaction, which is rolled back at the end."""
    from django.core.cache import cache

    with django_db_blocker.unblock(), override_settings(STORAGES=_storages(matrix_private_dir)):
        cache.clear()
        with transaction.atomic():
            built = build_world(matrix_private_dir)
            yield built
            transaction.set_rollback(True)
        cache.clear()  # nothing cached from the world (Wagtail's site root paths, …) outlives it


@pytest.fixture(scope="module", autouse=True)
def _certificate_render_stub():
    """The matrix asks who gets a notary certificate, not how it is drawn (tests/notary covers that):
    what the certificate would say is returned as JSON instead of a rendered, signed PDF, so the leak
    check can read it (notary.services.certificates.certificate_data still decides what it shows)."""
    def render(data, proof_json=b""):
        payload = dataclasses.asdict(data) if dataclasses.is_dataclass(data) else data
        return json.dumps(payload, default=str, ensure_ascii=False).encode()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("notary.services.certificates.render_certificate", render)
        yield


@pytest.fixture(autouse=True)
def _clean_slate():
    """Each check starts in the default language (a request to /en/ leaves English active)."""
    translation.deactivate()
    yield
    translation.deactivate()


# --- URLs of the world's objects ------------------------------------------------------------------------------

def _target(rule, variant: str) -> str | None:
    return rule.variants.get(variant)


def kwargs_for(route: Route, rule, variant: str, w: World) -> tuple[dict, dict]:
    """(URL kwargs, query) for a route of the table, from the world's objects."""
    o, ident = w.objects, route.ident
    target = _target(rule, variant) if hasattr(rule, "variants") else None
    case = w.cases.get(target) if target else None
    kw: dict = {}
    query: dict = {}
    if "<str:key>" in route.pattern:
        kw["key"] = (case or w.cases["mediation"]).url_key
    specific = {
        "notification_open": lambda: {"pk": o["notification:claimant-member"].pk},
        "filing_step": lambda: {"ref": w.cases["draft"].ref, "slug": "claimants"},
        "case_action": lambda: {"action": "withdraw"},
        "document_download": lambda: {"uid": o[f"document:{target}"].uid},
        "notary_public_proof": lambda: {"index": o["evidence:mediation"].leaf.index},
        "mediation_invitation": lambda: {"token": {"used-token": lambda: o["invitation_token"],
                                                   "fresh-token": lambda: fresh_link("mediation", w)}.get(
                                                       variant, lambda: "x" * 43)()},
        "arbitration_notice": lambda: {"token": {"used-token": lambda: o["notice_token"],
                                                 "fresh-token": lambda: fresh_link("arbitration", w)}.get(
                                                     variant, lambda: "x" * 43)()},
        "mediation_action": lambda: {"name": "terminate"},
        "mediation_session": lambda: {"room_key": variant},
        "mediation_session_upload": lambda: {"room_key": variant},
        "mediation_session_attachment": lambda: {"room_key": "claimant", "seq": o["attachment"].seq},
        "mediation_session_transcript": lambda: {
            "room_key": "joint" if variant == "caucus-via-joint" else variant,
            "pk": o["transcript:joint" if variant == "joint" else "transcript:claimant"].pk},
        "arbitration_dev_gateway": lambda: {"reference": o["payment"].reference},
        "arbitration_action": lambda: {"name": "issue_award"},
        "arbitration_hearing_ics": lambda: {"pk": o["hearing"].pk},
        "arbitration_hearing_room": lambda: {"pk": o["hearing"].pk},
        "arbitration_hearing_transcript": lambda: {"pk": o["hearing"].pk, "transcript": o["transcript:hearing"].pk},
        "infringer_objection": lambda: {"token": o["objection_token"] if variant == "valid" else "wrong-token"},
        "wagtailcore_authenticate_with_password": lambda: {"page_view_restriction_id": o["page_restriction"].pk,
                                                           "page_id": o["private_page"].pk},
        "wagtaildocs_authenticate_with_password": lambda: {"restriction_id": o["collection_restriction"].pk},
        "cms_infringer_candidate": lambda: {"pk": o["candidate"].pk, "action": "dismiss"},
        "cms_infringer_objection": lambda: {"pk": o["objection"].pk, "action": "dismiss"},
        "api:problem-type": lambda: {"slug": "not-found"},
        "api:complaint-detail": lambda: {"ref": w.cases["mediation"].ref},
        "api:complaint-evidence": lambda: {"ref": w.cases["mediation"].ref},
        "api:complaint-outcome": lambda: {"ref": w.cases["mediation"].ref},
        "api:complaint-document": lambda: {"ref": w.cases["mediation"].ref, "uid": o["outcome_document"].uid},
        "api:referral-detail": lambda: {"ref": w.cases["referral"].ref},
        **{f"api:packet-{v}": (lambda: {"pk": o["application"].pk}) for v in ("detail", "download", "ruling")},
    }
    if ident in specific:
        kw.update(specific[ident]())
    if ident.startswith(("notary_item",)):
        kw["uid"] = o["evidence:mediation" if variant == "evidence" else "private_item"].uid
    if ident == "notary_verify":
        query = {"q": o["evidence:mediation"].sha256}
    if ident == "notary_consistency":
        query = {"old": o["checkpoint_sizes"][0], "new": o["checkpoint_sizes"][-1]}
    if ":" in ident and ident.split(":")[0] in (*table.MANAGER_VIEWSETS, *table.ADMIN_VIEWSETS) \
            and "<int:pk>" in route.pattern:
        namespace, view = ident.split(":")
        # delete a spare object: the one the world uses may be protected by what refers to it
        kw["pk"] = o[f"viewset{'-spare' if view == 'delete' else ''}:{namespace}"].pk
    return kw, query


def fresh_link(process: str, w: World) -> str:
    """A new single-use link to the world's respondent, made inside the check's savepoint (never spent for real)."""
    from datetime import timedelta

    from django.utils import timezone

    from arbitration.models import NoticeRecipient
    from mediation.models import Invitation

    token, digest = Invitation.new_token()
    expires = timezone.now() + timedelta(days=1)
    if process == "mediation":
        Invitation.objects.create(mediation=w.objects["mediation"], email="secret-seller@example.test",
                                  token_hash=digest, expires_at=expires)
    else:
        arbitration = w.objects["arbitration"]
        NoticeRecipient.objects.create(arbitration=arbitration, token_hash=digest, expires_at=expires,
                                       party=arbitration.case.parties.get(side="respondent"))
    return token


def _substitute(chain, kwargs: dict, args: list, language: str) -> str:
    parts = []
    for pat in chain:
        if isinstance(pat, LocalePrefixPattern):
            parts.append("" if language == settings.LANGUAGE_CODE or not language else f"{language}/")
        elif isinstance(pat, RoutePattern):
            parts.append(re.sub(r"<(?:\w+:)?(\w+)>", lambda m: quote(str(kwargs[m.group(1)]), safe=""), str(pat)))
        elif isinstance(pat, RegexPattern):
            regex = str(pat).removeprefix("^").removesuffix("$")
            regex = re.sub(r"\(\?P<(\w+)>[^()]*\)", lambda m: str(kwargs[m.group(1)]), regex)
            values = iter(args)
            regex = re.sub(r"\((?!\?)[^()]*\)", lambda m, values=values: str(next(values)), regex)
            parts.append(regex.replace("\\", ""))
        else:
            raise AssertionError(f"unknown pattern type {type(pat)}")
    return "/" + "".join(parts)


CONVERTER_PLACEHOLDERS = {"int": "1", "str": "x", "slug": "x", "uuid": str(PLACEHOLDER_UUID), "path": "x"}


def placeholder_path(route: Route) -> str:
    """A URL that resolves to this route with made-up values (for the back-office trees)."""
    kwargs: dict = {}
    for pat in route.chain:
        if isinstance(pat, RoutePattern):
            for conv, name in re.findall(r"<(?:(\w+):)?(\w+)>", str(pat)):
                kwargs[name] = CONVERTER_PLACEHOLDERS.get(conv or "str", "x")
        elif isinstance(pat, RegexPattern):
            for name, alternatives in re.findall(r"\(\?P<(\w+)>([^()]*)\)", str(pat)):
                # a choice of words (Django admin's app labels): the first; anything else: a number
                kwargs[name] = alternatives.split("|")[0] if re.fullmatch(r"[\w|]+", alternatives) else "1"
    path = _substitute(route.chain, kwargs, ["1"] * 5, settings.LANGUAGE_CODE)
    return re.sub(r"/+", "/", path.replace("[sS]*", "x"))


def url_for(route: Route, rule, variant: str, w: World) -> str:
    o = w.objects
    if route.ident == "wagtail_serve":
        return {"home": "/", "private": o["private_page"].url}[variant]
    if route.ident == "wagtaildocs_serve":
        document = o["document"]
        return _substitute(route.chain, {}, [document.pk, document.filename], settings.LANGUAGE_CODE)
    if route.ident == r"api/^[\s\S]*$":
        return "/api/v1/no-such-endpoint"
    kwargs, query = kwargs_for(route, rule, variant, w)
    language = {"zh": settings.LANGUAGE_CODE, "en": "en"}[variant] if route.ident == "site_search" \
        else settings.LANGUAGE_CODE
    path = _substitute(route.chain, kwargs, [], language)
    if query:
        path += "?" + "&".join(f"{k}={quote(str(v))}" for k, v in query.items())
    return path


def assert_resolves_to(route: Route, url: str) -> None:
    path = urlsplit(url).path
    with translation.override("en" if path.startswith("/en/") else settings.LANGUAGE_CODE):
        match = resolve(path)
    expected = ("en/" if route.i18n and path.startswith("/en/") else "") + route.pattern
    # (ResolverMatch.route drops the "^" of regex patterns nested in an include)
    assert match.route.replace("^", "") == expected.replace("^", ""), \
        f"{url} resolves to {match.route!r}, not to {expected!r}"


# --- requests and verdicts -------------------------------------------------------------------------------------

LOGIN_PATHS = ("/accounts/login/", "/admin/login/", "/django-admin/login/", "/_util/login/")
TWO_FA_PATHS = ("/accounts/2fa/setup/", "/accounts/2fa/verify/")


_HANDLER = None


def new_client() -> Client:
    """A test client sharing one request handler: its middleware chain is loaded once, not per client."""
    global _HANDLER
    client = Client(HTTP_HOST="testserver")
    if _HANDLER is None:
        _HANDLER = client.handler
    client.handler = _HANDLER
    return client


def client_for(w: World, principal: Principal) -> Client:
    client = new_client()
    if principal.id in w.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = w.sessions[principal.id]
    return client


def send(client: Client, method: str, url: str, data: dict | None = None, headers: dict | None = None):
    if method in ("GET", "DELETE"):
        return getattr(client, method.lower())(url, headers=headers)
    if method == "POST":
        return client.post(url, data or {}, headers=headers)
    return getattr(client, method.lower())(url, json.dumps(data or {}), content_type="application/json",
                                           headers=headers)


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        # (reading to the end closes the file: the test client's wrapper calls response.close(); calling it
        # again here would fire request_finished, whose close_old_connections ends the check's transaction)
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def location(response) -> str:
    return urlsplit(response.get("Location", "")).path


def verdict(response, url: str) -> str:
    """What the response means, in the table's terms."""
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        target = location(response)
        if target in TWO_FA_PATHS and urlsplit(url).path in TWO_FA_PATHS:
            return table.ALLOW  # from one two-factor page to the other (no device yet: set one up)
        if target in LOGIN_PATHS:
            return table.LOGIN
        if target in TWO_FA_PATHS:
            return table.TWO_FA
        return table.ALLOW
    return {401: table.UNAUTHORISED, 403: table.FORBIDDEN, 404: table.NOT_FOUND,
            405: table.NOT_ALLOWED}.get(status, table.ALLOW)


def matches(outcome: str, expected: str, response, url: str) -> bool:
    if expected == table.DENIED:
        # the back office turns the user away: never its page
        return response.status_code in (403, 404) or (
            response.status_code == 302 and location(response) != urlsplit(url).path and outcome != table.TWO_FA)
    if expected == table.LOGIN and outcome == table.LOGIN:
        return True
    return outcome == expected


def entitled_cases(principal: Principal) -> set[str]:
    """The world's cases whose data this principal may read."""
    if principal.role == "api":
        # the platform's complaint is the mediation case; the court referred one case and is asked to confirm
        # the mediation's agreement
        return {"platform-member": {"mediation"}, "court-member": {"mediation", "referral"}}.get(principal.scope, set())
    return {case for case in table.MEMBERS if table.sees_case(principal, case)}


def leaks(w: World, principal: Principal, body: str, url: str, *, exempt: set[str] = frozenset()) -> list[str]:
    """Secrets of cases this principal may not see that the body shows (the URL asked for is not counted)."""
    path = urlsplit(url).path
    for echo in {url, path, quote(path), quote(url, safe="/"), quote(path, safe="")}:
        body = body.replace(echo, "")
    found = []
    for case, secrets in w.secrets.items():
        if case in entitled_cases(principal) or case in exempt:
            continue
        found += [f"{case}: {s!r}" for s in secrets if s and s in body]
    return found


FINGERPRINT_SQL: str | None = None


def fingerprint() -> list[tuple]:
    """The state a refused request must leave alone, in one query: how many rows of each table are in
    each state (a transition moves a row from one count to another), and how many rows there are."""
    global FINGERPRINT_SQL
    from django.db import connection

    if FINGERPRINT_SQL is None:
        from arbitration.models import Arbitration, Award, Hearing, Submission, TribunalMember
        from mediation.models import AgreementSignature, Mediation, RoomMessage, SessionRoom
        from notary.models import CustodyEvent, NotaryItem
        from portal.models import Case, CaseAssignment, CaseEvent, Notification, Party

        def grouped(model, column):
            table_ = connection.ops.quote_name(model._meta.db_table)
            # names from the models, no input
            return f"SELECT '{model._meta.label}', CAST({column} AS TEXT), COUNT(*) FROM {table_} GROUP BY {column}"  # noqa: S608

        parts = [grouped(m, c) for m, c in (
            (Case, "state"), (Mediation, "state"), (Arbitration, "state"), (NotaryItem, "status"),
            (SessionRoom, "status"), (TribunalMember, "status"), (Hearing, "cancelled"), (CaseAssignment, "active"),
            (Party, "user_id"), (Notification, "read_at IS NULL"))]
        parts += [grouped(m, "1") for m in (CaseEvent, CustodyEvent, RoomMessage, AgreementSignature, Award,
                                            Submission)]
        FINGERPRINT_SQL = " UNION ALL ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(FINGERPRINT_SQL)
        return sorted(tuple(str(v) for v in row) for row in cursor.fetchall())


def run_http(w: World, check: Check) -> list[str]:
    """Request the route with every method; the problems found (empty when the check passes)."""
    url = url_for(check.route, check.rule, check.variant, w)
    assert_resolves_to(check.route, url)
    problems = []
    for method, expected in check.expected.items():
        problems += [f"{check.id}-{method}: {p}" for p in request_and_judge(w, check, method, expected, url)]
    return problems


#: Refusals that the view (or the back office's own check) makes: the request reached code that could have
#: written something first. (405, login and two-factor redirects are answered before any view code runs.)
VIEW_REFUSALS = (table.NOT_FOUND, table.FORBIDDEN, table.DENIED, table.UNAUTHORISED)


def request_and_judge(w: World, check: Check, method: str, expected: str, url: str) -> list[str]:
    refused_write = expected in VIEW_REFUSALS and method != "GET"
    before = fingerprint() if refused_write else None
    response = send(client_for(w, check.principal), method, url, getattr(check.rule, "data", None))
    body = body_of(response)
    outcome = verdict(response, url)
    problems = []
    if not matches(outcome, expected, response, url):
        problems.append(f"expected {expected}, got {outcome} ({response.status_code} "
                        f"{response.get('Location', '')}) for {method} {url}")
    rule = check.rule
    if rule.auth == "public" and method == "GET" and expected == table.ALLOW and check.principal.is_anonymous \
            and response.status_code != rule.public_status:
        problems.append(f"a public page answered {response.status_code}, not {rule.public_status}, for GET {url}")
    shown = rule.shows.get(check.variant) if isinstance(rule, table.Rule) else None
    if shown and method == "GET" and expected == table.ALLOW and w.cases[shown].number not in body:
        problems.append(f"a valid link does not show its case {w.cases[shown].number} for GET {url}")
    problems += [f"leak of {s} in {method} {url}" for s in leaks(w, check.principal, body, url,
                                                                  exempt={shown} if shown else set())]
    if refused_write and fingerprint() != before:
        problems.append(f"the refused {method} {url} changed the world")
    return problems


# --- completeness ------------------------------------------------------------------------------------------------

def test_every_route_has_an_entry():
    missing = [f"{r.ident}  ({r.pattern}, {r.module})" for r in ROUTES if rule_for(r)[0] is None]
    missing += [f"WebSocket {p}" for p in WS_PATTERNS if p not in table.WS_ROUTES]
    assert not missing, "routes without an entry in tests/security/access_table.py:\n" + "\n".join(missing)


def test_every_entry_matches_a_route():
    idents = {r.ident for r in ROUTES}
    stale = [k for k in (*table.ROUTES, *table.API_ROUTES) if k not in idents]
    stale += [k for k in table.PREFIX_ROUTES if not any(r.pattern.startswith(k) for r in TREE_ROUTES)]
    stale += [k for k in table.PUBLIC_BACK_OFFICE if k not in idents]
    stale += [f"WebSocket {p}" for p in table.WS_ROUTES if p not in WS_PATTERNS]
    assert not stale, "entries in tests/security/access_table.py that match no route:\n" + "\n".join(stale)


def test_own_routes_have_their_own_entry():
    """Prefix entries are for third-party trees: every route of the portal's apps is listed by itself."""
    covered_by_prefix = [f"{r.ident} ({r.module})" for r in TREE_ROUTES if r.own]
    assert not covered_by_prefix, covered_by_prefix


# --- the matrix ------------------------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("check", HTTP_CHECKS, ids=[c.id for c in HTTP_CHECKS])
def test_http(check, world):
    """route[variant] × principal (role-membership), GET and POST."""
    problems = run_http(world, check)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("route", TREE_ROUTES, ids=[r.ident for r in TREE_ROUTES])
def test_back_office_tree(route, world):
    """Third-party back-office routes: anonymous → login, others turned away, staff → the 2FA page first."""
    kind, rule = rule_for(route)
    url = placeholder_path(route)
    assert_resolves_to(route, url)
    problems = []
    for principal in TREE_PRINCIPALS:
        for method in table.HTTP_METHODS:
            expected = table.expected(rule, principal, method, "")
            response = send(client_for(world, principal), method, url)
            body = body_of(response)
            outcome = verdict(response, url)
            if not matches(outcome, expected, response, url):
                problems.append(f"{route.ident}-{principal.id}-{method}: expected {expected}, got {outcome} "
                                f"({response.status_code} {response.get('Location', '')}) for {url}")
            problems += [f"{route.ident}-{principal.id}-{method}: leak of {s}"
                         for s in leaks(world, principal, body, url)]
    assert not problems, "\n".join(problems)


def api_headers(w: World, caller: str) -> dict:
    headers = {"Accept-Language": "en", "Idempotency-Key": uuid.uuid4().hex}
    if caller in w.api_secrets:
        headers["Authorization"] = f"Bearer {w.api_secrets[caller]}"
    return headers


@pytest.mark.django_db
@pytest.mark.parametrize("check", API_CHECKS, ids=[c.id for c in API_CHECKS])
def test_api(check, world):
    """API route × caller (no token, a portal session, the owning organisation's token, another's), every method."""
    from django.core.cache import cache

    cache.clear()  # the rate limits start at zero
    w, caller = world, check.principal.scope
    url = url_for(check.route, check.rule, "", w)
    assert_resolves_to(check.route, url)
    problems = []
    for method, expected in check.expected.items():
        client = client_for(w, Principal("claimant", "member")) if caller == "session-claimant" else new_client()
        refused_write = expected in VIEW_REFUSALS and method != "GET"
        before = fingerprint() if refused_write else None
        response = send(client, method, url, {}, headers=api_headers(w, caller))
        body = body_of(response)
        outcome = verdict(response, url)
        where = f"{check.id}-{method} {url}"
        if outcome != expected:
            problems.append(f"{where}: expected {expected}, got {outcome} ({response.status_code})")
        if expected != table.ALLOW and not check.rule.public:
            content_type = response.get("Content-Type", "")
            if not content_type.startswith("application/problem+json"):
                problems.append(f"{where}: a refusal of the API is not problem+json: {content_type}")
        problems += [f"{where}: leak of {s}" for s in leaks(w, check.principal, body, url)]
        if refused_write and fingerprint() != before:
            problems.append(f"{where}: the refused request changed the world")
    assert not problems, "\n".join(problems)


# --- WebSockets -----------------------------------------------------------------------------------------------------

def ws_path(pattern: str, variant: str, w: World) -> str:
    if pattern == "ws/ping/":
        return "/ws/ping/"
    if "mediation" in pattern:
        return f"/ws/mediation/{w.cases['mediation'].number}/{variant}/"
    if "arbitration" in pattern:
        return f"/ws/arbitration/{w.cases['arbitration'].number}/hearing/{w.objects['hearing'].pk}/"
    raise AssertionError(f"no URL for the WebSocket route {pattern}")


async def _knock(path: str, session_key: str | None) -> tuple[str, str]:
    """(outcome, raw first frame) of opening a WebSocket as the session's user."""
    from channels.testing import WebsocketCommunicator

    from portal.asgi import application

    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if session_key:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}".encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect(timeout=5)
    if not connected:
        return str(code), ""
    try:
        if path == "/ws/ping/":
            await communicator.send_json_to({"type": "ping", "id": 1})
        output = await communicator.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return str(output.get("code")), ""
        frame = json.loads(output["text"])
        ok = frame.get("type") in ("welcome", "pong")
        return (table.WS_ACCEPT if ok else f"frame {frame.get('type')}"), output["text"]
    finally:
        await communicator.disconnect()


@pytest.mark.django_db
@pytest.mark.parametrize("check", WS_CHECKS, ids=[f"{p.split('/')[1] if p.startswith('^') else p}"
                                                   f"[{v}]-{pr.id}" for p, v, pr, _e in WS_CHECKS])
def test_websocket(check, world, monkeypatch):
    """Sync test driving the ASGI app: the consumer's database work runs on this thread, inside the
    check's savepoint (close_old_connections would end it, so it is a no-op here)."""
    from channels.layers import channel_layers

    pattern, variant, principal, expected = check
    monkeypatch.setattr("channels.db.close_old_connections", lambda: None)
    channel_layers.backends.clear()
    path = ws_path(pattern, variant, world)
    outcome, frame = async_to_sync(_knock)(path, world.sessions.get(principal.id))
    channel_layers.backends.clear()
    assert outcome == expected, f"{principal.id} on {path}: expected {expected}, got {outcome}"
    found = leaks(world, principal, frame, path)
    assert not found, found


def test_matrix_size():
    """The matrix covers what it says (a guard against an empty parametrisation)."""
    assert len(ROUTES) > 450 and len(HTTP_CHECKS) > 1000 and len(API_CHECKS) > 90 and len(WS_CHECKS) >= 5 * 19
    assert ANONYMOUS in PRINCIPALS and len(PRINCIPALS) == 19
