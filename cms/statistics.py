"""The figures on the public statistics page, straight from the case database.

What is counted: docketed cases (受理案件), by the year they were docketed
(Beijing time). Outcomes come from cms.outcomes. Definitions:

- settlement rate = settled / (settled + not settled), over cases whose track has ended;
- judicial confirmation rate = settlements a court confirmed / settlements;
- days to closure = from docketing to the first timeline event that ended the
  track (the settlement agreement taking effect, the respondent declining,
  termination…); the median over concluded cases.

Four queries whatever the number of cases: the years, one grouped count for
channel, track and outcome together, IP types, and the closure times.
"""

import csv
import io
import statistics
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery
from django.utils.translation import gettext as _

from cms.outcomes import (
    JUDICIALLY_CONFIRMED,
    OUTCOMES,
    PENDING,
    PENDING_LABEL,
    Outcome,
    closing_event_q,
    concluded_q,
    outcome_from_states,
    state_lookups,
)
from portal.models import Case, CaseEvent, Channel, IPRight, IPType, Track


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    value: int


@dataclass(frozen=True)
class Figures:
    year: int | None
    years: list[int]
    total: int
    by_ip_type: list[Bar]
    by_channel: list[Bar]
    by_track: list[Bar]
    by_outcome: list[Bar]
    settled: int
    concluded: int
    confirmed: int
    settlement_rate: float | None  # 0..1
    confirmation_rate: float | None  # 0..1
    median_days: float | None
    closure_samples: int

    @property
    def charts(self) -> list[tuple[str, str, list[Bar]]]:
        """(id, title, bars) of every chart, in page order."""
        return [
            ("ip-type", _("Cases by type of right"), self.by_ip_type),
            ("channel", _("Cases by intake channel"), self.by_channel),
            ("track", _("Cases by track"), self.by_track),
            ("outcome", _("Cases by outcome"), self.by_outcome),
        ]


def docketed_cases(year: int | None = None):
    cases = Case.objects.filter(docketed_at__isnull=False)
    return cases.filter(docketed_at__year=year) if year else cases


def _bars(choices, counts: dict[str, int]) -> list[Bar]:
    return [Bar(key=str(value), label=str(label), value=counts.get(value, 0)) for value, label in choices]


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def compute_figures(*, year: int | None = None) -> Figures:
    years = [moment.year for moment in
             Case.objects.filter(docketed_at__isnull=False).datetimes("docketed_at", "year", order="DESC")]
    cases = docketed_cases(year)

    lookups = state_lookups()
    channel_counts: dict[str, int] = {}
    track_counts: dict[str, int] = {}
    outcome_counts: dict[str, int] = {}
    confirmed = 0
    for row in cases.values("channel", "track", *lookups).annotate(n=Count("pk")).order_by():
        n = row["n"]
        channel_counts[row["channel"]] = channel_counts.get(row["channel"], 0) + n
        track_counts[row["track"]] = track_counts.get(row["track"], 0) + n
        outcome = outcome_from_states(row)
        outcome_counts[outcome] = outcome_counts.get(outcome, 0) + n
        if any((track, row[f"{track}__state"]) in JUDICIALLY_CONFIRMED for track in OUTCOMES):
            confirmed += n

    ip_counts = dict(IPRight.objects.filter(case__in=cases).values("ip_type")
                     .annotate(n=Count("case", distinct=True)).order_by().values_list("ip_type", "n"))

    closing = (CaseEvent.objects.filter(closing_event_q(), case=OuterRef("pk")).order_by("at").values("at")[:1])
    durations = [
        (closed_at - docketed_at).total_seconds() / 86400
        for docketed_at, closed_at in cases.filter(concluded_q()).annotate(closed_at=Subquery(closing))
        .values_list("docketed_at", "closed_at")
        if closed_at is not None and closed_at >= docketed_at
    ]

    settled = outcome_counts.get(Outcome.SETTLED, 0)
    # Settlement rate: settled among cases that ended by settlement, failure or award
    # (a withdrawal says nothing either way).
    concluded = settled + outcome_counts.get(Outcome.NOT_SETTLED, 0) + outcome_counts.get(Outcome.AWARDED, 0)
    outcome_choices = [(o, o.label) for o in (Outcome.SETTLED, Outcome.AWARDED, Outcome.NOT_SETTLED,
                                              Outcome.WITHDRAWN)] + [(PENDING, PENDING_LABEL)]
    return Figures(
        year=year,
        years=years,
        total=sum(channel_counts.values()),
        by_ip_type=_bars(IPType.choices, ip_counts),
        by_channel=_bars(Channel.choices, channel_counts),
        by_track=_bars(Track.choices, track_counts),
        by_outcome=_bars(outcome_choices, outcome_counts),
        settled=settled,
        concluded=concluded,
        confirmed=confirmed,
        settlement_rate=_ratio(settled, concluded),
        confirmation_rate=_ratio(confirmed, settled),
        median_days=round(statistics.median(durations), 1) if durations else None,
        closure_samples=len(durations),
    )


def figures_csv(figures: Figures) -> str:
    """The figures as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["figure", "key", "label", "value"])
    writer.writerow(["year", "", "", figures.year or "all"])
    writer.writerow(["total", "", _("Docketed cases"), figures.total])
    for section, bars in (("ip_type", figures.by_ip_type), ("channel", figures.by_channel),
                          ("track", figures.by_track), ("outcome", figures.by_outcome)):
        for bar in bars:
            writer.writerow([section, bar.key, bar.label, bar.value])

    def rate(value):
        return "" if value is None else f"{value:.4f}"

    writer.writerow(["settlement_rate", "", _("Settlement rate"), rate(figures.settlement_rate)])
    writer.writerow(["judicial_confirmation_rate", "", _("Judicial confirmation rate"),
                     rate(figures.confirmation_rate)])
    writer.writerow(["median_days_to_closure", "", _("Median days from docketing to closure"),
                     "" if figures.median_days is None else figures.median_days])
    return "\ufeff" + out.getvalue()
