"""Every page each kind of user can reach, found by following links from the demo data, passes axe and reflows."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from readiness.services.accounts import DEMO_PASSWORD
from tests.browser.conftest import LiveServer, assert_accessible, sign_in

# Links that leave the HTML pages: files, charts, downloads and signing out.
NOT_PAGES = (".pdf", ".csv", ".xlsx", ".svg", ".png", "/sign-out", "/evidence/", "/assets/", "/static/")
MOST_PAGES = 150  # the demo data gives about 50 per role; a bound keeps a link loop from running away


def pages_from(page: Any, base_url: str, start: list[str]) -> list[str]:
    """Visit every same-site page reachable from ``start``; check each one as it is found."""
    seen: list[str] = []
    waiting = [(path, "the start") for path in start]
    while waiting and len(seen) < MOST_PAGES:
        path, found_on = waiting.pop(0)
        if path in seen:
            continue
        seen.append(path)
        response = page.goto(base_url + path)
        status = response.status if response else None
        assert status == 200, f"{path}, linked from {found_on}, answered {status}; visited {seen}"
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        assert_accessible(page)
        for href in page.eval_on_selector_all("a[href^='/']", "links => links.map(a => a.getAttribute('href'))"):
            target = urlsplit(href)
            path_and_query = target.path + (f"?{target.query}" if target.query else "")
            if not any(part in target.path for part in NOT_PAGES) and path_and_query not in seen:
                waiting.append((path_and_query, path))
    assert all(path in seen for path, _ in waiting), f"more than {MOST_PAGES} pages: raise the bound"
    return seen


@pytest.mark.parametrize(
    ("email", "start", "fewest"),
    [
        ("lead@demo.example", ["/assessments/"], 25),
        ("board@demo.example", ["/assessments/"], 10),
        ("commissioner@demo.example", ["/portfolio/"], 10),
        ("admin@demo.example", ["/admin/", "/admin/organisations/new", "/admin/users/new"], 5),
    ],
)
def test_every_page_a_user_can_reach_is_accessible(
    page: Any, live_server: LiveServer, email: str, start: list[str], fewest: int
) -> None:
    assert live_server.app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    sign_in(page, live_server.url, email, DEMO_PASSWORD)
    assert len(pages_from(page, live_server.url, start)) >= fewest


def test_every_page_open_to_everyone_is_accessible(page: Any, live_server: LiveServer) -> None:
    assert live_server.app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    seen = pages_from(page, live_server.url, ["/sign-in", "/accessibility", "/about", "/api/docs"])
    assert len(seen) >= 4
