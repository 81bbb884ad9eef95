"""Hostile input: arbitrary form posts and JSON never cause a 500, and a refused page changes nothing."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readiness.extensions import db
from readiness.models import Answer
from readiness.services import assessments
from readiness.services.catalogue import questionnaire
from tests.support.answers import best
from tests.support.factory import Factory

NASTY = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '=HYPERLINK("http://x")',
            "\x00",
            "'; DROP TABLE answer; --",
            "yes",
            "no",
            "not_sure",
            "9" * 400,
            "-1",
            "1e309",
            "NaN",
            "../../etc/passwd",
            "\u202e\u0000",
        ]
    ),
    st.integers(min_value=5000, max_value=6000).map(lambda n: "\u00e9<" * n),
)
SETTINGS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture
def signed_in(client, make: Factory):
    lead = make.user()
    make.sign_in(client, lead)
    version = assessments.latest_version(make.assessment(lead, answers=best(questionnaire())))
    return client, version


def field_names(client, url: str) -> list[str]:
    return sorted(set(re.findall(r'name="([^"]+)"', client.get(url).text)) - {"csrf_token"})


@pytest.mark.parametrize("section", ["role", "need", "governance", "stakeholders", "training", "evaluation"])
def test_arbitrary_posts_to_question_pages_never_fail_or_change_saved_answers_when_refused(
    signed_in, section: str
) -> None:
    client, version = signed_in
    url = f"/assessments/{version.assessment_id}/v/1/section/{section}"
    names = field_names(client, url)

    @SETTINGS
    @given(
        st.dictionaries(st.sampled_from([*names, "unexpected", "seen"]), NASTY, max_size=12),
        st.sampled_from(["continue", "later", "x"]),
    )
    def post(fields: dict[str, str], action: str) -> None:
        before = {a.question_id: (a.value, a.note, a.evidence_url) for a in db.session.scalars(db.select(Answer))}
        response = client.post(url, data=fields | {"action": action})
        assert response.status_code < 500, response.text[:500]
        db.session.expire_all()
        if response.status_code != 302:
            after = {a.question_id: (a.value, a.note, a.evidence_url) for a in db.session.scalars(db.select(Answer))}
            assert after == before
        assert "<script>alert(1)</script>" not in response.text

    post()


@SETTINGS
@given(
    st.recursive(
        st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=30),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4),
        max_leaves=12,
    )
)
def test_any_json_given_to_score_exits_0_or_2_never_a_traceback(runner, data: Any) -> None:
    for payload in (data, {"answers": data}):
        result = runner.invoke(args=["score", "-"], input=json.dumps(payload))
        assert result.exit_code in (0, 2), result.output
        assert "Traceback" not in result.output


@SETTINGS
@given(
    st.dictionaries(
        st.sampled_from(["need_patient_need", "posts", "planned_start", "role_profile", "evaluation_measures", "x"]),
        NASTY | st.integers() | st.floats() | st.lists(st.text(max_size=10)),
        max_size=6,
    )
)
def test_any_answer_values_given_to_score_exit_0_or_2(runner, answers: dict[str, Any]) -> None:
    result = runner.invoke(args=["score", "-"], input=json.dumps({"answers": answers}, allow_nan=True))
    assert result.exit_code in (0, 2), result.output


def test_a_nul_character_is_refused_with_400_and_nothing_changes(signed_in) -> None:
    client, version = signed_in
    url = f"/assessments/{version.assessment_id}/v/1/section/need"
    before = assessments.answers_of(version)
    response = client.post(
        url, data={"action": "later", "note__need_patient_need": "a\x00b", "q__need_patient_need": "no"}
    )
    assert response.status_code == 400
    assert assessments.answers_of(version) == before


API_PATHS = [
    "/api/assessments",
    "/api/assessments/{a}",
    "/api/assessments/{a}/versions/{n}",
    "/api/assessments/{a}/versions/{n}/report",
    "/api/assessments/{a}/versions/{n}/plan",
]
IDS = st.one_of(st.integers(min_value=0, max_value=3), st.integers(min_value=0, max_value=10**30), st.just(2**63))
JSON = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4),
    max_leaves=10,
)


def test_the_api_routes_are_the_ones_fuzzed(app) -> None:
    routes = {r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/api/")}
    fuzzed = {p.replace("{a}", "<int:assessment_id>").replace("{n}", "<int:number>") for p in API_PATHS}
    assert routes - {"/api/openapi.json", "/api/docs"} == fuzzed


@SETTINGS
@given(
    path=st.sampled_from(API_PATHS),
    assessment_id=IDS,
    number=IDS,
    method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]),
    query=st.dictionaries(st.text(max_size=10), st.text(max_size=40), max_size=3),
    body=JSON,
)
def test_any_request_to_the_api_answers_json_never_a_500(
    signed_in, path: str, assessment_id: int, number: int, method: str, query: dict, body: Any
) -> None:
    client, version = signed_in
    before = assessments.answers_of(version)
    url = path.format(a=assessment_id, n=number)
    response = client.open(url, method=method, query_string=query, json=body)
    assert response.status_code in (200, 400, 404, 405), (url, response.status_code, response.text[:300])
    assert response.mimetype == "application/json"
    assert assessments.answers_of(version) == before


@pytest.mark.parametrize("number", [2**31, 2**63, 10**30])
def test_ids_beyond_any_row_are_not_found_on_every_route(app, signed_in, number: int) -> None:
    client, _ = signed_in
    checked = 0
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule:
            continue
        url = re.sub(r"<[^>]+>", "x", re.sub(r"<int:\w+>", str(number), rule.rule))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code in (400, 403, 404), (method, url, response.status_code)
            checked += 1
    assert checked > 20


@pytest.fixture
def commissioner(client, make: Factory):
    from tests.test_sharing import shared_bid

    organisation = make.organisation("Westshire ICB", kind="commissioner")
    shared_bid(make, make.user("project_lead"), organisation, best(questionnaire()))
    make.sign_in(client, make.user("commissioner", organisation))
    return client


PORTFOLIO_KEYS = ["q", "verdict", "stage", "rating", "role_profile", "organisation", "submitted_from"]
PORTFOLIO_KEYS += ["submitted_to", "sort", "order", "page", "bid"]


@SETTINGS
@given(
    path=st.sampled_from(["/portfolio/", "/portfolio/heatmap.svg", "/portfolio/export.csv", "/portfolio/compare"]),
    query=st.lists(
        st.tuples(st.sampled_from(PORTFOLIO_KEYS), NASTY | st.integers().map(str) | st.dates().map(str)), max_size=6
    ),
)
def test_any_portfolio_query_string_is_answered_never_a_500(commissioner, path: str, query: list) -> None:
    response = commissioner.get(path, query_string=query)
    assert response.status_code in (200, 302, 400), (path, query, response.status_code)
