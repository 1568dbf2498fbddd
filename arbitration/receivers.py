"""Docketed arbitration cases are handed to this app; hearing rooms follow
the arbitration's state and its tribunal (arbitration.hearing_rooms)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_fsm.signals import post_transition

from arbitration.models import Arbitration, ArbitrationState, TribunalMember
from mediation.sessions.rooms import revoke_access
from portal.models import Track, User
from portal.signals import case_docketed


@receiver(case_docketed)
def open_arbitration_on_docketing(sender, case, by, **kwargs):
    if case.track == Track.ARBITRATION:
        from arbitration.services import open_arbitration

        open_arbitration(case=case, by=by)


@receiver(post_transition, sender=Arbitration)
def arbitration_transitioned(sender, instance, name, source, target, method_kwargs=None, **kwargs):
    """Hearing-room sockets re-check access and writability; leaving the
    proceedings closes any open hearing room and makes its transcript."""
    revoke_access(instance.case_id)
    if source == ArbitrationState.PROCEEDINGS and target != ArbitrationState.PROCEEDINGS:
        from arbitration.hearing_rooms import close_rooms_of

        close_rooms_of(instance, by=(method_kwargs or {}).get("by"))


@receiver([post_save, post_delete], sender=TribunalMember)
def tribunal_changed(sender, instance, **kwargs):
    """A seat accepted, declined or removed after a challenge changes who is in the hearing rooms."""
    revoke_access(instance.arbitration.case_id)


@receiver(post_save, sender=User)
def arbitrator_deactivated(sender, instance, created=False, **kwargs):
    if created or instance.is_active:
        return
    for case_id in TribunalMember.objects.filter(arbitrator=instance).values_list(
            "arbitration__case_id", flat=True).distinct():
        revoke_access(case_id)
