"""Actions due soon or overdue are reminded once each: by the scheduled command, and when their lead signs in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from readiness.extensions import db
from readiness.models import Notification
from readiness.models.accounts import utcnow
from readiness.reports import Tracking
from readiness.services import assessments, plan, reporting
from tests.conftest import make_app
from tests.support.factory import PASSWORD, Factory
from tests.support.smtp import Mailbox
from tests.support.team import Team, bid_team


def track(team: Team, due_in: dict[str, tuple[int | None, str]]) -> dict[str, str]:
    """Give the first actions of the plan due dates (days from today) and statuses; return their keys by name."""
    today = utcnow().date()
    version = assessments.latest_version(team.assessment)
    rows = reporting.load(version, today).report.plan
    keys = {}
    for row, (name, (days, status)) in zip(rows, due_in.items(), strict=False):
        due = today + timedelta(days=days) if days is not None else None
        seen = plan.tracking_of(team.assessment.id).get(row.action.key)
        stamp = seen.updated_at if seen else None
        assert (
            plan.save_tracking(team.assessment, row.action.key, Tracking("Jo", due, status, ""), team.lead, stamp)
            is None
        )
        keys[name] = row.action.key
    return keys


def reminders() -> list[tuple[int, str, str]]:
    rows = db.session.execute(
        db.select(Notification.user_id, Notification.kind, Notification.path)
        .where(Notification.kind.in_(("action_due", "action_overdue")))
        .order_by(Notification.id)
    )
    return [tuple(row) for row in rows]


PLAN = {
    "overdue": (-3, "in_progress"),
    "soon": (2, "not_started"),
    "later": (30, "not_started"),
    "done": (-5, "done"),
    "undated": (None, "not_started"),
}


def test_the_command_reminds_the_team_once_of_each_due_and_overdue_action(
    app: Flask, make: Factory, runner: Any
) -> None:
    team = bid_team(make)
    keys = track(team, PLAN)
    first = runner.invoke(args=["send-reminders"])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("6 new reminders")
    base = f"{team.base}/v/1/plan#action-"
    expected = [
        (person.id, kind, base + keys[name])
        for name, kind in (("overdue", "action_overdue"), ("soon", "action_due"))
        for person in (team.lead, team.editor, team.second_lead)
    ]
    assert sorted(reminders()) == sorted(expected)
    titles = db.session.scalars(db.select(Notification.title)).all()
    assert any("is overdue: it was due on" in title for title in titles)

    again = runner.invoke(args=["send-reminders"])
    assert again.exit_code == 0 and again.output.startswith("0 new reminders")
    assert len(reminders()) == 6


def test_a_new_due_date_or_the_passing_of_time_earns_a_new_reminder(app: Flask, make: Factory, runner: Any) -> None:
    team = bid_team(make)
    keys = track(team, {"soon": (2, "not_started")})
    assert runner.invoke(args=["send-reminders"]).output.startswith("3 new")
    future = (utcnow().date() + timedelta(days=5)).isoformat()
    assert runner.invoke(args=["send-reminders", "--today", future]).output.startswith("3 new")
    assert {kind for _, kind, _ in reminders()} == {"action_due", "action_overdue"}
    track(team, {"soon": (3, "not_started")})  # moved: a fresh reminder of the new date
    assert runner.invoke(args=["send-reminders"]).output.startswith("3 new")
    assert len(reminders()) == 9 and all(path.endswith(keys["soon"]) for _, _, path in reminders())


def test_a_bad_date_is_refused_with_status_2(app: Flask, runner: Any) -> None:
    result = runner.invoke(args=["send-reminders", "--today", "31/12/2027"])
    assert result.exit_code == 2 and "--today" in result.output


def test_signing_in_brings_a_person_their_own_reminders(app: Flask, make: Factory) -> None:
    team = bid_team(make)
    track(team, PLAN)
    client = app.test_client()
    assert client.post("/sign-in", data={"email": team.editor.email, "password": PASSWORD}).status_code == 302
    assert {(user_id, kind) for user_id, kind, _ in reminders()} == {
        (team.editor.id, "action_overdue"),
        (team.editor.id, "action_due"),
    }
    client.post("/sign-out")
    client.post("/sign-in", data={"email": team.editor.email, "password": PASSWORD})
    assert len(reminders()) == 2
    home = client.get("/").text
    assert "Actions due" in home and "Overdue" in home and "Due soon" in home


@pytest.fixture
def mail_app(database_url: str, tmp_path: Path, mailbox: Mailbox) -> Iterator[Flask]:
    app = make_app(database_url, tmp_path / "instance", WTF_CSRF_ENABLED=False, **mailbox.config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_each_reminder_is_emailed_once(mail_app: Flask, mailbox: Mailbox) -> None:
    team = bid_team(Factory(mail_app))
    track(team, {"overdue": (-1, "not_started")})
    runner = mail_app.test_cli_runner()
    assert runner.invoke(args=["send-reminders"]).exit_code == 0
    assert len(mailbox.wait_for(3)) == 3
    assert runner.invoke(args=["send-reminders"]).exit_code == 0
    assert len(mailbox.wait_for(4, timeout=0.5)) == 3
    assert sorted(m["To"] for m in mailbox.messages) == sorted(
        u.email for u in (team.lead, team.second_lead, team.editor)
    )
    assert all("http://localhost/assessments/" in m.get_payload() for m in mailbox.messages)


def test_an_action_due_today_is_due_not_overdue(app: Flask, make: Factory, runner: Any) -> None:
    team = bid_team(make)
    track(team, {"today": (0, "not_started")})
    runner.invoke(args=["send-reminders"])
    assert {kind for _, kind, _ in reminders()} == {"action_due"}


def test_actions_the_lead_gave_no_date_are_due_by_the_planned_start(app: Flask, make: Factory, runner: Any) -> None:
    team = bid_team(make)
    version = assessments.latest_version(team.assessment)
    start = utcnow().date() + timedelta(days=3)
    make.answer(version, team.lead, {"planned_start": start.isoformat()})
    before_launch = [
        r for r in reporting.load(version, utcnow().date()).report.plan if r.action.timing == "before_launch"
    ]
    assert before_launch and all(row.due_date == start and row.due_from_start for row in before_launch)
    keys = track(team, {"done": (None, "done")})  # the first action is done: no reminder for it
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    reminded = {path.rsplit("#action-", 1)[1] for _, kind, path in reminders() if kind == "action_due"}
    assert reminded == {row.action.key for row in before_launch} - {keys["done"]}
    late = (start + timedelta(days=1)).isoformat()
    assert runner.invoke(args=["send-reminders", "--today", late]).exit_code == 0
    assert any(kind == "action_overdue" for _, kind, _ in reminders())
