"""An administrator sets up an organisation and a person in Chromium; the pages are accessible."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, assert_accessible, sign_in
from tests.support.factory import PASSWORD


def test_an_administrator_adds_an_organisation_and_a_commissioner(page: Any, live_server: LiveServer) -> None:
    admin = live_server.make.user("administrator")
    sign_in(page, live_server.url, admin.email, PASSWORD)
    page.get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Add an organisation").click()
    page.get_by_role("button", name="Add organisation").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the organisation's name")
    assert_accessible(page)
    page.get_by_label("Organisation name").fill("Westshire Integrated Care Board")
    page.get_by_label("Commissioner (ICB, regional team or funder)").check()
    page.get_by_role("button", name="Add organisation").click()
    expect(page.get_by_text("Westshire Integrated Care Board added.")).to_be_visible()
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Full name").fill("Cara Commissioner")
    page.get_by_label("Email address").fill("cara@example.nhs.uk")
    page.get_by_label("Password", exact=True).fill("a long enough password")
    page.get_by_label("Organisation").select_option(label="Westshire Integrated Care Board")
    page.get_by_label("Commissioner", exact=True).check()
    assert_accessible(page)
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_text("Account created for Cara Commissioner.")).to_be_visible()
    expect(page.get_by_role("cell", name="Commissioner, Westshire Integrated Care Board")).to_be_visible()


def test_the_first_administrator_is_created_in_the_browser(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url)
    page.get_by_label("Full name").fill("Ada Admin")
    page.get_by_label("Email address").fill("ada@example.nhs.uk")
    page.get_by_label("Password", exact=True).fill("correct horse battery")
    page.get_by_label("Confirm password").fill("correct horse battery")
    page.get_by_label("Name of the organisation that runs this service").fill("Northfield Trust")
    page.get_by_role("button", name="Create administrator account").click()
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()
    page.goto(f"{live_server.url}/setup")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()


def test_an_administrator_changes_roles_and_deactivates_a_leaver(page: Any, live_server: LiveServer) -> None:
    make = live_server.make
    trust, other = make.organisation("Northfield Trust"), make.organisation("Riverside PCN")
    admin = make.user("administrator", trust, name="Ada Admin")
    make.user("project_lead", trust, name="Lee Leaver")
    sign_in(page, live_server.url, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Lee Leaver").click()
    expect(page.get_by_role("heading", name="Lee Leaver")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Organisation").select_option(label=other.name)
    page.get_by_label("Board member").check()
    page.get_by_role("button", name="Add role").click()
    expect(page.get_by_text("Lee Leaver is now Board member of Riverside PCN.")).to_be_visible()
    page.get_by_role("button", name="Remove Board member, Riverside PCN").click()
    expect(page.get_by_text("Lee Leaver is no longer Board member of Riverside PCN.")).to_be_visible()

    page.get_by_role("link", name="Deactivate account").click()
    expect(page.get_by_role("heading", name="Deactivate Lee Leaver?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Deactivate account").click()
    expect(page.get_by_text("Lee Leaver is deactivated and signed out everywhere.")).to_be_visible()
    page.get_by_role("link", name="Back to administration").click()
    expect(page.get_by_role("cell", name="Lee Leaver (deactivated)")).to_be_visible()

    page.get_by_role("link", name="Ada Admin").click()
    page.get_by_label("Project lead").check()
    page.get_by_role("button", name="Add role").click()
    page.get_by_role("button", name=f"Remove Administrator, {trust.name}").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Ada Admin is the last administrator")
    assert_accessible(page)
