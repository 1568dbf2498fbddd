"""The notary certificate (存证证明) of one item: its data, proof and signature."""

from __future__ import annotations

import base64
import json

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from notary.certificates import CertificateData, render_certificate
from notary.models import NotaryItem
from notary.services.items import proof_bundle


def certificate_data(item: NotaryItem, *, bundle: dict, show_case: bool) -> CertificateData:
    from notary import cms

    token = cms.verify_timestamp_token(bytes(item.timestamp_token), bytes.fromhex(item.sha256))
    verify_url = (f"{settings.PORTAL_PUBLIC_URL.rstrip('/')}{reverse('notary_verify')}?"
                  f"{urlencode({'q': item.certificate_number})}")
    case_reference = ""
    if show_case:
        case_reference = f"{item.case} · {item.case.title}"
    submitter = item.submitter.full_name if item.submitter else "—"
    return CertificateData(
        certificate_number=item.certificate_number,
        item_uuid=str(item.uid),
        kind_label={"evidence": "电子证据 / Evidence", "capture": "网页取证 / Web page capture",
                    "document": "平台文书 / Issued document"}[item.kind],
        file_name=item.original_name,
        size=item.size,
        sha256=item.sha256,
        mime_type=item.content_type,
        case_reference=case_reference,
        submitter=submitter,
        registered_at=item.registered_at,
        timestamp_time=token.gen_time,
        tsa_name=getattr(token, "tsa_subject", "") or "",
        timestamp_serial=format(token.serial, "x") if isinstance(getattr(token, "serial", None), int) else "",
        log_origin=settings.NOTARY_LOG_ORIGIN,
        leaf_index=bundle["leaf_index"],
        tree_size=bundle["tree_size"],
        inclusion_proof=[base64.b64decode(h).hex() for h in bundle["inclusion"]],
        checkpoint=bundle["checkpoint"],
        verify_url=verify_url,
    )


def certificate_pdf(item: NotaryItem, *, viewer=None) -> bytes:
    """Render, embed the proof file as proof.json, and PAdES-sign (notary.pdf)."""
    bundle = proof_bundle(item)
    show_case = bool(viewer is not None and viewer.has_perm("portal.view_case", item.case))
    data = certificate_data(item, bundle=bundle, show_case=show_case)
    return render_certificate(data, proof_json=json.dumps(bundle, ensure_ascii=False, indent=2).encode("utf-8"))
