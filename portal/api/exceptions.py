"""Errors as RFC 9457 problem details (application/problem+json).

Every error the API returns has `type` (a URI naming the kind of problem,
documented at /api/problems/<slug>), `title` (the kind, in the requester's
language), `status`, `detail` (this occurrence) and `instance` (the request
path). Validation problems add `errors`: one entry per field, with a JSON
Pointer into the request body (`/complaints/3/claimant/credit_code`), the
message and a machine-readable code.

The language is the one LocaleMiddleware chose from Accept-Language
(zh-Hans by default, or en).
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.views import set_rollback

log = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"

# slug -> (status, title). The slug is the last segment of the type URI.
PROBLEM_TYPES: dict[str, tuple[int, object]] = {
    "validation": (400, _("The request is not valid")),
    "malformed-request": (400, _("The request body cannot be read")),
    "idempotency-key-missing": (400, _("An Idempotency-Key header is required")),
    "unauthenticated": (401, _("Authentication is required")),
    "forbidden": (403, _("Not allowed")),
    "not-found": (404, _("Not found")),
    "method-not-allowed": (405, _("Method not allowed")),
    "not-acceptable": (406, _("The requested representation is not available")),
    "wrong-state": (409, _("Not possible in the current state")),
    "request-in-progress": (409, _("A request with this Idempotency-Key is still being processed")),
    "payload-too-large": (413, _("The request body is too large")),
    "unsupported-media-type": (415, _("Unsupported media type")),
    "idempotency-key-reused": (422, _("This Idempotency-Key was used for a different request")),
    "rate-limited": (429, _("Too many requests")),
    "server-error": (500, _("Internal server error")),
}
# Codes of service-layer refusals (CaseActionError, MediationError) that mean
# "not now" rather than "not valid".
WRONG_STATE_CODES = {"wrong_state", "window_closed", "incomplete", "conditions"}


def type_uri(slug: str) -> str:
    return f"{settings.PORTAL_PUBLIC_URL.rstrip('/')}/api/problems/{slug}"


class Problem(exceptions.APIException):
    """An API error of a named problem type."""

    slug = "server-error"

    def __init__(self, detail=None, *, slug: str | None = None, errors: list[dict] | None = None):
        self.slug = slug or self.slug
        self.status_code = PROBLEM_TYPES[self.slug][0]
        self.errors = errors
        super().__init__(detail or PROBLEM_TYPES[self.slug][1])


class PayloadTooLarge(Problem):
    slug = "payload-too-large"


class IdempotencyKeyMissing(Problem):
    slug = "idempotency-key-missing"


class IdempotencyKeyReused(Problem):
    slug = "idempotency-key-reused"


class RequestInProgress(Problem):
    slug = "request-in-progress"


class WrongState(Problem):
    slug = "wrong-state"


def _escape(token) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def field_errors(detail, pointer: str = "") -> list[dict]:
    """Flatten DRF's nested error structure into JSON-Pointer entries."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            at = pointer if key in ("non_field_errors", "__all__") else f"{pointer}/{_escape(key)}"
            out += field_errors(value, at)
        return out
    if isinstance(detail, list):
        if all(isinstance(d, str) for d in detail):  # ErrorDetail is a str
            return [{"pointer": pointer, "detail": str(d), "code": getattr(d, "code", None) or "invalid"}
                    for d in detail]
        out = []
        for index, value in enumerate(detail):
            out += field_errors(value, f"{pointer}/{index}")
        return out
    return [{"pointer": pointer, "detail": str(detail), "code": getattr(detail, "code", None) or "invalid"}]


def problem_response(*, slug: str, detail, instance: str, errors: list[dict] | None = None,
                     headers: dict | None = None, status_code: int | None = None) -> HttpResponse:
    code, title = PROBLEM_TYPES[slug]
    body = {"type": type_uri(slug), "title": str(title), "status": status_code or code, "detail": str(detail),
            "instance": instance}
    if errors is not None:
        body["errors"] = errors
    # A plain HttpResponse: problems never go through content negotiation, so a
    # download endpoint's renderer cannot garble them.
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status_code or code,
                            content_type=PROBLEM_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _slug_for(exc: exceptions.APIException) -> str:
    if isinstance(exc, Problem):
        return exc.slug
    return {
        exceptions.ParseError: "malformed-request",
        exceptions.AuthenticationFailed: "unauthenticated",
        exceptions.NotAuthenticated: "unauthenticated",
        exceptions.PermissionDenied: "forbidden",
        exceptions.NotFound: "not-found",
        exceptions.MethodNotAllowed: "method-not-allowed",
        exceptions.NotAcceptable: "not-acceptable",
        exceptions.UnsupportedMediaType: "unsupported-media-type",
        exceptions.Throttled: "rate-limited",
        exceptions.ValidationError: "validation",
    }.get(type(exc), "server-error" if exc.status_code >= 500 else "validation")


def _from_django_validation(exc: DjangoValidationError) -> Problem:
    messages = exc.messages
    code = getattr(exc, "code", None) or (exc.error_list[0].code if hasattr(exc, "error_list") else None)
    detail = " ".join(str(m) for m in messages)
    if code in WRONG_STATE_CODES:
        return WrongState(detail)
    if hasattr(exc, "error_dict"):
        return Problem(_("Correct the errors listed in `errors`; nothing was saved."), slug="validation",
                       errors=field_errors({k: [str(m) for m in v] for k, v in exc.message_dict.items()}))
    return Problem(detail, slug="validation", errors=[{"pointer": "", "detail": detail, "code": code or "invalid"}])


def problem_exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every error becomes a problem+json response."""
    request = context.get("request")
    instance = request.path if request is not None else ""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = _from_django_validation(exc)
    if not isinstance(exc, exceptions.APIException):
        log.exception("Unhandled error in API view %s", instance, exc_info=exc)
        set_rollback()
        return problem_response(slug="server-error", detail=PROBLEM_TYPES["server-error"][1], instance=instance)

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if isinstance(exc, exceptions.Throttled):
        headers["Retry-After"] = str(max(1, int(exc.wait or 1)))
    slug = _slug_for(exc)
    errors = getattr(exc, "errors", None)
    if isinstance(exc, exceptions.ValidationError):
        errors = field_errors(exc.detail)
        detail = _("Correct the errors listed in `errors`; nothing was saved.")
    elif isinstance(exc, exceptions.Throttled):
        detail = _("Try again in %(seconds)d seconds.") % {"seconds": max(1, int(exc.wait or 1))}
    else:
        detail = exc.detail if not isinstance(exc.detail, list | dict) else PROBLEM_TYPES[slug][1]
    set_rollback()
    return problem_response(slug=slug, detail=detail, instance=instance, errors=errors, headers=headers,
                            status_code=exc.status_code if slug == "server-error" else None)


@csrf_exempt  # API clients send no CSRF token; a POST to a wrong path is still a 404
def not_found(request, *args, **kwargs) -> HttpResponse:
    """Unknown paths under /api/ answer in problem+json too, not with the site's HTML 404."""
    return problem_response(slug="not-found", detail=_("There is no such API endpoint."), instance=request.path)


def problem_type(request, slug: str) -> HttpResponse:
    """What a problem `type` URI names (they are meant to be dereferenceable)."""
    if slug not in PROBLEM_TYPES:
        return not_found(request)
    code, title = PROBLEM_TYPES[slug]
    body = {"type": type_uri(slug), "title": str(title), "status": code,
            "see": f"{settings.PORTAL_PUBLIC_URL.rstrip('/')}/api/docs/"}
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")


__all__ = ["PROBLEM_CONTENT_TYPE", "PROBLEM_TYPES", "IdempotencyKeyMissing", "IdempotencyKeyReused", "PayloadTooLarge",
           "Problem", "RequestInProgress", "WrongState", "field_errors", "not_found", "problem_exception_handler",
           "problem_response", "problem_type"]
