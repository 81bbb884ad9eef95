"""Every page each demo role reaches, and each of their forms sent back empty or wrong, is valid HTML.

The W3C Nu HTML Checker reads the pages as the server sends them. The crawl collects them all first, so Java
starts once.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from readiness.extensions import db
from readiness.models import User
from tests.conftest import make_app
from tests.support import vnu
from tests.support.crawl import DEMO_STARTS, Page, crawl, load_demo
from tests.support.wrong_forms import wrong_submissions


@pytest.fixture
def demo_app(sqlite_template: Path, tmp_path: Path) -> Iterator[Flask]:
    """The demo on SQLite, with CSRF on as in production, so every form carries its token."""
    database = tmp_path / "demo.sqlite"
    shutil.copy(sqlite_template, database)
    app = make_app(f"sqlite:///{database}", tmp_path / "instance")
    with app.app_context():
        load_demo(app)
        yield app


# A posted form comes back with its errors or moves on; a refused CSRF token (400) would be the test's fault.
EXPECTED = {"POST": (200, 302, 303), "GET": (200, 302, 400, 404)}


class Collection:
    """Pages saved to numbered files, each remembered with what it is (role, path, how it was reached)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.names: dict[str, str] = {}

    def add(self, html: str, described: str) -> None:
        name = f"{len(self.names):04d}.html"
        (self.folder / name).write_text(html, encoding="utf-8")
        self.names[name] = described

    def files(self) -> list[Path]:
        return [self.folder / name for name in self.names]


def signed_in(app: Flask, email: str | None) -> FlaskClient:
    client = app.test_client()
    if email:
        user = db.session.scalar(db.select(User).where(User.email == email))
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["epoch"] = user.session_epoch
    return client


def collect(client: FlaskClient, who: str, start: list[str], pages: Collection) -> list[str]:
    """Crawl from ``start`` saving every page; then send each page's forms back wrongly and save what comes back.

    The forms go after the crawl, so that what a wrong form does save (a question page saves blank answers) does
    not change the pages the crawl sees.
    """
    landed: dict[str, str] = {}  # where a redirect ended, which is where the page's forms are sent
    forms: list[tuple[str, str]] = []

    def fetch(path: str) -> Page:
        response = client.get(path, follow_redirects=True)
        landed[path] = response.request.full_path.rstrip("?")
        return Page(path, response.status_code, response.text if response.mimetype == "text/html" else None)

    def keep(page: Page) -> None:
        assert page.html is not None
        pages.add(page.html, f"{who} {page.path}")
        forms.append((page.path, page.html))

    seen = crawl(fetch, start, keep)
    for path, html in forms:
        for sent in wrong_submissions(landed[path], html):
            if sent.method == "POST":
                response = client.post(sent.action, data=MultiDict(sent.data))
            else:
                response = client.get(sent.action, query_string=MultiDict(sent.data))
            described = f"{who} {path}, {sent.how} ({sent.method} {sent.action}, {response.status_code})"
            assert response.status_code in EXPECTED[sent.method], described
            if response.status_code == 200 and sent.method == "POST":  # post/redirect/get: 200 shows the errors
                assert "There is a problem" in response.text, described
            if response.mimetype == "text/html" and response.status_code != 302:
                pages.add(response.text, described)
    return seen


def test_every_page_and_form_error_is_valid_html(demo_app: Flask, tmp_path: Path) -> None:
    missing = vnu.java_missing()
    if missing:
        pytest.skip(missing)
    pages = Collection(tmp_path)
    reached = {}
    for email, start in DEMO_STARTS.items():
        who = email or "signed out"
        with demo_app.app_context():  # a fresh ``g`` for each person: Flask-WTF keeps the CSRF token there
            reached[who] = collect(signed_in(demo_app, email), who, start, pages)
    # The crawl reaches the wizard of a draft, and forms come back with their errors shown.
    lead = " ".join(reached["lead@demo.example"])
    assert all(page in lead for page in ("/section/need", "/evidence", "/editors", "/check")), lead
    assert sum("sent empty" in described for described in pages.names.values()) >= 10

    problems = vnu.errors_in(pages.files())
    assert not problems, f"{len(problems)} HTML errors:\n" + "\n".join(
        f"{pages.names[p.file]}, line {p.line}: {p.message} [{p.extract[:120]}]" for p in problems
    )


def test_every_posted_form_renders_its_csrf_field_without_an_id(app: Flask) -> None:
    """Two forms on one page (a bid's integrity check and its query form) must not both hold id="csrf_token"."""
    from flask_wtf import FlaskForm

    from readiness.forms import ServiceForm

    def subclasses(cls: type) -> list[type]:
        return [cls, *(below for sub in cls.__subclasses__() for below in subclasses(sub))]

    ours = [form for form in subclasses(FlaskForm) if form.__module__.startswith("readiness.")]
    assert len(ours) >= 15, "the app's forms are imported with it"
    assert not [form.__qualname__ for form in ours if not issubclass(form, ServiceForm)]
    with app.test_request_context():
        assert 'id="' not in str(ServiceForm(meta={"csrf": True}).csrf_token)
