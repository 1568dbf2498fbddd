from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    """Mediation track: consent, appointment, sessions, settlement agreement,
    judicial confirmation (filled in by the mediation issues)."""

    name = "mediation"
    verbose_name = _("Mediation")
