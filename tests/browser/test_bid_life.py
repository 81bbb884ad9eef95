"""A bid's life over months, each person in their own browser, by clicking only: submitted, decided,
shared, queried, replied to, reworked as version 2; version 1 stays reachable for the board and the commissioner."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from readiness.services.catalogue import questionnaire
from tests.browser.conftest import LiveServer, assert_accessible, serving, sign_in
from tests.support.answers import worst
from tests.support.factory import PASSWORD
from tests.support.smtp import Mailbox, body_of

QUERY = "How will the night shift supervise the assistant practitioners?"
REPLY = "The band 6 nurse in charge supervises them, named on each rota."
CONDITIONS = "Name a supervisor for every shift before the first post starts."
TITLE = "Band 4 assistant practitioner"


@pytest.fixture
def server(sqlite_template: Path, tmp_path: Path, mailbox: Mailbox) -> Iterator[LiveServer]:
    with serving(sqlite_template, tmp_path, **mailbox.config) as live:
        yield live


def person(browser: Any, server: LiveServer, email: str) -> Any:
    """A signed-in browser of one's own: a fresh context, as a separate person on a separate machine."""
    page = browser.new_context().new_page()
    sign_in(page, server.url, email, PASSWORD)
    return page


def answered_draft(server: LiveServer) -> dict[str, Any]:
    make = server.make
    provider = make.organisation("Northfield Trust")
    lead = make.user("project_lead", provider, name="Lead Person")
    board = make.user("board_member", provider, name="Board Person")
    funder = make.organisation("Westshire ICB", kind="commissioner")
    commissioner = make.user("commissioner", funder, name="Commissioner Person")
    q = questionnaire()
    answers = worst(q)
    filler = {"text": "Reviewed quarterly", "number": 3, "date": "2027-04-01"}
    answers |= {qid: filler[q.questions[qid].kind] for qid, value in q.applicable(answers).items() if value is None}
    make.assessment(lead, title=TITLE, answers=answers)
    return {"lead": lead, "board": board, "commissioner": commissioner}


def test_a_bid_over_months_stays_reachable_for_everyone_by_clicking(
    browser: Any, server: LiveServer, mailbox: Mailbox
) -> None:
    people = answered_draft(server)

    # The lead continues their draft from the home page and submits version 1.
    lead = person(browser, server, people["lead"].email)
    expect(lead.get_by_role("heading", name="What needs you now")).to_be_visible()
    assert_accessible(lead)
    lead.get_by_role("link", name=f"Continue with the first unanswered section in {TITLE}").click()
    expect(lead.get_by_role("heading", name="Check your answers")).to_be_visible()
    lead.get_by_role("button", name="Submit assessment").click()
    expect(lead.get_by_text("Version 1 submitted")).to_be_visible()

    # The board member is told (the header's count, then the list) and records "approved with conditions".
    board = person(browser, server, people["board"].email)
    board.get_by_role("link", name="Notifications, 1 unread").click()
    expect(board.get_by_role("heading", name="Unread (1)")).to_be_visible()
    assert_accessible(board)
    board.get_by_role("link", name=f"Version 1 of “{TITLE}” awaits the board's decision").click()
    expect(board.get_by_role("heading", name=f"Readiness report: {TITLE}")).to_be_visible()
    expect(board.get_by_role("link", name="Notifications", exact=True)).to_be_visible()  # read now
    board.get_by_role("link", name="Record the board's decision").click()
    board.get_by_label("Approved with conditions").check()
    board.get_by_label("Conditions", exact=True).fill(CONDITIONS)
    board.get_by_role("button", name="Record decision").click()
    expect(board.get_by_text("Board decision recorded: Approved with conditions")).to_be_visible()

    # The lead is told of the decision, and shares version 1 from the assessment's own page.
    lead.get_by_role("link", name="Home", exact=True).click()
    expect(lead.get_by_role("link", name="Notifications, 1 unread")).to_be_visible()
    lead.get_by_role("link", name="Assessments", exact=True).click()
    lead.get_by_role("link", name=TITLE).click()
    expect(lead.get_by_role("heading", name=TITLE, exact=True)).to_be_visible()
    assert_accessible(lead)
    lead.get_by_role("link", name="Sharing and queries of version 1").click()
    lead.get_by_label("Which commissioner do you want to share this version with?").select_option(label="Westshire ICB")
    lead.get_by_role("button", name="Share version 1").click()
    expect(lead.get_by_text("Version 1 is now shared with Westshire ICB.")).to_be_visible()

    # The commissioner is told, opens the bid from the notification and raises a query.
    commissioner = person(browser, server, people["commissioner"].email)
    expect(commissioner.get_by_role("heading", name="What needs you now")).to_be_visible()
    assert_accessible(commissioner)
    commissioner.get_by_role("link", name="Notifications, 1 unread").click()
    commissioner.get_by_role("link", name=f"Version 1 of “{TITLE}” was shared with Westshire ICB").click()
    commissioner.get_by_label("Your query").fill(QUERY)
    commissioner.get_by_role("button", name="Send query").click()
    expect(commissioner.get_by_text("Your query has been sent to the project lead.")).to_be_visible()

    # The lead is told, in the service and by email (a title and a link, never the query), and replies.
    [email] = [m for m in mailbox.wait_for(4) if m["To"] == people["lead"].email and "query" in body_of(m)]
    body = body_of(email)
    assert QUERY not in body and f"{server.url}/sharing/" in body and TITLE in body
    lead.get_by_role("link", name="Home", exact=True).click()
    lead.get_by_role("link", name="Notifications, 2 unread").click()
    lead.get_by_role("link", name=f"A commissioner raised a query about version 1 of “{TITLE}”").click()
    expect(lead.get_by_text(QUERY)).to_be_visible()
    lead.get_by_label("Your reply").fill(REPLY)
    lead.get_by_role("button", name="Send reply").click()
    expect(lead.get_by_text("Your reply has been sent to the commissioner.")).to_be_visible()

    # The lead starts version 2.
    lead.get_by_role("link", name=f"All versions of {TITLE}").click()
    lead.get_by_role("link", name="Submission and digest of version 1").click()
    lead.get_by_role("button", name="Start version 2").click()
    expect(lead.locator(".app-version-nav")).to_contain_text("Version 2 of 2 · draft")

    # The board member still reaches version 1's report, board pack, decision and query by clicking.
    board.get_by_role("link", name="Home", exact=True).click()
    assert_accessible(board)
    board.get_by_role("link", name=f"{TITLE}, version 1").click()
    expect(board.get_by_role("heading", name=re.compile(r"^Version 2"))).to_be_visible()
    assert_accessible(board)
    board.get_by_role("link", name="Readiness report of version 1").click()
    expect(board.locator(".app-version-nav")).to_contain_text("Version 1 of 2 · submitted")
    expect(board.locator("#decision + .app-decision, .app-decision").first).to_contain_text(CONDITIONS)
    board.get_by_role("link", name="Back to the assessment").click()
    assert_pdf(board, "Board pack (PDF) of version 1")
    board.get_by_role("link", name="Board decisions on version 1").click()
    expect(board.get_by_text("Approved with conditions, recorded by Board Person")).to_be_visible()
    board.get_by_role("link", name="Back to the readiness report").click()
    board.get_by_role("link", name="Back to the assessment").click()
    board.get_by_role("link", name="Sharing and queries of version 1").click()
    expect(board.get_by_text(QUERY)).to_be_visible()
    expect(board.get_by_text(REPLY)).to_be_visible()

    # So does the commissioner, who never sees version 2.
    commissioner.get_by_role("link", name="Home", exact=True).click()
    expect(commissioner.get_by_role("link", name="Notifications, 1 unread")).to_be_visible()  # the reply
    commissioner.get_by_role("link", name=f"{TITLE}, version 1").last.click()
    expect(commissioner.locator(".app-query").get_by_text(REPLY)).to_be_visible()
    commissioner.get_by_role("link", name=f"All versions of {TITLE}").click()
    expect(commissioner.get_by_role("heading", name=re.compile(r"^Version 1"))).to_be_visible()
    expect(commissioner.get_by_role("heading", name=re.compile(r"^Version 2"))).to_have_count(0)
    assert_accessible(commissioner)
    commissioner.get_by_role("link", name="Readiness report of version 1").click()
    expect(commissioner.get_by_role("heading", name=f"Readiness report: {TITLE}")).to_be_visible()
    commissioner.get_by_role("link", name="Back to the assessment").click()
    assert_pdf(commissioner, "Board pack (PDF) of version 1")
    commissioner.get_by_role("link", name="Board decision on version 1").click()
    expect(commissioner.locator(".app-decision")).to_contain_text("Approved with conditions")
    commissioner.get_by_role("link", name="Back to the assessment").click()
    commissioner.get_by_role("link", name="The bid and your queries on version 1").click()
    expect(commissioner.locator(".app-query").get_by_text(QUERY)).to_be_visible()


def assert_pdf(page: Any, link: str) -> None:
    with page.expect_download() as download:
        page.get_by_role("link", name=link).click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
