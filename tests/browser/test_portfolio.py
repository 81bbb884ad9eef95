"""A commissioner works through the portfolio in a real browser; the lead answers their query."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from readiness.extensions import db
from readiness.services import assessments, sharing
from readiness.services.catalogue import questionnaire
from tests.browser.conftest import LiveServer, assert_accessible, sign_in
from tests.support.answers import best, worst
from tests.support.factory import PASSWORD


def _bid(live_server: LiveServer, lead: Any, title: str, answers: dict[str, Any], commissioner: Any) -> Any:
    version = assessments.latest_version(live_server.make.assessment(lead, title=title, answers=answers))
    assessments.submit(version, lead)
    sharing.share(version, commissioner, lead)
    db.session.commit()
    return version


def test_commissioner_filters_compares_verifies_exports_and_queries(
    page: Any, browser: Any, live_server: LiveServer
) -> None:
    make = live_server.make
    q = questionnaire()
    icb = make.organisation("Westshire ICB", kind="commissioner")
    north = make.user("project_lead", make.organisation("Northfield Trust"), name="Nora Lead")
    river = make.user("project_lead", make.organisation("Riverside PCN"), name="Ravi Lead")
    _bid(live_server, north, "Assistant practitioner", best(q), icb)
    red = _bid(live_server, river, "Physician associate", worst(q, role_profile="physician_associate"), icb)
    _bid(live_server, north, "Care navigator", worst(q, role_profile="care_navigator_level_1", band="band_3"), icb)
    commissioner = make.user("commissioner", icb, name="Cara Commissioner")

    sign_in(page, live_server.url, commissioner.email, PASSWORD)
    page.get_by_role("link", name="Portfolio", exact=True).click()
    expect(page.get_by_role("heading", name="Portfolio of bids")).to_be_visible()
    page.get_by_text("Filter and sort the bids").click()  # the filters fold away below the count
    page.get_by_label("Stage rating").select_option("red")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#portfolio-count")).to_contain_text("2 bids from 2 organisations match")
    bids = page.locator("#bids + form table")
    assert bids.get_by_text("Assistant practitioner").count() == 0
    page.wait_for_load_state("load")
    assert page.locator("img[alt^='Heatmap']").evaluate("img => img.complete && img.naturalWidth > 0")
    assert_accessible(page)

    page.get_by_label("Compare Physician associate, Riverside PCN").check()
    page.get_by_label("Compare Care navigator, Northfield Trust").check()
    page.get_by_role("button", name="Compare selected bids").click()
    expect(page.get_by_role("heading", name="Compare bids")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Physician associate")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Physician associate").first.click()
    expect(page.get_by_role("heading", name="Physician associate")).to_be_visible()
    assert red.digest in page.locator("#digest").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Verify this bid").click()
    expect(page.get_by_text("Verified: the stored snapshot still matches")).to_be_visible()

    page.get_by_label("Your query").fill("Who will supervise the physician associate day to day?")
    page.get_by_role("button", name="Send query").click()
    expect(page.get_by_text("Your query has been sent")).to_be_visible()
    bid_url = page.url

    page.get_by_role("link", name="Portfolio of bids").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV file").click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert "Physician associate" in text and "Questionnaire version" in text

    lead_context = browser.new_context()
    lead_page = lead_context.new_page()
    sign_in(lead_page, live_server.url, river.email, PASSWORD)
    lead_page.goto(f"{live_server.url}/assessments/{red.assessment_id}/v/{red.number}/submitted")
    lead_page.get_by_role("link", name="Share with a commissioner and answer their queries").click()
    expect(lead_page.get_by_text("Who will supervise the physician associate day to day?")).to_be_visible()
    assert_accessible(lead_page)
    lead_page.get_by_role("link", name="Reply").click()
    lead_page.get_by_label("Your reply").fill("Dr Patel, the named supervising GP, is on site every session.")
    lead_page.get_by_role("button", name="Send reply").click()
    expect(lead_page.get_by_text("Your reply has been sent")).to_be_visible()
    lead_context.close()

    page.goto(bid_url)
    expect(page.locator(".app-query").get_by_text("Dr Patel, the named supervising GP")).to_be_visible()
    expect(page.locator("#audit-trail").get_by_text("Answered a query")).to_be_visible()
