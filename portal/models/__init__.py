"""Case intake domain models, split by concept and re-exported here."""

from .api import ApiScope, ApiToken, IdempotentRequest, PlatformComplaint
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
from .notifications import DeadlineReminderSent, Notification, NotificationCategory, NotificationPreference
from .timeline import CaseEvent
from .users import Organisation, User
from .webhooks import WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "ApiScope", "ApiToken", "IdempotentRequest", "PlatformComplaint", "WebhookDelivery", "WebhookEndpoint",
    "WebhookEvent",
    "Agent", "ArbitrationAgreement", "Case", "CaseAssignment", "CaseCourtAccess", "CaseDocument", "CaseEvent",
    "CaseNumberSequence", "CaseState", "Channel", "Court", "DeadlineReminderSent", "IPRight", "IPType",
    "NeutralProfile", "Notification", "NotificationCategory", "NotificationPreference", "Organisation", "Party", "Track",
    "User",
]
