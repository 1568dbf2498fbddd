from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArbitrationConfig(AppConfig):
    """Arbitration track: rule sets, fees, tribunal, proceedings, award
    (filled in by the arbitration issue)."""

    name = "arbitration"
    verbose_name = _("Arbitration")
