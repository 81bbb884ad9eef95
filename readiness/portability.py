"""Export every table and evidence file to one archive, and import it into an empty instance.

Evidence files are archive members ``evidence/<sha256>`` holding their exact bytes; their media
types are in ``data.json`` under ``files``. Cached board packs are not exported: they are rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, Table, func, insert, select, text
from sqlalchemy.orm import Session

from readiness.extensions import Base
from readiness.models import StoredFile

FORMAT = 1
UNUSABLE_PASSWORD = "!exported-without-password"  # noqa: S105 - a marker that no password can match


class ImportRefused(ValueError):
    """The archive cannot be imported; the message says why."""


# Not rows to carry: forms waiting for a sign-in, a cache, and file contents (exported as files).
NOT_EXPORTED = {"pending_form", "cached_board_pack", "stored_file"}


def _tables() -> list[Table]:
    return [table for table in Base.metadata.sorted_tables if table.name not in NOT_EXPORTED]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def export(session: Session, target: Path, *, with_passwords: bool = False) -> dict[str, int]:
    """Write the archive; return how many rows each table held."""
    counts: dict[str, int] = {}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        data: dict[str, list[dict[str, Any]]] = {}
        for table in _tables():
            rows = [
                {key: _plain(value) for key, value in row._mapping.items()}
                for row in session.execute(select(table).order_by(*table.primary_key.columns))
            ]
            if table.name == "user" and not with_passwords:
                for row in rows:
                    row["password_hash"] = UNUSABLE_PASSWORD
            data[table.name] = rows
            counts[table.name] = len(rows)
        types = {
            row.sha256: row.media_type for row in session.execute(select(StoredFile.sha256, StoredFile.media_type))
        }
        manifest = {"format": FORMAT, "with_passwords": with_passwords, "tables": data, "files": types}
        archive.writestr("data.json", json.dumps(manifest, ensure_ascii=False, sort_keys=True))
        for sha256 in sorted(types):
            # One file's bytes in memory at a time, however many there are.
            content = session.scalar(select(StoredFile.content).where(StoredFile.sha256 == sha256))
            archive.writestr(f"evidence/{sha256}", content)
    counts["stored_file"] = len(types)
    return counts


def import_archive(session: Session, source: Path) -> dict[str, int]:
    """Load an archive into an empty database; refuse anything else. Return rows per table."""
    if not zipfile.is_zipfile(source):
        raise ImportRefused(f"{source} is not a Role readiness export (not a zip archive)")
    with zipfile.ZipFile(source) as archive:
        try:
            manifest = json.loads(archive.read("data.json"))
        except (KeyError, ValueError) as error:
            raise ImportRefused(f"{source} is not a Role readiness export: {error}") from None
        if manifest.get("format") != FORMAT:
            raise ImportRefused(f"{source} has export format {manifest.get('format')!r}; this version reads {FORMAT}")
        for table in [*_tables(), StoredFile.__table__]:
            if session.scalar(select(func.count()).select_from(table)):
                raise ImportRefused(
                    f"the database is not empty (table {table.name} has rows); import needs an empty one"
                )
        counts = {}
        for table in _tables():
            rows = [_typed(table, row) for row in manifest["tables"].get(table.name, [])]
            if rows:
                session.execute(insert(table), rows)
            counts[table.name] = len(rows)
        counts["stored_file"] = _restore_evidence(session, archive, manifest)
    _reset_sequences(session)
    session.commit()
    return counts


def _restore_evidence(session: Session, archive: zipfile.ZipFile, manifest: dict[str, Any]) -> int:
    """Load evidence files byte for byte; only members named by the hash of their own content."""
    types = manifest.get("files") or {}
    # Archives from before files moved into the database name no types: take the evidence rows' types.
    uploaded = {row["stored_name"]: row["content_type"] for row in manifest["tables"].get("evidence", [])}
    loaded = 0
    for member in archive.namelist():
        name = member.removeprefix("evidence/")
        if not member.startswith("evidence/") or (name not in types and name not in uploaded):
            continue
        content = archive.read(member)
        if hashlib.sha256(content).hexdigest() != name:
            raise ImportRefused(f"{member} in the archive does not match its SHA-256: the file was changed")
        media_type = types.get(name) or uploaded.get(name) or "application/octet-stream"
        session.execute(
            insert(StoredFile).values(sha256=name, content=content, size=len(content), media_type=media_type)
        )
        loaded += 1
    return loaded


def _typed(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    typed = {}
    for column in table.columns:
        value = row.get(column.name)
        if value is not None and isinstance(column.type, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(column.type, Date):
            value = date.fromisoformat(value)
        typed[column.name] = value
    return typed


def _reset_sequences(session: Session) -> None:
    """On PostgreSQL, move each id sequence past the imported ids."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in _tables():
        if "id" in table.columns:
            # Table names come from our own metadata, never from input.
            statement = (
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "  # noqa: S608
                f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'  # nosec B608
            )
            session.execute(text(statement))
