"""Sign-in throttling: guessing is slow, and nobody's failures refuse somebody else's correct sign-in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from readiness.extensions import db
from readiness.models import AuditEvent, User
from tests.conftest import make_app
from tests.support.factory import PASSWORD, Factory

TRY_AGAIN = re.compile(r"Try again after \d{1,2}:\d\d[ap]m \(UTC\)")


@pytest.fixture
def throttled(database_url: str, tmp_path: Path) -> Iterator[Any]:
    """Build the app with small limits, so each property shows in a few requests."""
    contexts = []

    def build(**limits: Any) -> Flask:
        app = make_app(database_url, tmp_path / "instance", WTF_CSRF_ENABLED=False, **limits)
        contexts.append(app.app_context())
        contexts[-1].push()
        return app

    yield build
    for context in reversed(contexts):
        context.pop()


def attempt(client: FlaskClient, user: User | str, password: str, address: str, **headers: str) -> int:
    email = user if isinstance(user, str) else user.email
    response = client.post(
        "/sign-in", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}, headers=headers
    )
    return response.status_code


def test_guessing_one_account_from_one_address_is_refused_with_a_time_to_try_again(app: Flask, make: Factory) -> None:
    user = make.user()
    client = app.test_client()
    limit = 5  # SIGN_IN_ACCOUNT_ADDRESS_LIMIT's default
    assert [attempt(client, user, "wrong", "10.0.0.1") for _ in range(limit)] == [200] * limit

    refused = client.post(
        "/sign-in", data={"email": user.email, "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.0.0.1"}
    )

    assert refused.status_code == 429  # even the right password: a refusal must not tell a guesser they were right
    assert TRY_AGAIN.search(refused.text), refused.text
    assert "There is a problem" in refused.text and f'value="{user.email}"' in refused.text
    assert refused.headers["Retry-After"]
    assert "sign_in_throttled" in db.session.scalars(db.select(AuditEvent.action)).all()


def test_failures_for_other_accounts_behind_one_nat_address_do_not_refuse_a_correct_sign_in(
    app: Flask, make: Factory
) -> None:
    hospital = "192.0.2.10"
    colleagues = [make.user() for _ in range(5)]
    person = make.user()
    client = app.test_client()
    codes = [attempt(client, colleague, "wrong", hospital) for colleague in colleagues for _ in range(2)]
    codes += [attempt(client, "nobody@example.nhs.uk", "wrong", hospital) for _ in range(5)]
    assert codes == [200] * 15  # ten wrong passwords for colleagues and five for an unknown address

    assert attempt(app.test_client(), person, PASSWORD, hospital) == 302


def test_one_account_guessed_from_one_nat_address_does_not_refuse_another_person_there(
    app: Flask, make: Factory
) -> None:
    hospital = "192.0.2.10"
    target, person = make.user(), make.user()
    client = app.test_client()
    codes = [attempt(client, target, "wrong", hospital) for _ in range(10)]
    assert codes[:5] == [200] * 5 and set(codes[5:]) == {429}

    assert attempt(app.test_client(), person, PASSWORD, hospital) == 302


def test_twelve_failures_from_twelve_addresses_do_not_stop_a_thirteenth_person(app: Flask, make: Factory) -> None:
    people = [make.user() for _ in range(13)]
    client = app.test_client()
    failures = [attempt(client, people[n], "wrong", f"198.51.100.{n}") for n in range(12)]
    failures += [attempt(client, people[0], "wrong", f"203.0.113.{n}") for n in range(12)]
    assert failures == [200] * 24

    assert attempt(app.test_client(), people[12], PASSWORD, "198.51.100.200") == 302
    assert attempt(app.test_client(), people[12], PASSWORD, "198.51.100.3") == 302


def test_an_account_guessed_from_many_addresses_is_refused_to_unknown_browsers(throttled: Any) -> None:
    app = throttled(SIGN_IN_ACCOUNT_LIMIT="6 per hour")
    user = Factory(app).user()
    guesser = app.test_client()
    codes = [attempt(guesser, user, "wrong", f"203.0.113.{n}") for n in range(8)]
    assert codes == [200] * 6 + [429] * 2
    assert attempt(app.test_client(), user, PASSWORD, "198.51.100.1") == 429


def test_the_person_on_a_browser_they_signed_in_on_before_is_never_refused_for_others_failures(
    throttled: Any,
) -> None:
    app = throttled(SIGN_IN_ACCOUNT_LIMIT="6 per hour", SIGN_IN_ADDRESS_LIMIT="6 per hour")
    make = Factory(app)
    user, colleague = make.user(), make.user()
    own_browser = app.test_client()
    assert attempt(own_browser, user, PASSWORD, "192.0.2.10") == 302
    own_browser.post("/sign-out")

    guesser = app.test_client()
    [attempt(guesser, user, "wrong", f"203.0.113.{n}") for n in range(10)]  # the account, from everywhere
    [attempt(guesser, user, "wrong", "192.0.2.10") for _ in range(10)]  # the account, from the person's own address
    [attempt(guesser, colleague, "wrong", "192.0.2.10") for _ in range(10)]  # the address, on other accounts
    assert attempt(guesser, user, PASSWORD, "203.0.113.50") == 429  # a stranger with the password is still refused

    assert attempt(own_browser, user, PASSWORD, "192.0.2.10") == 302


def test_a_known_browser_is_still_limited_on_its_own_failures(app: Flask, make: Factory) -> None:
    user = make.user()
    browser = app.test_client()
    assert attempt(browser, user, PASSWORD, "192.0.2.10") == 302
    browser.post("/sign-out")
    codes = [attempt(browser, user, "wrong", f"192.0.2.{n}") for n in range(6)]
    assert codes == [200] * 5 + [429]


def test_a_known_browser_cookie_is_for_its_own_account_only(throttled: Any) -> None:
    app = throttled(SIGN_IN_ACCOUNT_LIMIT="3 per hour")
    make = Factory(app)
    user, target = make.user(), make.user()
    browser = app.test_client()
    assert attempt(browser, user, PASSWORD, "192.0.2.10") == 302
    browser.post("/sign-out")
    codes = [attempt(browser, target, "wrong", f"192.0.2.{n}") for n in range(4)]
    assert codes == [200] * 3 + [429]
    browser.set_cookie("readiness_device", "forged")
    assert attempt(browser, user, PASSWORD, "192.0.2.10") == 302  # a broken cookie is simply no cookie


def test_one_address_guessing_many_accounts_is_refused(throttled: Any) -> None:
    app = throttled(SIGN_IN_ADDRESS_LIMIT="6 per hour")
    make = Factory(app)
    people = [make.user() for _ in range(8)]
    client = app.test_client()
    codes = [attempt(client, person, "wrong", "203.0.113.9") for person in people]
    assert codes == [200] * 6 + [429] * 2


def test_without_trusted_proxies_forwarded_addresses_are_ignored(throttled: Any) -> None:
    app = throttled(SIGN_IN_ACCOUNT_ADDRESS_LIMIT="2 per hour", TRUSTED_PROXIES=0)
    user = Factory(app).user()
    client = app.test_client()
    codes = [attempt(client, user, "wrong", "10.0.0.2", **{"X-Forwarded-For": f"198.51.100.{n}"}) for n in range(3)]
    assert codes == [200, 200, 429]  # claimed addresses change nothing: all came from the proxy's address


def test_behind_one_trusted_proxy_the_limiter_sees_the_forwarded_address(throttled: Any) -> None:
    app = throttled(SIGN_IN_ACCOUNT_ADDRESS_LIMIT="2 per hour", TRUSTED_PROXIES=1)
    user = Factory(app).user()
    client = app.test_client()
    spread = [attempt(client, user, "wrong", "10.0.0.2", **{"X-Forwarded-For": f"198.51.100.{n}"}) for n in range(3)]
    assert spread == [200, 200, 200]
    same = [attempt(client, user, "wrong", "10.0.0.2", **{"X-Forwarded-For": "198.51.100.77"}) for _ in range(3)]
    assert same == [200, 200, 429]
    # Only the address the trusted proxy added counts, not one the client put in front of it.
    spoofed = attempt(client, user, "wrong", "10.0.0.2", **{"X-Forwarded-For": "1.2.3.4, 198.51.100.77"})
    assert spoofed == 429


def test_behind_a_trusted_proxy_the_scheme_and_host_come_from_its_headers(throttled: Any) -> None:
    app = throttled(TRUSTED_PROXIES=1, SERVER_NAME=None)
    Factory(app).user()  # past the first-run set-up page
    seen = {}

    @app.get("/__where")
    def where() -> str:
        from flask import request

        seen.update(scheme=request.scheme, host=request.host, address=request.remote_addr)
        return ""

    app.test_client().get(
        "/__where",
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
        headers={"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "ready.nhs.uk"},
    )
    assert seen == {"scheme": "https", "host": "ready.nhs.uk", "address": "198.51.100.7"}
