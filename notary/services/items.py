"""Registering files in the notary log, the chain of custody, and proof bundles."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.urls import reverse

from notary import entry as entries
from notary.keys import log_verifier_key
from notary.models import CustodyEvent, NotaryItem
from notary.services import log
from portal.models import Case, CaseDocument, NotificationCategory, User
from portal.notifications import notify
from portal.services.documents import file_stored


def _utc(ts) -> str:
    return ts.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _timestamp(sha256_hex: str):
    """An RFC 3161 token over the file's hash, checked before it is stored."""
    from notary import cms, tsa

    digest = bytes.fromhex(sha256_hex)
    token = tsa.timestamp(digest)
    return token, cms.verify_timestamp_token(token, digest).gen_time


def hash_file(fileobj, chunk_size: int = 1024 * 1024) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    fileobj.seek(0)
    while chunk := fileobj.read(chunk_size):
        digest.update(chunk)
        size += len(chunk)
    fileobj.seek(0)
    return digest.hexdigest(), size


def register_file(*, case: Case, fileobj: File, original_name: str, content_type: str, submitter: User | None,
                  kind: str = NotaryItem.Kind.EVIDENCE, description: str = "", sha256: str | None = None,
                  size: int | None = None, ip: str | None = None, **links) -> NotaryItem:
    """Store a file, timestamp its hash, append its entry to the log and sign a
    new checkpoint — one transaction. `sha256`/`size` may be passed when they
    were computed while the upload streamed in (never read the file twice)."""
    if sha256 is None or size is None:
        sha256, size = hash_file(fileobj)
    token, gen_time = _timestamp(sha256)
    with transaction.atomic():
        item = NotaryItem(case=case, kind=kind, original_name=original_name[:255], description=description[:300],
                          content_type=content_type, size=size, sha256=sha256, submitter=submitter,
                          timestamp_token=token, timestamp_time=gen_time, **links)
        if links.get("case_document") is not None:
            item.file.name = links["case_document"].file.name  # the same stored bytes, no copy
        else:
            item.file.save("upload", fileobj, save=False)
            # Inside atomic_with_file_cleanup() the file goes again if the caller's transaction rolls back.
            file_stored(item.file.storage, item.file.name)
        item.save()
        entry = entries.make_entry(kind=kind, item=str(item.uid), case=str(case.ref), sha256=sha256, size=size,
                                   submitter=submitter.pk if submitter else None, time=_utc(item.registered_at))
        log.append(entry, item=item)
        record_custody(item=item, actor=submitter, action=CustodyEvent.Action.REGISTERED, ip=ip)
        log.publish_checkpoint()
        if kind == NotaryItem.Kind.EVIDENCE and submitter is not None and links.get("case_document") is None:
            transaction.on_commit(lambda: _notify_submitter(item))
    return item


def _notify_submitter(item: NotaryItem) -> None:
    """Tell whoever handed in evidence that it is notarised. A filing's documents
    (notarised together at submission), web captures (several files each) and the
    documents the portal issues are left out: one message per file would be noise."""
    notify(users=[item.submitter], event="notary_registered", category=NotificationCategory.NOTARY, case=item.case,
           url=reverse("notary_item", kwargs={"uid": item.uid}), context={"item": item})


def register_case_document(document: CaseDocument) -> NotaryItem:
    """Notarise a file uploaded with a filing (once)."""
    existing = NotaryItem.objects.filter(case_document=document).first()
    if existing:
        return existing
    with document.file.open("rb") as fh:
        return register_file(case=document.case, fileobj=fh, original_name=document.original_name,
                             content_type=document.content_type, submitter=document.uploaded_by,
                             description=document.description, sha256=document.sha256, size=document.size,
                             case_document=document)


def record_custody(*, item: NotaryItem, actor: User | None, action: str, ip: str | None = None,
                   detail: str = "") -> CustodyEvent:
    """Log a custody event and hash it into the transparency log."""
    with transaction.atomic():
        event = CustodyEvent.objects.create(item=item, actor=actor, action=action, ip=ip, detail=detail[:300])
        record = {"of": str(item.uid), "action": action, "actor": actor.pk if actor else None, "ip": ip or "",
                  "detail": event.detail, "time": _utc(event.at)}
        entry = entries.make_entry(kind="custody", item=f"custody-{event.pk}", case=str(item.case.ref),
                                   sha256=entries.custody_digest(record), size=0,
                                   submitter=actor.pk if actor else None, time=record["time"],
                                   action=action, of=str(item.uid))
        log.append(entry, custody=event)
    return event


class ItemError(ValueError):
    pass


def withdraw_item(*, item: NotaryItem, by: User, reason: str, ip: str | None = None) -> NotaryItem:
    """Take evidence out of the case file (its submitter or a case manager); the
    change is a custody event in the log, and the item stays verifiable."""
    from django.utils.translation import gettext as _

    reason = (reason or "").strip()
    if not reason:
        raise ItemError(_("Please give a reason."))
    if not (by.pk == item.submitter_id or by.is_case_manager):
        raise PermissionError("only the submitter or a case manager may withdraw evidence")
    with transaction.atomic():
        locked = NotaryItem.objects.select_for_update().get(pk=item.pk)
        if locked.status != NotaryItem.Status.ACTIVE:
            raise ItemError(_("This file is already withdrawn."))
        locked.status = NotaryItem.Status.WITHDRAWN
        locked.save(update_fields=["status"])
        record_custody(item=locked, actor=by, action=CustodyEvent.Action.STATUS, ip=ip,
                       detail=f"withdrawn: {reason}")
        log.publish_checkpoint()
    return locked


def proof_bundle(item: NotaryItem) -> dict:
    """The proof file a court can verify offline (docs/notary-formats.md)."""
    checkpoint = log.latest_checkpoint()
    leaf = item.leaf
    if checkpoint is None or checkpoint.size <= leaf.index:
        checkpoint = log.publish_checkpoint()
    proof = log.inclusion_proof(leaf.index, checkpoint.size)
    return {
        "format": "ipdr-notary-proof/1",
        "entry": base64.b64encode(bytes(leaf.entry)).decode(),
        "leaf_index": leaf.index,
        "tree_size": checkpoint.size,
        "inclusion": [base64.b64encode(h).decode() for h in proof],
        "checkpoint": checkpoint.note,
        "timestamp": base64.b64encode(bytes(item.timestamp_token)).decode(),
        "log_key": log_verifier_key(),
    }


def proof_json(item: NotaryItem) -> bytes:
    return json.dumps(proof_bundle(item), ensure_ascii=False, indent=2).encode("utf-8")


@contextmanager
def open_item(item: NotaryItem) -> Iterator:
    with item.file.open("rb") as fh:
        yield fh


def public_base_url() -> str:
    return settings.PORTAL_PUBLIC_URL.rstrip("/")
