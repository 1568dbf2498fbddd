"""Transparency-log benchmark: append rate, and proof cost at 1,000,000 leaves.

    .venv/bin/python bench/log_proofs.py [--leaves 1000000] [--appends 5000]

1. Appends through notary.services.log.append (the production path: row lock,
   leaf, O(log n) subtree hashes), one transaction each, on a fresh database.
2. Builds a log of --leaves leaves directly in the tables (bulk insert of the
   same leaf and node hashes append() writes; it would take hours one by one),
   then times inclusion proofs, consistency proofs and roots at that size and
   counts the rows each reads. Every proof is checked with notary.merkle.
Uses SQLite by default; set DATABASE_URL=postgres://… to run on PostgreSQL.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import setup  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--appends", type=int, default=5000)
    parser.add_argument("--proofs", type=int, default=1000)
    args = parser.parse_args()
    setup()
    from django.db import connection, reset_queries, transaction
    from django.test.utils import CaptureQueriesContext

    from notary import merkle
    from notary.models import LogHead, LogLeaf, LogNode
    from notary.services import log

    print(f"database: {connection.vendor}")
    # 1. append rate through the real service
    start = time.perf_counter()
    for i in range(args.appends):
        with transaction.atomic():
            log.append(f"bench-append-{i}".encode())
    elapsed = time.perf_counter() - start
    print(f"append: {args.appends} appends in {elapsed:.2f} s = {args.appends / elapsed:.0f} appends/s")
    LogNode.objects.all().delete()
    LogLeaf.objects.all().delete()
    LogHead.objects.all().delete()

    # 2. a log of args.leaves leaves, built level by level
    start = time.perf_counter()
    n = args.leaves
    batch = 20000
    level_hashes = []
    leaves, nodes = [], []
    for i in range(n):
        entry = f"bench-{i}".encode()
        h = merkle.leaf_hash(entry)
        level_hashes.append(h)
        leaves.append(LogLeaf(index=i, entry=entry, leaf_hash=h))
        nodes.append(LogNode(level=0, index=i, hash=h))
        if len(leaves) >= batch:
            LogLeaf.objects.bulk_create(leaves)
            LogNode.objects.bulk_create(nodes)
            leaves, nodes = [], []
    LogLeaf.objects.bulk_create(leaves)
    LogNode.objects.bulk_create(nodes)
    level = 0
    while len(level_hashes) > 1:
        parents = [merkle.node_hash(level_hashes[i], level_hashes[i + 1]) for i in range(0, len(level_hashes) - 1, 2)]
        level += 1
        for s in range(0, len(parents), batch):
            LogNode.objects.bulk_create(LogNode(level=level, index=s + j, hash=h)
                                        for j, h in enumerate(parents[s:s + batch]))
        level_hashes = parents
    LogHead.objects.create(pk=1, size=n)
    print(f"built a log of {n} leaves ({LogNode.objects.count()} stored hashes) in {time.perf_counter() - start:.0f} s")

    root = log.root_at(n)
    rng = random.Random(7)
    times, rows = [], []
    for _ in range(args.proofs):
        index = rng.randrange(n)
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            proof = log.inclusion_proof(index, n)
            times.append((time.perf_counter() - t0) * 1000)
        rows.append(len(proof))
        assert len(ctx.captured_queries) == 1
        leaf = merkle.leaf_hash(f"bench-{index}".encode())
        assert merkle.verify_inclusion(leaf, index, n, proof, root)
    times.sort()
    print(f"inclusion proof at {n} leaves: median {statistics.median(times):.2f} ms, "
          f"p99 {times[int(len(times) * 0.99) - 1]:.2f} ms, max {times[-1]:.2f} ms; "
          f"1 query, {max(rows)} hashes (≤ log2 n = {n.bit_length()})")
    ctimes = []
    for _ in range(200):
        old = rng.randrange(1, n)
        t0 = time.perf_counter()
        proof = log.consistency_proof(old, n)
        ctimes.append((time.perf_counter() - t0) * 1000)
        assert merkle.verify_consistency(old, n, log.root_at(old), root, proof)
    print(f"consistency proof to {n}: median {statistics.median(ctimes):.2f} ms")
    t0 = time.perf_counter()
    for _ in range(100):
        log.root_at(n)
    print(f"root at {n}: {(time.perf_counter() - t0) * 10:.2f} ms")


if __name__ == "__main__":
    main()
