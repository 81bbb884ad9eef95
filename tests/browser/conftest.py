"""Browser tests: the app served on loopback, driven in Debian's Chromium by Playwright."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import make_app
from tests.support.factory import Factory
from tests.support.threaded_server import threaded_server

CHROMIUM = Path("/usr/bin/chromium")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install -y chromium)")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    return {
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


# The NHS.UK CSS loads Frutiger from the NHS font host, which these machines cannot reach: answer those
# requests with a local font, so a page shows no error unless the CSP (or anything else) really refuses something.
FONT_HOST = "https://assets.nhs.uk/fonts/**"
HTTP_STATUS = "Failed to load resource: the server responded with a status of"
STAND_IN_FONT = Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")


def _stand_in_font(route: Any) -> None:
    if STAND_IN_FONT.exists():
        route.fulfill(
            status=200,
            body=STAND_IN_FONT.read_bytes(),
            headers={"Content-Type": "font/ttf", "Access-Control-Allow-Origin": "*"},
        )
    else:
        route.abort()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    """A page whose test fails on any console error or uncaught script error, whatever the page."""
    context.route(FONT_HOST, _stand_in_font)
    page = context.new_page()
    errors: list[str] = []

    def keep(message: Any) -> None:
        # A page visited to see its 404 or 403 (the test checks that page) is not an error *on* a page; any
        # resource the page itself fails to load, any script error and any CSP refusal is.
        document_status = message.text.startswith(HTTP_STATUS) and message.location.get("url") == page.url
        if message.type == "error" and not document_status:
            errors.append(f"{message.text} (on {page.url})")

    page.on("console", keep)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error} (on {page.url})"))
    yield page
    assert not errors, "console errors:\n" + "\n".join(errors)


@dataclass
class LiveServer:
    url: str
    app: Flask
    make: Factory


@pytest.fixture
def live_server(sqlite_template: Path, tmp_path: Path) -> Iterator[LiveServer]:
    """Serve a fresh app on a free loopback port in a thread; SQLite keeps it quick."""
    with serving(sqlite_template, tmp_path) as server:
        yield server


@contextmanager
def serving(sqlite_template: Path, tmp_path: Path, **config: Any) -> Iterator[LiveServer]:
    """Serve an app with ``config``; its SERVICE_URL is the address it is served at, for links in emails."""
    database = tmp_path / "live.sqlite"
    shutil.copy(sqlite_template, database)
    app = make_app(f"sqlite:///{database}", tmp_path / "instance", SERVER_NAME=None, **config)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with threaded_server(app) as url:
        app.config["SERVICE_URL"] = url
        with app.app_context():
            yield LiveServer(url, app, Factory(app))


def assert_accessible(page: Any) -> None:
    """Run axe-core in the page and fail listing every WCAG 2.2 AA violation; then check reflow, which axe cannot."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    violations = results.response["violations"]
    assert not violations, "\n".join(
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['html'][:200]})" for v in violations
    )
    assert_reflows(page)


def assert_reflows(page: Any) -> None:
    """WCAG 1.4.10: at 320 CSS pixels wide the page scrolls only down; wide tables scroll in their own region."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": size["height"]})
    try:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{page.url} is {width} pixels wide at a 320-pixel viewport"
    finally:
        page.set_viewport_size(size)


MOST_TABS = 400  # a long page (the portfolio's tables) has many stops; a bound catches a focus trap


def tab_to(page: Any, target: Any) -> None:
    """Press Tab until ``target`` has the focus, as a keyboard user would; fail if it never comes."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} cannot be reached with Tab")


def sign_in(page: Any, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
