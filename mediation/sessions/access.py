"""Who may be in which session room, and what they may do there.

- Joint room: the parties and their agents (either side) and the mediator take
  part; case managers may observe (read only).
- A side's caucus: that side's parties and agents, and the mediator. Nobody
  else, not even case managers.

Everyone else is told the room does not exist (close code 4404 / HTTP 404).
The WebSocket consumer asks again before every frame, so a removed party or
agent, a deactivated account or a logged-out session loses the room at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from mediation import rules
from mediation.models import SESSION_STATES, Mediation, SessionRoom

SIDES = ("claimant", "respondent")
ROOM_KEYS = ("joint", *SIDES)

MEDIATOR = "mediator"
PARTY = "party"
OBSERVER = "observer"


@dataclass(frozen=True)
class Access:
    """What one user is in one room: `role` is mediator, party or observer;
    `side` is the party's side (empty for the mediator and observers)."""

    role: str
    side: str = ""

    @property
    def is_mediator(self) -> bool:
        return self.role == MEDIATOR

    @property
    def takes_part(self) -> bool:
        return self.role in (MEDIATOR, PARTY)


def side_of(mediation: Mediation, user) -> str:
    """The side a user acts for in this mediation ("" for none)."""
    if rules.is_claimant_side(mediation, user):
        return "claimant"
    if rules.is_respondent_side(mediation, user):
        return "respondent"
    return ""


def room_access(mediation: Mediation, user, room_key: str) -> Access | None:
    """The user's place in the room called `room_key` ("joint", "claimant",
    "respondent"), or None if they have none. Says nothing about whether the
    room exists or is open."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or room_key not in ROOM_KEYS:
        return None
    if rules.is_mediator(mediation, user):
        return Access(MEDIATOR)
    side = side_of(mediation, user)
    if room_key == "joint":
        if side:
            return Access(PARTY, side)
        if user.is_case_manager:
            return Access(OBSERVER)
        return None
    return Access(PARTY, side) if side == room_key else None


def room_lookup(room_key: str) -> dict:
    if room_key == "joint":
        return {"kind": SessionRoom.Kind.JOINT, "side": ""}
    return {"kind": SessionRoom.Kind.CAUCUS, "side": room_key}


def find_room(mediation: Mediation, room_key: str) -> SessionRoom | None:
    """The room if it exists. The joint room exists as soon as someone entitled
    to it asks for it; a caucus only once the mediator has opened it."""
    if room_key == "joint":
        room, _ = SessionRoom.objects.get_or_create(mediation=mediation, **room_lookup("joint"))
        return room
    return SessionRoom.objects.filter(mediation=mediation, **room_lookup(room_key)).first()


def accessible_rooms(mediation: Mediation, user) -> list[SessionRoom]:
    """The rooms this user may enter, joint first (for the room list on the page)."""
    rooms = []
    for key in ROOM_KEYS:
        if room_access(mediation, user, key) is None:
            continue
        room = find_room(mediation, key)
        if room is not None:
            rooms.append(room)
    return rooms


def sessions_live(mediation: Mediation) -> bool:
    return mediation.state in SESSION_STATES


def may_write(*, mediation: Mediation, room: SessionRoom, access: Access, muted: bool = False) -> bool:
    """Posting (messages, offers, attachments) needs a participant who is not
    muted, an open room, and a mediation in a state where sessions take place."""
    return (access.takes_part and not muted and room.status == SessionRoom.Status.OPEN
            and sessions_live(mediation))
