"""Court packets: one ZIP of notarised files that a court can verify offline.

Layout (format "ipdr-court-packet/1", documented in docs/notary-formats.md):
  files/<name>               each file as notarised
  proofs/<name>.proof.json   its proof bundle (entry, timestamp token, inclusion proof)
  log.pub                    the log's verifier key
  manifest.json              SHA-256, size, log index and inclusion proof of every file,
                             and the signed checkpoint they prove against
  README.txt                 how to verify (python -m notary.verify)

Used by the judicial confirmation packet (mediation) and the enforcement packet
(arbitration). Every download is custody-logged for each file. The files are
packed first; the checkpoint, the proofs and the custody events are then written
in one transaction, so a packet whose files cannot be read logs no export and
the database commits once per packet, not once per file.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

_CHUNK = 1024 * 1024

README = ("本文件包由知识产权纠纷调解仲裁中心生成。每个文件均已存证，可离线核验：\n"
          "  python -m notary.verify files/<文件名> --proof proofs/<文件名>.proof.json --key log.pub\n"
          "manifest.json 列出每个文件的 SHA-256、日志序号、包含证明及所依据的签名检查点。\n\n"
          "Every file in this packet is notarised and can be verified offline with the command above.\n")


def _unique_names(items: list) -> list[str]:
    used: set[str] = set()
    names = []
    for item in items:
        name = item.original_name
        stem = 1
        while name in used:
            name = f"{stem}-{item.original_name}"
            stem += 1
        used.add(name)
        names.append(name)
    return names


def build_packet(*, items: Iterable, header: dict, by, ip: str | None, custody_detail: str) -> bytes:
    from notary.keys import log_verifier_key
    from notary.models import CustodyEvent
    from notary.services import log
    from notary.services.items import proof_bundle, record_custody

    items = list(items)
    names = _unique_names(items)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # The files first, each read once and streamed into the archive, before the
        # transaction: compressing large files must not hold the log's lock.
        for item, name in zip(items, names, strict=True):
            with item.file.open("rb") as fh, archive.open(f"files/{name}", "w",
                                                          force_zip64=item.size >= zipfile.ZIP64_LIMIT) as dest:
                shutil.copyfileobj(fh, dest, _CHUNK)
        # The checkpoint, every proof against it and the custody events: one transaction.
        with transaction.atomic():
            checkpoint = log.publish_checkpoint()
            manifest = {"format": "ipdr-court-packet/1", **header, "generated_at": timezone.now().isoformat(),
                        "log_key": log_verifier_key(), "checkpoint": checkpoint.note, "files": []}
            bundles = []
            for item, name in zip(items, names, strict=True):
                bundle = proof_bundle(item)
                bundles.append(bundle)
                manifest["files"].append({
                    "name": f"files/{name}", "proof": f"proofs/{name}.proof.json", "sha256": item.sha256,
                    "size": item.size, "log_index": bundle["leaf_index"], "tree_size": bundle["tree_size"],
                    "inclusion": bundle["inclusion"], "description": item.description,
                })
                record_custody(item=item, actor=by, action=CustodyEvent.Action.EXPORTED, ip=ip, detail=custody_detail)
        for name, bundle in zip(names, bundles, strict=True):
            archive.writestr(f"proofs/{name}.proof.json", json.dumps(bundle, ensure_ascii=False, indent=2))
        archive.writestr("log.pub", log_verifier_key() + "\n")
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        archive.writestr("README.txt", README)
    return buffer.getvalue()


def packet_manifest(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return json.loads(archive.read("manifest.json"))
