"""Med-arb: a party agrees, on the mediation page, to arbitrate after a failed mediation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arbitration import transfer
from portal.selectors import get_visible_case


@login_required
@require_POST
def agree(request: HttpRequest, key: str) -> HttpResponse:
    case = get_visible_case(request.user, key)
    if request.POST.get("under_agreement") == "1":
        try:
            transfer.move_with_existing_agreement(case=case, by=request.user)
        except PermissionDenied:
            return HttpResponse(status=403)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("mediation_panel", key=case.url_key)
        messages.success(request, _("The dispute is now in arbitration."))
        return redirect("arbitration_panel", key=case.url_key)
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Tick the box to confirm your agreement to arbitrate."))
        return redirect("mediation_panel", key=case.url_key)
    try:
        transfer.consent(case=case, by=request.user, expedited=request.POST.get("expedited") == "1")
    except PermissionDenied:
        return HttpResponse(status=403)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("mediation_panel", key=case.url_key)
    if hasattr(case, "arbitration") or type(case).objects.filter(pk=case.pk, arbitration__isnull=False).exists():
        messages.success(request, _("Both sides agreed: the arbitration is open."))
        return redirect("arbitration_panel", key=case.url_key)
    messages.success(request, _("Your agreement is recorded. The arbitration opens when the other side agrees too."))
    return redirect("mediation_panel", key=case.url_key)
