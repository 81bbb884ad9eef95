"""Fixtures: an app on a fresh database per test (SQLite, and PostgreSQL when one is reachable)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient

from tests.support import databases
from tests.support.answers import GOOD_CONTEXT
from tests.support.factory import Factory
from tests.support.smtp import Mailbox, smtp_server
from tests.support.threaded_server import threaded_server

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate one SQLite file per session; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    databases.migrate(f"sqlite:///{path}", tmp_path_factory.mktemp("instance"))
    return path


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | None]:
    url = databases.postgres_server()
    if url is None:
        yield None
        return
    database = databases.create_database(url, f"readiness_test_{os.getpid()}")
    databases.migrate(database, tmp_path_factory.mktemp("instance-pg"))
    yield database
    databases.drop_database(url, database)


def _backends() -> list[Any]:
    return ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=_backends())
def database_url(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path, postgres_url: str | None
) -> Iterator[str]:
    if request.param == "sqlite":
        copy = tmp_path / "test.sqlite"
        shutil.copy(sqlite_template, copy)
        yield f"sqlite:///{copy}"
        return
    if postgres_url is None:
        pytest.skip("no PostgreSQL server reachable (set TEST_DATABASE_URL)")
    databases.truncate_all(postgres_url)
    yield postgres_url


# Every app a test builds; their connection pools are closed when the test ends. Left to the garbage collector,
# an open PostgreSQL connection warns (ResourceWarning) in whichever later test happens to collect it.
APPS_TO_DISPOSE: list[Flask] = []


@pytest.fixture(autouse=True)
def _dispose_apps() -> Iterator[None]:
    yield
    from readiness.extensions import db

    while APPS_TO_DISPOSE:
        with APPS_TO_DISPOSE.pop().app_context():
            for engine in db.engines.values():
                engine.dispose()


def make_app(database_url: str, instance: Path, **overrides: Any) -> Flask:
    from readiness import create_app
    from readiness.extensions import limiter

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": instance,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
            "LEGACY_UPLOAD_FOLDER": instance / "evidence",
            "AUTO_UPGRADE_DATABASE": "never",
            "SERVER_NAME": "localhost",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # production uses scrypt; tests need speed
            **overrides,
        }
    )
    with app.app_context():
        limiter.reset()

    APPS_TO_DISPOSE.append(app)

    # Tests keep an app context open across requests, so Flask reuses its ``g`` between them; forget
    # what each request keeps there (the signed-in user, Flask-WTF's CSRF token, the script nonce), as a
    # real server would, so clients and responses never share them.
    @app.before_request
    def _fresh_request() -> None:
        for name in ("_login_user", "csrf_token", "csp_nonce"):
            g.pop(name, None)

    return app


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app with CSRF checks off, for tests about behaviour; ``csrf_app`` keeps them on."""
    app = make_app(database_url, tmp_path / "instance", WTF_CSRF_ENABLED=False)
    with app.app_context():
        yield app


@pytest.fixture
def csrf_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app with CSRF protection on, as in production (the default app has it on too)."""
    app = make_app(database_url, tmp_path / "instance")
    with app.app_context():
        yield app


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server on loopback; build the app with ``mailbox.config`` to send through it."""
    with smtp_server() as box:
        yield box


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def make(app: Flask) -> Factory:
    return Factory(app)


@pytest.fixture
def lead_version(client: FlaskClient, make: Factory) -> tuple[Any, Any]:
    """A signed-in lead and the draft of an assessment with its role described (a question page to work on)."""
    from readiness.services import assessments

    lead = make.user("project_lead")
    make.sign_in(client, lead)
    assessment = make.assessment(lead, answers={k: v for k, v in GOOD_CONTEXT.items() if k != "role_title"})
    return lead, assessments.latest_version(assessment)


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[tuple[str, Factory]]:
    """The app on a real threaded server on loopback, for truly parallel requests."""
    app = make_app(database_url, tmp_path / "instance", WTF_CSRF_ENABLED=False, SERVER_NAME=None)
    with threaded_server(app) as url, app.app_context():
        yield url, Factory(app)
