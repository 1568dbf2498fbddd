"""OpenAPI 3 schema details drf-spectacular cannot infer: the bearer-token
security scheme, and the problem+json error responses every operation may give."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from portal.api.exceptions import PROBLEM_CONTENT_TYPE

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string", "format": "uri", "description": "Names the kind of problem."},
        "title": {"type": "string", "description": "The kind of problem, in the requester's language."},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "This occurrence, in the requester's language."},
        "instance": {"type": "string", "description": "The request path."},
        "errors": {
            "type": "array",
            "description": "Field errors (validation problems only).",
            "items": {
                "type": "object",
                "properties": {
                    "pointer": {"type": "string", "description": "JSON Pointer into the request body; "
                                                                  "empty for the whole request."},
                    "detail": {"type": "string"},
                    "code": {"type": "string"},
                },
                "required": ["pointer", "detail", "code"],
            },
        },
    },
    "required": ["type", "title", "status", "detail", "instance"],
}

ALWAYS = {
    "400": "The request is not valid (see `errors`).",
    "401": "No token, or a revoked or unknown one.",
    "403": "The token's organisation may not use this endpoint.",
    "404": "Not found (or not the organisation's).",
    "406": "The requested representation is not available.",
    "429": "Rate limit reached; see the Retry-After header.",
}
ON_POST = {
    "409": "Not possible in the current state, or the same request is still being processed.",
    "413": "The request body is too large.",
    "415": "Unsupported media type.",
    "422": "The Idempotency-Key was used for a different request.",
}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "portal.api.authentication.ApiTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "An API token issued to the organisation in the back office."}


class ProblemAutoSchema(AutoSchema):
    pass


def only_public_api(endpoints):
    """Preprocessing hook: the schema documents /api/v1/ only."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def add_problem_responses(result, generator, request, public):
    """Postprocessing hook: the Problem component and its responses on every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    problem = {"$ref": "#/components/schemas/Problem"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            statuses = {**ALWAYS, **(ON_POST if method == "post" else {})}
            responses = operation.setdefault("responses", {})
            for code, description in statuses.items():
                response = responses.setdefault(code, {"description": description})
                response["content"] = {PROBLEM_CONTENT_TYPE: {"schema": problem}}
            if "429" in responses:
                responses["429"]["headers"] = {"Retry-After": {"schema": {"type": "integer"},
                                                               "description": "Seconds to wait."}}
            if "401" in responses:
                responses["401"]["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    return result
