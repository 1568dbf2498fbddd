"""Idempotency-Key on every POST (docs/api.md#idempotency).

The key, a fingerprint of the request and, once the work succeeded, the
response are stored in the same transaction as the work itself. So:

- a retry with the same key and the same request gets the stored response
  (with `Idempotent-Replayed: true`) and nothing is done twice;
- the same key with a different request is refused (422);
- a request that fails (validation, state) stores nothing: it may be corrected
  and sent again with the same key;
- two identical requests at once: the second waits on the first's row (the
  unique index) and then gets its response.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response

from portal.api.exceptions import IdempotencyKeyMissing, IdempotencyKeyReused, RequestInProgress
from portal.models import IdempotentRequest, Organisation

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255

MSG_KEY_MISSING = _("Send an Idempotency-Key header (1 to 255 visible ASCII characters, e.g. a UUID) with every POST.")
MSG_KEY_REUSED = _("This Idempotency-Key was already used for a different request. Use a new key for a new request.")


def key_from(request) -> str:
    key = (request.headers.get(HEADER) or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH or not all(33 <= ord(c) <= 126 for c in key):
        raise IdempotencyKeyMissing(MSG_KEY_MISSING)
    return key


def _canonical(value):
    """Request data as plain JSON values; uploaded files by their SHA-256."""
    if hasattr(value, "getlist") and hasattr(value, "keys"):  # QueryDict / MultiValueDict
        return {k: [_canonical(v) for v in value.getlist(k)] for k in sorted(value.keys())}
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if hasattr(value, "chunks"):  # an uploaded file
        digest = getattr(value, "sha256", None)
        if digest is None:
            hasher = hashlib.sha256()
            for chunk in value.chunks():
                hasher.update(chunk)
            value.seek(0)
            digest = hasher.hexdigest()
        return {"file_sha256": digest}
    return value


def fingerprint(request) -> str:
    # request.data holds a multipart request's files too.
    content = {"method": request.method, "path": request.path, "data": _canonical(request.data)}
    raw = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    # "surrogatepass": a JSON body may hold lone surrogates ("\ud800"); the
    # fingerprint is taken before validation refuses them with a 400.
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def run(*, request, organisation: Organisation, work: Callable[[], Response]) -> Response:
    """Do `work` once per (organisation, Idempotency-Key)."""
    key = key_from(request)
    print_ = fingerprint(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(organisation=organisation, key=key, fingerprint=print_)
        except IntegrityError:
            record = IdempotentRequest.objects.get(organisation=organisation, key=key)
            if record.fingerprint != print_:
                raise IdempotencyKeyReused(MSG_KEY_REUSED) from None
            if record.status_code is None:
                raise RequestInProgress() from None
            return Response(record.response, status=record.status_code, headers={"Idempotent-Replayed": "true"})
        response = work()
        record.status_code, record.response = response.status_code, response.data
        record.save(update_fields=["status_code", "response"])
    return response
