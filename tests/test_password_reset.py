"""Password reset links: issued by an administrator or on the command line, single use, expiring, ending sessions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from readiness.extensions import db
from readiness.models import AuditEvent, User
from readiness.services import password_reset, sessions
from tests.conftest import make_app
from tests.support.factory import PASSWORD, Factory
from tests.support.smtp import Mailbox

NEW_PASSWORD = "a-brand-new-password"
LINK = re.compile(r"https?://[^\s<\"]+/reset-password/[\w.\-]+")


def signed_in(app: Flask, user: User, password: str = PASSWORD) -> FlaskClient:
    client = app.test_client()
    assert client.post("/sign-in", data={"email": user.email, "password": password}).status_code == 302
    return client


def issue_from_the_admin_page(app: Flask, make: Factory, person: User) -> str:
    admin = signed_in(app, make.user(role="administrator"))
    assert f'action="/admin/users/{person.id}/reset-link"' in admin.get(f"/admin/people/{person.id}").text
    assert "Send a password reset link" in admin.get(f"/admin/users/{person.id}/reset-link").text
    page = admin.post(f"/admin/users/{person.id}/reset-link")
    assert page.status_code == 200
    return LINK.search(page.text).group(0)


def path_of(link: str) -> str:
    return link[link.index("/reset-password/") :]


def test_a_reset_link_sets_a_new_password_once_and_ends_every_session(app: Flask, make: Factory) -> None:
    person = make.user()
    elsewhere = signed_in(app, person)
    link = issue_from_the_admin_page(app, make, person)
    visitor = app.test_client()

    assert "Set a new password" in visitor.get(path_of(link)).text
    done = visitor.post(path_of(link), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert done.location == "/sign-in"
    assert elsewhere.get("/assessments/").status_code == 302  # signed out on the device used before
    assert visitor.post("/sign-in", data={"email": person.email, "password": PASSWORD}).status_code == 200
    assert signed_in(app, person, NEW_PASSWORD)
    again = app.test_client().post(
        path_of(link), data={"password": "another-password!", "confirm": "another-password!"}
    )
    assert again.status_code == 404 and "This link no longer works" in again.text
    actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.object_id == str(person.id))).all()
    assert "password_reset_link_issued" in actions and "password_reset" in actions


def test_a_reset_link_expires(app: Flask, make: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
    person = make.user()
    issued_at = sessions.now()
    link = issue_from_the_admin_page(app, make, person)
    hours = app.config["PASSWORD_RESET_HOURS"]

    monkeypatch.setattr(sessions, "now", lambda: issued_at + hours * 3600 - 60)
    assert app.test_client().get(path_of(link)).status_code == 200
    monkeypatch.setattr(sessions, "now", lambda: issued_at + hours * 3600 + 60)
    assert app.test_client().get(path_of(link)).status_code == 404


def test_a_reset_link_shows_every_problem_and_keeps_working(app: Flask, make: Factory) -> None:
    person = make.user()
    link = issue_from_the_admin_page(app, make, person)
    client = app.test_client()
    response = client.post(path_of(link), data={"password": "short", "confirm": "different"})
    assert response.status_code == 200 and "There is a problem" in response.text
    assert "Enter a password of at least 12 characters" in response.text
    assert client.get(path_of(link)).status_code == 200


def test_forged_and_deactivated_links_do_not_work(app: Flask, make: Factory) -> None:
    person = make.user()
    with app.test_request_context():
        token = password_reset.make_token(person)
    assert app.test_client().get(f"/reset-password/{token[:-2]}xx").status_code == 404
    person.active = False
    db.session.commit()
    assert app.test_client().get(f"/reset-password/{token}").status_code == 404


def test_only_administrators_who_manage_the_person_issue_reset_links(app: Flask, make: Factory) -> None:
    organisation = make.organisation()
    person = make.user(organisation=organisation)
    make.user(role="administrator", organisation=organisation)
    other = signed_in(app, make.user())
    assert other.post(f"/admin/users/{person.id}/reset-link").status_code == 403
    elsewhere = signed_in(app, make.user(role="administrator"))
    assert elsewhere.post(f"/admin/users/{person.id}/reset-link").status_code == 404


def test_the_link_is_emailed_when_smtp_is_configured(database_url: str, tmp_path: Path, mailbox: Mailbox) -> None:
    app = make_app(
        database_url,
        tmp_path / "instance",
        WTF_CSRF_ENABLED=False,
        SERVICE_URL="https://readiness.example.nhs.uk",
        **mailbox.config,
    )
    with app.app_context():
        make = Factory(app)
        person = make.user()
        admin = signed_in(app, make.user(role="administrator"))
        page = admin.post(f"/admin/users/{person.id}/reset-link")
        assert "We have emailed a link" in page.text and "/reset-password/" not in page.text
        [message] = mailbox.wait_for(1)
        assert message["To"] == person.email
        link = LINK.search(message.get_payload(decode=True).decode()).group(0)
        assert link.startswith("https://readiness.example.nhs.uk/reset-password/")
        assert app.test_client().get(path_of(link)).status_code == 200


def test_the_command_line_issues_a_link(app: Flask, make: Factory) -> None:
    person = make.user()
    app.config["SERVICE_URL"] = "https://readiness.example.nhs.uk"
    result = app.test_cli_runner().invoke(args=["reset-link", "--email", person.email.upper()])
    assert result.exit_code == 0, result.output
    link = LINK.search(result.output).group(0)
    assert link.startswith("https://readiness.example.nhs.uk/reset-password/")
    assert app.test_client().get(path_of(link)).status_code == 200
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "password_reset_link_issued"))
    assert event is not None and event.actor_id is None


def test_the_command_line_refuses_an_unknown_person(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["reset-link", "--email", "nobody@example.nhs.uk"])
    assert result.exit_code == 2
    assert "no user has the email nobody@example.nhs.uk" in result.output
