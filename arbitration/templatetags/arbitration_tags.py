"""Template tags of the arbitration track: the dashboard sections (included by
the portal's dashboard templates, so portal imports nothing of arbitration),
side labels and the procedure's name in the reader's language."""

from django import template

from arbitration import selectors

register = template.Library()


@register.inclusion_tag("arbitration/_dashboard_deadlines.html", takes_context=True)
def arbitration_deadlines(context):
    """Open arbitrations with their current deadline (party, agent, manager)."""
    user = context["request"].user
    return {"arbitrations": selectors.arbitrations_with_deadlines(user), "is_manager": user.is_case_manager}


@register.inclusion_tag("arbitration/_dashboard_tasks.html", takes_context=True)
def arbitrator_tasks(context):
    """An arbitrator's tasks and the deadlines of their tribunals."""
    return {"tasks": selectors.arbitrator_tasks(context["request"].user)}


@register.filter
def side_label(side: str) -> str:
    """'claimant' / 'respondent' / 'centre' in the reader's language."""
    from arbitration.views import SIDE_LABELS

    return str(SIDE_LABELS.get(side, side))


@register.simple_tag(takes_context=True)
def rule_set_name(context, rule_set) -> str:
    from django.utils.translation import get_language

    if (get_language() or "").startswith("en") and rule_set.name_en:
        return rule_set.name_en
    return rule_set.name
