"""Procedures and fees are data the centre edits in the back office: the rule
sets (deadlines, tribunal size, the expedited threshold) and the fee schedules
(registration fee plus tiers). Changing them affects new cases only: an
arbitration keeps the rule set it was opened with, and an assessment records
the schedule and the amounts it was computed from."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from arbitration.models import FeeSchedule, RuleSet


class RuleSetViewSet(ModelViewSet):
    model = RuleSet
    icon = "list-ol"
    menu_label = _("Procedures")
    list_display = ["name", "code", "tribunal_size", "max_claim_amount", "answer_days", "award_months", "is_active"]
    form_fields = ["name", "name_en", "tribunal_size", "max_claim_amount", "fee_payment_days", "answer_days",
                   "nomination_days", "challenge_days", "award_months", "correction_days", "submission_days",
                   "is_active"]
    search_backend_name = None


class FeeScheduleViewSet(ModelViewSet):
    model = FeeSchedule
    icon = "form"
    menu_label = _("Fee schedules")
    list_display = ["name", "effective_from", "registration_fee", "minimum_admin_fee"]
    search_backend_name = None


class ArbitrationGroup(ModelViewSetGroup):
    items = (RuleSetViewSet("arbitration_rule_sets"), FeeScheduleViewSet("arbitration_fee_schedules"))
    menu_label = _("Arbitration")
    menu_icon = "doc-full-inverse"


@hooks.register("register_admin_viewset")
def register_arbitration():
    return ArbitrationGroup()


@hooks.register("register_infringement_source")
def awards_against_respondents(since):
    """For the infringer list: issued awards finding the respondent liable, and consent awards
    (an enforceable settlement), each counted against every company respondent of the case."""
    from django.db.models import Q

    from arbitration.models import Award
    from portal.models import Party

    awards = (Award.objects.exclude(document=None).filter(arbitration__award_issued_at__date__gte=since)
              .filter(Q(kind=Award.Kind.CONSENT) | Q(content__respondent_liable=True))
              .select_related("arbitration"))
    for award in awards:
        for party in Party.objects.filter(case_id=award.arbitration.case_id, side=Party.Side.RESPONDENT,
                                          kind=Party.Kind.ENTITY):
            yield party.credit_code, party.name, award.arbitration.case_id, award.arbitration.award_issued_at.date()


@hooks.register("fee_schedule_provider")
def fee_schedule(request, page):
    """The fee table and calculator on the CMS rules pages, from the same data the assessments use."""
    from arbitration.models import FeeSchedule

    schedule = FeeSchedule.current()
    tiers = [{"tier": t, "rate": f"{t.rate.normalize():f}"} for t in schedule.ordered_tiers()] if schedule else []
    return {"template": "arbitration/_fee_schedule.html", "schedule": schedule, "tiers": tiers}
