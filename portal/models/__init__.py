"""Case intake domain models, split by concept and re-exported here."""

from .cases import (
    Agent,
    ArbitrationAgreement,
    Case,
    CaseAssignment,
    CaseCourtAccess,
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
from .neutrals import NeutralProfile
from .timeline import CaseEvent
from .users import Organisation, User

__all__ = [
    "Agent", "ArbitrationAgreement", "Case", "CaseAssignment", "CaseCourtAccess", "CaseDocument", "CaseEvent",
    "CaseNumberSequence", "CaseState", "Channel", "Court", "IPRight", "IPType", "NeutralProfile", "Organisation",
    "Party", "Track", "User",
]
