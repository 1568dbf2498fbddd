"""Keep open session sockets honest when the world changes outside them.

Whenever someone may have lost their place in a case's rooms (a party or
agent removed or re-linked, an assignment ended, an account deactivated, the
mediator replaced) every session socket of that case is asked to check again
("access.revoked"); those that lost access are closed. When the mediation
leaves the states in which sessions take place, the rooms become read-only
and their transcripts are made.
"""

from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_fsm.signals import post_transition

from mediation.models import SESSION_STATES, Mediation, SessionRoom
from mediation.sessions.rooms import revoke_access
from portal.models import Agent, CaseAssignment, Party, User


@receiver(post_transition, sender=Mediation)
def mediation_transitioned(sender, instance, name, source, target, method_kwargs=None, **kwargs):
    revoke_access(instance.case_id)  # also re-sends every socket its room state (read-only or not)
    if source in SESSION_STATES and target not in SESSION_STATES:
        from mediation.sessions.transcripts import make_transcripts_after_commit

        make_transcripts_after_commit(mediation=instance, by=(method_kwargs or {}).get("by"))


def _case_changed(case_id) -> None:
    revoke_access(case_id)


@receiver([post_save, post_delete], sender=Party)
@receiver([post_save, post_delete], sender=Agent)
@receiver([post_save, post_delete], sender=CaseAssignment)
def case_people_changed(sender, instance, **kwargs):
    _case_changed(instance.case_id)


@receiver(post_save, sender=User)
def account_changed(sender, instance, created=False, **kwargs):
    if created or instance.is_active:
        return
    cases = SessionRoom.objects.filter(
        Q(case__parties__user=instance) | Q(case__agents__user=instance) | Q(mediation__mediator=instance)
    ).values_list("case_id", flat=True).distinct()
    for case_id in cases:
        revoke_access(case_id)
