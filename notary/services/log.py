"""The database-backed RFC 9162 log: append, roots, proofs, checkpoints.

Appends lock the LogHead row (SELECT … FOR UPDATE on PostgreSQL; SQLite
serialises writers itself), so indices are dense and unique across processes.
Each append stores the leaf hash and the hash of every aligned subtree the new
leaf completes: at most log2(n)+1 rows. Roots and proofs are assembled from
those stored hashes with the range helpers of notary.merkle, reading O(log n)
rows in one query.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from notary import merkle
from notary.checkpoint import Checkpoint as CheckpointBody
from notary.checkpoint import sign as sign_checkpoint
from notary.keys import log_signing_key
from notary.models import Checkpoint, LogHead, LogLeaf, LogNode


class LogError(RuntimeError):
    """The log is inconsistent (never expected; the audit reports it)."""


def _head_for_update() -> LogHead:
    LogHead.objects.bulk_create([LogHead(pk=1, size=0)], ignore_conflicts=True)
    return LogHead.objects.select_for_update().get(pk=1)


def append(entry: bytes, **links) -> LogLeaf:
    """Append one entry; must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("append() must run inside transaction.atomic()")
    head = _head_for_update()
    index = head.size
    leaf_hash = merkle.leaf_hash(entry)
    leaf = LogLeaf.objects.create(index=index, entry=entry, leaf_hash=leaf_hash, **links)
    nodes = [LogNode(level=0, index=index, hash=leaf_hash)]
    # Complete every aligned subtree that ends with this leaf: one sibling per
    # trailing 1-bit of the index, all read in one query.
    wanted, level, node_index = [], 0, index
    while node_index % 2 == 1:
        wanted.append((level, node_index - 1))
        level, node_index = level + 1, node_index // 2
    siblings = {}
    if wanted:
        query = Q()
        for lvl, idx in wanted:
            query |= Q(level=lvl, index=idx)
        siblings = {(n.level, n.index): bytes(n.hash) for n in LogNode.objects.filter(query)}
    current = leaf_hash
    for lvl, idx in wanted:
        current = merkle.node_hash(siblings[(lvl, idx)], current)
        nodes.append(LogNode(level=lvl + 1, index=(idx + 1) // 2, hash=current))
    LogNode.objects.bulk_create(nodes)
    head.size = index + 1
    head.save(update_fields=["size"])
    return leaf


def size() -> int:
    head = LogHead.objects.filter(pk=1).first()
    return head.size if head else 0


def _level(start: int, end: int) -> int:
    return (end - start).bit_length() - 1


def _fetch(ranges: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """Stored hashes of complete aligned subtrees, keyed by leaf range."""
    wanted = {(_level(s, e), s >> _level(s, e)): (s, e) for s, e in ranges}
    if not wanted:
        return {}
    query = Q()
    for level, index in wanted:
        query |= Q(level=level, index=index)
    found = {(n.level, n.index): bytes(n.hash) for n in LogNode.objects.filter(query)}
    if len(found) != len(wanted):
        raise LogError("missing stored subtree hashes")
    return {wanted[key]: value for key, value in found.items()}


def _range_hashes(ranges: list[tuple[int, int]]) -> list[bytes]:
    """MTH of each range: perfect subtrees read directly, right edges folded."""
    pieces = {r: merkle.perfect_subtrees(*r) for r in ranges}
    stored = _fetch(p for parts in pieces.values() for p in parts)
    return [merkle.combine_right_edge([stored[p] for p in pieces[r]]) for r in ranges]


def root_at(tree_size: int) -> bytes:
    if tree_size == 0:
        return merkle.root_hash([])
    return _range_hashes([(0, tree_size)])[0]


def inclusion_proof(index: int, tree_size: int) -> list[bytes]:
    return _range_hashes(merkle.subtree_ranges_for_inclusion(index, tree_size))


def consistency_proof(old_size: int, new_size: int) -> list[bytes]:
    return _range_hashes(merkle.subtree_ranges_for_consistency(old_size, new_size))


def publish_checkpoint() -> Checkpoint:
    """Sign and store a checkpoint of the current tree, after proving it
    consistent with the last published one. Idempotent for an unchanged size."""
    with transaction.atomic():
        head = _head_for_update()
        latest = Checkpoint.objects.order_by("-size").first()
        if latest and latest.size == head.size:
            return latest
        if latest and latest.size > head.size:
            raise LogError("the log is smaller than its last checkpoint")
        root = root_at(head.size)
        if latest and latest.size > 0:
            proof = consistency_proof(latest.size, head.size)
            if not merkle.verify_consistency(latest.size, head.size, bytes(latest.root), root, proof):
                raise LogError("the new tree is not consistent with the last checkpoint")
        body = CheckpointBody(origin=settings.NOTARY_LOG_ORIGIN, size=head.size, root=root)
        note = sign_checkpoint(body, name=settings.NOTARY_LOG_KEY_NAME, private_key=log_signing_key())
        return Checkpoint.objects.create(size=head.size, root=root, note=note)


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-size").first()
