"""The NHS.UK shell in a real browser: first-run setup, sign-in, and accessibility."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, assert_accessible, sign_in
from tests.support.factory import PASSWORD


def test_first_run_leads_to_setup_and_the_page_is_accessible(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url)
    assert page.url.endswith("/setup")
    expect(page.get_by_role("heading", name="Set up Role readiness")).to_be_visible()
    assert_accessible(page)


def test_sign_in_page_with_errors_is_accessible(page: Any, live_server: LiveServer) -> None:
    live_server.make.user("administrator")
    page.goto(f"{live_server.url}/sign-in")
    page.get_by_role("button", name="Sign in").click()
    assert page.title().startswith("Error:")
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(page)


def test_a_lead_signs_in_and_sees_their_home_page(page: Any, live_server: LiveServer) -> None:
    lead = live_server.make.user("project_lead")
    sign_in(page, live_server.url, lead.email, PASSWORD)
    expect(page.get_by_role("heading", name="What needs you now")).to_be_visible()
    assert_accessible(page)
