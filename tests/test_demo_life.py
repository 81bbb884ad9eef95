"""`flask demo` shows a bid's life over months, and lists every account it creates."""

from __future__ import annotations

from typing import Any

from readiness.demo_data import DEMO_PEOPLE
from readiness.extensions import db
from readiness.models import Assessment, AssessmentVersion, BidQuery, BoardDecision, Notification, Share, User
from readiness.models.accounts import ROLES
from readiness.services.accounts import DEMO_PASSWORD


def test_demo_lists_every_account_it_creates(runner: Any) -> None:
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    for user in db.session.scalars(db.select(User)):
        [membership] = user.memberships
        line = next(line for line in result.output.splitlines() if line.split()[:1] == [user.email])
        assert ROLES[membership.role] in line and membership.organisation.name in line
    assert len(DEMO_PEOPLE) == db.session.scalar(db.select(db.func.count(User.id)))
    assert f"Password for every demo account: {DEMO_PASSWORD}" in result.output


def test_every_lead_has_a_draft_in_progress(runner: Any) -> None:
    assert runner.invoke(args=["demo"]).exit_code == 0
    for user in db.session.scalars(db.select(User)):
        for organisation_id in user.organisation_ids("project_lead"):
            latest = [
                assessment.versions[-1]
                for assessment in db.session.scalars(
                    db.select(Assessment).where(Assessment.organisation_id == organisation_id)
                )
            ]
            assert any(version.is_draft for version in latest), user.email


def test_a_bid_lives_two_versions_decided_by_the_board_shared_and_queried(runner: Any) -> None:
    assert runner.invoke(args=["demo"]).exit_code == 0
    bid = db.session.scalar(db.select(Assessment).where(Assessment.title == "Trainee nursing associate"))
    first, second = bid.versions
    assert (first.state, second.state) == ("submitted", "draft")
    [decision] = db.session.scalars(db.select(BoardDecision).where(BoardDecision.version_id == first.id))
    assert decision.decision == "approved_with_conditions" and decision.recorded_by.email == "board@demo.example"
    assert db.session.scalar(db.select(Share.id).where(Share.version_id == first.id)) is not None
    queries = db.session.scalars(db.select(BidQuery).where(BidQuery.version_id == first.id).order_by(BidQuery.id)).all()
    assert [query.response is None for query in queries] == [False, True]


def test_board_decisions_are_recorded_by_board_members_never_by_leads(runner: Any) -> None:
    assert runner.invoke(args=["demo"]).exit_code == 0
    decided = db.session.execute(
        db.select(BoardDecision, Assessment.organisation_id)
        .join(AssessmentVersion, AssessmentVersion.id == BoardDecision.version_id)
        .join(Assessment, Assessment.id == AssessmentVersion.assessment_id)
    ).all()
    assert len(decided) >= 4
    for decision, organisation_id in decided:
        assert decision.recorded_by.roles_in(organisation_id) == {"board_member"}, decision.recorded_by.email


def test_each_demo_role_has_news_and_loading_again_adds_none(runner: Any) -> None:
    assert runner.invoke(args=["demo"]).exit_code == 0
    unread = set(
        db.session.scalars(
            db.select(User.email)
            .join(Notification, Notification.user_id == User.id)
            .where(Notification.read_at.is_(None))
        )
    )
    assert {"lead@demo.example", "board@demo.example", "commissioner@demo.example"} <= unread
    kinds = set(db.session.scalars(db.select(Notification.kind)))
    assert {
        "submitted",
        "decision",
        "shared",
        "query_raised",
        "query_answered",
        "action_overdue",
        "action_due",
    } <= kinds
    count = db.session.scalar(db.select(db.func.count(Notification.id)))
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == count
