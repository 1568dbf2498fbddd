"""Court packet for judicial confirmation vs bare WeasyPrint on the same HTML.

    .venv/bin/python bench/court_packet.py [--runs 15] [--evidence 20] [--profile FILE]

Builds a mediation case ready for judicial confirmation on a throwaway var/
(dev settings, SQLite): the test helpers' world (tests/mediation/helpers.py),
the case's files notarised (evidence, identity documents, a power of attorney),
a settlement agreement drafted by the mediator and signed by both parties, a
court and its clerk, and the claimant's signature on the joint application.

(a) The packet, end to end, as the filing and the clerk's download produce
    it: mediation.confirmation.generate_documents (render the four documents
    the portal issues with WeasyPrint, sign each PAdES, notarise each: hash,
    RFC 3161 timestamp, log append, signed checkpoint) in one transaction, then
    mediation.confirmation.build_packet (checkpoint, proof bundle and custody
    event per file, ZIP with manifest.json) for the clerk.
(b) Bare WeasyPrint, ``weasyprint.HTML(string=html).write_pdf()``, on exactly
    the HTML documents (a) rendered, captured by wrapping notary.pdf.render_html.
    The only change to that HTML: the stylesheet link ``/static/css/pdf.css``
    (which the portal's URL fetcher maps to the static files) becomes the file
    URL of the same stylesheet, so bare WeasyPrint lays out the same styled
    pages (checked: same page counts).

One warm-up run of each, then --runs runs of (a) and (b) alternately (a full
garbage collection before each, untimed); reports the medians of the wall times
and of the process CPU times and their ratios (target at most 1.3x), and the
ratio of the fastest runs, which the other work on a shared machine disturbs
least. Between runs of (a) the generated documents are detached from the
application (not timed), so every run packs the same files. --profile FILE writes a cProfile of one more run of
(a) (view it with ``python -m pstats FILE``).
"""

import argparse
import contextlib
import cProfile
import gc
import io
import os
import re
import statistics
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import setup  # noqa: E402


def evidence_pdf(title: str, pages: int) -> bytes:
    """A plausible evidence PDF (several pages of text and a table), made once at set-up."""
    import weasyprint

    rows = "".join(f"<tr><td>{i}</td><td>https://shop.example.cn/item/{i}</td><td>¥{99 + i}.00</td>"
                   f"<td>带有“西湖龙井”标识的商品页面截图说明</td></tr>" for i in range(40 * pages))
    html = (f"<html><body style='font-family: \"WenQuanYi Micro Hei\", sans-serif'><h1>{title}</h1>"
            f"<p>{'被申请人在其店铺销售带有申请人注册商标的商品。' * 30}</p><table>{rows}</table></body></html>")
    return weasyprint.HTML(string=html).write_pdf()


def build_case(evidence_count: int) -> dict:
    """A mediation with a signed settlement agreement, one signature short of filing."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mediation import agreements, confirmation
    from mediation.models import Mediation
    from notary.models import NotaryItem
    from notary.services.items import register_case_document, register_file
    from portal.models import CaseDocument, Court
    from tests.factories import ClerkFactory, CourtFactory, DocumentFactory
    from tests.mediation.helpers import TERMS, make_world, set_password, started

    @contextlib.contextmanager
    def on_commit_runs_anyway(execute=True):  # outside a test transaction on_commit callbacks run at commit
        yield []

    from django.conf import settings

    settings.PORTAL_CENTRE_REGION_CODE = "330106"
    w = make_world(on_commit_runs_anyway)
    case = w["case"]
    # The filing's documents, notarised as at submission: identity documents of both
    # sides and the claimant's power of attorney (these go into the packet), evidence.
    scan = b"\xff\xd8\xff\xe0" + os.urandom(300 * 1024)  # a scanned ID card: JPEG-sized, incompressible
    for kind, name, data in [(CaseDocument.Kind.IDENTITY, "营业执照-申请人.pdf", evidence_pdf("营业执照", 1)),
                             (CaseDocument.Kind.IDENTITY, "身份证-被申请人.jpg", scan),
                             (CaseDocument.Kind.POWER_OF_ATTORNEY, "授权委托书.pdf", evidence_pdf("授权委托书", 1)),
                             (CaseDocument.Kind.EVIDENCE, "商标注册证.pdf", evidence_pdf("商标注册证", 1))]:
        doc = DocumentFactory(case=case, kind=kind, original_name=name, size=len(data),
                              file=SimpleUploadedFile(name, data))
        register_case_document(doc)
    # Evidence handed in during the mediation (listed in the evidence list).
    page = evidence_pdf("侵权商品页面公证截图", 3)
    for i in range(evidence_count):
        register_file(case=case, fileobj=SimpleUploadedFile(f"e{i}.pdf", page + str(i).encode()),
                      original_name=f"证据{i + 1}-侵权页面截图.pdf", content_type="application/pdf",
                      submitter=w["claimant"], kind=NotaryItem.Kind.EVIDENCE,
                      description=f"被申请人店铺第{i + 1}个侵权商品链接的页面及交易记录")
    m = started(w)
    version = agreements.draft_version(mediation=m, by=w["mediator"], terms=TERMS)
    for who in ("claimant", "respondent"):
        agreements.sign(version=version, by=w[who], password=set_password(w[who]))
    court = CourtFactory(name="杭州市西湖区人民法院", region_code="330106", level=Court.Level.BASIC)
    w["clerk"] = ClerkFactory(court=court)
    confirmation.sign_application(mediation=Mediation.objects.get(pk=m.pk), by=w["claimant"], court=court,
                                  password="sign-pass-1")
    w["mediation"] = Mediation.objects.get(pk=m.pk)
    w["application"] = w["mediation"].confirmation
    return w


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--evidence", type=int, default=20, help="evidence items in the evidence list")
    parser.add_argument("--profile", help="write a cProfile of one run of (a) to this file")
    args = parser.parse_args()
    os.environ["SMS_BACKEND"] = "portal.sms.LocmemBackend"  # the world's set-up reads the invitations sent
    setup()
    from django.conf import settings
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    import weasyprint
    from django.contrib.staticfiles import finders
    from django.db import transaction

    from mediation import confirmation
    from notary import pdf as notary_pdf
    from notary.packets import packet_manifest

    started = time.perf_counter()
    w = build_case(args.evidence)
    application, mediation, respondent, clerk = w["application"], w["mediation"], w["respondent"], w["clerk"]
    print(f"set-up: {time.perf_counter() - started:.1f} s; case {w['case'].number}, "
          f"{args.evidence} evidence items")

    def packet() -> bytes:
        with transaction.atomic():
            confirmation.generate_documents(mediation=mediation, application=application, by=respondent)
        return confirmation.build_packet(application, by=clerk, ip="127.0.0.1")

    def reset() -> None:
        application.documents.clear()

    # Warm-up of (a), capturing the HTML it renders.
    captured: list[str] = []
    real_render_html = notary_pdf.render_html

    def capturing(template_name, context):
        html = real_render_html(template_name, context)
        captured.append(html)
        return html

    notary_pdf.render_html = capturing
    try:
        data = packet()
    finally:
        notary_pdf.render_html = real_render_html
    reset()
    manifest = packet_manifest(data)
    print(f"packet: {len(data) / 1024:.0f} KiB, {len(manifest['files'])} files "
          f"({', '.join(Path(f['name']).name for f in manifest['files'])})")

    def bare_html(html: str) -> str:
        def file_url(match):
            return f'href="{Path(finders.find(match.group(1))).resolve().as_uri()}"'
        return re.sub(r'href="/static/([^"]+)"', file_url, html)

    documents = [bare_html(h) for h in captured]
    assert len(documents) == len(confirmation.GENERATED_DOCUMENTS)

    def bare() -> list[bytes]:
        return [weasyprint.HTML(string=html).write_pdf() for html in documents]

    # Like for like: the same pages as the portal's rendering.
    bare_pdfs = bare()
    generated = {f["name"]: f for f in manifest["files"]}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for (template, title, _), bare_pdf in zip(confirmation.GENERATED_DOCUMENTS, bare_pdfs, strict=True):
            name = next(n for n in generated if Path(n).name.startswith(title))
            pages_packet, pages_bare = page_count(archive.read(name)), page_count(bare_pdf)
            print(f"  {template}: {pages_packet} page(s) in the packet, {pages_bare} bare")
            assert pages_packet == pages_bare, template

    # Wall time is what the clerk waits for; process CPU time is also shown because
    # on a shared machine the wall times mostly measure the other work.
    wall: dict[str, list[float]] = {"a": [], "b": []}
    cpu: dict[str, list[float]] = {"a": [], "b": []}
    for _ in range(args.runs):
        for key, work in (("a", packet), ("b", bare)):
            gc.collect()  # neither side pays for the other's garbage
            t0, c0 = time.perf_counter(), time.process_time()
            work()
            wall[key].append(time.perf_counter() - t0)
            cpu[key].append(time.process_time() - c0)
            if key == "a":
                reset()
    for label, times in (("wall", wall), ("cpu", cpu)):
        a, b = statistics.median(times["a"]), statistics.median(times["b"])
        print(f"{label}: (a) packet, end to end: median {a:.3f} s  (runs: {', '.join(f'{t:.2f}' for t in times['a'])})")
        print(f"{label}: (b) bare WeasyPrint:    median {b:.3f} s  (runs: {', '.join(f'{t:.2f}' for t in times['b'])})")
        print(f"{label}: ratio (a)/(b): {a / b:.2f}x (target <= 1.3x); "
              f"of the fastest runs: {min(times['a']) / min(times['b']):.2f}x")
    print(f"load average after the runs: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        packet()
        profiler.disable()
        reset()
        profiler.dump_stats(args.profile)
        print(f"profile of one run of (a): {args.profile}")


def page_count(pdf: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(io.BytesIO(pdf), strict=False).root["/Pages"]["/Count"])


if __name__ == "__main__":
    main()
