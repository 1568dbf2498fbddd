"""The statistics page: figures computed from known cases, bounded queries, charts, CSV."""

import csv
import io

import pytest

from cms.models import StatisticsPage
from cms.statistics import compute_figures
from mediation.models import MediationState
from portal.models import Channel, IPType
from tests.cms.conftest import publish
from tests.cms.helpers import at, docketed_case, end_mediation
from tests.factories import CaseFactory


@pytest.fixture
def cases(db):
    """2026: four docketed cases (closed after 10, 30 and 20 days, one open); 2025: one (closed after 4 days)."""
    c1 = docketed_case(docketed_at=at(2026, 1, 1, 9), ip_type=IPType.TRADEMARK, channel=Channel.ONLINE)
    end_mediation(c1, MediationState.CONFIRMED, closed_at=at(2026, 1, 11, 9))
    c2 = docketed_case(docketed_at=at(2026, 2, 1, 9), ip_type=IPType.PATENT, channel=Channel.COURT)
    end_mediation(c2, MediationState.TERMINATED, closed_at=at(2026, 3, 3, 9))
    c3 = docketed_case(docketed_at=at(2026, 3, 1, 9), ip_type=IPType.COPYRIGHT, channel=Channel.ONLINE)
    end_mediation(c3, MediationState.AGREEMENT_SIGNED, closed_at=at(2026, 3, 21, 9))
    c4 = docketed_case(docketed_at=at(2026, 4, 1, 9), ip_type=IPType.TRADEMARK, channel=Channel.WALK_IN)  # open
    c5 = docketed_case(docketed_at=at(2025, 6, 1, 9), ip_type=IPType.TRADEMARK)
    end_mediation(c5, MediationState.DECLINED, closed_at=at(2025, 6, 5, 9))
    CaseFactory(complete=True)  # a draft: never counted
    return [c1, c2, c3, c4, c5]


def values(bars) -> dict[str, int]:
    return {bar.key: bar.value for bar in bars if bar.value}


def test_figures_for_one_year(cases):
    figures = compute_figures(year=2026)
    assert figures.total == 4
    assert values(figures.by_ip_type) == {"trademark": 2, "patent": 1, "copyright": 1}
    assert values(figures.by_channel) == {"online": 2, "court": 1, "walk_in": 1}
    assert values(figures.by_track) == {"mediation": 4}
    assert values(figures.by_outcome) == {"settled": 2, "not_settled": 1, "pending": 1}
    assert figures.settlement_rate == pytest.approx(2 / 3)
    assert figures.confirmation_rate == pytest.approx(1 / 2)
    assert figures.median_days == 20.0


def test_figures_for_all_years(cases):
    figures = compute_figures()
    assert figures.total == 5
    assert figures.years == [2026, 2025]
    assert values(figures.by_outcome) == {"settled": 2, "not_settled": 2, "pending": 1}
    assert figures.settlement_rate == 0.5
    assert figures.median_days == 15.0  # median of 4, 10, 20, 30


def test_year_is_the_beijing_year_of_docketing(db):
    docketed_case(docketed_at=at(2026, 1, 1, 0, 30))  # still 2025 in UTC
    assert compute_figures(year=2026).total == 1
    assert compute_figures(year=2025).total == 0


def test_rates_are_empty_without_concluded_cases(db):
    docketed_case()
    figures = compute_figures()
    assert figures.settlement_rate is None and figures.confirmation_rate is None and figures.median_days is None


def test_query_count_does_not_grow_with_cases(db, django_assert_max_num_queries):
    for _ in range(2):
        end_mediation(docketed_case(), MediationState.TERMINATED)
    with django_assert_max_num_queries(4):
        compute_figures(year=2026)
    for _ in range(12):
        end_mediation(docketed_case(ip_type=IPType.PATENT), MediationState.CONFIRMED)
    with django_assert_max_num_queries(4):
        figures = compute_figures(year=2026)
    assert figures.total == 14


@pytest.fixture
def stats_page(home):
    return publish(home, StatisticsPage(title="统计数据", slug="statistics", intro="<p>实时数据</p>"))


def test_page_shows_accessible_svg_charts_with_data_tables(client, stats_page, cases):
    # English chrome: under /en/ (the Chinese page stands in while it has no English translation).
    html = client.get("/en" + stats_page.url, {"year": "2026"}).content.decode()
    assert html.count('role="img"') == 4
    assert html.count("<title>") == 1 + 4  # the document's and one per chart
    assert 'aria-label="Cases by type of right: Patent: 1; Trademark: 2; Copyright: 1;' in html
    assert html.count("<table") == 4
    assert "66.7%" in html and "50.0%" in html  # settlement and confirmation rates
    assert '<option value="2026" selected>' in html


def test_page_year_filter_changes_the_figures(client, stats_page, cases):
    assert client.get(stats_page.url, {"year": "2025"}).context["figures"].total == 1
    assert client.get(stats_page.url, {"year": "not-a-year"}).context["figures"].total == 5


def test_csv_download(client, stats_page, cases):
    response = client.get(stats_page.url, {"year": "2026", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "statistics-2026.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    table = {(row[0], row[1]): row[3] for row in rows[1:]}
    assert table[("total", "")] == "4"
    assert table[("ip_type", "trademark")] == "2"
    assert table[("outcome", "settled")] == "2"
    assert table[("settlement_rate", "")] == "0.6667"
    assert table[("judicial_confirmation_rate", "")] == "0.5000"
    assert table[("median_days_to_closure", "")] == "20.0"


def test_page_query_count_does_not_grow_with_cases(client, stats_page, django_assert_max_num_queries):
    for _ in range(2):
        end_mediation(docketed_case(), MediationState.TERMINATED)
    with django_assert_max_num_queries(100) as few:
        client.get(stats_page.url)
    for _ in range(10):
        end_mediation(docketed_case(ip_type=IPType.COPYRIGHT), MediationState.CONFIRMED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(stats_page.url)
