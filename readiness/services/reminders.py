"""Reminders of actions due soon or overdue: the tracker's due dates, else those counted from the planned start.

Time passing is not an event anyone causes, so a scheduled command (``send-reminders``) sends them,
and signing in sends a person their own. Each reminder's dedupe key names the action and its due
date, so running either again tells nobody twice; moving a due date earns a fresh reminder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from readiness import reports
from readiness.action_plan import planned_start
from readiness.extensions import db
from readiness.formatting import format_date
from readiness.models import Assessment, AssessmentEditor, AssessmentVersion, User
from readiness.services import assessments
from readiness.services.notifications import notify, path_for, team_of
from readiness.services.plan import tracking_of

DUE_SOON = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class DueAction:
    assessment: Assessment
    version_number: int  # the latest version, whose action plan the reminder opens
    key: str
    title: str
    due_date: date
    overdue: bool

    @property
    def path(self) -> str:
        number, anchor = self.version_number, f"action-{self.key}"
        return path_for("reports.plan_page", anchor=anchor, assessment_id=self.assessment.id, number=number)


def due_actions(today: date, assessment_ids: set[int] | None = None) -> list[DueAction]:
    """Actions of each assessment's latest plan, not done, whose due date has passed or falls within DUE_SOON,
    soonest first: the lead's date where they set one, else the date counted from the planned start."""
    latest = (
        db.select(AssessmentVersion.assessment_id, func.max(AssessmentVersion.number).label("number"))
        .group_by(AssessmentVersion.assessment_id)
        .subquery()
    )
    statement = db.select(AssessmentVersion).join(
        latest,
        (latest.c.assessment_id == AssessmentVersion.assessment_id) & (latest.c.number == AssessmentVersion.number),
    )
    if assessment_ids is not None:
        statement = statement.where(AssessmentVersion.assessment_id.in_(assessment_ids))
    found = []
    for version in db.session.scalars(statement):
        result = assessments.result_of(version)
        rows = reports.plan_rows(
            result.actions, tracking_of(version.assessment_id), today, planned_start(result.answers)
        )
        for row in rows:
            if row.due_date is not None and row.due_date <= today + DUE_SOON and row.tracking.status != "done":
                due = DueAction(
                    version.assessment, version.number, row.action.key, row.action.title, row.due_date, row.overdue
                )
                found.append(due)
    return sorted(found, key=lambda due: (due.due_date, due.assessment.id, due.key))


def remind(due: DueAction, recipients: list[User]) -> int:
    """Tell the recipients about one due action, unless they were told already; return how many were told."""
    name = f"“{due.assessment.title}”"
    if due.overdue:
        kind, title = "action_overdue", f"An action on {name} is overdue: it was due on {format_date(due.due_date)}"
    else:
        kind, title = "action_due", f"An action on {name} is due on {format_date(due.due_date)}"
    dedupe = f"{kind}:{due.assessment.id}:{due.key}:{due.due_date.isoformat()}"
    return len(notify(recipients, kind, title, due.path, assessment=due.assessment, dedupe_key=dedupe))


def send_reminders(today: date, person: User | None = None) -> int:
    """Remind each assessment's team of its due and overdue actions (only ``person``, if given); return how many."""
    assessment_ids = None if person is None else _worked_on_by(person)
    told = 0
    for due in due_actions(today, assessment_ids):
        team = team_of(due.assessment)
        recipients = team if person is None else [user for user in team if user.id == person.id]
        try:
            count = remind(due, recipients)
            db.session.commit()
        except IntegrityError:  # another run told them at the same moment: the unique key kept one
            db.session.rollback()
            continue
        told += count
    return told


def _worked_on_by(person: User) -> set[int]:
    led = db.session.scalars(
        db.select(Assessment.id).where(Assessment.organisation_id.in_(person.organisation_ids("project_lead")))
    )
    editing = db.session.scalars(db.select(AssessmentEditor.assessment_id).where(AssessmentEditor.user_id == person.id))
    return set(led) | set(editing)
