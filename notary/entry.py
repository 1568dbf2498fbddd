"""The log entry: the exact bytes a leaf of the transparency log commits to.

An entry binds a file's SHA-256 to what the portal knows about it, so that a
court can check both that the file is unchanged and what it was registered as.
It is canonical JSON (UTF-8, keys sorted, no insignificant white space), so any
verifier recomputes the same bytes from the same fields:

    {"case":"<case ref (UUID)>","item":"<item UUID>","kind":"evidence",
     "sha256":"<64 lowercase hex>","size":1234,"submitter":42,
     "time":"2026-11-24T22:30:00.123456Z","v":1}

Fields: ``v`` format version (1); ``kind`` what was registered (``evidence``,
``capture`` for web-page capture artefacts, ``document`` for papers the portal
issues, ``custody`` for chain-of-custody events); ``item`` the notary item's
UUID; ``case`` the case's permanent reference (UUID, not its name, so no
personal data enters the public log); ``sha256`` of the file (for custody
events: of the custody record, see ``custody_digest``); ``size`` in bytes;
``submitter`` the user id; ``time`` UTC with microseconds. A custody entry adds
``action`` and ``of`` (the item UUID it concerns).

The leaf hash is RFC 9162 ``SHA-256(0x00 || entry bytes)``.
Standard library only: the offline verifier imports this module.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

ENTRY_VERSION = 1
KINDS = ("evidence", "capture", "document", "custody")
REQUIRED = ("v", "kind", "item", "case", "sha256", "size", "submitter", "time")


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def make_entry(*, kind: str, item: str, case: str, sha256: str, size: int, submitter: int | None, time: str,
               **extra: Any) -> bytes:
    if kind not in KINDS:
        raise ValueError(f"unknown entry kind {kind!r}")
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("sha256 must be 64 lowercase hex characters")
    if not time.endswith("Z"):
        raise ValueError("time must be UTC with a trailing Z")
    fields = {"v": ENTRY_VERSION, "kind": kind, "item": item, "case": case, "sha256": sha256, "size": size,
              "submitter": submitter, "time": time, **extra}
    return canonical_bytes(fields)


def parse_entry(data: bytes) -> dict[str, Any]:
    """Decode entry bytes; raise ValueError unless they are a canonical v1 entry."""
    try:
        fields = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError("entry is not UTF-8 JSON") from exc
    if not isinstance(fields, dict) or any(k not in fields for k in REQUIRED):
        raise ValueError("entry lacks required fields")
    if fields["v"] != ENTRY_VERSION:
        raise ValueError("unsupported entry version")
    if canonical_bytes(fields) != data:
        raise ValueError("entry is not in canonical form")
    return fields


def custody_digest(record: dict[str, Any]) -> str:
    """SHA-256 hex of a custody record's canonical JSON (who, when, action, IP, item)."""
    return hashlib.sha256(canonical_bytes(record)).hexdigest()
