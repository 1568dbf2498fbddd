"""The case timeline: one log for every state machine that touches a case.

The intake machine (portal), the mediation and the arbitration machines all
write here through the post_transition receiver in portal/signals.py, so a
case's history reads as one list.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Human labels for transition and state names, registered by each process
# (intake below; mediation and arbitration register theirs in their apps).
_LABELS: dict[str, object] = {}
# Labels that belong to one process ("mediation", "arbitration"): the same
# transition name ("terminate", "withdraw") reads differently in each.
_PROCESS_LABELS: dict[str, dict[str, object]] = {}


def register_labels(labels: dict[str, object], *, process: str | None = None) -> None:
    if process:
        _PROCESS_LABELS.setdefault(process, {}).update(labels)
    else:
        _LABELS.update(labels)


def label_for(name: str, process: str = "") -> str:
    return str(_PROCESS_LABELS.get(process, {}).get(name) or _LABELS.get(name, name))


register_labels({
    "submit": _("Submitted"),
    "resubmit": _("Submitted again after correction"),
    "docket": _("Docketed"),
    "return_for_correction": _("Returned for correction"),
    "reject": _("Rejected"),
    "withdraw": _("Withdrawn"),
    "draft": _("Draft"),
    "submitted": _("Submitted"),
    "returned": _("Returned for correction"),
    "rejected": _("Rejected"),
    "docketed": _("Docketed"),
    "withdrawn": _("Withdrawn"),
})


class CaseEvent(models.Model):
    case = models.ForeignKey("portal.Case", on_delete=models.CASCADE, related_name="events")
    process = models.CharField(_("process"), max_length=20, default="intake")
    transition = models.CharField(_("action"), max_length=60)
    from_state = models.CharField(_("from"), max_length=40)
    to_state = models.CharField(_("to"), max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("time (UTC)"), default=timezone.now, db_index=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case timeline")
        ordering = ["at", "id"]

    @property
    def transition_label(self) -> str:
        return label_for(self.transition, self.process)

    @property
    def from_label(self) -> str:
        return label_for(self.from_state, self.process)

    @property
    def to_label(self) -> str:
        return label_for(self.to_state, self.process)

    def __str__(self) -> str:
        return f"{self.case} {self.transition}: {self.from_state} → {self.to_state}"
