"""Rules for notary.merkle, the RFC 9162 Merkle tree used by the notary log."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notary.merkle import (
    combine_right_edge,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    perfect_subtrees,
    root_hash,
    subtree_ranges_for_consistency,
    subtree_ranges_for_inclusion,
    verify_consistency,
    verify_inclusion,
)

# transparency-dev/merkle test vectors, kept outside the repository (see
# ../shared/vectors/rfc9162/SOURCE.md). A user's clone has no ../shared folder.
VECTORS_DIR = Path(__file__).resolve().parents[3] / "shared" / "vectors" / "rfc9162"
NO_VECTORS_REASON = f"RFC 9162 test vectors not found at {VECTORS_DIR}"

MAX_EXHAUSTIVE_SIZE = 64
MAX_BIT_FLIP_SIZE = 16
# Bits flipped in leaf hashes and roots (proof elements get every bit flipped).
SAMPLE_BITS = (0, 1, 7, 8, 100, 127, 128, 200, 254, 255)

# The inputs of the RFC 6962 / transparency-dev reference tree, and its roots.
CT_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
CT_ROOTS = [
    bytes.fromhex(h)
    for h in (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]
CT_LEAF_HASHES = [leaf_hash(data) for data in CT_LEAVES]


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def reference_mth(entries: Sequence[bytes]) -> bytes:
    """Merkle Tree Hash of raw entries, written straight from RFC 9162 2.1.1."""
    if not entries:
        return hashlib.sha256(b"").digest()
    if len(entries) == 1:
        return hashlib.sha256(b"\x00" + entries[0]).digest()
    k = 1
    while k * 2 < len(entries):
        k *= 2
    left = reference_mth(entries[:k])
    right = reference_mth(entries[k:])
    return hashlib.sha256(b"\x01" + left + right).digest()


def entries(start: int, end: int) -> list[bytes]:
    return [f"entry {i}".encode() for i in range(start, end)]


ENTRIES = entries(0, MAX_EXHAUSTIVE_SIZE)
LEAVES = [leaf_hash(entry) for entry in ENTRIES]
ROOTS = [root_hash(LEAVES[:n]) for n in range(MAX_EXHAUSTIVE_SIZE + 1)]
SIZES = range(1, MAX_EXHAUSTIVE_SIZE + 1)


def flipped_bit(value: bytes, bit: int) -> bytes:
    changed = bytearray(value)
    changed[bit // 8] ^= 1 << (bit % 8)
    return bytes(changed)


def every_single_bit_flip(proof: list[bytes]) -> list[list[bytes]]:
    variants = []
    for position, element in enumerate(proof):
        for bit in range(len(element) * 8):
            variant = list(proof)
            variant[position] = flipped_bit(element, bit)
            variants.append(variant)
    return variants


def other_sizes(size: int, low: int, high: int = MAX_EXHAUSTIVE_SIZE) -> list[int]:
    """Sizes in [low, high] to try instead of ``size``: all of them for small
    trees, otherwise the neighbours and the halved and doubled sizes."""
    if size <= MAX_BIT_FLIP_SIZE:
        candidates = set(range(low, high + 1))
    else:
        candidates = {
            size - 2,
            size - 1,
            size + 1,
            size + 2,
            size // 2,
            size * 2,
            low,
            high,
        }
    return sorted(c for c in candidates if low <= c <= high and c != size)


def is_power_of_two(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


def vector_files() -> list[Any]:
    if not VECTORS_DIR.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=NO_VECTORS_REASON))]
    files = sorted(VECTORS_DIR.glob("*/**/*.json"))
    return [pytest.param(path, id=path.relative_to(VECTORS_DIR).as_posix()) for path in files]


def happy_path_vector_files() -> list[Any]:
    return [param for param in vector_files() if param.values[0] is None or param.values[0].name == "happy-path.json"]


def decode(value: str) -> bytes:
    return base64.b64decode(value, validate=True)


def load_vector(path: Path | None) -> tuple[str, dict[str, Any]]:
    if path is None or not path.is_file():
        pytest.skip(NO_VECTORS_REASON)
    kind = path.relative_to(VECTORS_DIR).parts[0]
    assert kind in {"inclusion", "consistency"}, f"unknown vector kind in {path}"
    return kind, json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------
# 1. transparency-dev test vectors
# --------------------------------------------------------------------------


@pytest.mark.parametrize("path", vector_files())
def test_verifier_accepts_exactly_the_vectors_marked_valid(path: Path | None) -> None:
    kind, vector = load_vector(path)
    # Go's nil slice is the empty proof.
    proof = [decode(element) for element in vector["proof"] or []]
    if kind == "inclusion":
        hashes = [decode(vector["root"]), decode(vector["leafHash"])]
        result = verify_inclusion(hashes[1], vector["leafIdx"], vector["treeSize"], proof, hashes[0])
    else:
        hashes = [decode(vector["root1"]), decode(vector["root2"])]
        result = verify_consistency(vector["size1"], vector["size2"], hashes[0], hashes[1], proof)
    # Special case: transparency-dev accepts equal sizes with equal roots of any
    # length ("sizes are equal (one) and proof is empty" uses 12-byte roots).
    # Our verifier rejects every hash that is not 32 bytes.
    expected = not vector["wantErr"] and all(len(h) == 32 for h in hashes + proof)
    assert result is expected, vector["desc"]


@pytest.mark.parametrize("path", happy_path_vector_files())
def test_generated_proofs_equal_the_happy_path_vectors(path: Path | None) -> None:
    kind, vector = load_vector(path)
    expected = [decode(element) for element in vector["proof"] or []]
    if kind == "inclusion":
        size = vector["treeSize"]
        assert decode(vector["root"]) == CT_ROOTS[size - 1]
        assert decode(vector["leafHash"]) == CT_LEAF_HASHES[vector["leafIdx"]]
        assert inclusion_proof(vector["leafIdx"], CT_LEAF_HASHES[:size]) == expected
    else:
        old_size, new_size = vector["size1"], vector["size2"]
        assert decode(vector["root1"]) == CT_ROOTS[old_size - 1]
        assert decode(vector["root2"]) == CT_ROOTS[new_size - 1]
        assert consistency_proof(old_size, CT_LEAF_HASHES[:new_size]) == expected


# --------------------------------------------------------------------------
# 2. Exhaustive checks over every tree of up to 64 leaves
# --------------------------------------------------------------------------


def test_root_hash_equals_the_reference_mth_for_every_size_up_to_64() -> None:
    for n in range(MAX_EXHAUSTIVE_SIZE + 1):
        assert root_hash(LEAVES[:n]) == reference_mth(ENTRIES[:n]), n


def test_every_inclusion_proof_verifies() -> None:
    for n in SIZES:
        for index in range(n):
            proof = inclusion_proof(index, LEAVES[:n])
            assert verify_inclusion(LEAVES[index], index, n, proof, ROOTS[n]), (
                index,
                n,
            )


def test_every_consistency_proof_verifies() -> None:
    for new_size in SIZES:
        for old_size in range(1, new_size + 1):
            proof = consistency_proof(old_size, LEAVES[:new_size])
            assert verify_consistency(old_size, new_size, ROOTS[old_size], ROOTS[new_size], proof), (old_size, new_size)


def test_inclusion_proof_with_any_single_bit_flipped_is_rejected() -> None:
    for n in range(1, MAX_BIT_FLIP_SIZE + 1):
        for index in range(n):
            proof = inclusion_proof(index, LEAVES[:n])
            for variant in every_single_bit_flip(proof):
                assert not verify_inclusion(LEAVES[index], index, n, variant, ROOTS[n])
            for bit in SAMPLE_BITS:
                assert not verify_inclusion(flipped_bit(LEAVES[index], bit), index, n, proof, ROOTS[n])
                assert not verify_inclusion(LEAVES[index], index, n, proof, flipped_bit(ROOTS[n], bit))


def test_consistency_proof_with_any_single_bit_flipped_is_rejected() -> None:
    for new_size in range(1, MAX_BIT_FLIP_SIZE + 1):
        for old_size in range(1, new_size + 1):
            old_root, new_root = ROOTS[old_size], ROOTS[new_size]
            proof = consistency_proof(old_size, LEAVES[:new_size])
            for variant in every_single_bit_flip(proof):
                assert not verify_consistency(old_size, new_size, old_root, new_root, variant)
            for bit in SAMPLE_BITS:
                assert not verify_consistency(old_size, new_size, flipped_bit(old_root, bit), new_root, proof)
                assert not verify_consistency(old_size, new_size, old_root, flipped_bit(new_root, bit), proof)


def test_inclusion_proof_for_another_index_is_rejected() -> None:
    for n in SIZES:
        for index in range(n):
            proof = inclusion_proof(index, LEAVES[:n])
            others = range(n) if n <= MAX_BIT_FLIP_SIZE else {index - 1, index + 1, n - 1 - index}
            for other in others:
                if other != index and 0 <= other < n:
                    assert not verify_inclusion(LEAVES[index], other, n, proof, ROOTS[n])
                    assert not verify_inclusion(LEAVES[other], other, n, proof, ROOTS[n])


def test_inclusion_proof_for_another_tree_size_is_rejected() -> None:
    # The claimed size comes with that size's genuine root, as a verifier
    # holding a signed tree head of that size would have it.
    for n in SIZES:
        for index in range(n):
            proof = inclusion_proof(index, LEAVES[:n])
            for other in other_sizes(n, low=index + 1):
                if other != n:
                    assert not verify_inclusion(LEAVES[index], index, other, proof, ROOTS[other])
            assert not verify_inclusion(LEAVES[index], index, index, proof, ROOTS[n])
            assert not verify_inclusion(LEAVES[index], index, 2 * n, proof, ROOTS[n])


def test_consistency_proof_for_other_tree_sizes_is_rejected() -> None:
    for new_size in SIZES:
        for old_size in range(1, new_size + 1):
            proof = consistency_proof(old_size, LEAVES[:new_size])
            for other_old in other_sizes(old_size, low=1, high=new_size):
                if other_old != old_size:
                    assert not verify_consistency(other_old, new_size, ROOTS[other_old], ROOTS[new_size], proof), (
                        old_size,
                        other_old,
                        new_size,
                    )
            for other_new in other_sizes(new_size, low=old_size):
                if other_new != new_size:
                    assert not verify_consistency(old_size, other_new, ROOTS[old_size], ROOTS[other_new], proof), (
                        old_size,
                        new_size,
                        other_new,
                    )


def test_truncated_or_extended_inclusion_proof_is_rejected() -> None:
    extra = leaf_hash(b"extra")
    for n in SIZES:
        for index in range(n):
            proof = inclusion_proof(index, LEAVES[:n])
            leaf, root = LEAVES[index], ROOTS[n]
            if proof:
                assert not verify_inclusion(leaf, index, n, proof[:-1], root)
                assert not verify_inclusion(leaf, index, n, proof[1:], root)
                assert not verify_inclusion(leaf, index, n, [*proof, proof[-1]], root)
            assert not verify_inclusion(leaf, index, n, [*proof, extra], root)
            assert not verify_inclusion(leaf, index, n, [extra, *proof], root)


def test_truncated_or_extended_consistency_proof_is_rejected() -> None:
    extra = leaf_hash(b"extra")
    for new_size in SIZES:
        for old_size in range(1, new_size + 1):
            proof = consistency_proof(old_size, LEAVES[:new_size])
            roots = (ROOTS[old_size], ROOTS[new_size])
            if proof:
                assert not verify_consistency(old_size, new_size, *roots, proof[:-1])
                assert not verify_consistency(old_size, new_size, *roots, proof[1:])
                assert not verify_consistency(old_size, new_size, *roots, [*proof, proof[-1]])
            assert not verify_consistency(old_size, new_size, *roots, [*proof, extra])
            assert not verify_consistency(old_size, new_size, *roots, [extra, *proof])
            assert not verify_consistency(old_size, new_size, *roots, [*proof, roots[1]])


def test_proof_generators_reject_out_of_range_arguments() -> None:
    for bad_index in (-1, 3, 4):
        with pytest.raises(ValueError):
            inclusion_proof(bad_index, LEAVES[:3])
    with pytest.raises(ValueError):
        inclusion_proof(0, [])
    for bad_size in (-1, 0, 4):
        with pytest.raises(ValueError):
            consistency_proof(bad_size, LEAVES[:3])
    with pytest.raises(ValueError):
        consistency_proof(0, [])


# --------------------------------------------------------------------------
# 3. Empty tree and the RFC 6962 / transparency-dev known answers
# --------------------------------------------------------------------------


def test_empty_tree_root_is_sha256_of_nothing() -> None:
    assert root_hash([]) == hashlib.sha256(b"").digest()


def test_leaf_and_node_hashes_use_the_rfc_prefixes() -> None:
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    left, right = b"L" * 32, b"R" * 32
    assert node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()


def test_roots_of_the_ct_reference_tree_are_the_known_answers() -> None:
    for n in range(1, len(CT_LEAVES) + 1):
        assert root_hash(CT_LEAF_HASHES[:n]) == CT_ROOTS[n - 1], n


def test_consistency_from_size_zero_is_rejected_even_to_size_zero() -> None:
    empty = hashlib.sha256(b"").digest()
    assert not verify_consistency(0, 0, empty, empty, [])
    assert not verify_consistency(0, 1, empty, ROOTS[1], [])
    assert not verify_consistency(0, 1, empty, ROOTS[1], [ROOTS[1]])


def test_equal_sizes_need_an_empty_proof_and_equal_roots() -> None:
    assert verify_consistency(5, 5, ROOTS[5], ROOTS[5], [])
    assert not verify_consistency(5, 5, ROOTS[5], ROOTS[4], [])
    assert not verify_consistency(5, 5, ROOTS[5], ROOTS[5], [ROOTS[5]])


# --------------------------------------------------------------------------
# 4. Malformed input never makes a verifier raise
# --------------------------------------------------------------------------

ANY_INT = st.one_of(st.integers(), st.integers(min_value=-2, max_value=70))
ANY_BYTES = st.one_of(st.binary(max_size=64), st.binary(min_size=32, max_size=32))
ANYTHING = st.one_of(
    ANY_INT,
    ANY_BYTES,
    st.none(),
    st.booleans(),
    st.floats(),
    st.text(max_size=40),
    st.builds(bytearray, st.binary(min_size=32, max_size=32)),
)
ANY_PROOF = st.one_of(
    st.lists(ANY_BYTES, max_size=10),
    st.lists(ANYTHING, max_size=10),
    st.lists(ANYTHING, max_size=10).map(tuple),
    ANYTHING,
    st.dictionaries(st.integers(), ANY_BYTES, max_size=3),
)
FUZZ_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    database=None,  # do not write a .hypothesis folder into the project
    suppress_health_check=[HealthCheck.too_slow],
)


@FUZZ_SETTINGS
@given(
    leaf=st.one_of(ANY_BYTES, ANYTHING),
    index=st.one_of(ANY_INT, ANYTHING),
    size=st.one_of(ANY_INT, ANYTHING),
    proof=ANY_PROOF,
    root=st.one_of(ANY_BYTES, ANYTHING),
)
def test_verify_inclusion_never_raises_on_malformed_input(
    leaf: Any, index: Any, size: Any, proof: Any, root: Any
) -> None:
    assert verify_inclusion(leaf, index, size, proof, root) in (True, False)


@FUZZ_SETTINGS
@given(
    old_size=st.one_of(ANY_INT, ANYTHING),
    new_size=st.one_of(ANY_INT, ANYTHING),
    old_root=st.one_of(ANY_BYTES, ANYTHING),
    new_root=st.one_of(ANY_BYTES, ANYTHING),
    proof=ANY_PROOF,
)
def test_verify_consistency_never_raises_on_malformed_input(
    old_size: Any, new_size: Any, old_root: Any, new_root: Any, proof: Any
) -> None:
    assert verify_consistency(old_size, new_size, old_root, new_root, proof) in (
        True,
        False,
    )


@FUZZ_SETTINGS
@given(
    data=st.data(),
    new_size=st.integers(min_value=1, max_value=MAX_EXHAUSTIVE_SIZE),
)
def test_verifiers_reject_valid_proofs_with_a_corrupted_element_type(data: st.DataObject, new_size: int) -> None:
    old_size = data.draw(st.integers(min_value=1, max_value=new_size))
    index = data.draw(st.integers(min_value=0, max_value=new_size - 1))
    bad = data.draw(
        st.one_of(
            st.binary(max_size=31),
            st.binary(min_size=33, max_size=64),
            st.builds(bytearray, st.binary(min_size=32, max_size=32)),
            st.builds(memoryview, st.binary(min_size=32, max_size=32)),
            st.text(min_size=32, max_size=32),
            st.none(),
            st.integers(),
        )
    )
    path = inclusion_proof(index, LEAVES[:new_size])
    if path:
        position = data.draw(st.integers(min_value=0, max_value=len(path) - 1))
        path[position] = bad
        assert not verify_inclusion(LEAVES[index], index, new_size, path, ROOTS[new_size])
    assert not verify_inclusion(bad, index, new_size, [], ROOTS[new_size])
    proof = consistency_proof(old_size, LEAVES[:new_size])
    if proof:
        position = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        proof[position] = bad
        assert not verify_consistency(old_size, new_size, ROOTS[old_size], ROOTS[new_size], proof)
    assert not verify_consistency(old_size, new_size, bad, ROOTS[new_size], [])


def test_verifiers_reject_sizes_beyond_uint64_and_booleans() -> None:
    proof = inclusion_proof(0, LEAVES[:1])
    assert verify_inclusion(LEAVES[0], 0, 1, proof, ROOTS[1])
    assert not verify_inclusion(LEAVES[0], False, True, proof, ROOTS[1])
    assert not verify_inclusion(LEAVES[0], 0, 2**64 + 1, [], ROOTS[1])
    assert not verify_consistency(True, True, ROOTS[1], ROOTS[1], [])
    assert not verify_consistency(2**64, 2**64, ROOTS[1], ROOTS[1], [])


# --------------------------------------------------------------------------
# 5. Subtree range helpers for a database-backed log
# --------------------------------------------------------------------------


def test_perfect_subtrees_cover_the_range_with_maximal_aligned_blocks() -> None:
    for start in range(70):
        for end in range(start + 1, 140):
            blocks = perfect_subtrees(start, end)
            assert blocks[0][0] == start
            assert blocks[-1][1] == end
            for (_, left_end), (right_start, _) in itertools.pairwise(blocks):
                assert left_end == right_start
            for a, b in blocks:
                size = b - a
                assert is_power_of_two(size)
                assert a % size == 0
                # Maximal: the aligned block twice as big does not fit in the range.
                parent = a - a % (2 * size)
                assert parent < start or parent + 2 * size > end


def test_right_edge_folds_into_the_mth_of_aligned_ranges() -> None:
    # Ranges whose start is a multiple of a power of two >= their length: the
    # ranges that proofs are made of.
    for length in range(1, MAX_EXHAUSTIVE_SIZE + 1):
        alignment = 1 << (length - 1).bit_length()
        for start in range(0, 2 * MAX_EXHAUSTIVE_SIZE - length + 1, alignment):
            blocks = perfect_subtrees(start, start + length)
            assert len(blocks) == length.bit_count()
            assert [b - a for a, b in blocks] == sorted((b - a for a, b in blocks), reverse=True)
            hashes = [reference_mth(entries(a, b)) for a, b in blocks]
            assert combine_right_edge(hashes) == reference_mth(entries(start, start + length))


def test_combine_right_edge_folds_right_to_left() -> None:
    a, b, c = (leaf_hash(x) for x in (b"a", b"b", b"c"))
    assert combine_right_edge([a]) == a
    assert combine_right_edge([a, b, c]) == node_hash(a, node_hash(b, c))
    with pytest.raises(ValueError):
        combine_right_edge([])


def test_perfect_subtrees_reject_empty_or_negative_ranges() -> None:
    for start, end in ((0, 0), (5, 5), (5, 4), (-1, 3)):
        with pytest.raises(ValueError):
            perfect_subtrees(start, end)


def assert_ranges_need_few_stored_hashes(ranges: list[tuple[int, int]], size: int) -> None:
    """Every range is aligned, at most one is not a complete subtree, and
    reading the proof from stored complete subtrees needs O(log n) hashes."""
    partial = 0
    stored = 0
    for start, end in ranges:
        assert 0 <= start < end <= size
        alignment = 1 << (end - start - 1).bit_length()
        assert start % alignment == 0
        blocks = perfect_subtrees(start, end)
        partial += len(blocks) > 1
        stored += len(blocks)
    assert partial <= 1
    assert stored <= 2 * size.bit_length()


def test_inclusion_ranges_are_the_proof_elements_and_cheap_to_read() -> None:
    for n in SIZES:
        for index in range(n):
            ranges = subtree_ranges_for_inclusion(index, n)
            assert [reference_mth(ENTRIES[a:b]) for a, b in ranges] == inclusion_proof(index, LEAVES[:n])
            assert all(not (a <= index < b) for a, b in ranges)
            assert_ranges_need_few_stored_hashes(ranges, n)


def test_consistency_ranges_are_the_proof_elements_and_cheap_to_read() -> None:
    for new_size in SIZES:
        for old_size in range(1, new_size + 1):
            ranges = subtree_ranges_for_consistency(old_size, new_size)
            assert [reference_mth(ENTRIES[a:b]) for a, b in ranges] == consistency_proof(old_size, LEAVES[:new_size])
            assert_ranges_need_few_stored_hashes(ranges, new_size)


def test_range_helpers_reject_out_of_range_arguments() -> None:
    for index, size in ((-1, 3), (3, 3), (0, 0)):
        with pytest.raises(ValueError):
            subtree_ranges_for_inclusion(index, size)
    for old_size, new_size in ((0, 0), (0, 3), (4, 3), (-1, 3)):
        with pytest.raises(ValueError):
            subtree_ranges_for_consistency(old_size, new_size)
