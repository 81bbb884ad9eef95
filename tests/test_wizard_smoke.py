"""A project lead's journey through the wizard, page by page, with the Flask test client."""

from __future__ import annotations

from readiness.extensions import db
from readiness.models import AssessmentVersion
from tests.support.factory import Factory


def test_lead_creates_answers_and_submits(client, make: Factory) -> None:
    lead = make.user("project_lead")
    make.sign_in(client, lead)
    response = client.post(
        "/assessments/new",
        data={"title": "Band 4 assistant practitioner", "organisation_id": next(iter(lead.organisation_ids()))},
    )
    assert response.status_code == 302
    role_page = response.location
    page = client.get(role_page)
    assert page.status_code == 200
    assert "How new is this role?" in page.text
    form = {
        "q__role_title": "Band 4 assistant practitioner",
        "q__role_category": "new_to_me",
        "q__role_profile": "assistant_practitioner",
        "q__band": "band_4",
        "q__setting": "community",
        "q__across_organisations": "yes",
        "q__trainee_posts": "no",
        "q__funding_source": "fixed_term",
        "q__posts": "3",
        "q__planned_start[day]": "1",
        "q__planned_start[month]": "4",
        "q__planned_start[year]": "2027",
        "action": "continue",
        "seen": "{}",
    }
    response = client.post(role_page, data=form)
    assert response.status_code == 302, response.text[:2000]
    assert response.location.endswith("section/role#q__funding_months")
    page = client.get(role_page)
    assert "For how many months is the funding secured?" in page.text
    assert 'name="q__planned_start[year]" type="text" value="2027"' in " ".join(page.text.split())
    response = client.post(role_page, data=form | {"q__funding_months": "abc"})
    assert response.status_code == 200
    assert "There is a problem" in response.text and "must be a number" in response.text
    assert 'value="3"' in response.text
    version = db.session.scalar(db.select(AssessmentVersion))
    check = client.get(f"/assessments/{version.assessment_id}/v/1/check")
    assert check.status_code == 200
    submit = client.post(f"/assessments/{version.assessment_id}/v/1/submit")
    assert submit.status_code == 302
    done = client.get(submit.location)
    db.session.refresh(version)
    assert version.digest and version.digest in done.text
