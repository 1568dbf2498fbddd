from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArbitrationConfig(AppConfig):
    """Arbitration track: rule sets, fees, notice, tribunal, proceedings, award."""

    name = "arbitration"
    verbose_name = _("Arbitration")

    def ready(self) -> None:
        from arbitration import (
            hearing_rooms,  # noqa: F401  (registers the hearing rooms' policy)
            receivers,  # noqa: F401  (opens an arbitration when a case is docketed)
        )
        from arbitration.demo import seed_arbitrations
        from portal.demo.seed import register_seeder

        register_seeder(seed_arbitrations)
        from arbitration.services import quote
        from portal.filing import register_fee_estimator

        register_fee_estimator(quote)
        from arbitration.deadlines import arbitration_deadlines
        from arbitration.services import run_deadlines
        from portal.deadlines import register_deadline_job, register_deadline_provider

        register_deadline_job(run_deadlines)
        register_deadline_provider(arbitration_deadlines)
        from arbitration.models import ArbitrationState
        from portal.models.timeline import register_labels

        register_labels({
            "assess_fees": _("Fees assessed"),
            "fees_received": _("Fees paid"),
            "serve_notice": _("Notice of arbitration served"),
            "begin_constitution": _("Constitution of the tribunal began"),
            "constitute": _("Tribunal constituted"),
            "reconstitute": _("Tribunal to be reconstituted"),
            "open_proceedings": _("Proceedings opened"),
            "close_proceedings": _("Proceedings closed"),
            "reopen_proceedings": _("Proceedings reopened"),
            "draft_award": _("Award drafted"),
            "issue_award": _("Award issued"),
            "close": _("Arbitration closed"),
            "deem_withdrawn": _("Request deemed withdrawn: fees not paid"),
            "settle": _("Settled by consent award"),
            "lapse_without_agreement": _("Ended: the respondent did not agree to arbitrate"),
            # steps logged on the timeline that do not change the state (services._log)
            "agree_to_arbitrate": _("Respondent agreed to arbitrate"),
            "file_answer": _("Answer filed"),
            "nominate": _("Arbitrator nominated"),
            "appoint": _("Arbitrator appointed"),
            "appoint_named": _("Nominee named by a side"),
            "accept_seat": _("Arbitrator accepted"),
            "decline_seat": _("Arbitrator declined"),
            "challenge": _("Arbitrator challenged"),
            "decide_challenge": _("Challenge decided"),
            "issue_order": _("Procedural order issued"),
            "schedule_hearing": _("Hearing scheduled"),
            "cancel_hearing": _("Hearing cancelled"),
            "record_hearing": _("Record of the hearing kept"),
            "open_hearing_room": _("Online hearing room opened"),
            "end_online_hearing": _("Online hearing ended"),
            "draft_consent_award": _("Consent award drafted"),
            "sign_award": _("Award signed"),
            "dissent": _("Dissenting opinion recorded"),
            "request_correction": _("Correction requested"),
            "decide_correction": _("Correction decided"),
            "extend_deadline": _("Deadline extended"),
            "nomination_overdue": _("Time for nominations passed"),
            "award_overdue": _("Time limit for the award passed"),
            "withdraw": _("Request for arbitration withdrawn"),
            "move_to_arbitration": _("Moved to arbitration under the arbitration agreement"),
            "terminate": _("Arbitration terminated"),
            **{value: label for value, label in ArbitrationState.choices},
        }, process="arbitration")
