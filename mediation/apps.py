from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    """Mediation track: consent, appointment, sessions, settlement agreement,
    judicial confirmation (filled in by the mediation issues)."""

    name = "mediation"
    verbose_name = _("Mediation")

    def ready(self) -> None:
        from mediation import receivers  # noqa: F401  (connects the hand-over at docketing)
        from mediation.demo import seed_mediations
        from mediation.sessions import receivers as session_receivers  # noqa: F401  (live rooms follow access changes)
        from portal.demo.seed import register_seeder

        register_seeder(seed_mediations)
        from mediation.deadlines import mediation_deadlines
        from mediation.services import run_deadlines
        from portal.deadlines import register_deadline_job, register_deadline_provider

        register_deadline_job(run_deadlines)
        register_deadline_provider(mediation_deadlines)
        from mediation.models import MediationState
        from portal.models.timeline import register_labels

        register_labels({
            "consent": _("Respondent consented to mediation"),
            "decline": _("Respondent declined mediation"),
            "expire_consent": _("Consent deadline passed"),
            "start": _("Mediator accepted; mediation started"),
            "suspend": _("Mediation suspended"),
            "resume": _("Mediation resumed"),
            "terminate": _("Mediation terminated"),
            "expire_period": _("Mediation period ended"),
            "extend_period": _("Mediation period extended"),
            "draft_agreement": _("Settlement agreement drafted"),
            "agreement_takes_effect": _("Settlement agreement signed by every party"),
            "apply_for_confirmation": _("Joint application for judicial confirmation filed"),
            "confirm": _("Court confirmed the agreement"),
            "reject_confirmation": _("Court did not confirm the agreement"),
            **{value: label for value, label in MediationState.choices},
        })
