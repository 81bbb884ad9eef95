"""Our templates never read a name or attribute that is not there: ChainableUndefined would print nothing, silently.

Every page each demo role can reach is rendered while a recording Undefined notes any miss made by our own
templates (the NHS.UK macros test optional parameters on purpose, so theirs are not counted).
"""

from __future__ import annotations

import sys
from typing import Any, ClassVar

import pytest
from flask import Flask
from jinja2 import ChainableUndefined
from jinja2.utils import missing

from readiness.config import ROOT
from readiness.extensions import db
from readiness.models import User
from tests.support.crawl import DEMO_STARTS, WHO, Page, crawl, load_demo

OURS = str(ROOT / "templates")
# Names missing on purpose: `form` exists only on pages with a form (base.html shows its errors), `problem` only
# on pages that refused an action with no field to point at (base.html shows it the same way), and Jinja itself
# passes an undefined `caller` to a macro called without a call block.
OPTIONAL = {"form", "problem", "caller"}


class RecordingUndefined(ChainableUndefined):
    misses: ClassVar[list[str]] = []  # one render at a time: the test client is not threaded

    __slots__ = ()

    def __init__(self, hint: Any = None, obj: Any = missing, name: Any = None, exc: Any = None) -> None:
        super().__init__(hint, obj, name, exc)
        template = _our_template()
        if template and not (obj is missing and name in OPTIONAL) and not isinstance(obj, ChainableUndefined):
            owner = "" if obj is missing else f"{type(obj).__name__}."
            RecordingUndefined.misses.append(f"{template}: {owner}{name}")


def _our_template() -> str | None:
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.endswith((".html", ".jinja")):
            return filename.removeprefix(OURS + "/") if filename.startswith(OURS) else None
        frame = frame.f_back
    return None


@pytest.mark.parametrize(("email", "start"), list(DEMO_STARTS.items()), ids=WHO)
def test_no_page_reads_a_missing_name_or_attribute(csrf_app: Flask, email: str | None, start: list[str]) -> None:
    app = csrf_app  # as in production: every form has its CSRF token field
    load_demo(app)
    client = app.test_client()
    if email:
        user = db.session.scalar(db.select(User).where(User.email == email))
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["epoch"] = user.session_epoch
    app.jinja_env.undefined = RecordingUndefined
    RecordingUndefined.misses = []

    def fetch(path: str) -> Page:
        response = client.get(path, follow_redirects=True)
        return Page(path, response.status_code, response.text if response.mimetype == "text/html" else None)

    def check(page: Page) -> None:
        assert not RecordingUndefined.misses, f"{page.path}: {sorted(set(RecordingUndefined.misses))}"

    seen = crawl(fetch, start, check)
    assert len(seen) >= len(start)
    # The board pack renders its own templates into the PDF, where a blank would be just as silent.
    for results in (path for path in seen if path.endswith("/results")):
        assert client.get(results.replace("/results", "/board-pack.pdf")).status_code == 200
        assert not RecordingUndefined.misses, f"{results} board pack: {sorted(set(RecordingUndefined.misses))}"
