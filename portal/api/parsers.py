"""Request bodies: JSON with a size limit, and multipart uploads.

DRF reads the body straight from the WSGI/ASGI stream, around Django's
DATA_UPLOAD_MAX_MEMORY_SIZE check, so the JSON limit is enforced here: a
Content-Length over API_MAX_JSON_BYTES is refused before anything is read,
and a body without one is read only up to the limit.
"""

import io

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from portal.api.exceptions import PROBLEM_TYPES, PayloadTooLarge


def declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_JSON_BYTES
        request = parser_context["request"]
        if declared_length(request) > limit:
            raise PayloadTooLarge()
        data = stream.read(limit + 1)
        if len(data) > limit:
            raise PayloadTooLarge()
        try:
            return super().parse(io.BytesIO(data), media_type, parser_context)
        except (ParseError, RecursionError):
            # Not JSON, not UTF-8, NaN, or nested too deep for the parser (a RecursionError
            # would be a 500): one message in the requester's language, not the parser's English.
            raise ParseError(PROBLEM_TYPES["malformed-request"][1]) from None
