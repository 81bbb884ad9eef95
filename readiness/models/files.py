"""File contents kept in the database, so every app host serves the same bytes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from readiness.extensions import db
from readiness.models.accounts import utcnow


class StoredFile(db.Model):
    """The bytes of an uploaded evidence file, once per content, under their SHA-256."""

    __tablename__ = "stored_file"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Deferred: listing or checking files never drags their contents out of the database.
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    size: Mapped[int]
    media_type: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CachedBoardPack(db.Model):
    """A rendered board pack PDF, keyed by the SHA-256 of the HTML it was rendered from."""

    __tablename__ = "cached_board_pack"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
