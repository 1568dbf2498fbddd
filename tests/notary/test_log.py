"""The database log agrees with the pure RFC 9162 functions, reads O(log n)
rows per proof, and never publishes an inconsistent checkpoint."""

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from notary import merkle
from notary.checkpoint import open_signed
from notary.keys import log_verifier_key
from notary.models import Checkpoint, LogHead, LogLeaf, LogNode
from notary.services import log

pytestmark = pytest.mark.django_db


def fill(n: int) -> list[bytes]:
    leaves = []
    for i in range(n):
        entry = f"entry-{i}".encode()
        with transaction.atomic():
            log.append(entry)
        leaves.append(merkle.leaf_hash(entry))
    return leaves


def test_roots_and_proofs_match_the_pure_implementation_for_every_size():
    leaves = fill(33)
    for size in range(0, 34):
        assert log.root_at(size) == merkle.root_hash(leaves[:size])
    for size in range(1, 34):
        for index in range(size):
            assert log.inclusion_proof(index, size) == merkle.inclusion_proof(index, leaves[:size])
        for old in range(1, size + 1):
            assert log.consistency_proof(old, size) == merkle.consistency_proof(old, leaves[:size])


def test_append_writes_at_most_log_n_nodes():
    fill(64)
    assert LogNode.objects.count() == 127  # 64 leaves + 32 + 16 + 8 + 4 + 2 + 1
    assert LogHead.objects.get().size == 64


def test_a_proof_reads_stored_hashes_in_one_query():
    fill(100)
    with CaptureQueriesContext(connection) as ctx:
        proof = log.inclusion_proof(37, 100)
    assert len(ctx.captured_queries) == 1
    assert len(proof) <= 7


def test_append_refuses_to_run_outside_a_transaction(transactional_db):
    with pytest.raises(RuntimeError):
        log.append(b"x")


def test_checkpoint_is_signed_and_verifiable_with_the_published_key(settings):
    fill(5)
    cp = log.publish_checkpoint()
    opened = open_signed(cp.note, log_verifier_key(), origin=settings.NOTARY_LOG_ORIGIN)
    assert opened.size == 5
    assert opened.root == log.root_at(5)


def test_checkpoint_publication_is_idempotent_for_the_same_size():
    fill(3)
    assert log.publish_checkpoint().pk == log.publish_checkpoint().pk
    assert Checkpoint.objects.count() == 1


def test_checkpoint_is_refused_when_history_was_rewritten():
    fill(4)
    log.publish_checkpoint()
    fill(2)
    # Someone rewrites an old leaf and its stored hashes: the new tree is no
    # longer an extension of the published one.
    LogNode.objects.filter(level=0, index=1).update(hash=merkle.leaf_hash(b"forged"))
    LogNode.objects.filter(level=1, index=0).update(
        hash=merkle.node_hash(bytes(LogNode.objects.get(level=0, index=0).hash), merkle.leaf_hash(b"forged")))
    LogNode.objects.filter(level=2, index=0).update(
        hash=merkle.node_hash(bytes(LogNode.objects.get(level=1, index=0).hash),
                              bytes(LogNode.objects.get(level=1, index=1).hash)))
    with pytest.raises(log.LogError):
        log.publish_checkpoint()
    assert Checkpoint.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_never_share_an_index_or_leave_a_gap():
    if connection.vendor != "postgresql":
        pytest.skip("cross-connection locking is exercised on PostgreSQL (CI runs the suite there too)")
    errors = []
    barrier = threading.Barrier(6)

    def worker(n):
        from django.db import connections

        try:
            barrier.wait()
            for i in range(15):
                with transaction.atomic():
                    log.append(f"w{n}-{i}".encode())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    indices = sorted(LogLeaf.objects.values_list("index", flat=True))
    assert indices == list(range(90))
    leaves = [merkle.leaf_hash(bytes(e)) for e in LogLeaf.objects.order_by("index").values_list("entry", flat=True)]
    assert log.root_at(90) == merkle.root_hash(leaves)
