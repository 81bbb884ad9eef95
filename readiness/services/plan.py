"""The action plan tracker: the lead's owner, due date, status and notes on each planned action."""

from __future__ import annotations

from datetime import date

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


def save_tracking(assessment: Assessment, action_key: str, tracking: Tracking, user: User) -> None:
    """Create or update an action's tracking, and record the change in the audit trail."""
    item = _item(assessment.id, action_key)
    old = _tracking(item) if item else Tracking()
    if item is None:
        item = ActionItem(assessment_id=assessment.id, action_key=action_key)
        db.session.add(item)
        try:
            db.session.flush()
        except IntegrityError:  # a colleague created it first: update theirs
            db.session.rollback()
            item = _item(assessment.id, action_key)
            assert item is not None
    item.owner, item.due_date, item.status, item.notes = (
        tracking.owner,
        tracking.due_date,
        tracking.status,
        tracking.notes,
    )
    item.updated_at = utcnow()
    item.updated_by_id = user.id
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
