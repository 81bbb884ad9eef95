"""Every page each kind of user can reach, found by following links from the demo data, passes axe and reflows."""

from __future__ import annotations

import re
from typing import Any

import pytest

from readiness.services.accounts import DEMO_PASSWORD
from tests.browser.conftest import LiveServer, assert_accessible, sign_in
from tests.support.crawl import DEMO_STARTS, WHO, Page, crawl, load_demo


def in_browser(page: Any, base_url: str) -> Any:
    def fetch(path: str) -> Page:
        response = page.goto(base_url + path)
        html = "text/html" in response.headers.get("content-type", "") if response else False
        return Page(path, response.status if response else 0, page.content() if html else None)

    return fetch


FEWEST = {
    "lead@demo.example": 60,  # with the draft in progress: its question pages, task list, evidence and editors
    "board@demo.example": 20,
    "commissioner@demo.example": 30,
    "admin@demo.example": 5,
    None: 4,
}
# Pages each role must reach by following links, beyond the counts: the home page, the notifications,
# an assessment's own page, and for the lead every page of a draft and a query to reply to.
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
    None: [r"/sign-in"],
}


@pytest.mark.parametrize(("email", "start"), list(DEMO_STARTS.items()), ids=WHO)
def test_every_page_a_user_can_reach_is_accessible(
    page: Any, live_server: LiveServer, email: str | None, start: list[str]
) -> None:
    load_demo(live_server.app)
    if email:
        sign_in(page, live_server.url, email, DEMO_PASSWORD)
    reached = crawl(in_browser(page, live_server.url), start, lambda _: assert_accessible(page))
    assert len(reached) >= FEWEST[email]
    for pattern in MUST_REACH[email]:
        assert any(re.fullmatch(pattern, path) for path in reached), f"{email} never reached {pattern}"
