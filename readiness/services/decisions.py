"""Board decisions: recorded once, never edited; a newer decision supersedes an older one."""

from __future__ import annotations

from readiness import audit
from readiness.extensions import db
from readiness.models import AssessmentVersion, BoardDecision, User
from readiness.services import events

DECISIONS = ("approved", "approved_with_conditions", "deferred", "not_approved")


class DecisionRefused(ValueError):
    """A decision cannot be recorded on this version (it is still a draft)."""


def decisions_of(version_ids: list[int]) -> dict[int, list[BoardDecision]]:
    """Return each version's decisions, newest first, in one query."""
    found: dict[int, list[BoardDecision]] = {version_id: [] for version_id in version_ids}
    rows = db.session.scalars(
        db.select(BoardDecision)
        .where(BoardDecision.version_id.in_(version_ids))
        .order_by(BoardDecision.recorded_at.desc(), BoardDecision.id.desc())
    )
    for row in rows:
        found[row.version_id].append(row)
    return found


def record(version: AssessmentVersion, decision: str, conditions: str, comments: str, user: User) -> BoardDecision:
    """Record a board's decision on a submitted version, superseding any earlier one."""
    if version.is_draft:
        raise DecisionRefused("A decision can only be recorded on a submitted version")
    if decision not in DECISIONS:
        raise DecisionRefused(f"Unknown decision {decision!r}")
    previous = decisions_of([version.id])[version.id]
    row = BoardDecision(
        version_id=version.id, decision=decision, conditions=conditions, comments=comments, recorded_by_id=user.id
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "board_decision_recorded",
        "board_decision",
        row.id,
        organisation_id=version.assessment.organisation_id,
        assessment_id=version.assessment_id,
        version=version.number,
        decision=decision,
        conditions=conditions,
        comments=comments,
        supersedes=previous[0].id if previous else None,
    )
    events.decided(version, user)
    db.session.commit()
    return row
