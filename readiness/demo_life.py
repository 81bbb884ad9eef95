"""The demo's bids over months: a commissioner's queries and a reply, a tracked plan, a second version.

Everything goes through the services people use, so the demo's notifications are the ones they
would have received. Only the featured bids' notifications are left unread: they are the news.
"""

from __future__ import annotations

from datetime import timedelta

from readiness.demo_data import COMMISSIONER, NORTHFIELD, person
from readiness.extensions import db
from readiness.models import Assessment, Notification, Organisation, User
from readiness.models.accounts import utcnow
from readiness.reports import Tracking
from readiness.services import assessments, places, plan, reminders, reporting, sharing
from readiness.services.answers import Entry, save, saved_rows

QUERIES = (
    (
        "Which university will deliver the foundation degree, and when does the first cohort start?",
        "Westshire University. The first cohort starts in September 2027, with four trainees.",
    ),
    ("How will protected learning time be backfilled on the wards?", None),
)
# (due in days from today, status) for the first actions of the plan: one overdue, one due soon, one later.
TRACKED = ((-10, "in_progress"), (4, "not_started"), (45, "not_started"), (-20, "done"))


def live_featured_bids(featured: list[Assessment], commissioner: Organisation | None) -> None:
    """Give the first featured bid its queries, tracked actions and a second version; leave only their news unread."""
    if not featured:
        return
    keep_unread = {assessment.id for assessment in featured}
    db.session.execute(
        db.update(Notification)
        .where(Notification.assessment_id.not_in(keep_unread) | Notification.assessment_id.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    lead, reader = person(NORTHFIELD, "project_lead"), person(COMMISSIONER, "commissioner")
    bid = featured[0]
    if lead is None or reader is None or commissioner is None:
        return
    first = assessments.latest_version(bid)
    for question, reply in QUERIES:
        query = sharing.raise_query(first, reader, question)
        if reply:
            sharing.answer_query(query, lead, reply)
    db.session.commit()
    _track(bid, lead)
    _start_second_version(bid, lead)
    reminders.send_reminders(utcnow().date())


def _track(bid: Assessment, lead: User) -> None:
    today = utcnow().date()
    rows = reporting.load(assessments.latest_version(bid), today).report.plan
    for row, (days, status) in zip(rows, TRACKED, strict=False):
        tracking = Tracking("Demo Project Lead, workforce lead", today + timedelta(days=days), status, "")
        assert plan.save_tracking(bid, row.action.key, tracking, lead, None) is None


def _start_second_version(bid: Assessment, lead: User) -> None:
    """Version 2 is a draft: the training answers the board's conditions asked about are being improved."""
    draft = assessments.start_new_version(bid, assessments.latest_version(bid).number, lead)
    questionnaire = assessments.questionnaire_of(draft)
    rows = saved_rows(draft.id)
    better = {
        q.id: "yes"
        for q in questionnaire.section("training").questions
        if q.kind == "scale" and q.id in rows and rows[q.id].value in ("no", "not_sure")
    }
    seen = {qid: rows[qid].revision for qid in better}
    assert not save(
        draft, {qid: Entry(value, rows[qid].note, rows[qid].evidence_url) for qid, value in better.items()}, seen, lead
    )
    places.remember(lead, draft, "evaluation")
    db.session.commit()
