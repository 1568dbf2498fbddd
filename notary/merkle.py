"""Merkle Tree Hash, inclusion proofs and consistency proofs from RFC 9162, section 2.1.

This module implements the append-only Merkle tree of Certificate Transparency
version 2.0 (RFC 9162, section 2.1; the same tree as RFC 6962, section 2.1):

* leaf hash:  ``SHA-256(0x00 || data)``
* node hash:  ``SHA-256(0x01 || left || right)``
* the Merkle Tree Hash (MTH) of an empty list is ``SHA-256("")``; of one entry
  its leaf hash; of ``n > 1`` entries, with ``k`` the largest power of two
  smaller than ``n``, ``node(MTH(D[0:k]), MTH(D[k:n]))``.

Proofs are produced exactly as RFC 9162 section 2.1.3.1 (``PATH``) and section
2.1.4.1 (``PROOF``/``SUBPROOF``) define them, in the RFC's element order, and are
checked with the verification algorithms of sections 2.1.3.2 and 2.1.4.2.

Why hand-written: there is no well-kept Python library for RFC 9162 proofs (the
maintained implementation is transparency-dev's Go module), and the algorithms
are short, so the code is written from the RFC and checked against
transparency-dev's test vectors and an exhaustive test over small trees.

It is a pure module: standard library only, no Django, no I/O. All functions
work on hashes (``bytes``); callers hash their entries with :func:`leaf_hash`.

For a database-backed log, which should not load every leaf to produce a proof,
:func:`subtree_ranges_for_inclusion` and :func:`subtree_ranges_for_consistency`
name the ``[start, end)`` leaf ranges whose MTH forms each proof element.
Every range they return is either a complete, aligned power-of-two subtree or
(at most one per proof) the right edge of the tree, which :func:`perfect_subtrees`
splits into at most ``log2(n)`` complete aligned subtrees whose stored hashes
:func:`combine_right_edge` folds back into the range's MTH. So a proof needs
``O(log n)`` stored hashes. :func:`inclusion_proof` and :func:`consistency_proof`
are built on these same helpers.

Verification functions never raise: any malformed input (wrong types, hashes
that are not 32 bytes, sizes outside ``0 .. 2**64 - 1`` or inconsistent with each
other, proofs of the wrong length) makes them return ``False``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

__all__ = [
    "HASH_SIZE",
    "combine_right_edge",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "perfect_subtrees",
    "root_hash",
    "subtree_ranges_for_consistency",
    "subtree_ranges_for_inclusion",
    "verify_consistency",
    "verify_inclusion",
]

#: Size in bytes of every hash in the tree (SHA-256).
HASH_SIZE = 32

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"
# RFC 9162 encodes tree sizes and leaf indices as uint64.
_MAX_TREE_SIZE = 2**64 - 1


def leaf_hash(data: bytes) -> bytes:
    """Return the RFC 9162 leaf hash ``SHA-256(0x00 || data)``."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 9162 interior node hash ``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def _split_point(n: int) -> int:
    """Return the largest power of two strictly smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """Return the Merkle Tree Hash of a list of already-hashed leaves.

    The empty tree's root is ``SHA-256(b"")``.
    """
    n = len(leaf_hashes)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaf_hashes[0]
    k = _split_point(n)
    return node_hash(root_hash(leaf_hashes[:k]), root_hash(leaf_hashes[k:]))


# --------------------------------------------------------------------------
# Leaf ranges of proof elements, for logs that store subtree hashes
# --------------------------------------------------------------------------


def _is_plain_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def subtree_ranges_for_inclusion(index: int, tree_size: int) -> list[tuple[int, int]]:
    """Return the leaf ranges of the inclusion proof of leaf ``index``.

    The result lists, in RFC 9162 section 2.1.3.1 ``PATH`` order (nearest the
    leaf first), the ``[start, end)`` ranges whose Merkle Tree Hash is each
    proof element. Raises :class:`ValueError` unless ``0 <= index < tree_size``.
    """
    if not (_is_plain_int(index) and _is_plain_int(tree_size)):
        raise TypeError("index and tree_size must be integers")
    if not 0 <= index < tree_size:
        raise ValueError(f"leaf index {index} is outside a tree of size {tree_size}")
    ranges: list[tuple[int, int]] = []  # collected from the root down
    start, end = 0, tree_size
    while end - start > 1:
        k = _split_point(end - start)
        middle = start + k
        if index < middle:
            ranges.append((middle, end))
            end = middle
        else:
            ranges.append((start, middle))
            start = middle
    ranges.reverse()
    return ranges


def subtree_ranges_for_consistency(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """Return the leaf ranges of the consistency proof from ``old_size`` to ``new_size``.

    The result lists, in RFC 9162 section 2.1.4.1 ``PROOF`` order, the
    ``[start, end)`` ranges whose Merkle Tree Hash is each proof element.
    Raises :class:`ValueError` unless ``1 <= old_size <= new_size``.
    """
    if not (_is_plain_int(old_size) and _is_plain_int(new_size)):
        raise TypeError("old_size and new_size must be integers")
    if not 1 <= old_size <= new_size:
        raise ValueError(
            f"no consistency proof from size {old_size} to size {new_size} (need 1 <= old_size <= new_size)"
        )
    ranges: list[tuple[int, int]] = []  # collected from the root down
    start, end = 0, new_size
    m = old_size  # absolute end of the old tree
    complete = True  # SUBPROOF's ``b``: the current subtree is the old tree's root
    while m != end:
        k = _split_point(end - start)
        middle = start + k
        if m <= middle:
            ranges.append((middle, end))
            end = middle
        else:
            ranges.append((start, middle))
            start = middle
            complete = False
    if not complete:
        ranges.append((start, end))
    ranges.reverse()
    return ranges


def perfect_subtrees(start: int, end: int) -> list[tuple[int, int]]:
    """Split ``[start, end)`` into maximal aligned power-of-two blocks, left to right.

    Each returned ``(a, b)`` has ``b - a`` a power of two and ``a % (b - a) == 0``,
    i.e. it is a complete subtree that a log can store once and never change.

    When ``start`` is a multiple of a power of two ``>= end - start`` (true of
    every range returned by :func:`subtree_ranges_for_inclusion` and
    :func:`subtree_ranges_for_consistency`, and of ``[0, n)``), the blocks shrink
    from left to right, there are at most ``log2(end - start) + 1`` of them, and
    :func:`combine_right_edge` over their hashes gives the MTH of the range.
    Raises :class:`ValueError` unless ``0 <= start < end``.
    """
    if not (_is_plain_int(start) and _is_plain_int(end)):
        raise TypeError("start and end must be integers")
    if not 0 <= start < end:
        raise ValueError(f"[{start}, {end}) is not a non-empty range of leaves")
    blocks: list[tuple[int, int]] = []
    position = start
    while position < end:
        remaining = end - position
        size = 1 << (remaining.bit_length() - 1)  # largest power of two <= remaining
        if position:
            alignment = position & -position  # largest power of two dividing position
            size = min(size, alignment)
        blocks.append((position, position + size))
        position += size
    return blocks


def combine_right_edge(hashes: Sequence[bytes]) -> bytes:
    """Fold the hashes of :func:`perfect_subtrees` blocks, right to left, into one MTH.

    ``[h0, h1, h2]`` becomes ``node(h0, node(h1, h2))``. Raises
    :class:`ValueError` on an empty list.
    """
    if not hashes:
        raise ValueError("cannot combine an empty list of subtree hashes")
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def _mth(leaf_hashes: Sequence[bytes], leaf_range: tuple[int, int]) -> bytes:
    """Return the MTH of ``leaf_hashes[start:end]`` the way a stored log would.

    The range is decomposed into complete subtrees whose hashes are folded with
    :func:`combine_right_edge`, so the proof generators exercise the same path a
    database-backed log uses.
    """
    start, end = leaf_range
    return combine_right_edge([root_hash(leaf_hashes[a:b]) for a, b in perfect_subtrees(start, end)])


# --------------------------------------------------------------------------
# Proof generation
# --------------------------------------------------------------------------


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """Return the RFC 9162 section 2.1.3.1 inclusion proof ``PATH(index, D[n])``.

    Raises :class:`ValueError` unless ``0 <= index < len(leaf_hashes)``.
    """
    ranges = subtree_ranges_for_inclusion(index, len(leaf_hashes))
    return [_mth(leaf_hashes, leaf_range) for leaf_range in ranges]


def consistency_proof(old_size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """Return the RFC 9162 section 2.1.4.1 consistency proof ``PROOF(old_size, D[n])``.

    It proves that the tree of the first ``old_size`` leaves is a prefix of the
    tree of all of ``leaf_hashes``. Raises :class:`ValueError` unless
    ``1 <= old_size <= len(leaf_hashes)``.
    """
    ranges = subtree_ranges_for_consistency(old_size, len(leaf_hashes))
    return [_mth(leaf_hashes, leaf_range) for leaf_range in ranges]


# --------------------------------------------------------------------------
# Verification (never raises)
# --------------------------------------------------------------------------


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _is_tree_size(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MAX_TREE_SIZE


def _as_hash_list(proof: object) -> list[bytes] | None:
    """Return ``proof`` as a list of 32-byte hashes, or ``None`` if it is not one.

    Only a ``list`` or ``tuple`` is accepted, so that reading the proof cannot
    run foreign code that raises.
    """
    if not isinstance(proof, (list, tuple)):
        return None
    items = list(proof)
    if not all(_is_hash(item) for item in items):
        return None
    return items


def verify_inclusion(
    leaf_hash: bytes,
    index: int,
    tree_size: int,
    proof: Sequence[bytes],
    root: bytes,
) -> bool:
    """Check an inclusion proof with the algorithm of RFC 9162 section 2.1.3.2.

    Returns ``True`` only if ``proof`` (a list or tuple of hashes) shows that
    ``leaf_hash`` is leaf ``index`` of the tree of ``tree_size`` leaves whose
    root is ``root``. Returns ``False`` (never raises) on any malformed input.
    """
    if not (_is_hash(leaf_hash) and _is_hash(root)):
        return False
    if not (_is_tree_size(index) and _is_tree_size(tree_size)):
        return False
    if index >= tree_size:
        return False
    path = _as_hash_list(proof)
    if path is None:
        return False

    fn = index
    sn = tree_size - 1
    r = leaf_hash
    for p in path:
        if sn == 0:
            return False  # proof is too long
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int,
    new_size: int,
    old_root: bytes,
    new_root: bytes,
    proof: Sequence[bytes],
) -> bool:
    """Check a consistency proof with the algorithm of RFC 9162 section 2.1.4.2.

    Returns ``True`` only if ``proof`` (a list or tuple of hashes) shows that
    the tree of ``old_size`` leaves with root ``old_root`` is a prefix of the
    tree of ``new_size`` leaves with root ``new_root``. A proof from size 0 is
    always rejected, even to size 0. Equal sizes need an empty proof and equal
    roots. Returns ``False`` (never raises) on any malformed input.
    """
    if not (_is_hash(old_root) and _is_hash(new_root)):
        return False
    if not (_is_tree_size(old_size) and _is_tree_size(new_size)):
        return False
    if old_size < 1 or old_size > new_size:
        return False
    path = _as_hash_list(proof)
    if path is None:
        return False
    if old_size == new_size:
        return not path and old_root == new_root
    if not path:
        return False

    if old_size & (old_size - 1) == 0:  # a power of two: the old root is implicit
        path = [old_root, *path]
    fn = old_size - 1
    sn = new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False  # proof is too long
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
