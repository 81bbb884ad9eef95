"""Saving answers without ever silently overwriting a colleague's newer answer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from readiness import audit
from readiness.extensions import db
from readiness.models import Answer, AssessmentVersion, User
from readiness.models.accounts import utcnow


@dataclass(frozen=True, slots=True)
class Entry:
    """What a page submits for one question."""

    value: Any = None
    note: str = ""
    link: str = ""

    @classmethod
    def of(cls, row: Answer | None) -> Entry:
        return cls() if row is None else cls(row.value, row.note or "", row.evidence_url or "")


@dataclass(frozen=True, slots=True)
class Conflict:
    question_id: str
    mine: Entry
    theirs: Entry
    saved_by: str
    saved_at: datetime | None


def saved_rows(version_id: int) -> dict[str, Answer]:
    """Return the agreed answers of a version by question id, in one query."""
    rows = db.session.scalars(db.select(Answer).where(Answer.version_id == version_id, Answer.respondent_id.is_(None)))
    return {row.question_id: row for row in rows}


def saved_values(version_id: int) -> dict[str, Any]:
    return {qid: row.value for qid, row in saved_rows(version_id).items()}


def save(
    version: AssessmentVersion,
    entries: Mapping[str, Entry],
    seen: Mapping[str, int],
    user: User,
    keep_theirs: Iterable[str] = (),
) -> list[Conflict]:
    """Save a page's entries in one transaction, or save nothing and return the conflicts.

    ``seen`` holds each answer's revision when the page was opened; a different revision now
    means someone else saved in between. The database decides the race: updates are
    compare-and-swap on the revision, inserts meet a unique index.
    """
    rows = saved_rows(version.id)
    skip = set(keep_theirs)
    conflicts = _conflicts(rows, entries, seen, skip)
    if conflicts:
        return conflicts
    changed = {qid: e for qid, e in entries.items() if qid not in skip and Entry.of(rows.get(qid)) != e}
    try:
        for qid, entry in changed.items():
            _write(version, rows.get(qid), qid, entry, user)
        version.updated_at = utcnow()
        db.session.commit()
    except (IntegrityError, _LostRace):
        db.session.rollback()
        return _conflicts(saved_rows(version.id), entries, seen, skip) or save(version, entries, seen, user, skip)
    return []


def _link_given(row: Answer, old: Entry, entry: Entry, now: datetime) -> datetime | None:
    """When the answer's evidence link was given: a link keeps its day until it is changed."""
    if not entry.link:
        return None
    return (row.evidence_url_at or row.updated_at) if entry.link == old.link else now


class _LostRace(Exception):
    """Another request saved the same answer between our read and our write."""


def _conflicts(
    rows: Mapping[str, Answer], entries: Mapping[str, Entry], seen: Mapping[str, int], skip: set[str]
) -> list[Conflict]:
    found = []
    for qid, mine in entries.items():
        row = rows.get(qid)
        current = row.revision if row else 0
        if qid in skip or current == seen.get(qid, 0) or Entry.of(row) == mine:
            continue
        found.append(
            Conflict(
                qid,
                mine,
                Entry.of(row),
                row.updated_by.name if row and row.updated_by else "someone",
                row.updated_at if row else None,
            )
        )
    return found


def _write(version: AssessmentVersion, row: Answer | None, qid: str, entry: Entry, user: User) -> None:
    old = Entry.of(row)
    now = utcnow()
    if row is None:
        db.session.add(
            Answer(
                version_id=version.id,
                question_id=qid,
                value=entry.value,
                note=entry.note,
                evidence_url=entry.link,
                evidence_url_at=now if entry.link else None,
                revision=1,
                updated_at=now,
                updated_by_id=user.id,
            )
        )
        db.session.flush()
    else:
        result = db.session.execute(
            update(Answer)
            .where(Answer.id == row.id, Answer.revision == row.revision)
            .values(
                value=entry.value,
                note=entry.note,
                evidence_url=entry.link,
                evidence_url_at=_link_given(row, old, entry, now),
                revision=Answer.revision + 1,
                updated_at=now,
                updated_by_id=user.id,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise _LostRace
    audit.record(
        "answer_changed",
        "answer",
        f"{version.id}:{qid}",
        organisation_id=version.assessment.organisation_id,
        assessment_id=version.assessment_id,
        version=version.number,
        question=qid,
        old={"value": old.value, "note": old.note, "link": old.link},
        new={"value": entry.value, "note": entry.note, "link": entry.link},
    )
