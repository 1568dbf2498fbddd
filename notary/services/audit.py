"""The notary audit: re-derive everything the log claims from the stored bytes.

1. every stored file re-hashed and compared with its item and its log entry;
2. every leaf hash recomputed from its entry bytes, every stored subtree hash
   recomputed from its children, level by level (streamed: constant memory);
3. every custody event re-hashed and compared with its entry;
4. every timestamp token verified against its item's hash;
5. every published checkpoint: signature, root equal to the recomputed tree
   of that size, and consistency with the checkpoint before it.
Returns the list of problems (empty when everything holds).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from django.conf import settings

from notary import entry as entries
from notary import merkle
from notary.checkpoint import CheckpointError, open_signed
from notary.keys import log_verifier_key
from notary.models import Checkpoint, CustodyEvent, LogHead, LogLeaf, LogNode, NotaryItem
from notary.services import log


def _utc(ts) -> str:
    from notary.services.items import _utc as fmt

    return fmt(ts)


def audit_files(problems: list[str]) -> None:
    for item in NotaryItem.objects.select_related("leaf").iterator(chunk_size=500):
        try:
            with item.file.open("rb") as fh:
                digest, size = hashlib.sha256(), 0
                while chunk := fh.read(1024 * 1024):
                    digest.update(chunk)
                    size += len(chunk)
        except OSError as exc:
            problems.append(f"item {item.uid}: stored file unreadable ({exc})")
            continue
        if digest.hexdigest() != item.sha256 or size != item.size:
            problems.append(f"item {item.uid}: stored file does not match its recorded SHA-256/size")
        leaf = getattr(item, "leaf", None)
        if leaf is None:
            problems.append(f"item {item.uid}: not in the log")
            continue
        try:
            fields = entries.parse_entry(bytes(leaf.entry))
        except ValueError as exc:
            problems.append(f"leaf {leaf.index}: {exc}")
            continue
        if (fields["sha256"], fields["size"], fields["item"], fields["case"]) != (
                item.sha256, item.size, str(item.uid), str(item.case.ref)):
            problems.append(f"item {item.uid}: database record differs from log entry {leaf.index}")


def audit_timestamps(problems: list[str]) -> None:
    from notary import cms

    for item in NotaryItem.objects.only("uid", "sha256", "timestamp_token").iterator(chunk_size=500):
        try:
            cms.verify_timestamp_token(bytes(item.timestamp_token), bytes.fromhex(item.sha256))
        except Exception as exc:  # any failure is a finding, reported with its reason
            problems.append(f"item {item.uid}: timestamp token does not verify ({exc})")


def audit_custody(problems: list[str]) -> None:
    for event in CustodyEvent.objects.select_related("leaf", "item").iterator(chunk_size=500):
        record = {"of": str(event.item.uid), "action": event.action, "actor": event.actor_id, "ip": event.ip or "",
                  "detail": event.detail, "time": _utc(event.at)}
        leaf = getattr(event, "leaf", None)
        if leaf is None:
            problems.append(f"custody event {event.pk}: not in the log")
            continue
        try:
            fields = entries.parse_entry(bytes(leaf.entry))
        except ValueError as exc:
            problems.append(f"leaf {leaf.index}: {exc}")
            continue
        if fields["sha256"] != entries.custody_digest(record):
            problems.append(f"custody event {event.pk}: record differs from log entry {leaf.index}")


def _stream(level: int) -> Iterator[LogNode]:
    return LogNode.objects.filter(level=level).order_by("index").iterator(chunk_size=2000)


def audit_tree(problems: list[str]) -> int:
    """Recompute leaf and node hashes; return the log size."""
    size = LogHead.objects.filter(pk=1).values_list("size", flat=True).first() or 0
    expected_index = 0
    stored_leaves = _stream(0)
    for leaf in LogLeaf.objects.order_by("index").iterator(chunk_size=2000):
        if leaf.index != expected_index:
            problems.append(f"leaf index {expected_index} missing (found {leaf.index})")
            expected_index = leaf.index
        computed = merkle.leaf_hash(bytes(leaf.entry))
        if computed != bytes(leaf.leaf_hash):
            problems.append(f"leaf {leaf.index}: stored leaf hash does not match its entry")
        node = next(stored_leaves, None)
        if node is None or node.index != leaf.index or bytes(node.hash) != computed:
            problems.append(f"leaf {leaf.index}: stored tree node does not match its entry")
        expected_index += 1
    if expected_index != size:
        problems.append(f"log head says {size} entries, {expected_index} leaves stored")
    level = 1
    while (1 << level) <= size:
        children, parents = _stream(level - 1), _stream(level)
        for index in range(size >> level):
            left, right, parent = next(children, None), next(children, None), next(parents, None)
            if None in (left, right, parent) or parent.index != index:
                problems.append(f"node {level}/{index}: missing")
                break
            if merkle.node_hash(bytes(left.hash), bytes(right.hash)) != bytes(parent.hash):
                problems.append(f"node {level}/{index}: does not match its children")
        level += 1
    return size


def audit_checkpoints(problems: list[str], size: int) -> None:
    previous = None
    for cp in Checkpoint.objects.order_by("size").iterator():
        try:
            opened = open_signed(cp.note, log_verifier_key(), origin=settings.NOTARY_LOG_ORIGIN)
        except CheckpointError as exc:
            problems.append(f"checkpoint {cp.size}: {exc}")
            continue
        if opened.size != cp.size or opened.root != bytes(cp.root):
            problems.append(f"checkpoint {cp.size}: signed text differs from the stored size/root")
        if cp.size > size:
            problems.append(f"checkpoint {cp.size}: larger than the log")
            continue
        if log.root_at(cp.size) != opened.root:
            problems.append(f"checkpoint {cp.size}: root differs from the recomputed tree")
        if previous is not None and previous.size > 0:
            proof = log.consistency_proof(previous.size, opened.size)
            if not merkle.verify_consistency(previous.size, opened.size, previous.root, opened.root, proof):
                problems.append(f"checkpoint {cp.size}: not consistent with checkpoint {previous.size}")
        previous = opened


def audit() -> list[str]:
    problems: list[str] = []
    size = audit_tree(problems)
    audit_files(problems)
    audit_custody(problems)
    audit_timestamps(problems)
    audit_checkpoints(problems, size)
    return problems
