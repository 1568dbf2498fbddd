"""Signals: the timeline writer, and the hand-over to a track on docketing."""

import django.dispatch
from django.dispatch import receiver
from django_fsm.signals import post_transition

# Sent (inside the docketing transaction) when a case manager dockets a case.
# mediation/ and arbitration/ connect to it and open their own process.
case_docketed = django.dispatch.Signal()  # kwargs: case, by


@receiver(post_transition)
def record_transition(sender, instance, name, source, target, method_kwargs=None, **kwargs):
    """Write every FSM transition of anything that belongs to a case to its timeline.

    Models opt in by exposing `timeline_case` (the Case) and `timeline_process`
    (a short label); a Case is its own timeline. Transition methods are called
    with keyword arguments `by` (the actor) and `note`.
    """
    from portal.models import Case, CaseEvent

    if isinstance(instance, Case):
        case, process = instance, "intake"
    elif hasattr(instance, "timeline_case"):
        case, process = instance.timeline_case, getattr(instance, "timeline_process", sender._meta.model_name)
    else:
        return
    method_kwargs = method_kwargs or {}
    actor = method_kwargs.get("by")
    CaseEvent.objects.create(
        case=case,
        process=process,
        transition=name,
        from_state=str(source),
        to_state=str(target),
        actor=actor if getattr(actor, "pk", None) else None,
        note=method_kwargs.get("note", "") or "",
    )
