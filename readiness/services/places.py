"""Continue where you left off: the wizard page each person goes on to next in each draft.

Saving a wizard page remembers the page the person is sent on to, per person and version, just
after the answers are committed. "Continue" links use it, and so does signing in afresh: a person whose
last session ended in a draft lands back on that page. A sign-in that carries ``next`` (a session
that expired, maybe with a page to resume) follows ``next`` instead; that is decided in the view.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from readiness.extensions import db
from readiness.models import AssessmentVersion, AuditEvent, User, WizardPlace
from readiness.models.accounts import utcnow
from readiness.permissions import can_edit
from readiness.questionnaire import Questionnaire
from readiness.services.notifications import path_for

CHECK = "check"  # the check-your-answers page, once every section is done


def remember(user: User, version: AssessmentVersion, page: str) -> None:
    """Note the page a person goes on to next in a draft; the caller commits."""
    place = db.session.scalar(
        db.select(WizardPlace).where(WizardPlace.user_id == user.id, WizardPlace.version_id == version.id)
    )
    if place is None:
        db.session.add(WizardPlace(user_id=user.id, version_id=version.id, page=page, saved_at=utcnow()))
        try:
            db.session.flush()
        except IntegrityError:  # the same person saving from two tabs at once; either place will do
            db.session.rollback()
        return
    place.page, place.saved_at = page, utcnow()


def first_unanswered(questionnaire: Questionnaire, answers: dict[str, Any]) -> str:
    """The first section with a question still to answer, or the check page when none is left."""
    effective = questionnaire.applicable(answers)
    for section in questionnaire.sections:
        if any(effective[q.id] in (None, "", []) for q in section.questions if q.id in effective):
            return section.id
    return CHECK


def page_path(version: AssessmentVersion, page: str) -> str:
    if page == CHECK:
        return path_for("wizard.check", assessment_id=version.assessment_id, number=version.number)
    return path_for("wizard.section", assessment_id=version.assessment_id, number=version.number, section_id=page)


def remembered(user: User, version_ids: list[int]) -> dict[int, str]:
    """The remembered page of each of these drafts, for one person."""
    rows = db.session.execute(
        db.select(WizardPlace.version_id, WizardPlace.page).where(
            WizardPlace.user_id == user.id, WizardPlace.version_id.in_(version_ids)
        )
    )
    return {row.version_id: row.page for row in rows}


def landing_path(user: User) -> str | None:
    """Where a fresh sign-in takes a person: the draft page they went on to in their last session, if any.

    Call it before the new sign-in is audited: "the last session" is what followed the previous one.
    """
    previous = db.session.scalar(
        db.select(AuditEvent.occurred_at)
        .where(AuditEvent.actor_id == user.id, AuditEvent.action == "signed_in")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    if previous is None:
        return None
    place = db.session.scalar(
        db.select(WizardPlace)
        .where(WizardPlace.user_id == user.id, WizardPlace.saved_at >= previous)
        .order_by(WizardPlace.saved_at.desc(), WizardPlace.id.desc())
        .limit(1)
    )
    if place is None or not place.version.is_draft or not can_edit(user, place.version.assessment):
        return None
    return page_path(place.version, place.page)
