"""A project lead's whole journey in Chromium, by keyboard and mouse as a new user would."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, assert_accessible, sign_in, tab_to
from tests.support.factory import PASSWORD

STAGES = [
    "Understand the need",
    "Governance and scope",
    "Stakeholders and culture",
    "Training and support",
    "Monitor and evaluate",
]


def answer_every_scale_question_yes(page: Any) -> None:
    """Answer Yes where the scale is offered, the first option elsewhere, and fill any text box."""
    for radio in page.locator("input[type=radio][value=yes]").all():
        radio.check()
    names = set(page.eval_on_selector_all("input[type=radio]", "els => els.map(e => e.name)"))
    for name in sorted(names):
        if not page.locator(f"input[name={name}]:checked").count():
            page.locator(f"input[name={name}]").first.check()
    for box in page.locator("textarea[name^=q__]").all():
        if box.is_visible() and not box.input_value():
            box.fill("Vacancy rates, patient waiting times and staff survey results")


def fill_role_page(page: Any, across: str) -> None:
    page.get_by_label("New to me: the role is new to our organisation").check()
    page.get_by_label("Assistant practitioner (band 4)").check()
    page.get_by_label("Band 4", exact=True).check()
    page.get_by_label("Community services").check()
    page.locator(f"input[name=q__across_organisations][value={across}]").check()
    page.locator("input[name=q__trainee_posts][value=no]").check()
    page.get_by_label("Recurrent budget").check()
    page.get_by_label("How many posts will you create?").fill("3")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month", exact=True).fill("4")
    page.get_by_label("Year").fill("2027")


def test_a_lead_completes_uploads_resumes_and_submits(page: Any, live_server: LiveServer, tmp_path: Path) -> None:
    lead = live_server.make.user("project_lead")
    sign_in(page, live_server.url, lead.email, PASSWORD)
    assert_accessible(page)  # the home page
    page.get_by_role("link", name="Start a new assessment").click()
    page.get_by_label("What is the title of the role?").fill("Band 4 assistant practitioner")
    page.get_by_role("button", name="Start").click()

    # About the role: working across organisations brings conditional governance questions in.
    fill_role_page(page, across="yes")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Understand the need", exact=True)).to_be_visible()

    # A validation error keeps the other answers, then is fixed.
    answer_every_scale_question_yes(page)
    page.get_by_text("Add a note or evidence").first.click()
    page.get_by_label("Link to evidence (optional)").first.fill("not a link")
    page.get_by_role("button", name="Save and continue").click()
    assert page.title().startswith("Error:")
    expect(page.locator(".nhsuk-error-summary").get_by_text("Enter a link that starts with https://")).to_be_visible()
    expect(page.locator("input[type=radio][value=yes]").first).to_be_checked()
    assert_accessible(page)  # a question page with errors
    page.get_by_label("Link to evidence (optional)").first.fill("https://intranet.example.nhs.uk/needs-analysis")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Governance and scope")).to_be_visible()
    assert page.locator("input[name=q__governance_shared_governance]").count() == 4
    answer_every_scale_question_yes(page)
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_role("heading", name="Your assessments")).to_be_visible()

    # Leave and resume: the task list shows progress; the saved answers are still there.
    page.get_by_role("link", name="Band 4 assistant practitioner").click()
    page.get_by_role("link", name="Continue version 1").click()  # from the assessment's own page
    assert_accessible(page)  # the task list
    expect(page.get_by_text(re.compile(r"completed 3 of 6 sections"))).to_be_visible()
    page.get_by_role("link", name="About the role").click()
    page.locator("input[name=q__across_organisations][value=no]").check()
    page.get_by_role("button", name="Save and continue").click()
    page.goto(page.url.replace("/section/need", "/section/governance"))
    assert page.locator("input[name=q__governance_shared_governance]").count() == 0

    # Evidence: upload a real PDF for one answer.
    page.goto(page.url.replace("/section/governance", "/evidence"))
    pdf = tmp_path / "needs analysis.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    page.locator("input[type=file]").set_input_files(str(pdf))
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_role("link", name="needs analysis.pdf")).to_be_visible()

    for stage in STAGES[1:]:
        section_url = re.sub(r"/evidence$|/section/\w+(#.*)?$", "", page.url) + "/section/" + _stage_id(stage)
        page.goto(section_url)
        while page.url.split("#")[0] == section_url:  # answers may bring in more questions on the same page
            answer_every_scale_question_yes(page)
            page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit assessment").click()
    expect(page.get_by_role("heading", name="Version 1 submitted")).to_be_visible()
    digest = page.locator("#digest").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert_accessible(page)  # the confirmation page

    page.get_by_role("button", name="Start version 2").click()
    expect(page.get_by_text("version 2 (draft)")).to_be_visible()


def _stage_id(title: str) -> str:
    return {
        "Governance and scope": "governance",
        "Stakeholders and culture": "stakeholders",
        "Training and support": "training",
        "Monitor and evaluate": "evaluation",
    }[title]


def test_the_wizard_works_by_keyboard_alone(page: Any, live_server: LiveServer) -> None:
    lead = live_server.make.user("project_lead")
    sign_in(page, live_server.url, lead.email, PASSWORD)
    expect(page.get_by_role("heading", name="What needs you now")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    tab_to(page, page.get_by_role("link", name="Start a new assessment"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/assessments/new")
    tab_to(page, page.get_by_label("What is the title of the role?"))
    page.keyboard.type("Care navigator")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="About the role")).to_be_visible()
    # Tab reaches a radio group once, at its first option; the arrow keys choose within it.
    tab_to(page, page.get_by_label("New to everyone: the role has not been implemented in the NHS before"))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("New to me: the role is new to our organisation")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Save and come back later"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your assessments")).to_be_visible()
    expect(page.get_by_text("Care navigator")).to_be_visible()
