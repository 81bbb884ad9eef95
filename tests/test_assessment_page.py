"""An assessment's own page keeps every version reachable, for each person only the versions they may see."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from readiness.extensions import db
from readiness.models import Share
from readiness.services import assessments, decisions, sharing
from tests.support.factory import Factory
from tests.support.team import Team, bid_team


@pytest.fixture
def team(make: Factory) -> Team:
    """Version 1 submitted, decided, shared with the funder and queried; version 2 submitted and shared elsewhere;
    version 3 a draft."""
    team = bid_team(make)
    first = assessments.latest_version(team.assessment)
    assessments.submit(first, team.lead)
    decisions.record(first, "approved_with_conditions", "Name a supervisor", "", team.board)
    sharing.share(first, team.funder, team.lead)
    sharing.raise_query(first, team.commissioner, "Who supervises at night?")
    db.session.commit()
    second = assessments.start_new_version(team.assessment, 1, team.lead)
    assessments.submit(second, team.lead)
    sharing.share(second, team.other_funder, team.lead)
    sharing.raise_query(second, team.outsider_commissioner, "Why did the governance score fall?")
    db.session.commit()
    assessments.start_new_version(team.assessment, 2, team.lead)
    return team


def sections(html: str) -> list[str]:
    return re.findall(r'<h2 id="version-(\d+)">', html)


@pytest.mark.parametrize("who", ["lead", "second_lead", "editor", "board"])
def test_the_team_sees_every_version_with_its_decisions_shares_and_queries(
    app: Flask, make: Factory, team: Team, who: str
) -> None:
    page = team.client(app, make, getattr(team, who)).get(team.base)
    assert page.status_code == 200
    assert sections(page.text) == ["3", "2", "1"]
    html, base = page.text, team.base
    for number in (1, 2):
        for link in (f"{base}/v/{number}/results", f"{base}/v/{number}/board-pack.pdf", f"{base}/v/{number}/plan"):
            assert f'href="{link}' in html
        assert f'href="/sharing/{team.assessment.id}/v/{number}"' in html
    assert f'href="{base}/v/3"' in html  # the draft's sections
    assert "Approved with conditions, recorded by Board Person" in html and "Name a supervisor" in html
    assert "Westshire ICB" in html and "Eastshire ICB" in html
    assert "Who supervises at night?" in html and "Why did the governance score fall?" in html
    assert (f'href="{base}/v/2/decision"' in html) == (who == "board")
    if who == "board":
        assert "Version 2 is waiting for the board's decision" in html
    if who in ("lead", "second_lead", "editor"):
        assert "Continue version 3" in html


def test_a_commissioner_sees_only_the_versions_shared_with_them_and_their_own_queries(
    app: Flask, make: Factory, team: Team
) -> None:
    html = team.client(app, make, team.commissioner).get(team.base).text
    assert sections(html) == ["1"]
    assert "Who supervises at night?" in html and "Why did the governance score fall?" not in html
    assert "Eastshire ICB" not in html  # nor whom else the bid went to
    assert "/sharing/" not in html and f"{team.base}/v/3" not in html and "/decision" not in html
    assert f'href="{team.base}/v/1/results"' in html and f'href="{team.base}/v/1/board-pack.pdf"' in html
    assert 'href="/portfolio/bids/' in html

    other = team.client(app, make, team.outsider_commissioner).get(team.base).text
    assert sections(other) == ["2"]
    assert "Why did the governance score fall?" in other and "Who supervises at night?" not in other


def test_a_commissioner_never_sees_a_draft_even_if_a_share_pointed_at_one(
    app: Flask, make: Factory, team: Team
) -> None:
    draft = assessments.latest_version(team.assessment)
    db.session.add(Share(version_id=draft.id, organisation_id=team.funder.id, shared_by_id=team.lead.id))
    db.session.commit()
    client = team.client(app, make, team.commissioner)
    assert sections(client.get(team.base).text) == ["1"]
    assert client.get(f"{team.base}/v/3/results").status_code == 404


@pytest.mark.parametrize("who", ["outsider_lead", "second_commissioner_elsewhere", "administrator"])
def test_anyone_else_is_not_found(app: Flask, make: Factory, team: Team, who: str) -> None:
    person = {
        "outsider_lead": team.outsider_lead,
        "second_commissioner_elsewhere": make.user("commissioner", make.organisation("Northshire ICB", "commissioner")),
        "administrator": make.user("administrator"),
    }[who]
    assert team.client(app, make, person).get(team.base).status_code == 404


def test_signing_in_is_needed(app: Flask, team: Team) -> None:
    response = app.test_client().get(team.base)
    assert response.status_code == 302 and "/sign-in" in response.location


def spoken(html: str) -> str:
    found = re.search(r'<nav class="app-version-nav"[^>]*>(.*?)</nav>', html, re.S)
    assert found is not None, "no version navigation"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/v/3", "Version 3 of 3 · draft"),
        ("/v/3/section/need", "Version 3 of 3 · draft"),
        ("/v/3/check", "Version 3 of 3 · draft"),
        ("/v/3/evidence", "Version 3 of 3 · draft"),
        ("/v/2/submitted", "Version 2 of 3 · submitted"),
        ("/v/2/results", "Version 2 of 3 · submitted"),
        ("/v/2/plan", "Version 2 of 3 · submitted"),
        ("/v/1/decision", "Version 1 of 3 · submitted"),
    ],
)
def test_every_page_of_a_version_says_which_it_is_and_leads_to_the_others(
    app: Flask, make: Factory, team: Team, path: str, says: str
) -> None:
    who = team.board if path.endswith("decision") else team.lead
    page = team.client(app, make, who).get(team.base + path)
    assert page.status_code == 200
    navigation = spoken(page.text)
    assert navigation.startswith(says)
    number = int(path.split("/")[2])
    for other in {1, 2, 3} - {number}:
        assert f'href="{team.base}#version-{other}"' in page.text
    assert "All versions of Band 4 assistant practitioner" in navigation


def test_sharing_pages_and_the_bid_page_carry_the_navigation_too(app: Flask, make: Factory, team: Team) -> None:
    lead = team.client(app, make, team.lead)
    query = sharing.queries_of(team.assessment.versions[0])[0]
    assert spoken(lead.get(f"/sharing/{team.assessment.id}/v/1").text).startswith("Version 1 of 3")
    reply = lead.get(f"/sharing/{team.assessment.id}/v/1/queries/{query.id}").text
    assert spoken(reply).startswith("Version 1 of 3")
    # A commissioner is not told how many versions the team has, and is led only to the ones shared with them.
    first = team.assessment.versions[0]
    bid = team.client(app, make, team.commissioner).get(f"/portfolio/bids/{first.id}").text
    navigation = spoken(bid)
    assert navigation.startswith("Version 1 · submitted") and "of 3" not in navigation
    assert "#version-2" not in bid and "#version-3" not in bid


def test_the_dashboard_leads_to_the_assessment_page(app: Flask, make: Factory, team: Team) -> None:
    html = team.client(app, make, team.lead).get("/assessments/").text
    assert f'href="{team.base}"' in html and "and 2 earlier versions" in html


def test_the_latest_version_shortcut_still_works(app: Flask, make: Factory, team: Any) -> None:
    response = team.client(app, make, team.lead).get(f"{team.base}/latest")
    assert response.status_code == 302 and response.location == f"{team.base}/v/3"
