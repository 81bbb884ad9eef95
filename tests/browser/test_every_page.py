"""Every page each kind of user can reach, found by following links from the demo data, passes axe and reflows."""

from __future__ import annotations

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
    assert len(crawl(in_browser(page, live_server.url), start, lambda _: assert_accessible(page))) >= fewest


def test_every_page_open_to_everyone_is_accessible(page: Any, live_server: LiveServer) -> None:
    assert live_server.app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    start = ["/sign-in", "/accessibility", "/about", "/api/docs"]
    assert len(crawl(in_browser(page, live_server.url), start, lambda _: assert_accessible(page))) >= 4
