"""What needs each person now, by the roles they hold: the home page's lists, a query or two each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func

from readiness.extensions import db
from readiness.models import (
    Assessment,
    AssessmentEditor,
    AssessmentVersion,
    BidQuery,
    BoardDecision,
    Organisation,
    Share,
    User,
)
from readiness.permissions import assessment_ids_editable_by
from readiness.services import assessments, places
from readiness.services.reminders import DueAction, due_actions

RECENT = timedelta(days=30)  # how long a share, a reply or a decision counts as news
LISTED = 10
AV = AssessmentVersion


@dataclass(frozen=True, slots=True)
class Draft:
    version: AssessmentVersion
    answered: int
    applicable: int
    continue_path: str
    remembered: bool  # the link goes back to where this person left off, not just to the first gap


@dataclass(frozen=True, slots=True)
class QueryItem:
    query: BidQuery
    version: AssessmentVersion
    commissioner: str


@dataclass(frozen=True, slots=True)
class DecisionItem:
    decision: BoardDecision
    version: AssessmentVersion


@dataclass(frozen=True, slots=True)
class ShareItem:
    share: Share
    version: AssessmentVersion


@dataclass(frozen=True, slots=True)
class People:
    active: int
    deactivated: int
    organisations: int


@dataclass(frozen=True, slots=True)
class Home:
    """What one person's home page shows: a part for each kind of work they do."""

    works_on: bool  # leads assessments, or was invited to edit one
    can_start: bool
    drafts: list[Draft]
    queries: list[QueryItem]
    actions: list[DueAction]
    board: bool
    awaiting: list[AssessmentVersion]
    decisions: list[DecisionItem]
    commissioner: bool
    shared: list[ShareItem]
    their_queries: list[QueryItem]
    people: People | None  # for administrators

    @property
    def has_work(self) -> bool:
        return self.works_on or self.board or self.commissioner or self.people is not None


def home_of(user: User, now: datetime) -> Home:
    """Gather each part of a person's home page that their roles call for."""
    works_on = works_on_assessments(user)
    board, commissioner = user.has_role("board_member"), user.has_role("commissioner")
    return Home(
        works_on=works_on,
        can_start=user.has_role("project_lead"),
        drafts=drafts_to_continue(user) if works_on else [],
        queries=queries_to_answer(user) if works_on else [],
        actions=actions_due(user, now.date()) if works_on else [],
        board=board,
        awaiting=awaiting_decision(user) if board else [],
        decisions=recent_decisions(user) if board else [],
        commissioner=commissioner,
        shared=newly_shared(user, now) if commissioner else [],
        their_queries=commissioner_queries(user, now) if commissioner else [],
        people=people() if user.is_admin else None,
    )


def works_on_assessments(user: User) -> bool:
    """Whether a person leads assessments or was invited to edit one."""
    if user.has_role("project_lead"):
        return True
    invited = db.session.scalar(db.select(AssessmentEditor.id).where(AssessmentEditor.user_id == user.id).limit(1))
    return invited is not None


def drafts_to_continue(user: User) -> list[Draft]:
    """The drafts a person may edit, most recently changed first, each with where to carry on."""
    versions = list(
        db.session.scalars(
            db.select(AV)
            .where(AV.state == "draft", AV.assessment_id.in_(assessment_ids_editable_by(user)))
            .order_by(AV.updated_at.desc(), AV.id.desc())
        )
    )
    progress = assessments.progress_of(versions)
    remembered = places.remembered(user, [version.id for version in versions])
    drafts = []
    for version in versions:
        page = remembered.get(version.id) or places.first_unanswered(
            assessments.questionnaire_of(version), assessments.answers_of(version)
        )
        answered, applicable = progress[version.id]
        drafts.append(Draft(version, answered, applicable, places.page_path(version, page), version.id in remembered))
    return drafts


def queries_to_answer(user: User) -> list[QueryItem]:
    """Commissioners' queries with no reply yet, on assessments the person may edit, oldest first."""
    rows = db.session.execute(
        db.select(BidQuery, AV, Organisation.name)
        .join(AV, AV.id == BidQuery.version_id)
        .join(Organisation, Organisation.id == BidQuery.organisation_id)
        .where(BidQuery.response.is_(None), AV.assessment_id.in_(assessment_ids_editable_by(user)))
        .order_by(BidQuery.raised_at, BidQuery.id)
    )
    return [QueryItem(*row) for row in rows]


def actions_due(user: User, today: date) -> list[DueAction]:
    """Tracked actions overdue or due soon on assessments the person may edit."""
    return due_actions(today, set(db.session.scalars(assessment_ids_editable_by(user))))


def awaiting_decision(user: User) -> list[AssessmentVersion]:
    """For a board member: each assessment's latest submitted version that has no decision yet, oldest first."""
    latest = (
        db.select(AV.assessment_id, func.max(AV.number).label("number"))
        .where(AV.state == "submitted")
        .group_by(AV.assessment_id)
        .subquery()
    )
    decided = db.select(BoardDecision.id).where(BoardDecision.version_id == AV.id).exists()
    return list(
        db.session.scalars(
            db.select(AV)
            .join(latest, (latest.c.assessment_id == AV.assessment_id) & (latest.c.number == AV.number))
            .join(Assessment, Assessment.id == AV.assessment_id)
            .where(Assessment.organisation_id.in_(user.organisation_ids("board_member")), ~decided)
            .order_by(AV.submitted_at, AV.id)
        )
    )


def recent_decisions(user: User) -> list[DecisionItem]:
    """For a board member: the latest decisions recorded in their organisations."""
    rows = db.session.execute(
        db.select(BoardDecision, AV)
        .join(AV, AV.id == BoardDecision.version_id)
        .join(Assessment, Assessment.id == AV.assessment_id)
        .where(Assessment.organisation_id.in_(user.organisation_ids("board_member")))
        .order_by(BoardDecision.recorded_at.desc(), BoardDecision.id.desc())
        .limit(LISTED)
    )
    return [DecisionItem(*row) for row in rows]


def newly_shared(user: User, now: datetime) -> list[ShareItem]:
    """For a commissioner: bids shared with their organisations lately, newest first."""
    rows = db.session.execute(
        db.select(Share, AV)
        .join(AV, AV.id == Share.version_id)
        .where(Share.organisation_id.in_(user.organisation_ids("commissioner")), Share.shared_at >= now - RECENT)
        .order_by(Share.shared_at.desc(), Share.id.desc())
        .limit(LISTED)
    )
    return [ShareItem(*row) for row in rows]


def commissioner_queries(user: User, now: datetime) -> list[QueryItem]:
    """For a commissioner: their organisations' queries still waiting for a reply, or replied to lately."""
    rows = db.session.execute(
        db.select(BidQuery, AV, Organisation.name)
        .join(AV, AV.id == BidQuery.version_id)
        .join(Organisation, Organisation.id == BidQuery.organisation_id)
        .where(
            BidQuery.organisation_id.in_(user.organisation_ids("commissioner")),
            BidQuery.response.is_(None) | (BidQuery.responded_at >= now - RECENT),
        )
        .order_by(BidQuery.response.is_not(None), BidQuery.raised_at.desc(), BidQuery.id.desc())
        .limit(LISTED)
    )
    return [QueryItem(*row) for row in rows]


def people() -> People:
    """For an administrator: how many people and organisations the service holds."""
    active, total = db.session.execute(
        db.select(func.count(User.id).filter(User.active.is_(True)), func.count(User.id))
    ).one()
    organisations = db.session.scalar(db.select(func.count(Organisation.id)))
    return People(active, total - active, organisations)
