"""Arbitration as the public site sees it: outcomes in the statistics, awards on the infringer list,
the fee table on the rules page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from arbitration import awards
from arbitration.models import Arbitration
from cms.statistics import compute_figures
from tests.arbitration import helpers

pytestmark = pytest.mark.django_db


def test_an_issued_award_counts_as_decided_by_award(world):
    helpers.issued(world)
    figures = compute_figures()
    outcomes = {bar.key: bar.value for bar in figures.by_outcome if bar.value}
    assert outcomes.get("awarded") == 1
    assert {bar.key: bar.value for bar in figures.by_track if bar.value}.get("arbitration") == 1


def test_awards_finding_liability_feed_the_infringer_list(world, big_world):
    from cms.infringers.sources import collect_records

    for w in (world, big_world):
        award = helpers.drafted(w)
        award.content = {**award.content, "respondent_liable": True}
        award.save()
        members = w["members"][:2] if len(w["members"]) == 3 else w["members"]
        for m in members:
            awards.sign(award=award, by=m.arbitrator, password=helpers.set_password(m.arbitrator))
        awards.issue(arbitration=w["arbitration"], by=w["manager"])
    records = collect_records(timezone.localdate() - timedelta(days=1))
    cases = {r.case_id for r in records}
    assert {world["case"].pk, big_world["case"].pk} <= cases


def test_an_award_not_finding_liability_is_not_counted(world):
    from cms.infringers.sources import collect_records

    helpers.issued(world)  # AWARD has no respondent_liable flag
    assert Arbitration.objects.get(pk=world["arbitration"].pk).state == "award_issued"
    assert world["case"].pk not in {r.case_id for r in collect_records(timezone.localdate() - timedelta(days=1))}


def test_rules_page_shows_the_fee_table_and_calculator_from_the_schedule(client):
    from decimal import Decimal

    from wagtail.models import Page

    from arbitration.models import FeeSchedule
    from cms.models import RulesPage

    root = Page.get_first_root_node()
    home = root.get_children().first() or root
    page = RulesPage(title="规则与收费标准", slug="rules-fees", show_fee_schedule=True,
                     body=[("paragraph", "<p>仲裁收费。</p>")])
    home.add_child(instance=page)
    page.save_revision().publish()
    schedule = FeeSchedule.current()
    schedule.registration_fee = Decimal("777")
    schedule.save()
    html = client.get(page.url).content.decode()
    assert 'class="card fee-schedule"' in html and "fee-table" in html and "data-fee-calculator" in html
    assert "777" in html  # edited data shows at once
