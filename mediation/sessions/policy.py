"""Which process owns a session room, and what that process allows in it.

Session rooms (numbering, replay, presence, moderation, transcripts) are one
mechanism shared by mediation sessions and arbitration hearings. Each process
registers a RoomPolicy that answers the questions that differ: who has a
place in a room and as what, whether the room takes messages in the
process's current state, what the transcripts are called and where they are
downloaded, and how a sitting starts and ends.

mediation registers its policy in mediation.sessions.access; arbitration
registers its hearing policy in arbitration.hearing_rooms (both from their
AppConfig.ready).
"""

from __future__ import annotations

from dataclasses import dataclass

MEDIATOR = "mediator"
ARBITRATOR = "arbitrator"
PARTY = "party"
OBSERVER = "observer"

#: Frame families a policy may offer besides chat, read markers and moderation.
NEGOTIATION = "negotiation"   # offers and double-blind bidding
CAUCUS = "caucus"             # the mediator's private caucuses
ATTACHMENTS = "attachments"   # files posted into the room through the notary path


@dataclass(frozen=True)
class Access:
    """What one user is in one room: `role` is mediator, arbitrator, party or
    observer; `side` is a party's side (empty otherwise); `moderator` is true
    for whoever runs the room (the mediator; the presiding or sole arbitrator),
    who may hide messages, mute participants, and start and end sittings."""

    role: str
    side: str = ""
    moderator: bool = False

    @property
    def is_mediator(self) -> bool:
        """Whether this user runs the room (kept for the mediation code's wording)."""
        return self.moderator

    @property
    def takes_part(self) -> bool:
        return self.role in (MEDIATOR, ARBITRATOR, PARTY)


class RoomPolicy:
    """The process-specific half of a session room (see the module docstring)."""

    process: str = ""
    features: frozenset[str] = frozenset()

    def access(self, room, user) -> Access | None:
        """The user's place in `room`, or None (the room then does not exist for them)."""
        raise NotImplementedError

    def find(self, case, user, route: dict):
        """The room a WebSocket route points at (kwargs of the URL), or None."""
        raise NotImplementedError

    def live(self, room) -> bool:
        """Whether the process's state lets this room take messages (the room's own status aside)."""
        raise NotImplementedError

    def state(self, room) -> str:
        """The process's state, for the client."""
        raise NotImplementedError

    def author(self, room, user) -> tuple[str, str]:
        """(role, side) to label a message author with, even one who has since lost access."""
        access = self.access(room, user)
        return (access.role, access.side) if access else (PARTY, "")

    def start_sitting(self, room, by) -> None:
        raise NotImplementedError

    def end_sitting(self, room, by) -> None:
        raise NotImplementedError

    def transcript_title(self, room) -> str:
        raise NotImplementedError

    def transcript_url(self, room, transcript_pk: int) -> str:
        raise NotImplementedError

    def attachment_url(self, room, seq: int) -> str | None:
        return None

    def transcript_people(self, room) -> list[tuple[str, str]]:
        """(label, name) rows for the neutrals named at the head of a transcript."""
        return []


_POLICIES: dict[str, RoomPolicy] = {}


def register(policy: RoomPolicy) -> RoomPolicy:
    _POLICIES[policy.process] = policy
    return policy


def policy_for(room_or_process) -> RoomPolicy:
    process = room_or_process if isinstance(room_or_process, str) else room_or_process.process
    return _POLICIES[process]
