"""Small helpers over django-fsm shared by every state machine in the portal."""

from typing import Any


def is_permitted(bound_method: Any, user) -> bool:
    """The transition exists from the current state and `user` holds its
    permission, conditions aside. django_fsm.has_transition_perm also checks
    conditions; separating the two lets us tell a user "not allowed" apart
    from "not complete yet"."""
    meta = bound_method._django_fsm
    instance = bound_method.__self__
    transition = meta.get_transition(meta.field.get_state(instance))
    return bool(transition and transition.has_perm(instance, user))
