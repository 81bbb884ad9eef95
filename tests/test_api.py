"""The read-only JSON API: same answers as the command line, same access rules as the pages."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from readiness.services import assessments
from readiness.services.catalogue import questionnaire
from tests.support.answers import best, worst
from tests.support.factory import Factory
from tests.test_reports import cli_score, submitted


@pytest.mark.parametrize("pick", [worst, best])
def test_the_report_json_equals_the_command_line(app: Flask, client: FlaskClient, make: Factory, pick: Any) -> None:
    lead = make.user("project_lead")
    answers = pick(questionnaire())
    version = submitted(make, lead, answers)
    make.sign_in(client, lead)
    response = client.get(f"/api/assessments/{version.assessment_id}/versions/1/report")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.json
    evidence = body.pop("evidence")  # the organisation's own evidence, which the command line never sees
    assert body == cli_score(app, answers)
    assert evidence["evidenced"] == 0 and evidence["answered"] > 0 and evidence["share"] == 0


def test_a_draft_report_is_live(app: Flask, client: FlaskClient, make: Factory) -> None:
    lead = make.user("project_lead")
    q = questionnaire()
    assessment = make.assessment(lead, answers=best(q))
    make.answer(assessments.latest_version(assessment), lead, {"need_patient_need": "no"})
    make.sign_in(client, lead)
    body = client.get(f"/api/assessments/{assessment.id}/versions/1/report").json
    assert body.pop("evidence")["answered"] > 0
    assert body == cli_score(app, best(q) | {"need_patient_need": "no"})
    assert body["verdict"] == "not_ready"


def test_assessments_versions_and_plan(client: FlaskClient, make: Factory) -> None:
    lead = make.user("project_lead")
    version = submitted(make, lead, worst(questionnaire()))
    make.sign_in(client, lead)
    listing = client.get("/api/assessments").json["assessments"]
    assert [(a["id"], a["versions"][0]["state"]) for a in listing] == [(version.assessment_id, "submitted")]
    detail = client.get(f"/api/assessments/{version.assessment_id}").json
    assert detail["title"] == "Band 4 assistant practitioner" and len(detail["versions"]) == 1
    one = client.get(f"/api/assessments/{version.assessment_id}/versions/1").json
    assert one["digest"] == version.digest and one["decisions"] == []
    assert one["links"]["report"].endswith("/versions/1/report")
    plan = client.get(f"/api/assessments/{version.assessment_id}/versions/1/plan").json["actions"]
    assert plan[0]["status"] == "not_started" and plan[0]["overdue"] is False


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("project_lead", 404), ("commissioner", 404)])
def test_the_api_needs_a_session_and_hides_other_organisations(
    client: FlaskClient, make: Factory, who: str | None, status: int
) -> None:
    lead = make.user("project_lead")
    version = submitted(make, lead, best(questionnaire()))
    if who:
        make.sign_in(client, make.user(who))
    base = f"/api/assessments/{version.assessment_id}"
    for url in (base, f"{base}/versions/1", f"{base}/versions/1/report", f"{base}/versions/1/plan"):
        response = client.get(url)
        assert response.status_code == status, url
        assert response.json["error"]["status"] == status
    assert client.get("/api/assessments").status_code == (401 if who is None else 200)


def test_the_api_is_read_only(client: FlaskClient, make: Factory) -> None:
    lead = make.user("project_lead")
    version = submitted(make, lead, best(questionnaire()))
    make.sign_in(client, lead)
    assert client.post(f"/api/assessments/{version.assessment_id}/versions/1/report").status_code == 405


def test_the_openapi_description_and_docs_page(client: FlaskClient, make: Factory) -> None:
    make.user("project_lead")  # before the first account exists, every page leads to set-up
    response = client.get("/api/openapi.json")
    assert response.status_code == 200, response.text[:300]
    spec = response.json
    assert spec["openapi"] == "3.1.0"
    assert set(spec["paths"]) == {
        "/assessments",
        "/assessments/{assessment_id}",
        "/assessments/{assessment_id}/versions/{number}",
        "/assessments/{assessment_id}/versions/{number}/report",
        "/assessments/{assessment_id}/versions/{number}/plan",
    }
    refs = {
        op["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] for op in spec["paths"].values()
    }
    assert {ref.rsplit("/", 1)[1] for ref in refs} <= set(spec["components"]["schemas"])
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert (
        "Role readiness API" in docs.text
        and "GET /api/assessments/{assessment_id}/versions/{number}/report" in docs.text
    )
    text = " ".join(docs.text.split())
    for operation in (item["get"] for item in spec["paths"].values()):
        assert str(escape(operation["summary"].replace("`", ""))) in text
        assert all(f"<code>{p['name']}</code> (path): integer" in text for p in operation["parameters"])
    responses = [
        (code, r["description"]) for item in spec["paths"].values() for code, r in item["get"]["responses"].items()
    ]
    for code, description in set(responses):  # every documented answer of every operation is on the page
        assert text.count(f"<code>{code}</code>: {description}") == responses.count((code, description))
    for name, schema in spec["components"]["schemas"].items():  # and every field of every body
        section = text.split(f'id="body-{name}"')[1].split("<h3")[0]
        assert all(f"<code>{field}</code>" in section for field in schema["properties"]), name
