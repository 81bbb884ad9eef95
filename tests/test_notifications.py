"""People are told what concerns them, in the service and by email, and nobody else is told or can look."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email import policy
from email.message import Message
from email.parser import BytesParser
from pathlib import Path

import pytest
from flask import Flask

from readiness.extensions import db
from readiness.models import Answer, AssessmentVersion, BidQuery, Notification
from readiness.services import notifications
from tests.conftest import make_app
from tests.support.factory import Factory
from tests.support.smtp import Mailbox, body_of
from tests.support.team import Team, bid_team

QUERY = "Who supervises the assistant practitioners at night?"
REPLY = "The band 6 nurse in charge, named on each rota."
NOTE = "Private note: the finance director has not yet signed off"
SERVICE = "https://readiness.example.nhs.uk"


def subject_of(message: Message) -> str:
    """The subject as the person reads it (unfolded and decoded)."""
    return str(BytesParser(policy=policy.default).parsebytes(message.as_bytes())["Subject"])


class Told:
    """The notifications created since the last look, by recipient: {user id: [(kind, path)]}."""

    def __init__(self) -> None:
        self.seen = 0

    def since(self) -> dict[int, list[tuple[str, str]]]:
        rows = db.session.scalars(db.select(Notification).where(Notification.id > self.seen).order_by(Notification.id))
        found: dict[int, list[tuple[str, str]]] = {}
        for row in rows:
            found.setdefault(row.user_id, []).append((row.kind, row.path))
            self.seen = row.id
        return found


def live_the_bid(app: Flask, make: Factory, team: Team, told: Told) -> dict[str, dict[int, list[tuple[str, str]]]]:
    """Submit, decide, share, query and reply through the pages each person uses; note who was told at each step."""
    base = team.base
    steps = {}
    lead = team.client(app, make, team.lead)
    assert lead.post(f"{base}/v/1/submit").status_code == 302
    steps["submitted"] = told.since()
    board = team.client(app, make, team.board)
    decision = {"decision": "approved_with_conditions", "conditions": "Name a supervisor", "comments": ""}
    assert board.post(f"{base}/v/1/decision", data=decision).status_code == 302
    steps["decision"] = told.since()
    assert lead.post(f"/sharing/{team.assessment.id}/v/1", data={"organisation_id": team.funder.id}).status_code == 302
    steps["shared"] = told.since()
    version = db.session.scalar(
        db.select(AssessmentVersion).where(AssessmentVersion.assessment_id == team.assessment.id)
    )
    commissioner = team.client(app, make, team.commissioner)
    assert commissioner.post(f"/portfolio/bids/{version.id}/queries", data={"text": QUERY}).status_code == 302
    steps["query_raised"] = told.since()
    query = db.session.scalar(db.select(BidQuery))
    second_lead = team.client(app, make, team.second_lead)
    reply_url = f"/sharing/{team.assessment.id}/v/1/queries/{query.id}"
    assert second_lead.post(reply_url, data={"response": REPLY}).status_code == 302
    steps["query_answered"] = told.since()
    return steps


def test_each_event_tells_exactly_the_people_it_concerns(app: Flask, make: Factory) -> None:
    team = bid_team(make)
    steps = live_the_bid(app, make, team, Told())
    base = team.base
    version_id = db.session.scalar(db.select(AssessmentVersion.id))
    query_id = db.session.scalar(db.select(BidQuery.id))
    # The board is asked to decide (not the deactivated member, not the lead who submitted).
    assert steps["submitted"] == {team.board.id: [("submitted", f"{base}/v/1/results")]}
    # Everyone working on it hears of the decision, including the invited editor.
    decided = [("decision", f"{base}/v/1/results#decision")]
    assert steps["decision"] == {team.lead.id: decided, team.second_lead.id: decided, team.editor.id: decided}
    # Both commissioners of the organisation it was shared with; not the other commissioning organisation.
    shared = [("shared", f"/portfolio/bids/{version_id}")]
    assert steps["shared"] == {team.commissioner.id: shared, team.second_commissioner.id: shared}
    # The query goes to the team, on the page where they reply.
    raised = [("query_raised", f"/sharing/{team.assessment.id}/v/1/queries/{query_id}")]
    assert steps["query_raised"] == {team.lead.id: raised, team.second_lead.id: raised, team.editor.id: raised}
    # The reply goes to the commissioner who asked, and no one else.
    assert steps["query_answered"] == {
        team.commissioner.id: [("query_answered", f"/portfolio/bids/{version_id}#queries")]
    }
    titles = " ".join(db.session.scalars(db.select(Notification.title)))
    assert QUERY not in titles and REPLY not in titles and "Name a supervisor" not in titles


def spoken_header_link(html: str) -> str:
    """The notifications link's accessible name: its text, leaving out what is hidden from assistive technology."""
    link = re.search(r'<a class="nhsuk-header__account-link" href="/notifications/">(.*?)</a>', html, re.S)
    assert link is not None
    shown = re.sub(r'<span aria-hidden="true">.*?</span></span>', "", link.group(1), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", "", shown).split())


def test_the_header_counts_unread_notifications_with_a_spoken_name(app: Flask, make: Factory) -> None:
    team = bid_team(make)
    live_the_bid(app, make, team, Told())
    page = team.client(app, make, team.lead).get("/").text
    assert spoken_header_link(page) == "Notifications, 2 unread"
    assert '<span class="app-count">2</span>' in page  # and the count shows
    assert spoken_header_link(team.client(app, make, team.outsider_lead).get("/").text) == "Notifications"


def test_a_person_sees_follows_and_clears_only_their_own_notifications(app: Flask, make: Factory) -> None:
    team = bid_team(make)
    live_the_bid(app, make, team, Told())
    board, lead = team.client(app, make, team.board), team.client(app, make, team.lead)
    mine = db.session.scalar(db.select(Notification).where(Notification.user_id == team.board.id))
    listed = board.get("/notifications/").text
    assert "Unread (1)" in listed and "awaits the board" in listed
    assert "query" not in lead.get("/notifications/").text.split("Unread")[0]  # nothing above the list leaks
    assert "awaits the board" not in lead.get("/notifications/").text

    # Someone else's notification is not found, and stays unread.
    assert lead.get(f"/notifications/{mine.id}").status_code == 404
    db.session.refresh(mine)
    assert mine.read_at is None
    # Following one's own opens its page and marks it read.
    followed = board.get(f"/notifications/{mine.id}")
    assert followed.status_code == 302 and followed.location == f"{team.base}/v/1/results"
    db.session.refresh(mine)
    assert mine.read_at is not None

    # Marking all as read touches only the person's own.
    assert lead.post("/notifications/read").status_code == 302
    unread = db.session.scalars(db.select(Notification.user_id).where(Notification.read_at.is_(None))).all()
    assert team.lead.id not in unread and team.commissioner.id in unread and team.editor.id in unread
    assert "Unread (0)" in lead.get("/notifications/").text


def test_a_notification_links_only_to_a_page_of_this_site(app: Flask, make: Factory) -> None:
    team = bid_team(make)
    for bad in ("https://evil.example/x", "//evil.example/x", "results"):
        with pytest.raises(ValueError, match="path on this site"):
            notifications.notify([team.lead], "reminder", "A title", bad)


@pytest.fixture
def mail_app(database_url: str, tmp_path: Path, mailbox: Mailbox) -> Iterator[Flask]:
    app = make_app(
        database_url, tmp_path / "instance", WTF_CSRF_ENABLED=False, SERVICE_URL=SERVICE + "/", **mailbox.config
    )
    with app.app_context():
        yield app


def test_emails_name_the_assessment_and_link_to_it_and_carry_nothing_else(mail_app: Flask, mailbox: Mailbox) -> None:
    make = Factory(mail_app)
    team = bid_team(make)
    answer = db.session.scalar(db.select(Answer).where(Answer.question_id == "need_patient_need"))
    answer.note = NOTE  # the draft's note is frozen into the snapshot at submission
    db.session.commit()
    live_the_bid(mail_app, make, team, Told())
    # submitted: 1 board member; decision: 3; shared: 2; query: 3; reply: 1.
    messages = mailbox.wait_for(10)
    assert len(messages) == 10
    recipients = sorted(message["To"] for message in messages)
    everyone_told = [team.board] + [team.lead, team.second_lead, team.editor] * 2
    everyone_told += [team.commissioner, team.second_commissioner, team.commissioner]
    assert recipients == sorted(user.email for user in everyone_told)
    assert team.former_board.email not in recipients and team.outsider_commissioner.email not in recipients
    for message in messages:
        body, subject = body_of(message), subject_of(message)
        for secret in (QUERY, REPLY, NOTE, "Name a supervisor", "need_patient_need", "Does the role meet"):
            assert secret not in body and secret not in subject
        assert "“Band 4 assistant practitioner”" in subject and subject in body
        link = re.search(r"^https://readiness\.example\.nhs\.uk/\S*\r?$", body, re.M)
        assert link is not None, body
    [to_lead] = [m for m in mailbox.to(team.lead.email) if "query" in subject_of(m)]
    query_id = db.session.scalar(db.select(BidQuery.id))
    assert f"{SERVICE}/sharing/{team.assessment.id}/v/1/queries/{query_id}" in body_of(to_lead)
    assert f"{SERVICE}/notifications/" in body_of(to_lead)


def test_a_change_that_is_rolled_back_emails_nobody(mail_app: Flask, mailbox: Mailbox) -> None:
    make = Factory(mail_app)
    lead = make.user("project_lead")
    notifications.notify([lead], "reminder", "Rolled back", "/")
    db.session.rollback()
    notifications.notify([lead], "reminder", "Kept", "/")
    db.session.commit()
    assert [subject_of(message) for message in mailbox.wait_for(1)] == ["Kept"]
    assert db.session.scalars(db.select(Notification.title)).all() == ["Kept"]


def test_deactivated_and_demo_accounts_get_no_email(mail_app: Flask, mailbox: Mailbox) -> None:
    make = Factory(mail_app)
    active, gone, demo = make.user(), make.user(), make.user()
    gone.active, demo.is_demo = False, True
    notifications.notify([active, gone, demo], "reminder", "Hello", "/")
    db.session.commit()
    assert [message["To"] for message in mailbox.wait_for(1)] == [active.email]
    told = set(db.session.scalars(db.select(Notification.user_id)))
    assert told == {active.id, demo.id}  # a demo account is told in the service; a deactivated one not at all


def test_without_an_address_for_the_service_no_email_is_sent(
    database_url: str, tmp_path: Path, mailbox: Mailbox, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(database_url, tmp_path / "instance", SERVER_NAME=None, **mailbox.config)
    with app.app_context():
        user = Factory(app).user()
        notifications.notify([user], "reminder", "Hello", "/")
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count(Notification.id))) == 1
    assert mailbox.messages == []
    assert "set SERVICE_URL" in caplog.text


def test_a_dedupe_key_tells_each_person_once(app: Flask, make: Factory) -> None:
    first, second = make.user(), make.user()
    assert len(notifications.notify([first], "reminder", "Once", "/", dedupe_key="k")) == 1
    db.session.commit()
    assert [n.user_id for n in notifications.notify([first, second], "reminder", "Once", "/", dedupe_key="k")] == [
        second.id
    ]
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == 2
