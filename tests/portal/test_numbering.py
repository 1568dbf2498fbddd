"""Case numbers: format, per track and year, gap-free, safe under concurrency."""

import threading

import pytest
from django.db import connection, transaction

from portal.models import CaseNumberSequence
from portal.services.numbering import format_case_number, next_case_number


def test_format():
    assert format_case_number(track="mediation", year=2026, serial=123) == "ZJIP-M-2026-000123"
    assert format_case_number(track="arbitration", year=2027, serial=1) == "ZJIP-A-2027-000001"


@pytest.mark.django_db
def test_serials_are_per_track_and_year():
    with transaction.atomic():
        assert next_case_number(track="mediation", year=2026).endswith("2026-000001")
        assert next_case_number(track="mediation", year=2026).endswith("2026-000002")
        assert next_case_number(track="arbitration", year=2026) == "ZJIP-A-2026-000001"
        assert next_case_number(track="mediation", year=2027).endswith("2027-000001")


@pytest.mark.django_db
def test_a_rolled_back_docketing_leaves_no_gap():
    with transaction.atomic():
        next_case_number(track="mediation", year=2026)
    with pytest.raises(RuntimeError), transaction.atomic():
        next_case_number(track="mediation", year=2026)
        raise RuntimeError("docketing failed after the number was taken")
    with transaction.atomic():
        assert next_case_number(track="mediation", year=2026).endswith("000002")


@pytest.mark.django_db(transaction=True)
def test_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        next_case_number(track="mediation", year=2026)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_docketing_never_duplicates_or_skips():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL (the CI runs this suite on PostgreSQL too)")
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker():
        from django.db import connections

        try:
            barrier.wait()
            for _ in range(10):
                with transaction.atomic():
                    results.append(next_case_number(track="mediation", year=2030))
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    serials = sorted(int(n.rsplit("-", 1)[1]) for n in results)
    assert serials == list(range(1, 81))
    assert CaseNumberSequence.objects.get(track="mediation", year=2030).last_serial == 80
