"""Assessments, their versions, answers, evidence, actions, decisions, shares and queries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from readiness.extensions import db
from readiness.models.accounts import Organisation, User, utcnow


class Assessment(db.Model):
    """One role being prepared by one organisation; its versions are the submissions over time."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    created_by: Mapped[User] = relationship()
    versions: Mapped[list[AssessmentVersion]] = relationship(
        back_populates="assessment", order_by="AssessmentVersion.number"
    )
    editors: Mapped[list[AssessmentEditor]] = relationship(lazy="selectin")


class AssessmentEditor(db.Model):
    """A colleague invited to edit an assessment of their own organisation."""

    __table_args__ = (UniqueConstraint("assessment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    user: Mapped[User] = relationship(lazy="joined")


class AssessmentVersion(db.Model):
    """A draft being answered, or a submitted, frozen snapshot with its digest."""

    __table_args__ = (UniqueConstraint("assessment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    number: Mapped[int]
    questionnaire_version: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20), default="draft")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_section: Mapped[str | None] = mapped_column(String(40))
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    snapshot: Mapped[str | None] = mapped_column(Text)
    digest: Mapped[str | None] = mapped_column(String(64))
    # Denormalised from the snapshot at submission, so portfolios filter without rescoring.
    verdict: Mapped[str | None] = mapped_column(String(30), index=True)
    role_profile: Mapped[str | None] = mapped_column(String(60), index=True)
    band: Mapped[str | None] = mapped_column(String(20))
    # JSONB on PostgreSQL, so portfolio filters read the scores without re-parsing each row.
    stage_scores: Mapped[dict[str, Any] | None] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    # Evidence completeness of the snapshot, so portfolios filter and sort without reading snapshots:
    # the evidenced share of answered questions (0-100), the "Yes" claims on critical or high questions
    # with no evidence, and the oldest evidence's date (stale is judged from it against today).
    evidence_share: Mapped[int | None] = mapped_column(index=True)
    evidence_claims: Mapped[int | None]
    evidence_oldest: Mapped[date | None]

    assessment: Mapped[Assessment] = relationship(back_populates="versions", lazy="joined")
    answers: Mapped[list[Answer]] = relationship(back_populates="version")
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])

    @property
    def is_draft(self) -> bool:
        return self.state == "draft"


class Answer(db.Model):
    """One answer to one question in one version; ``revision`` detects concurrent edits."""

    __table_args__ = (
        Index(
            "uq_answer_agreed",
            "version_id",
            "question_id",
            unique=True,
            sqlite_where=db.text("respondent_id IS NULL"),
            postgresql_where=db.text("respondent_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("assessment_version.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(80))
    # None is the agreed answer; team ratings will add one row per respondent.
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    evidence_url: Mapped[str] = mapped_column(String(2000), default="")
    # When the evidence link was last given, so a link can go stale like an uploaded file.
    evidence_url_at: Mapped[datetime | None]
    revision: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    version: Mapped[AssessmentVersion] = relationship(back_populates="answers")
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])


class Evidence(db.Model):
    """An uploaded document backing an answer, stored outside the web root under its content hash."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("assessment_version.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(80))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80))  # the SHA-256 of the content
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    version: Mapped[AssessmentVersion] = relationship(lazy="joined")


class ActionItem(db.Model):
    """The lead's tracking of one planned action; keyed by action so it carries across versions."""

    __table_args__ = (UniqueConstraint("assessment_id", "action_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    action_key: Mapped[str] = mapped_column(String(120))
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class BoardDecision(db.Model):
    """A board's decision on a submitted version. Never edited: a newer one supersedes it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("assessment_version.id"), index=True)
    decision: Mapped[str] = mapped_column(String(30))
    conditions: Mapped[str] = mapped_column(Text, default="")
    comments: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    recorded_by: Mapped[User] = relationship(lazy="joined")


class Share(db.Model):
    """A submitted version shared with a commissioning organisation."""

    __table_args__ = (UniqueConstraint("version_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("assessment_version.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    shared_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    shared_at: Mapped[datetime] = mapped_column(default=utcnow)

    version: Mapped[AssessmentVersion] = relationship(lazy="joined")
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class BidQuery(db.Model):
    """A commissioner's question about a shared bid, and the lead's reply."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("assessment_version.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    text: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    response: Mapped[str | None] = mapped_column(Text)
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    responded_at: Mapped[datetime | None]

    raised_by: Mapped[User] = relationship(foreign_keys=[raised_by_id], lazy="joined")


class PendingForm(db.Model):
    """A page posted after its session expired, kept until its author signs in again."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(String(300))
    data: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
