"""Bulk filing through the API vs the ORM writing the same rows.

    .venv/bin/python bench/api_bulk.py [--complaints 10000] [--batch 500] [--sqlite-real-limit]

Files N complaints as N/batch POSTs to /api/v1/complaints/bulk (the whole
Django stack in process: middleware, token authentication, throttling,
idempotency key, JSON parsing, validation of every field, bulk inserts,
response) and then writes the same rows (cases, parties, IP rights, timeline
events, platform complaints) with bulk_create in the same batches, without
any validation. Reports both times, their ratio (target at most 3x) and the
queries per API batch, which must not grow with the batch size (measured at
50 and at the full batch).

On SQLite, Django 5.2 assumes the old limit of 999 variables per statement
and splits each bulk insert into ceil(rows x columns / 999) statements;
--sqlite-real-limit uses the limit SQLite actually has (32766 since 3.32), as
PostgreSQL needs no splitting. Runs on a throwaway var/ (dev settings), or on
DATABASE_URL if set.
"""

import argparse
import json
import os
import sqlite3
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import setup  # noqa: E402


def credit_code(n: int) -> str:
    from portal.validators import credit_code_check_char

    first17 = f"9133010{n:010d}"[:17]
    return first17 + credit_code_check_char(first17)


def complaint(n: int) -> dict:
    return {
        "external_reference": f"BENCH-{n:07d}",
        "claimant": {"name": f"权利人公司{n}", "credit_code": credit_code(n), "phone": "0571-88880000",
                     "email": f"legal{n}@rights.example.test"},
        "respondent": {"name": f"卖家{n}", "shop_url": f"https://shop.example.cn/s/{n}",
                       "email": f"seller{n}@example.test", "phone": "13900000000"},
        "ip_rights": [{"type": "trademark", "title": "西湖龙井", "registration_number": f"{12345678 + n}"}],
        "listing_urls": [f"https://shop.example.cn/item/{n}", f"https://shop.example.cn/item/{n}-b"],
        "facts": "被申请人在其店铺销售带有申请人注册商标的商品，侵犯申请人注册商标专用权。",
        "claims": {"amount": "10000.00", "cease_infringement": True, "remove_listings": True},
    }


def orm_batch(items: list[dict], *, organisation, by) -> None:
    """The same rows as the API writes, straight through bulk_create."""
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from portal.models import Case, CaseEvent, IPRight, Party, PlatformComplaint

    now = timezone.now()
    with transaction.atomic():
        cases = Case.objects.bulk_create([
            Case(created_by=by, channel="platform", track="mediation", state="submitted", facts=i["facts"],
                 claim_amount=Decimal(i["claims"]["amount"]), claim_cease_infringement=True,
                 claim_remove_listings=True, intake_note="\n".join(i["listing_urls"]), created_at=now,
                 submitted_at=now) for i in items])
        Party.objects.bulk_create([p for case, i in zip(cases, items, strict=True) for p in (
            Party(case=case, side="claimant", name=i["claimant"]["name"], credit_code=i["claimant"]["credit_code"],
                  phone=i["claimant"]["phone"], email=i["claimant"]["email"]),
            Party(case=case, side="respondent", name=i["respondent"]["name"], shop_url=i["respondent"]["shop_url"],
                  phone=i["respondent"]["phone"], email=i["respondent"]["email"]))])
        IPRight.objects.bulk_create([IPRight(case=case, ip_type=r["type"], title=r["title"], holder=i["claimant"]["name"],
                                             registration_number=r["registration_number"])
                                     for case, i in zip(cases, items, strict=True) for r in i["ip_rights"]])
        CaseEvent.objects.bulk_create([CaseEvent(case=case, transition="submit", from_state="draft",
                                                 to_state="submitted", actor=by, at=now) for case in cases])
        PlatformComplaint.objects.bulk_create([
            PlatformComplaint(organisation=organisation, case=case, external_reference=i["external_reference"],
                              listing_urls=i["listing_urls"]) for case, i in zip(cases, items, strict=True)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--sqlite-real-limit", action="store_true")
    args = parser.parse_args()
    os.environ["API_BULK_RATE"] = os.environ["API_RATE"] = "100000/min"  # the bench is not a rate-limit test
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal.api.services import api_account, issue_token
    from portal.models import Case, Organisation

    if args.sqlite_real_limit and connection.vendor == "sqlite":
        connection.ensure_connection()
        connection.features.max_query_params = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)

    platform = Organisation.objects.create(name=f"bench-{uuid.uuid4().hex[:6]}", kind="platform")
    _, secret = issue_token(organisation=platform, name="bench", by=None)
    client = Client(headers={"Authorization": f"Bearer {secret}"})

    def post(items: list[dict]):
        body = json.dumps({"complaints": items}, ensure_ascii=False)
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/api/v1/complaints/bulk", body, content_type="application/json",
                                   headers={"Idempotency-Key": uuid.uuid4().hex})
        assert response.status_code == 201, response.content[:500]
        return len(queries), len(body)

    client.get("/api/v1/complaints")  # first use: API account, last-used time
    queries_50, _ = post([complaint(10_000_000 + n) for n in range(50)])

    batches = [[complaint(b * args.batch + n) for n in range(args.batch)]
               for b in range(args.complaints // args.batch)]
    before = Case.objects.count()
    started = time.perf_counter()
    counts, sizes = zip(*(post(items) for items in batches), strict=True)
    api_seconds = time.perf_counter() - started
    assert Case.objects.count() - before == args.complaints

    by = api_account(platform)
    started = time.perf_counter()
    for items in batches:
        orm_batch(items, organisation=platform, by=by)
    orm_seconds = time.perf_counter() - started

    print(f"database: {connection.vendor}"
          + (" (real variable limit)" if args.sqlite_real_limit and connection.vendor == "sqlite" else ""))
    print(f"{args.complaints} complaints in {len(batches)} batches of {args.batch} "
          f"({sum(sizes) / len(sizes) / 1024:.0f} KiB of JSON per batch)")
    print(f"API:        {api_seconds:7.2f} s  ({args.complaints / api_seconds:,.0f} complaints/s)")
    print(f"ORM only:   {orm_seconds:7.2f} s  ({args.complaints / orm_seconds:,.0f} complaints/s)")
    print(f"ratio:      {api_seconds / orm_seconds:7.2f}x (target <= 3x)")
    print(f"queries per batch: {sorted(set(counts))} at {args.batch} complaints; {queries_50} at 50")


if __name__ == "__main__":
    main()
