"""The audit trail: append-only. The database itself refuses updates and deletes (see migrations)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from readiness.extensions import db
from readiness.models.accounts import User, utcnow


class AuditEvent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(80))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")


class AuditTrailIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove an audit event."""


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(*_: object) -> None:
    raise AuditTrailIsAppendOnly("audit events cannot be changed or deleted")
