"""Organisations, users and the roles they hold."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from readiness.extensions import db

ROLES = {
    "project_lead": "Project lead",
    "board_member": "Board member",
    "commissioner": "Commissioner",
    "administrator": "Administrator",
}
ORGANISATION_KINDS = {
    "provider": "Provider (trust, PCN, practice or care provider)",
    "commissioner": "Commissioner (ICB, regional team or funder)",
}


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Organisation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="provider")
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation")


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    # Raised to end every session the person holds: a session remembers the epoch it began in.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def roles_in(self, organisation_id: int) -> set[str]:
        return {m.role for m in self.memberships if m.organisation_id == organisation_id}

    def organisation_ids(self, *roles: str) -> set[int]:
        """Return the organisations where the user holds any of ``roles`` (any role if none given)."""
        return {m.organisation_id for m in self.memberships if not roles or m.role in roles}

    def has_role(self, role: str) -> bool:
        return any(m.role == role for m in self.memberships)

    @property
    def is_admin(self) -> bool:
        return self.has_role("administrator")


class Membership(db.Model):
    __table_args__ = (UniqueConstraint("user_id", "organisation_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships", lazy="joined")
