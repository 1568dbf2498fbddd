"""Every list page costs the same queries whatever the number of cases: no N+1,
and paginated (bench/case_list.py measures 100 to 10,000 cases).

The world (tests/portal/list_world.py) makes cases in a cycle of KINDS kinds, so
"3 cases" here is 3 cases of every kind (each list shows 3 or more rows) and
"30 cases" 30 of every kind (each list more than a page): an empty list would
skip its queries and hide an N+1."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.portal.list_world import KINDS, add_cases, make_people, pages

pytestmark = pytest.mark.django_db

PAGES = [
    "party case list", "party dashboard", "manager intake queue", "manager dashboard", "mediator dashboard",
    "arbitrator dashboard", "clerk dashboard", "API complaints (platform)", "API referrals (court)",
    "API confirmation packets (court)",
]


@pytest.fixture(autouse=True)
def _staff_two_factor(settings):
    """API rate-limit counters start at zero; staff pages run behind two-factor, as in production."""
    from django.core.cache import cache

    cache.clear()
    settings.PORTAL_REQUIRE_STAFF_2FA = True


def queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("name", PAGES)
def test_query_count_does_not_grow_with_the_cases(name):
    people = make_people()
    client, url = pages(people)[name]
    add_cases(people, 3 * KINDS)
    client.get(url)  # first request: session, the token's last-used time
    few = queries(client, url)
    add_cases(people, 27 * KINDS)
    many = queries(client, url)
    assert len(many) == len(few), "\n".join(many)


@pytest.mark.parametrize("name", ["party case list", "party dashboard", "mediator dashboard",
                                  "arbitrator dashboard", "clerk dashboard", "manager intake queue"])
def test_lists_are_paginated(name):
    people = make_people()
    client, url = pages(people)[name]
    add_cases(people, 30 * KINDS)
    html = client.get(url).content.decode()
    rows = len(re.findall(r"<tr>\s*<td data-label=", html))
    # A page of cases; the party's dashboard also shows a page of drafts, and the arbitration
    # sections (deadlines, an arbitrator's tasks) at most 20 rows each.
    assert 0 < rows <= 25 + 10 + 20
    assert 'page=2">' in html
    assert client.get(url, {"page": 2}).status_code == 200


def test_two_lists_on_one_dashboard_are_paginated_separately():
    people = make_people()
    add_cases(people, 20 * KINDS)  # 20 of the party's own drafts: two pages of 10
    party, url = pages(people)["party dashboard"]
    html = party.get(url, {"page": 2}).content.decode()
    assert 'href="?page=2&amp;drafts_page=2"' in html  # the drafts' next page keeps the cases' page
    html = party.get(url, {"page": 2, "drafts_page": 2}).content.decode()
    assert 'href="?drafts_page=2&amp;page=3"' in html  # and the other way round
    assert 'href="?page=2&amp;drafts_page=1"' in html
