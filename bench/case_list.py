"""Case lists at 100, 1,000 and 10,000 cases: queries and time per page.

    .venv/bin/python bench/case_list.py [--sizes 100,1000,10000] [--repeat 5]

Builds the world of tests/portal/list_world.py on a throwaway var/ (dev
settings, SQLite): a party, a case manager, a mediator, an arbitrator, a clerk,
a platform and a court connected to the API, and cases added with bulk inserts
(parties, IP rights, mediations, arbitrations with tribunal seats, assignments,
platform complaints, court referrals, applications for judicial confirmation)
until each size is reached. At each size every list page is requested through
the whole Django stack in process (Django's test client: middleware, session,
two-factor for staff, templates; the API with its bearer token), once to warm
up and then --repeat times: the queries of a request (CaptureQueriesContext)
and the median time. The query count of every page must be the same at every
size (tests/portal/test_list_queries.py asserts it at 3 and 30 cases).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import setup  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--show-queries", help="print the SQL of this page at the largest size")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ["API_RATE"] = "100000/min"  # the bench is not a rate-limit test
    setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.models import Case
    from tests.portal.list_world import add_cases, make_people, pages

    people = make_people()
    clients = pages(people)
    results: dict[str, dict[int, tuple[int, float, int]]] = {name: {} for name in clients}
    sql: list[str] = []
    for size in sizes:
        started = time.perf_counter()
        add_cases(people, size - Case.objects.count())
        print(f"{size} cases (added in {time.perf_counter() - started:.1f} s)", flush=True)
        for name, (client, url) in clients.items():
            response = client.get(url)  # warm-up: sessions, token last-used time, caches
            assert response.status_code == 200, (name, response.status_code, response.content[:300])
            counts, times = set(), []
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as queries:
                    t0 = time.perf_counter()
                    response = client.get(url)
                    times.append(time.perf_counter() - t0)
                assert response.status_code == 200, (name, response.status_code)
                counts.add(len(queries))
            if name == args.show_queries and size == sizes[-1]:
                sql = [q["sql"] for q in queries.captured_queries]
            results[name][size] = (max(counts), statistics.median(times), len(response.content))
            print(f"  {name:34} {sorted(counts)} queries, median {statistics.median(times) * 1000:7.1f} ms, "
                  f"{len(response.content) / 1024:6.1f} KiB", flush=True)

    print()
    header = " | ".join(f"{s:,} cases" for s in sizes)
    print(f"| page | queries at {' / '.join(f'{s:,}' for s in sizes)} | {header} |")
    print("|---|---|" + "---|" * len(sizes))
    flat = True
    for name, by_size in results.items():
        counts = [by_size[s][0] for s in sizes]
        flat &= len(set(counts)) == 1
        times = " | ".join(f"{by_size[s][1] * 1000:.1f} ms" for s in sizes)
        print(f"| {name} | {' / '.join(map(str, counts))} | {times} |")
    print(f"\nquery counts flat across sizes: {'yes' if flat else 'NO'}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    for statement in sql:
        print(statement)


if __name__ == "__main__":
    main()
