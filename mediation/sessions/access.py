"""Who may be in which session room, and what they may do there.

- Joint room: the parties and their agents (either side) and the mediator take
  part; case managers may observe (read only).
- A side's caucus: that side's parties and agents, and the mediator. Nobody
  else, not even case managers.

Everyone else is told the room does not exist (close code 4404 / HTTP 404).
This is the mediation half of the room policy (mediation.sessions.policy);
arbitration hearings have theirs in arbitration.hearing_rooms.
The WebSocket consumer asks again before every frame, so a removed party or
agent, a deactivated account or a logged-out session loses the room at once.
"""

from __future__ import annotations

from django.urls import reverse

from mediation import rules
from mediation.models import SESSION_STATES, Mediation, SessionRoom
from mediation.sessions import policy
from mediation.sessions.policy import MEDIATOR, OBSERVER, PARTY, Access

__all__ = ["MEDIATOR", "OBSERVER", "PARTY", "Access", "ROOM_KEYS", "SIDES", "MediationRoomPolicy", "accessible_rooms",
           "find_room", "may_write", "room_access", "room_lookup", "side_of", "sessions_live"]

SIDES = ("claimant", "respondent")
ROOM_KEYS = ("joint", *SIDES)


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
        return Access(MEDIATOR, moderator=True)
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
        return {"kind": SessionRoom.Kind.JOINT, "side": "", "name": "joint"}
    return {"kind": SessionRoom.Kind.CAUCUS, "side": room_key, "name": room_key}


def _get_or_create(mediation: Mediation, room_key: str, **defaults) -> tuple[SessionRoom, bool]:
    lookup = room_lookup(room_key)
    return SessionRoom.objects.get_or_create(
        case_id=mediation.case_id, name=lookup["name"],
        defaults={"mediation": mediation, "process": "mediation", "kind": lookup["kind"], "side": lookup["side"],
                  **defaults})


def find_room(mediation: Mediation, room_key: str) -> SessionRoom | None:
    """The room if it exists. The joint room exists as soon as someone entitled
    to it asks for it; a caucus only once the mediator has opened it."""
    if room_key == "joint":
        return _get_or_create(mediation, "joint")[0]
    if room_key not in SIDES:
        return None
    return SessionRoom.objects.filter(case_id=mediation.case_id, mediation=mediation, name=room_key).first()


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


def may_write(*, room: SessionRoom, access: Access, muted: bool = False) -> bool:
    """Posting (messages, offers, attachments) needs a participant who is not
    muted, an open room, and a process in a state where sittings take place."""
    return (access.takes_part and not muted and room.status == SessionRoom.Status.OPEN
            and policy.policy_for(room).live(room))


class MediationRoomPolicy(policy.RoomPolicy):
    """Mediation sessions: the joint room and one caucus per side (see the module docstring)."""

    process = "mediation"
    features = frozenset({policy.NEGOTIATION, policy.CAUCUS, policy.ATTACHMENTS})

    def access(self, room, user):
        return room_access(room.mediation, user, room.key) if room.mediation_id else None

    def find(self, case, user, route):
        mediation = Mediation.objects.filter(case=case).select_related("case").first()
        room_key = route.get("room", "")
        if mediation is None or room_access(mediation, user, room_key) is None:
            return None
        return find_room(mediation, room_key)

    def live(self, room):
        return room.mediation.state in SESSION_STATES

    def state(self, room):
        return room.mediation.state

    def author(self, room, user):
        if rules.is_mediator(room.mediation, user):
            return MEDIATOR, ""
        access = room_access(room.mediation, user, "joint")
        return (access.role, access.side) if access else (PARTY, "")

    def start_sitting(self, room, by):
        from mediation.sessions.rooms import start_session

        start_session(mediation=room.mediation, by=by)

    def end_sitting(self, room, by):
        from mediation.sessions.rooms import end_session

        end_session(mediation=room.mediation, by=by)

    def transcript_title(self, room):
        return {"joint": "联席调解会谈记录 / Joint session transcript",
                "claimant": "背对背调解记录（申请人方）/ Private caucus transcript (claimant)",
                "respondent": "背对背调解记录（被申请人方）/ Private caucus transcript (respondent)"}[room.key]

    def transcript_url(self, room, transcript_pk):
        return reverse("mediation_session_transcript", args=[room.case.url_key, room.key, transcript_pk])

    def transcript_people(self, room):
        mediator = room.mediation.mediator
        return [("调解员 / Mediator", mediator.full_name)] if mediator else []

    def attachment_url(self, room, seq):
        return reverse("mediation_session_attachment", args=[room.case.url_key, room.key, seq])


policy.register(MediationRoomPolicy())
