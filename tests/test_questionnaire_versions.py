"""An assessment answered on an earlier questionnaire version keeps that version, its wording and its results."""

from __future__ import annotations

from flask.testing import FlaskClient

from readiness.scoring import score
from readiness.services import assessments
from readiness.services.catalogue import catalogue
from tests.support.answers import best
from tests.support.factory import Factory


def test_a_submitted_assessment_on_the_previous_version_keeps_its_results(client: FlaskClient, make: Factory) -> None:
    previous, current = catalogue().get("2026.1"), catalogue().current
    assert current.version != "2026.1"
    lead = make.user()
    organisation_id = next(iter(lead.organisation_ids("project_lead")))
    assessment = assessments.create(lead, organisation_id, "Band 4 assistant practitioner", previous)
    version = assessments.latest_version(assessment)
    # "Partly" on the direct supervision question raised a separate high rule in 2026.1, at full severity.
    answers = best(previous) | {"training_direct_supervision": "partly", "stakeholders_team_working": "no"}
    make.answer(version, lead, answers)
    assert assessments.submit(version, lead)

    result = assessments.result_of(version)
    expected = score(previous, answers)
    assert result.version == "2026.1"
    assert [(r.id, r.severity) for r in result.risks] == [(r.id, r.severity) for r in expected.risks]
    assert ("training_direct_supervision_partial", "high") in [(r.id, r.severity) for r in result.risks]
    assert result.verdict == expected.verdict
    # The same answers on the current version: the Partly-only rule is gone and Partly raises a lower form.
    assert "training_direct_supervision_partial" not in {rule.id for rule in current.rules}

    make.sign_in(client, lead)
    page = client.get(f"/assessments/{assessment.id}/v/1/results").get_data(as_text=True)
    assert "Direct supervision only partly planned" in page
    # The annex shows the question as it was worded in 2026.1.
    assert previous.questions["stakeholders_team_working"].text.split(",")[0] in page.replace("&#39;", "'")

    api = client.get(f"/api/assessments/{assessment.id}/versions/1/report")
    assert api.status_code == 200
    assert api.get_json()["questionnaire_version"] == "2026.1"

    # A reassessment stays on the version the assessment began with.
    draft = assessments.start_new_version(assessment, 1, lead)
    assert draft.questionnaire_version == "2026.1"
