"""Follow-up questions open as soon as the answer that opens them is chosen, before anything is saved."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from readiness.services import assessments
from readiness.services.answers import saved_values
from tests.browser.conftest import LiveServer, assert_accessible, sign_in
from tests.support.answers import GOOD_CONTEXT
from tests.support.factory import PASSWORD


def test_choosing_the_opening_answer_reveals_the_follow_up_without_saving(page: Any, live_server: LiveServer) -> None:
    lead = live_server.make.user("project_lead")
    assessment = live_server.make.assessment(lead, answers={k: v for k, v in GOOD_CONTEXT.items() if k != "role_title"})
    version = assessments.latest_version(assessment)
    sign_in(page, live_server.url, lead.email, PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.id}/v/1/section/role")
    expect(page.get_by_text("Section 1 of 6")).to_be_visible()
    months = page.get_by_label("For how many months is the funding secured?")
    expect(months).to_be_hidden()
    page.get_by_label("Fixed-term or pilot funding").check()
    expect(months).to_be_visible()
    assert saved_values(version.id)["funding_source"] == "recurrent"  # nothing was saved to open it
    assert_accessible(page)
    page.get_by_label("Recurrent budget").check()
    expect(months).to_be_hidden()
    page.locator("input[name=q__funding_source][value=arrs]").check()
    months.fill("36")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("About the role")  # no bounce back
    assert saved_values(version.id)["funding_months"] == 36
