"""The report journey in a real browser: a board member reads, downloads and decides; pages pass axe-core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from readiness.services import assessments
from readiness.services.catalogue import questionnaire
from tests.browser.conftest import LiveServer, assert_accessible, sign_in
from tests.support.answers import best, worst
from tests.support.factory import PASSWORD


def two_versions(live_server: LiveServer) -> Any:
    make = live_server.make
    lead = make.user("project_lead")
    q = questionnaire()
    assessment = make.assessment(lead, answers=worst(q))
    assert assessments.submit(assessments.latest_version(assessment), lead)
    draft = assessments.start_new_version(assessment, 1, lead)
    make.answer(draft, lead, best(q))
    assert assessments.submit(draft, lead)
    return assessment, lead


def test_a_board_member_reads_the_report_downloads_the_pack_and_records_a_decision(
    page: Any, live_server: LiveServer
) -> None:
    assessment, _ = two_versions(live_server)
    board = live_server.make.user("board_member", organisation=assessment.organisation, name="Dr Board")
    sign_in(page, live_server.url, board.email, PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.id}/v/1/results")
    expect(page.get_by_role("heading", name="Readiness report: Band 4 assistant practitioner")).to_be_visible()
    expect(page.get_by_text("Not ready to launch")).to_be_visible()
    chart = page.get_by_role("img", name="Bar chart of stage scores")
    expect(chart).to_be_visible()
    assert chart.evaluate("img => img.naturalWidth") > 0
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the board pack (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
    page.get_by_role("link", name="Record the board's decision").click()
    page.get_by_role("button", name="Record decision").click()
    assert page.title().startswith("Error:")
    page.get_by_label("Approved with conditions").check()
    page.get_by_role("textbox", name="Conditions").fill("A named supervisor for every post before launch")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Board decision recorded: Approved with conditions")).to_be_visible()
    decision = page.locator(".app-decision")
    assert "Approved with conditions" in decision.inner_text()
    assert "A named supervisor for every post before launch" in decision.inner_text()
    assert "Dr Board" in decision.inner_text()


def test_results_plan_and_comparison_pages_are_accessible(page: Any, live_server: LiveServer) -> None:
    assessment, lead = two_versions(live_server)
    sign_in(page, live_server.url, lead.email, PASSWORD)
    base = f"{live_server.url}/assessments/{assessment.id}"
    page.goto(f"{base}/v/1/results")
    page.locator("details").first.click()
    assert_accessible(page)
    page.goto(f"{base}/v/1/plan")
    expect(page.get_by_role("heading", name="Action plan")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Update").first.click()
    page.get_by_label("Owner").fill("Jo Bloggs")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month", exact=True).fill("1")
    page.get_by_label("Year").fill("2020")
    page.get_by_label("In progress").check()
    page.get_by_role("button", name="Save").click()
    assert "1 overdue" in page.locator("main").inner_text(), page.locator("main").inner_text()[:600]
    assert_accessible(page)
    page.goto(f"{base}/compare?from=1&to=2")
    expect(page.get_by_role("heading", name="Compare version 1 with version 2")).to_be_visible()
    expect(page.get_by_role("img", name="Line chart of stage scores by version")).to_be_visible()
    assert_accessible(page)
