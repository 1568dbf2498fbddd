"""The med-arb box on the mediation page: after a failed mediation, each side
may agree to arbitrate at the centre (arbitration/transfer.py)."""

from django import template

from arbitration import transfer
from arbitration.models import TransferConsent

register = template.Library()


@register.inclusion_tag("arbitration/_transfer.html", takes_context=True)
def arbitration_transfer_box(context, case):
    user = context["request"].user
    arbitration = getattr(case, "arbitration", None) if hasattr(case, "arbitration") else None
    try:
        side = transfer._side(case, user)
    except Exception:  # noqa: BLE001  (not a party: nothing to show)
        side = ""
    consents = {c.side: c for c in TransferConsent.objects.filter(case=case).select_related("by")}
    may_move = (side or user.is_case_manager) and transfer.may_transfer(case)
    return {"case": case, "side": side, "arbitration": arbitration, "consents": consents,
            "show": bool(arbitration or may_move),
            "has_agreement": bool(may_move and transfer.existing_agreement(case)),
            "agreed": side in consents, "csrf_token": context.get("csrf_token"), "request": context["request"]}
