"""Storing uploaded case files safely.

A file is accepted only if its content (libmagic, not the name) is one of the
allowed types and its extension agrees with that type; it is size-limited,
hashed with SHA-256 while it streams to the private storage under a generated
name, and the user's file name is kept for display only.
"""

import contextvars
import hashlib
import os
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from portal.models import Case, CaseDocument

# Sniffed MIME type -> extensions a file of that type may carry.
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/webp": (".webp",),
    "text/plain": (".txt",),
    "video/mp4": (".mp4",),
    "audio/mpeg": (".mp3",),
    "application/msword": (".doc",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
}
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class SniffResult:
    content_type: str
    size: int
    sha256: str


def clean_display_name(name: str) -> str:
    """The last path component, without control characters, at most 200 chars."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(name) > 200:
        stem, ext = os.path.splitext(name)
        name = stem[: 200 - len(ext)] + ext
    return name or "file"


def sniff_type(head: bytes, name: str) -> str:
    """The MIME type of a file from its first bytes (libmagic); refuses types we
    do not accept and names whose extension disagrees with the content."""
    sniffed = magic.from_buffer(head, mime=True)
    if sniffed not in ALLOWED_TYPES:
        raise ValidationError(
            _("“%(name)s” is not an accepted file type. Accepted: PDF, images (PNG, JPEG, WebP), "
              "text, Word, Excel, MP4 video and MP3 audio.") % {"name": clean_display_name(name)},
            code="bad_type",
        )
    ext = os.path.splitext(clean_display_name(name))[1].lower()
    if ext not in ALLOWED_TYPES[sniffed]:
        raise ValidationError(
            _("The name of “%(name)s” does not match its content (%(type)s). Rename it with the "
              "extension %(ext)s.") % {"name": clean_display_name(name), "type": sniffed,
                                       "ext": ALLOWED_TYPES[sniffed][0]},
            code="type_mismatch",
        )
    return sniffed


def check_upload(upload: UploadedFile, *, max_bytes: int | None = None) -> SniffResult:
    """Validate an upload by size and content; raise ValidationError with a user message."""
    max_bytes = max_bytes or settings.PORTAL_UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is too large (%(size)s); the limit is %(limit)s.")
            % {"name": clean_display_name(upload.name), "size": filesizeformat(upload.size),
               "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    sniffed = sniff_type(head, upload.name)
    digest = hashlib.sha256()
    size = 0
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise ValidationError(_("The file is larger than allowed."), code="too_large")
    upload.seek(0)
    return SniffResult(content_type=sniffed, size=size, sha256=digest.hexdigest())


_stored_in_block: contextvars.ContextVar[list | None] = contextvars.ContextVar("stored_in_block", default=None)


@contextmanager
def atomic_with_file_cleanup() -> Iterator[None]:
    """transaction.atomic() that also deletes files stored inside it when it
    rolls back, so a failed request leaves neither rows nor orphan files."""
    stored: list = []
    token = _stored_in_block.set(stored)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        for storage, name in stored:
            storage.delete(name)
        raise
    finally:
        _stored_in_block.reset(token)


def store_case_document(*, case: Case, upload: UploadedFile, kind: str, by, description: str = "") -> CaseDocument:
    """Check and save one uploaded file into a case (call inside atomic_with_file_cleanup)."""
    result = check_upload(upload)
    doc = CaseDocument(
        case=case, kind=kind, description=description[:200], original_name=clean_display_name(upload.name),
        content_type=result.content_type, size=result.size, sha256=result.sha256, uploaded_by=by,
    )
    doc.file.save("upload", upload, save=False)
    pending = _stored_in_block.get()
    if pending is not None:
        pending.append((doc.file.storage, doc.file.name))
    doc.save()
    return doc
