"""The procedures and the fee schedule the centre starts with (editable afterwards
in the back office). Migration 0002 seeds them; `ensure_defaults()` puts them
back if a database was emptied (a test flush, a fresh demo) without touching
rows that exist.

Deadlines follow DESIGN.md: ordinary procedure answer within 45 days, three
arbitrators, award within 6 months of constitution; expedited procedure for
claims up to 5,000,000 CNY (or by agreement): answer within 20 days, a sole
arbitrator, award within 3 months. The administration fee tiers follow the
national table for arbitration acceptance fees (仲裁委员会仲裁收费办法).
"""

from decimal import Decimal

RULE_SETS = [
    {"code": "ordinary", "name": "普通程序", "name_en": "Ordinary procedure", "tribunal_size": 3,
     "max_claim_amount": None, "answer_days": 45, "nomination_days": 15, "challenge_days": 15, "award_months": 6,
     "correction_days": 30, "submission_days": 15, "fee_payment_days": 15},
    {"code": "expedited", "name": "简易程序", "name_en": "Expedited procedure", "tribunal_size": 1,
     "max_claim_amount": Decimal("5000000"), "answer_days": 20, "nomination_days": 10, "challenge_days": 10,
     "award_months": 3, "correction_days": 30, "submission_days": 10, "fee_payment_days": 10},
]

TIERS = [  # (above, up to, base, rate %)
    ("0", "1000", "100", "0"),
    ("1000", "50000", "100", "5"),
    ("50000", "100000", "2550", "4"),
    ("100000", "200000", "4550", "3"),
    ("200000", "500000", "7550", "2"),
    ("500000", "1000000", "13550", "1"),
    ("1000000", None, "18550", "0.5"),
]


def ensure_defaults(RuleSet=None, FeeSchedule=None, FeeTier=None) -> None:  # noqa: N803  (model classes)
    """Create the default rule sets and fee schedule where none exist. Takes the
    model classes so the data migration can pass its historical models."""
    if RuleSet is None:
        from arbitration.models import FeeSchedule, FeeTier, RuleSet
    for data in RULE_SETS:
        RuleSet.objects.get_or_create(code=data["code"], defaults=data)
    if not FeeSchedule.objects.exists():
        schedule = FeeSchedule.objects.create(name="仲裁收费表 2026", registration_fee=Decimal("500"),
                                              minimum_admin_fee=Decimal("100"), effective_from="2026-01-01")
        for lower, upper, base, rate in TIERS:
            FeeTier.objects.create(schedule=schedule, lower=Decimal(lower), upper=Decimal(upper) if upper else None,
                                   base=Decimal(base), rate=Decimal(rate))
