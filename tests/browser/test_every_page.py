"""Every page each kind of user can reach, found by following links from the demo data, passes axe and reflows."""

from __future__ import annotations

import re
from typing import Any

import pytest

from readiness.services.accounts import DEMO_PASSWORD
from tests.browser.conftest import LiveServer, assert_accessible, sign_in
from tests.support.crawl import Page, crawl


def in_browser(page: Any, base_url: str) -> Any:
    def fetch(path: str) -> Page:
        response = page.goto(base_url + path)
        html = "text/html" in response.headers.get("content-type", "") if response else False
        return Page(path, response.status if response else 0, page.content() if html else None)

    return fetch


# Pages each role must reach by following links, beyond the counts: the home page, the notifications,
# an assessment's own page, and for leads every page of a draft.
MUST_REACH = {
    "lead@demo.example": [
        r"/",
        r"/notifications/",
        r"/assessments/\d+",
        r"/assessments/\d+/v/\d+",
        r"/assessments/\d+/v/\d+/section/need",
        r"/assessments/\d+/v/\d+/check",
        r"/assessments/\d+/v/\d+/evidence",
        r"/assessments/\d+/editors",
        r"/sharing/\d+/v/\d+/queries/\d+",
    ],
    "board@demo.example": [r"/", r"/notifications/", r"/assessments/\d+", r"/assessments/\d+/v/\d+/decision"],
    "commissioner@demo.example": [r"/", r"/notifications/", r"/assessments/\d+", r"/portfolio/bids/\d+"],
    "admin@demo.example": [r"/", r"/notifications/", r"/admin/"],
}


@pytest.mark.parametrize(
    ("email", "start", "fewest"),
    [
        ("lead@demo.example", ["/", "/assessments/"], 60),
        ("board@demo.example", ["/"], 20),
        ("commissioner@demo.example", ["/", "/portfolio/"], 30),
        ("admin@demo.example", ["/", "/admin/organisations/new", "/admin/users/new"], 5),
    ],
)
def test_every_page_a_user_can_reach_is_accessible(
    page: Any, live_server: LiveServer, email: str, start: list[str], fewest: int
) -> None:
    assert live_server.app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    sign_in(page, live_server.url, email, DEMO_PASSWORD)
    seen = crawl(in_browser(page, live_server.url), start, lambda _: assert_accessible(page))
    assert len(seen) >= fewest
    for pattern in MUST_REACH[email]:
        assert any(re.fullmatch(pattern, path) for path in seen), f"{email} never reached {pattern}"


def test_every_page_open_to_everyone_is_accessible(page: Any, live_server: LiveServer) -> None:
    assert live_server.app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    start = ["/sign-in", "/accessibility", "/about", "/api/docs"]
    assert len(crawl(in_browser(page, live_server.url), start, lambda _: assert_accessible(page))) >= 4
