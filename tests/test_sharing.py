"""Sharing bids with commissioners: who sees what, queries and replies, and the audit of each."""

from __future__ import annotations

from typing import Any

import pytest
from flask import g
from flask.testing import FlaskClient

from readiness.extensions import db
from readiness.models import AssessmentVersion, AuditEvent, BidQuery, Evidence, Organisation, User
from readiness.services import assessments, sharing
from readiness.services.catalogue import questionnaire
from tests.support.answers import best, worst
from tests.support.factory import Factory


def submitted_bid(
    make: Factory, lead: User, answers: dict[str, Any], title: str = "Band 4 assistant practitioner"
) -> AssessmentVersion:
    """Create, answer and submit an assessment; return its submitted version."""
    version = assessments.latest_version(make.assessment(lead, title=title, answers=answers))
    assert assessments.submit(version, lead)
    return version


def shared_bid(
    make: Factory, lead: User, commissioner: Organisation, answers: dict[str, Any], **kwargs: Any
) -> AssessmentVersion:
    version = submitted_bid(make, lead, answers, **kwargs)
    sharing.share(version, commissioner, lead)
    db.session.commit()
    return version


def switch_to(client: Any, make: Factory, user: User) -> None:
    """Sign in as someone else; tests share one app context, so forget the user Flask-Login cached in g."""
    g.pop("_login_user", None)
    make.sign_in(client, user)


@pytest.fixture
def world(make: Factory) -> dict[str, Any]:
    """Two commissioners; a bid shared with each; a draft; a submitted bid shared with nobody."""
    q = questionnaire()
    x = make.organisation("Commissioner X", kind="commissioner")
    y = make.organisation("Commissioner Y", kind="commissioner")
    lead = make.user("project_lead")
    for_x = shared_bid(make, lead, x, best(q), title="Shared with X")
    for_y = shared_bid(make, lead, y, worst(q), title="Shared with Y")
    unshared = submitted_bid(make, lead, best(q), title="Not shared")
    draft = assessments.latest_version(make.assessment(lead, title="Still a draft", answers=best(q)))
    evidence = Evidence(
        version_id=for_y.id,
        question_id="need_patient_need",
        original_name="plan.pdf",
        stored_name="0" * 64,
        content_type="application/pdf",
        size=3,
        sha256="0" * 64,
        uploaded_by_id=lead.id,
    )
    db.session.add(evidence)
    db.session.commit()
    return {
        "x": x,
        "y": y,
        "lead": lead,
        "for_x": for_x,
        "for_y": for_y,
        "unshared": unshared,
        "draft": draft,
        "evidence": evidence,
        "commissioner": make.user("commissioner", x),
    }


def test_a_commissioner_sees_only_bids_shared_with_their_organisation(
    client: FlaskClient, make: Factory, world: dict
) -> None:
    switch_to(client, make, world["commissioner"])
    page = client.get("/portfolio/")
    assert page.status_code == 200
    assert "Shared with X" in page.text
    for hidden in ("Shared with Y", "Not shared", "Still a draft"):
        assert hidden not in page.text


@pytest.mark.parametrize("which", ["for_y", "unshared", "draft"])
def test_direct_urls_to_other_bids_are_not_found(client: FlaskClient, make: Factory, world: dict, which: str) -> None:
    switch_to(client, make, world["commissioner"])
    version = world[which]
    urls = [
        f"/portfolio/bids/{version.id}",
        f"/portfolio/bids/{version.id}/answers.csv",
        f"/portfolio/compare?bid={world['for_x'].id}&bid={version.id}",
        f"/assessments/{version.assessment_id}/v/{version.number}/submitted",
        f"/assessments/{version.assessment_id}/v/{version.number}/check",
    ]
    for url in urls:
        assert client.get(url).status_code in (403, 404), url
    for url in (f"/portfolio/bids/{version.id}/verify", f"/portfolio/bids/{version.id}/queries"):
        assert client.post(url, data={"text": "Why?"}).status_code in (403, 404), url


def test_evidence_of_a_bid_shared_elsewhere_is_not_found(client: FlaskClient, make: Factory, world: dict) -> None:
    switch_to(client, make, world["commissioner"])
    version, item = world["for_y"], world["evidence"]
    url = f"/assessments/{version.assessment_id}/v/{version.number}/evidence/{item.id}"
    assert client.get(url).status_code == 404
    other = make.user("commissioner", world["y"])
    switch_to(client, make, other)
    assert client.get(f"/portfolio/bids/{version.id}").status_code == 200


def test_people_who_are_not_commissioners_cannot_open_the_portfolio(
    client: FlaskClient, make: Factory, world: dict
) -> None:
    switch_to(client, make, world["lead"])
    assert client.get("/portfolio/").status_code == 403
    assert client.get(f"/portfolio/bids/{world['for_x'].id}").status_code == 403


def test_only_submitted_versions_can_be_shared_and_only_with_commissioners(make: Factory, world: dict) -> None:
    with pytest.raises(sharing.SharingRefused):
        sharing.share(world["draft"], world["x"], world["lead"])
    provider = make.organisation("A provider")
    with pytest.raises(sharing.SharingRefused):
        sharing.share(world["unshared"], provider, world["lead"])
    first = sharing.share(world["for_x"], world["x"], world["lead"])
    assert sharing.share(world["for_x"], world["x"], world["lead"]).id == first.id


def test_the_lead_shares_a_version_from_the_sharing_page(client: FlaskClient, make: Factory, world: dict) -> None:
    version = world["unshared"]
    switch_to(client, make, world["lead"])
    submitted = client.get(f"/assessments/{version.assessment_id}/v/{version.number}/submitted")
    assert "Share with a commissioner" in submitted.text
    page = client.get(f"/sharing/{version.assessment_id}/v/{version.number}")
    assert page.status_code == 200 and "Commissioner X" in page.text
    response = client.post(
        f"/sharing/{version.assessment_id}/v/{version.number}", data={"organisation_id": world["x"].id}
    )
    assert response.status_code == 302
    assert [s.organisation_id for s in sharing.shares_of(version)] == [world["x"].id]
    event = db.session.scalar(
        db.select(AuditEvent)
        .where(AuditEvent.action == "version_shared", AuditEvent.object_id.isnot(None))
        .order_by(AuditEvent.id.desc())
    )
    assert event.detail["commissioner_id"] == world["x"].id and event.actor_id == world["lead"].id
    draft = world["draft"]
    assert client.get(f"/sharing/{draft.assessment_id}/v/{draft.number}").status_code == 404


def test_a_query_is_raised_answered_kept_with_the_bid_and_audited(
    client: FlaskClient, make: Factory, world: dict
) -> None:
    version = world["for_x"]
    switch_to(client, make, world["commissioner"])
    empty = client.post(f"/portfolio/bids/{version.id}/queries", data={"text": "  "})
    assert empty.status_code == 200 and "Enter your query" in empty.text
    response = client.post(f"/portfolio/bids/{version.id}/queries", data={"text": "=Who supervises the post?"})
    assert response.status_code == 302
    query = db.session.scalar(db.select(BidQuery))
    assert query.organisation_id == world["x"].id and query.version_id == version.id

    switch_to(client, make, world["lead"])
    listing = client.get(f"/sharing/{version.assessment_id}/v/{version.number}")
    assert "=Who supervises the post?" in listing.text
    reply_url = f"/sharing/{version.assessment_id}/v/{version.number}/queries/{query.id}"
    assert client.post(reply_url, data={"response": ""}).status_code == 200
    assert client.post(reply_url, data={"response": "The ward sister, named in the plan."}).status_code == 302

    switch_to(client, make, world["commissioner"])
    page = client.get(f"/portfolio/bids/{version.id}")
    assert "The ward sister, named in the plan." in page.text
    actions = db.session.scalars(
        db.select(AuditEvent.action).where(AuditEvent.assessment_id == version.assessment_id)
    ).all()
    assert "query_raised" in actions and "query_answered" in actions
    assert "Raised a query" in page.text and "Answered a query" in page.text


def test_queries_from_another_commissioner_stay_private(client: FlaskClient, make: Factory, world: dict) -> None:
    version = world["for_x"]
    sharing.share(version, world["y"], world["lead"])
    other = make.user("commissioner", world["y"])
    sharing.raise_query(version, other, "A question from Y only")
    db.session.commit()
    switch_to(client, make, world["commissioner"])
    page = client.get(f"/portfolio/bids/{version.id}")
    assert page.status_code == 200
    assert "A question from Y only" not in page.text
    assert "Commissioner Y" not in page.text


def test_a_lead_of_another_organisation_cannot_reply(client: FlaskClient, make: Factory, world: dict) -> None:
    version = world["for_x"]
    query = sharing.raise_query(version, world["commissioner"], "Question")
    db.session.commit()
    stranger = make.user("project_lead")
    switch_to(client, make, stranger)
    url = f"/sharing/{version.assessment_id}/v/{version.number}/queries/{query.id}"
    assert client.post(url, data={"response": "Not mine"}).status_code == 404
    assert client.get(f"/sharing/{version.assessment_id}/v/{version.number}").status_code == 404


def test_the_audit_trail_shows_the_bid_history_but_not_later_drafts(
    client: FlaskClient, make: Factory, world: dict
) -> None:
    version = world["for_x"]
    draft = assessments.start_new_version(version.assessment, version.number, world["lead"])
    make.answer(draft, world["lead"], {"need_patient_need": "no"})
    switch_to(client, make, world["commissioner"])
    page = client.get(f"/portfolio/bids/{version.id}")
    assert "Submitted version 1" in page.text
    assert "Started the assessment" in page.text
    assert "Started version 2" not in page.text
