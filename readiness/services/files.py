"""Evidence files and cached board packs, kept in the database that every app host shares.

Files are stored once per content under their SHA-256; a row is only ever added, never changed,
so two hosts storing the same file at once both succeed and keep one copy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select

from readiness.extensions import db
from readiness.models import CachedBoardPack, Evidence, StoredFile
from readiness.models.accounts import utcnow

UNKNOWN_TYPE = "application/octet-stream"
PACKS_KEPT_FOR = timedelta(days=7)


def _insert_once(model: type[Any], **values: Any) -> None:
    """Insert a row unless one with the same key exists, without failing the transaction on a race."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        db.session.execute(insert(model).values(**values))
        return
    db.session.execute(dialect_insert(model).values(**values).on_conflict_do_nothing())


def is_sha256(name: str) -> bool:
    return len(name) == 64 and all(c in "0123456789abcdef" for c in name)


def save(content: bytes, media_type: str) -> str:
    """Keep a file's bytes (once per content); return its SHA-256. Committed with the caller's change."""
    sha256 = hashlib.sha256(content).hexdigest()
    if db.session.scalar(select(StoredFile.sha256).where(StoredFile.sha256 == sha256)) is None:
        _insert_once(
            StoredFile, sha256=sha256, content=content, size=len(content), media_type=media_type, created_at=utcnow()
        )
    return sha256


def content_of(sha256: str, legacy_folder: Path | None = None) -> bytes | None:
    """A stored file's bytes, or None. A file still only in the old local folder is moved in on first use."""
    content = db.session.scalar(select(StoredFile.content).where(StoredFile.sha256 == sha256))
    if content is None and legacy_folder is not None and is_sha256(sha256):
        content = _legacy_file(legacy_folder / sha256)
        if content is not None:
            save(content, _media_types([sha256]).get(sha256, UNKNOWN_TYPE))
    return content


@dataclass(frozen=True, slots=True)
class FolderImport:
    imported: int
    already_stored: int
    refused: tuple[str, ...]  # names that are not a content hash, or whose content does not match it


def import_folder(folder: Path) -> FolderImport:
    """Move evidence files from the old per-host folder into the database. Safe to run again."""
    imported = already = 0
    refused: list[str] = []
    paths = sorted(path for path in folder.iterdir() if path.is_file()) if folder.is_dir() else []
    types = _media_types([path.name for path in paths])
    for path in paths:
        if is_sha256(path.name) and db.session.scalar(select(StoredFile.sha256).where(StoredFile.sha256 == path.name)):
            already += 1
            continue
        content = _legacy_file(path)
        if content is None:
            refused.append(path.name)
            continue
        save(content, types.get(path.name, UNKNOWN_TYPE))
        imported += 1
    db.session.commit()
    return FolderImport(imported, already, tuple(refused))


def _legacy_file(path: Path) -> bytes | None:
    """The bytes of a file the old folder kept under its SHA-256, if its name is a hash its content matches."""
    if not is_sha256(path.name) or not path.is_file():
        return None
    content = path.read_bytes()
    return content if hashlib.sha256(content).hexdigest() == path.name else None


def _media_types(names: list[str]) -> dict[str, str]:
    """The type each file was uploaded as, from the evidence that names it."""
    if not names:
        return {}
    rows = db.session.execute(
        select(Evidence.stored_name, Evidence.content_type).where(Evidence.stored_name.in_(names))
    ).all()
    return {row.stored_name: row.content_type for row in rows}


def board_pack(html: str, render: Callable[[str], bytes]) -> bytes:
    """Render a board pack, or reuse the PDF of identical HTML rendered by any host.

    The key is the SHA-256 of the HTML itself, so any change to answers, plan, decision, date or
    template makes a new pack; packs older than PACKS_KEPT_FOR are removed when a new one is kept.
    """
    key = hashlib.sha256(html.encode("utf-8")).hexdigest()
    cached = db.session.scalar(select(CachedBoardPack.content).where(CachedBoardPack.key == key))
    if cached is not None:
        return cached
    data = render(html)
    now = utcnow()
    db.session.execute(delete(CachedBoardPack).where(CachedBoardPack.created_at < now - PACKS_KEPT_FOR))
    _insert_once(CachedBoardPack, key=key, content=data, created_at=now)
    db.session.commit()
    return data
