"""Every route, for every kind of visitor: allowed, or refused with 403/404, never another team's data."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from readiness.extensions import db
from readiness.models import Evidence
from readiness.services import assessments, sharing
from readiness.services.catalogue import questionnaire
from readiness.views.auth import RESUMABLE
from tests.support.answers import best
from tests.support.factory import Factory

PUBLIC = {
    "auth.sign_in",
    "auth.setup",
    "home.index",
    "home.health",
    "home.accessibility",
    "home.about",
    "assets",
    "static",
    "api.openapi",
    "api.docs",
}


def route_urls(app: Flask, prefix: str, values: dict[str, object]) -> list[tuple[str, str, set[str]]]:
    """Every rule under a blueprint, filled in with ``values``: (endpoint, url, methods)."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(prefix):
            continue
        arguments = {name: values.get(name, "need") for name in rule.arguments}
        url = rule.rule
        for name, value in arguments.items():
            url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(value), url)
        found.append((rule.endpoint, url, set(rule.methods or ()) - {"HEAD", "OPTIONS"}))
    return found


@pytest.fixture
def other_teams_assessment(app: Flask, make: Factory) -> dict[str, object]:
    """A submitted version of another organisation's assessment, with evidence, a query and a draft."""
    owner = make.user("project_lead")
    assessment = make.assessment(owner, answers=best(questionnaire()))
    version = assessments.latest_version(assessment)
    assessments.submit(version, owner)
    funder = make.organisation("Their commissioner", kind="commissioner")
    sharing.share(version, funder, owner)
    query = sharing.raise_query(version, make.user("commissioner", organisation=funder), "Who supervises?")
    db.session.commit()
    evidence = Evidence(
        version_id=version.id,
        question_id="need_patient_need",
        original_name="plan.pdf",
        stored_name="0" * 64,
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by_id=owner.id,
    )
    db.session.add(evidence)
    db.session.commit()
    return {
        "assessment_id": assessment.id,
        "number": 1,
        "section_id": "need",
        "evidence_id": evidence.id,
        "version_id": version.id,
        "query_id": query.id,
        "key": "need_not_based_on_patient_need.1",
        "fmt": "csv",
    }


OBJECT_ARGUMENTS = {"assessment_id", "version_id", "evidence_id", "query_id"}


@pytest.mark.parametrize("role", ["project_lead", "board_member", "commissioner", "administrator"])
def test_people_of_another_organisation_get_403_or_404_on_every_url_naming_an_object(
    app: Flask,
    client,
    make: Factory,
    other_teams_assessment: dict[str, object],
    role: str,
) -> None:
    """Every route of the app that names an assessment, version, bid, evidence or query."""
    make.sign_in(client, make.user(role))
    checked = 0
    for endpoint, url, methods in route_urls(app, "", other_teams_assessment):
        if not OBJECT_ARGUMENTS & set(next(app.url_map.iter_rules(endpoint)).arguments):
            continue
        for method in methods:
            response = client.open(url, method=method, data={})
            assert response.status_code in (403, 404), f"{role} {method} {url} -> {response.status_code}"
            checked += 1
    assert checked >= 30
    assert "Band 4 assistant practitioner" not in client.get("/assessments/").text


@pytest.mark.parametrize("role", ["project_lead", "board_member", "administrator"])
def test_only_commissioners_reach_the_portfolio(app: Flask, client, make: Factory, role: str) -> None:
    make.sign_in(client, make.user(role))
    for _endpoint, url, methods in route_urls(app, "portfolio.", {"version_id": 1, "fmt": "csv"}):
        for method in methods:
            assert client.open(url, method=method, data={}).status_code in (403, 404), f"{role} {method} {url}"


def test_every_post_without_a_csrf_token_is_refused(csrf_app: Flask, make: Factory) -> None:
    client = csrf_app.test_client()
    lead = make.user("project_lead")
    assessment = make.assessment(lead)
    make.sign_in(client, lead)
    values = {
        "assessment_id": assessment.id,
        "number": 1,
        "section_id": "need",
        "evidence_id": 1,
        "version_id": 1,
        "query_id": 1,
        "key": "x.1",
        "fmt": "csv",
        "user_id": lead.id,
        "membership_id": lead.memberships[0].id,
    }
    posts = [(endpoint, url) for endpoint, url, methods in route_urls(csrf_app, "", values) if "POST" in methods]
    assert len(posts) >= 15
    for endpoint, url in posts:
        response = client.post(url, data={"action": "continue"})
        if endpoint in RESUMABLE:  # refused, and what was typed is shown again unsaved (tests/test_resume.py)
            assert response.status_code == 302 and response.location.startswith(f"{url}?resume="), endpoint
            continue
        assert response.status_code == 400, f"POST {url} ({endpoint}) without a token -> {response.status_code}"


def test_anonymous_visitors_are_sent_to_sign_in_from_every_private_page(
    app: Flask,
    client,
    make: Factory,
    other_teams_assessment: dict[str, object],
) -> None:
    for endpoint, url, methods in route_urls(app, "", other_teams_assessment):
        if endpoint in PUBLIC:
            continue
        if "GET" in methods:
            response = client.get(url)
            assert response.status_code in (302, 401, 404), f"GET {url} -> {response.status_code}"
            if response.status_code == 302:
                assert "/sign-in" in response.location, url


def test_a_board_member_can_read_but_not_edit(app: Flask, client, make: Factory) -> None:
    lead = make.user("project_lead")
    board = make.user("board_member", organisation=lead.memberships[0].organisation)
    assessment = make.assessment(lead, answers=best(questionnaire()))
    make.sign_in(client, board)
    assert client.get(f"/assessments/{assessment.id}/v/1").status_code == 200
    assert client.get(f"/assessments/{assessment.id}/v/1/check").status_code == 200
    assert (
        client.post(f"/assessments/{assessment.id}/v/1/section/need", data={"q__need_patient_need": "no"}).status_code
        == 403
    )
    assert client.post(f"/assessments/{assessment.id}/v/1/submit").status_code == 403
    assert assessments.answers_of(assessments.latest_version(assessment))["need_patient_need"] == "yes"


def test_every_state_changing_route_refuses_get(app: Flask) -> None:
    for rule in app.url_map.iter_rules():
        methods = set(rule.methods or ())
        if "POST" in methods and "GET" not in methods:
            continue
        if "POST" in methods:
            # Pages that show a form on GET and save on POST are fine: GET must not change anything.
            assert rule.endpoint.split(".")[-1] not in {"submit", "sign_out", "new_version", "decision_post"}, rule
