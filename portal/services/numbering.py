"""Case numbers: unique and gap-free per year and track.

The serial is taken from a locked CaseNumberSequence row inside the docketing
transaction: if docketing fails and rolls back, so does the serial, and two
managers docketing at once queue on the row lock (PostgreSQL) or on the
database write lock (SQLite).
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.models import CaseNumberSequence, Track

TRACK_LETTER = {Track.MEDIATION: "M", Track.ARBITRATION: "A"}


def format_case_number(*, track: str, year: int, serial: int) -> str:
    return f"{settings.PORTAL_CASE_NUMBER_PREFIX}-{TRACK_LETTER[track]}-{year}-{serial:06d}"


def next_case_number(*, track: str, year: int | None = None) -> str:
    """Reserve the next number; must run inside the docketing transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_case_number() must run inside transaction.atomic()")
    year = year or timezone.localdate().year
    # Create the row if it is missing without racing another process for it.
    CaseNumberSequence.objects.bulk_create(
        [CaseNumberSequence(track=track, year=year, last_serial=0)], ignore_conflicts=True
    )
    seq = CaseNumberSequence.objects.select_for_update().get(track=track, year=year)
    seq.last_serial += 1
    seq.save(update_fields=["last_serial"])
    return format_case_number(track=track, year=year, serial=seq.last_serial)
