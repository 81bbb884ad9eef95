"""Export every table and evidence file to one archive, and import it into an empty instance."""

from __future__ import annotations

import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, Table, func, insert, select, text
from sqlalchemy.orm import Session

from readiness.extensions import Base

FORMAT = 1
UNUSABLE_PASSWORD = "!exported-without-password"  # noqa: S105 - a marker that no password can match


class ImportRefused(ValueError):
    """The archive cannot be imported; the message says why."""


def _tables() -> list[Table]:
    return [table for table in Base.metadata.sorted_tables if table.name != "pending_form"]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def export(session: Session, evidence_folder: Path, target: Path, *, with_passwords: bool = False) -> dict[str, int]:
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
        manifest = {"format": FORMAT, "with_passwords": with_passwords, "tables": data}
        archive.writestr("data.json", json.dumps(manifest, ensure_ascii=False, sort_keys=True))
        for name in sorted({row["stored_name"] for row in data.get("evidence", [])}):
            path = evidence_folder / name
            if path.is_file():
                archive.write(path, f"evidence/{name}")
    return counts


def import_archive(session: Session, evidence_folder: Path, source: Path) -> dict[str, int]:
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
        for table in _tables():
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
        _restore_evidence(archive, evidence_folder)
    _reset_sequences(session)
    session.commit()
    return counts


def _restore_evidence(archive: zipfile.ZipFile, folder: Path) -> None:
    """Write back evidence files; only names that are content hashes, so no path can escape the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for member in archive.namelist():
        name = member.removeprefix("evidence/")
        if member.startswith("evidence/") and len(name) == 64 and all(c in "0123456789abcdef" for c in name):
            (folder / name).write_bytes(archive.read(member))


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
