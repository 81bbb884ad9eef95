"""Record who did what, when, in the append-only audit trail."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from readiness.extensions import db
from readiness.models import AuditEvent


def record(
    action: str,
    object_type: str,
    object_id: object = None,
    *,
    organisation_id: int | None = None,
    assessment_id: int | None = None,
    actor_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event to the session; it is committed with the change it describes."""
    if actor_id is None and current_user and current_user.is_authenticated:
        actor_id = current_user.id
    event = AuditEvent(
        actor_id=actor_id,
        organisation_id=organisation_id,
        assessment_id=assessment_id,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        detail=detail,
    )
    db.session.add(event)
    return event
