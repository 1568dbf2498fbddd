"""Storing uploaded case files safely.

A file is accepted only if its content (libmagic, not the name) is one of the
allowed types and its extension agrees with that type; it is size-limited,
hashed with SHA-256 while it streams to the private storage under a generated
name, and the user's file name is kept for display only.
"""

import contextvars
import hashlib
import os
import tempfile
import unicodedata
import zipfile
import zlib
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
# Word and Excel files are ZIP packages: the most they may unpack to (a zip
# bomb is a small file that unpacks to gigabytes), how many parts they may
# have, and how deep packages inside them are looked into.
PACKAGE_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PACKAGE_MAX_UNPACKED_BYTES = 256 * 1024 * 1024
PACKAGE_MAX_MEMBERS = 10_000
PACKAGE_MAX_DEPTH = 3
# Only white space (or a byte-order mark) may come before a PDF's header: a
# file that starts as HTML and has "%PDF-" further on is HTML to a browser.
_PDF_LEAD = b"\xef\xbb\xbf\x00\t\n\x0c\r "


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
    if sniffed == "application/pdf" and not head.lstrip(_PDF_LEAD).startswith(b"%PDF-"):
        sniffed = "text/html" if b"<" in head[: head.find(b"%PDF-")] else "application/octet-stream"
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


def _unpacked_too_large(name: str, limit: int) -> ValidationError:
    return ValidationError(
        _("“%(name)s” unpacks to more than %(limit)s: it is refused as a possible zip bomb.")
        % {"name": clean_display_name(name), "limit": filesizeformat(limit)},
        code="archive_bomb",
    )


def check_package(fileobj, *, name: str, content_type: str) -> None:
    """Refuse a Word or Excel file (a ZIP package) that unpacks to more than
    PACKAGE_MAX_UNPACKED_BYTES, packages inside it included, or that cannot be
    unpacked. Every part is inflated as a stream, so the sizes the archive
    claims are not trusted and nothing large is held in memory."""
    if content_type not in PACKAGE_TYPES:
        return
    budget = [PACKAGE_MAX_UNPACKED_BYTES]

    def walk(source, depth: int) -> None:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
            if len(members) > PACKAGE_MAX_MEMBERS:
                raise _unpacked_too_large(name, PACKAGE_MAX_UNPACKED_BYTES)
            for member in members:
                with archive.open(member) as part, tempfile.TemporaryFile() as copy:
                    head = b""
                    while chunk := part.read(1024 * 1024):
                        budget[0] -= len(chunk)
                        if budget[0] < 0:
                            raise _unpacked_too_large(name, PACKAGE_MAX_UNPACKED_BYTES)
                        if not head:
                            head = chunk[:4]
                        if head.startswith(b"PK\x03\x04") and depth < PACKAGE_MAX_DEPTH:
                            copy.write(chunk)
                    if head.startswith(b"PK\x03\x04") and depth < PACKAGE_MAX_DEPTH:
                        copy.seek(0)
                        walk(copy, depth + 1)

    fileobj.seek(0)
    try:
        walk(fileobj, 1)
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, ValueError):
        # damaged, encrypted, or an unknown compression method: it cannot be checked
        raise ValidationError(
            _("“%(name)s” is damaged or encrypted and cannot be checked.") % {"name": clean_display_name(name)},
            code="damaged",
        ) from None
    finally:
        fileobj.seek(0)


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
    check_package(upload, name=upload.name, content_type=sniffed)
    return SniffResult(content_type=sniffed, size=size, sha256=digest.hexdigest())


_stored_in_block: contextvars.ContextVar[list | None] = contextvars.ContextVar("stored_in_block", default=None)


def file_stored(storage, name: str) -> None:
    """Tell the enclosing atomic_with_file_cleanup() block (if any) that a file
    was saved, so that it is deleted again if the block rolls back."""
    pending = _stored_in_block.get()
    if pending is not None:
        pending.append((storage, name))


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
    file_stored(doc.file.storage, doc.file.name)
    doc.save()
    return doc
