"""Typed SQLAlchemy 2 models, split by concept."""

from readiness.models.accounts import ROLES, Membership, Organisation, User
from readiness.models.assessments import (
    ActionItem,
    Answer,
    Assessment,
    AssessmentEditor,
    AssessmentVersion,
    BidQuery,
    BoardDecision,
    Evidence,
    PendingForm,
    Share,
)
from readiness.models.audit import AuditEvent
from readiness.models.files import CachedBoardPack, StoredFile
from readiness.models.notifications import Notification, WizardPlace

__all__ = [
    "ROLES",
    "ActionItem",
    "Answer",
    "Assessment",
    "AssessmentEditor",
    "AssessmentVersion",
    "AuditEvent",
    "BidQuery",
    "BoardDecision",
    "CachedBoardPack",
    "Evidence",
    "Membership",
    "Notification",
    "Organisation",
    "PendingForm",
    "Share",
    "StoredFile",
    "User",
    "WizardPlace",
]
