"""Case intake domain models, split by concept and re-exported here."""

from .cases import (
    Agent,
    ArbitrationAgreement,
    Case,
    CaseAssignment,
    CaseNumberSequence,
    CaseState,
    Channel,
    IPRight,
    IPType,
    Party,
    Track,
)
from .courts import Court
from .documents import CaseDocument
from .timeline import CaseEvent
from .users import Organisation, User

__all__ = [
    "Agent", "ArbitrationAgreement", "Case", "CaseAssignment", "CaseDocument", "CaseEvent",
    "CaseNumberSequence", "CaseState", "Channel", "Court", "IPRight", "IPType", "Organisation",
    "Party", "Track", "User",
]
