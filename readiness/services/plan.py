"""The action plan tracker: the lead's owner, due date, status and notes on each planned action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from readiness import audit
from readiness.extensions import db
from readiness.models import ActionItem, Assessment, User
from readiness.models.accounts import utcnow
from readiness.reports import Tracking

STATUSES = ("not_started", "in_progress", "done")


def tracking_of(assessment_id: int) -> dict[str, Tracking]:
    """Return the tracking of every action of an assessment by action key, in one query."""
    items = db.session.scalars(db.select(ActionItem).where(ActionItem.assessment_id == assessment_id))
    return {item.action_key: _tracking(item) for item in items}


@dataclass(frozen=True, slots=True)
class TrackingConflict:
    """A colleague saved this action after the form was opened; nothing was saved."""

    theirs: Tracking
    saved_by: str


def save_tracking(
    assessment: Assessment, action_key: str, tracking: Tracking, user: User, seen: datetime | None
) -> TrackingConflict | None:
    """Save an action's tracking unless a colleague saved it since ``seen``; audit the change.

    ``seen`` is the tracking's ``updated_at`` when the form was opened (None if it was not yet
    tracked). The database decides a race: the update is compare-and-swap on ``updated_at``, and
    the first insert meets the unique index. On a conflict nothing is saved and theirs is returned.
    """
    item = _item(assessment.id, action_key)
    old = _tracking(item) if item else Tracking()
    if item is not None and item.updated_at != seen:
        return None if _same(old, tracking) else _conflict(assessment.id, action_key)
    now = utcnow()
    values = {
        "owner": tracking.owner,
        "due_date": tracking.due_date,
        "status": tracking.status,
        "notes": tracking.notes,
        "updated_at": now,
        "updated_by_id": user.id,
    }
    try:
        if item is None:
            db.session.add(ActionItem(assessment_id=assessment.id, action_key=action_key, **values))
            db.session.flush()
        else:
            changed = db.session.execute(
                update(ActionItem)
                .where(ActionItem.id == item.id, ActionItem.updated_at == seen)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            if changed.rowcount != 1:
                raise _LostRace
    except (IntegrityError, _LostRace):
        db.session.rollback()
        return _conflict(assessment.id, action_key)
    audit.record(
        "action_tracked",
        "action_item",
        f"{assessment.id}:{action_key}",
        organisation_id=assessment.organisation_id,
        assessment_id=assessment.id,
        action_key=action_key,
        old=_audit(old),
        new=_audit(tracking),
    )
    db.session.commit()
    return None


class _LostRace(Exception):
    """A colleague saved the same action between our read and our write."""


def _same(a: Tracking, b: Tracking) -> bool:
    return (a.owner, a.due_date, a.status, a.notes) == (b.owner, b.due_date, b.status, b.notes)


def _conflict(assessment_id: int, action_key: str) -> TrackingConflict:
    db.session.expire_all()
    item = _item(assessment_id, action_key)
    assert item is not None  # tracked actions are never deleted
    by = db.session.get(User, item.updated_by_id) if item.updated_by_id else None
    return TrackingConflict(_tracking(item), by.name if by else "A colleague")


def _item(assessment_id: int, action_key: str) -> ActionItem | None:
    return db.session.scalar(
        db.select(ActionItem).where(ActionItem.assessment_id == assessment_id, ActionItem.action_key == action_key)
    )


def _tracking(item: ActionItem) -> Tracking:
    return Tracking(item.owner or "", item.due_date, item.status, item.notes or "", item.updated_at)


def _audit(tracking: Tracking) -> dict[str, str | None]:
    due: date | None = tracking.due_date
    return {
        "owner": tracking.owner,
        "due_date": due.isoformat() if due else None,
        "status": tracking.status,
        "notes": tracking.notes,
    }
