"""A board member and a commissioner do their work with the keyboard alone: Tab to move, Enter and Space to act."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from readiness.services.accounts import DEMO_PASSWORD
from tests.browser.conftest import LiveServer, assert_accessible, tab_to


def sign_in_by_keyboard(page: Any, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/sign-in")
    tab_to(page, page.get_by_label("Email address"))
    page.keyboard.type(email)
    tab_to(page, page.get_by_label("Password", exact=True))
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}/")  # the home page


def test_a_board_member_records_a_decision_by_keyboard(page: Any, live_server: LiveServer) -> None:
    assert live_server.app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    sign_in_by_keyboard(page, live_server.url, "board@demo.example")
    tab_to(page, page.get_by_role("link", name="Read the report of Advanced clinical practitioner"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Record the board's decision"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Record the board's decision")).to_be_visible()
    tab_to(page, page.get_by_label("Approved", exact=True))
    page.keyboard.press("ArrowDown")  # radios move with the arrow keys, as in every browser
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Deferred")).to_be_checked()
    tab_to(page, page.get_by_role("textbox", name="Comments"))
    page.keyboard.type("Deferred until the supervision plan is agreed")
    tab_to(page, page.get_by_role("button", name="Record decision"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Board decision recorded: Deferred")).to_be_visible()
    assert_accessible(page)


def test_a_commissioner_filters_compares_and_verifies_by_keyboard(page: Any, live_server: LiveServer) -> None:
    assert live_server.app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    sign_in_by_keyboard(page, live_server.url, "commissioner@demo.example")
    tab_to(page, page.get_by_role("link", name="Portfolio", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Portfolio of bids")).to_be_visible()
    tab_to(
        page, page.locator("summary", has_text="Filter and sort the bids")
    )  # the filters are folded away until opened
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Verdict"))
    page.keyboard.type("Not ready")  # a focused select picks the option typed
    tab_to(page, page.get_by_role("button", name="Apply filters"))
    page.keyboard.press("Enter")
    page.wait_for_url("**verdict=not_ready**")
    boxes = page.locator("input[name='bid']")
    assert boxes.count() >= 2
    for index in (0, 1):
        tab_to(page, boxes.nth(index))
        page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Compare selected bids"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Compare bids")).to_be_visible()
    assert_accessible(page)
    first_bid = page.locator("a[href^='/portfolio/bids/']").first
    tab_to(page, first_bid)
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Verify this bid"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Verified: the stored snapshot still matches")).to_be_visible()
