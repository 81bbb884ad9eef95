"""Accounts: first-run setup, sign-in, throttling, CSRF, security headers and the audit trail."""

from __future__ import annotations

import re

import pytest
import sqlalchemy

from readiness.extensions import db
from readiness.models import AuditEvent, Membership, User
from readiness.models.audit import AuditTrailIsAppendOnly
from tests.support.factory import PASSWORD, Factory
from tests.support.http import csrf_of

SETUP = {
    "name": "Ada Admin",
    "email": "ada@example.nhs.uk",
    "password": "correct horse battery",
    "confirm": "correct horse battery",
    "organisation": "Northfield Trust",
}


def csrf_token(client, path: str) -> str:
    return csrf_of(client.get(path).text)


def test_first_visit_leads_to_setup_which_creates_one_administrator_then_closes(client) -> None:
    assert client.get("/").location.endswith("/setup")
    assert client.get("/sign-in").location.endswith("/setup")
    response = client.post("/setup", data=SETUP)
    assert response.status_code == 302
    users = db.session.scalars(db.select(User)).all()
    assert [u.email for u in users] == ["ada@example.nhs.uk"]
    assert [m.role for m in users[0].memberships] == ["administrator"]
    assert users[0].password_hash.startswith("pbkdf2:") and "correct horse" not in users[0].password_hash
    assert client.get("/setup").status_code == 404
    assert client.post("/setup", data=SETUP | {"email": "eve@example.com"}).status_code == 404
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_setup_errors_keep_what_was_typed(client) -> None:
    response = client.post("/setup", data=SETUP | {"confirm": "something else entirely"})
    assert response.status_code == 200
    assert "The passwords do not match" in response.text
    assert 'value="Northfield Trust"' in response.text
    assert "<title>Error:" in response.text


def test_wrong_password_and_unknown_user_get_the_same_message(client, make: Factory) -> None:
    user = make.user()
    wrong = client.post("/sign-in", data={"email": user.email, "password": "not the password"})
    unknown = client.post("/sign-in", data={"email": "nobody@example.nhs.uk", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 200
    message = "Enter a correct email address and password"
    assert message in wrong.text and message in unknown.text
    assert user.email not in unknown.text
    # The email address comes back as typed, in a text input with an email keyboard: it was rejected.
    typed = re.search(r'<input[^>]*name="email"[^>]*>', " ".join(wrong.text.split())).group(0)
    assert 'type="text"' in typed and f'value="{user.email}"' in typed and 'inputmode="email"' in typed


def test_sign_in_then_out_is_audited(client, make: Factory) -> None:
    user = make.user()
    response = client.post("/sign-in", data={"email": user.email.upper(), "password": PASSWORD})
    assert response.location == "/"
    client.post("/sign-out")
    actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.actor_id == user.id)).all()
    assert actions == ["signed_in", "signed_out"]


def test_next_never_leads_off_site(client, make: Factory) -> None:
    user = make.user()
    response = client.post("/sign-in?next=//evil.example/x", data={"email": user.email, "password": PASSWORD})
    assert response.location == "/"


def test_posts_without_a_csrf_token_are_refused(csrf_app, make: Factory) -> None:
    client = csrf_app.test_client()
    user = make.user()
    assert client.post("/sign-in", data={"email": user.email, "password": PASSWORD}).status_code == 400
    token = csrf_token(client, "/sign-in")
    assert (
        client.post("/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": token}).status_code
        == 302
    )


def test_a_refused_post_gets_a_page_whose_scripts_may_run(csrf_app, make: Factory) -> None:
    """CSRF checks run before the app's own hooks; the refusal page still carries the nonce its header allows."""
    response = csrf_app.test_client().post("/sign-in", data={"email": make.user().email, "password": PASSWORD})
    assert response.status_code == 400
    nonce = re.search(r"'nonce-([\w-]+)'", response.headers["Content-Security-Policy"]).group(1)
    scripts = re.findall(r'<script[^>]*nonce="([^"]*)"', response.text)
    assert scripts and set(scripts) == {nonce}


def test_administrators_create_organisations_and_users_and_it_is_audited(client, make: Factory) -> None:
    admin = make.user("administrator")
    make.sign_in(client, admin)
    assert (
        client.post("/admin/organisations/new", data={"name": "Westshire ICB", "kind": "commissioner"}).status_code
        == 302
    )
    page = client.get("/admin/users/new")
    organisation_id = re.search(r'value="(\d+)"[^>]*>\s*Westshire ICB', page.text).group(1)
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Cara Commissioner",
            "email": "cara@example.nhs.uk",
            "password": "long enough password",
            "organisation_id": organisation_id,
            "role": "commissioner",
        },
    )
    assert response.status_code == 302
    created = db.session.scalar(db.select(User).where(User.email == "cara@example.nhs.uk"))
    assert [m.role for m in created.memberships] == ["commissioner"]
    actions = db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["organisation_created", "user_created"]


@pytest.mark.parametrize("role", ["project_lead", "board_member", "commissioner"])
def test_only_administrators_reach_administration(client, make: Factory, role: str) -> None:
    make.sign_in(client, make.user(role))
    assert client.get("/admin/").status_code == 403
    assert client.post("/admin/users/new", data={}).status_code == 403


def test_the_audit_trail_cannot_be_edited_or_deleted(app, make: Factory) -> None:
    make.user()
    from readiness import audit

    audit.record("test_event", "test", 1, actor_id=None)
    db.session.commit()
    event = db.session.scalars(db.select(AuditEvent)).first()
    event.action = "rewritten"
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    # Behind the ORM's back, the database itself refuses.
    for statement in ("UPDATE audit_event SET action = 'rewritten'", "DELETE FROM audit_event"):
        with pytest.raises(sqlalchemy.exc.DatabaseError):
            db.session.execute(sqlalchemy.text(statement))
        db.session.rollback()
    assert db.session.scalar(db.select(AuditEvent.action)) == "test_event"


def test_no_code_path_edits_or_deletes_audit_events() -> None:
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "readiness"
    for path in package.rglob("*.py"):
        text = path.read_text()
        assert not re.search(r"(update|delete)\(\s*AuditEvent", text), path
        assert "DELETE FROM audit_event" not in text and "UPDATE audit_event" not in text, path


def test_security_headers_and_cookies(client, make: Factory) -> None:
    make.user()
    response = client.get("/sign-in")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "HttpOnly" in response.headers.get("Set-Cookie", "HttpOnly")


def test_health_check_reports_the_database(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def test_error_pages_use_the_service_style(client, make: Factory) -> None:
    make.sign_in(client, make.user())
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.text and "nhsuk-header" in response.text


def test_membership_roles_are_unique_per_organisation(app, make: Factory) -> None:
    user = make.user("project_lead")
    organisation_id = next(iter(user.organisation_ids()))
    db.session.add(Membership(user_id=user.id, organisation_id=organisation_id, role="project_lead"))
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_ending_all_sessions_or_deactivating_refuses_a_session_already_open(client, make: Factory) -> None:
    from readiness.services import sessions

    lead = make.user("project_lead")
    client.post("/sign-in", data={"email": lead.email, "password": PASSWORD})
    assert client.get("/assessments/").status_code == 200
    sessions.end_all_sessions(lead)
    db.session.commit()
    assert client.get("/assessments/").status_code == 302

    client.post("/sign-in", data={"email": lead.email, "password": PASSWORD})
    assert client.get("/assessments/").status_code == 200
    lead.active = False
    db.session.commit()
    assert client.get("/assessments/").status_code == 302
