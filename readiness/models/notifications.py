"""What people are told, and where each person was in the wizard."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from readiness.extensions import db
from readiness.models.accounts import User, utcnow
from readiness.models.assessments import Assessment, AssessmentVersion


class Notification(db.Model):
    """One thing one person is told: a short title and the path of the page it concerns.

    ``dedupe_key`` makes a reminder idempotent: a person is never given two notifications with the
    same key (NULL keys, for one-off events, never clash).
    """

    __table_args__ = (
        UniqueConstraint("user_id", "dedupe_key"),
        Index("ix_notification_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    path: Mapped[str] = mapped_column(String(500))
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"), index=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    assessment: Mapped[Assessment | None] = relationship(lazy="joined")


class WizardPlace(db.Model):
    """The wizard page a person goes on to next in a draft, so they can continue where they left off."""

    __table_args__ = (UniqueConstraint("user_id", "version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("assessment_version.id"), index=True)
    page: Mapped[str] = mapped_column(String(40))  # a section id, or "check"
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)

    version: Mapped[AssessmentVersion] = relationship(lazy="joined")
