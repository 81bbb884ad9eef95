"""Sessions the server ends: sign-out, sign out everywhere, a password change, and the idle and absolute limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, request
from flask.testing import FlaskClient

from readiness.extensions import db
from readiness.models import AuditEvent, User
from readiness.services import sessions
from tests.conftest import make_app
from tests.support.factory import PASSWORD, Factory

COOKIE = "session"


def signed_in_client(app: Flask, user: User, password: str = PASSWORD) -> FlaskClient:
    client = app.test_client()
    response = client.post("/sign-in", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.text
    return client


def copy_of(client: FlaskClient, app: Flask) -> FlaskClient:
    """Another browser holding the same session cookie, as someone who copied it would."""
    replay = app.test_client()
    replay.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return replay


def refused(client: FlaskClient, provider_id: int) -> bool:
    """Whether a page, the JSON API and a state-changing post are all refused to this client."""
    page = client.get("/assessments/")
    api = client.get("/api/assessments")
    post = client.post("/assessments/new", data={"title": "Replayed", "organisation_id": provider_id})
    return (
        page.status_code == 302
        and "/sign-in" in page.location
        and api.status_code == 401
        and post.status_code == 302
        and "/sign-in" in post.location
    )


def lead_with_organisation(make: Factory) -> tuple[User, int]:
    organisation = make.organisation()
    return make.user(organisation=organisation), organisation.id


def test_a_cookie_copied_before_sign_out_is_refused_afterwards(app: Flask, make: Factory) -> None:
    lead, provider_id = lead_with_organisation(make)
    client = signed_in_client(app, lead)
    replay = copy_of(client, app)
    assert replay.get("/assessments/").status_code == 200  # the copy works while the session lasts

    client.post("/sign-out")

    assert refused(replay, provider_id)


def signed_out_while_a_request_ran(app: Flask, make: Factory, changed: bool) -> bool:
    """Whether a copied cookie is refused after a request that loaded the session before sign-out finishes."""
    lead, provider_id = lead_with_organisation(make)
    client = signed_in_client(app, lead)
    replay = copy_of(client, app)
    cookie = client.get_cookie(COOKIE).value
    interface = app.session_interface
    with app.test_request_context("/assessments/", headers={"Cookie": f"{COOKIE}={cookie}"}):
        in_flight = interface.open_session(app, request)  # loaded before sign-out...
        client.post("/sign-out")
        if changed:  # as the idle limit's last-seen stamp or a new form token changes it
            in_flight[sessions.SEEN_KEY] = sessions.now()
        interface.save_session(app, in_flight, app.response_class())  # ...and finished after it
    return refused(replay, provider_id)


@pytest.mark.parametrize("changed", [False, True], ids=["unchanged", "changed"])
def test_a_request_still_running_at_sign_out_does_not_bring_the_session_back(
    app: Flask, make: Factory, changed: bool
) -> None:
    assert signed_out_while_a_request_ran(app, make, changed)


def test_sign_out_works_the_same_with_sessions_in_redis(database_url: str, tmp_path: Path, make: Factory) -> None:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15").ping()
    except redis.RedisError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    app = make_app(
        database_url, tmp_path / "instance", WTF_CSRF_ENABLED=False, SESSION_REDIS_URL="redis://127.0.0.1:6379/15"
    )
    with app.app_context():
        here = Factory(app)
        lead, provider_id = lead_with_organisation(here)
        client = signed_in_client(app, lead)
        replay = copy_of(client, app)
        assert replay.get("/assessments/").status_code == 200
        client.post("/sign-out")
        assert refused(replay, provider_id)
        assert signed_out_while_a_request_ran(app, here, changed=True)


def test_signing_in_gives_a_new_session_id(app: Flask, make: Factory) -> None:
    user = make.user()
    client = app.test_client()
    with client.session_transaction() as session:  # a session id someone planted before sign-in
        session["planted"] = True
    before = client.get_cookie(COOKIE).value
    client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert client.get_cookie(COOKIE).value != before


def test_sign_out_of_all_devices_ends_every_session(app: Flask, make: Factory) -> None:
    lead, provider_id = lead_with_organisation(make)
    laptop, phone = signed_in_client(app, lead), signed_in_client(app, lead)

    response = laptop.post("/account/sign-out-everywhere")

    assert response.location == "/sign-in"
    assert refused(laptop, provider_id) and refused(phone, provider_id)
    assert db.session.scalar(db.select(AuditEvent.action).order_by(AuditEvent.id.desc())) == "signed_out_everywhere"


def test_the_account_page_is_reachable_from_the_header(app: Flask, make: Factory) -> None:
    client = signed_in_client(app, make.user())
    home = client.get("/", follow_redirects=True)
    assert 'href="/account"' in home.text
    page = client.get("/account")
    assert "Change your password" in page.text and "Sign out of all devices" in page.text


def test_changing_password_ends_the_other_sessions_but_not_this_one(app: Flask, make: Factory) -> None:
    lead, provider_id = lead_with_organisation(make)
    here, elsewhere = signed_in_client(app, lead), signed_in_client(app, lead)
    new_password = "a-brand-new-password"

    response = here.post(
        "/account/password", data={"current": PASSWORD, "password": new_password, "confirm": new_password}
    )

    assert response.location == "/account"
    assert here.get("/assessments/").status_code == 200
    assert refused(elsewhere, provider_id)
    assert signed_in_client(app, lead, new_password)
    assert "password_changed" in db.session.scalars(db.select(AuditEvent.action)).all()


def test_changing_password_needs_the_current_one(app: Flask, make: Factory) -> None:
    lead = make.user()
    client = signed_in_client(app, lead)
    response = client.post(
        "/account/password", data={"current": "not-my-password", "password": "x" * 12, "confirm": "y" * 12}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Your current password is not correct" in response.text
    db.session.refresh(lead)
    assert lead.check_password(PASSWORD)


def test_changing_password_shows_every_problem(app: Flask, make: Factory) -> None:
    client = signed_in_client(app, make.user())
    response = client.post("/account/password", data={"current": "", "password": "short", "confirm": "other"})
    for message in ("Enter your current password", "Enter a password of at least 12 characters"):
        assert message in response.text


def test_an_idle_session_ends(app: Flask, make: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
    lead, provider_id = lead_with_organisation(make)
    start = sessions.now()
    client = signed_in_client(app, lead)
    idle = app.config["SESSION_IDLE_MINUTES"] * 60

    monkeypatch.setattr(sessions, "now", lambda: start + idle - 5)
    assert client.get("/assessments/").status_code == 200  # used just in time: the idle clock starts again
    monkeypatch.setattr(sessions, "now", lambda: start + 2 * idle - 10)
    assert client.get("/assessments/").status_code == 200
    monkeypatch.setattr(sessions, "now", lambda: start + 3 * idle)
    assert refused(client, provider_id)


def test_a_session_in_use_still_ends_at_the_absolute_limit(
    app: Flask, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead, provider_id = lead_with_organisation(make)
    start = sessions.now()
    client = signed_in_client(app, lead)
    step = app.config["SESSION_IDLE_MINUTES"] * 60 - 60
    moment = start
    while moment + step < start + app.config["SESSION_ABSOLUTE_HOURS"] * 3600:
        moment += step
        monkeypatch.setattr(sessions, "now", lambda moment=moment: moment)
        assert client.get("/assessments/").status_code == 200
    monkeypatch.setattr(sessions, "now", lambda: start + app.config["SESSION_ABSOLUTE_HOURS"] * 3600 + 1)
    assert refused(client, provider_id)
