"""Words typed into the tracker, a board decision, a query or a reply survive a session that ended before posting."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from readiness.extensions import db
from readiness.models import ActionItem, BidQuery, BoardDecision
from readiness.services import assessments, sharing
from readiness.services.answers import saved_rows
from readiness.services.catalogue import questionnaire
from tests.support.answers import worst
from tests.support.factory import PASSWORD, Factory
from tests.support.http import csrf_of
from tests.test_sharing import shared_bid
from tests.test_wizard import seen_of

TYPED = "Typed at length before the session ended"


@pytest.fixture
def bid(make: Factory) -> dict[str, Any]:
    lead = make.user("project_lead")
    organisation = lead.memberships[0].organisation
    commissioner_org = make.organisation("Westshire ICB", kind="commissioner")
    version = shared_bid(make, lead, commissioner_org, worst(questionnaire()))
    commissioner = make.user("commissioner", commissioner_org)
    query = sharing.raise_query(version, commissioner, "Who supervises?")
    db.session.commit()
    base = f"/assessments/{version.assessment_id}/v/1"
    return {
        "lead": lead,
        "board": make.user("board_member", organisation),
        "commissioner": commissioner,
        "tracker": (f"{base}/plan/governance_no_accountability.1", {"owner": "Jo", "status": "done", "notes": TYPED}),
        "decision": (f"{base}/decision", {"decision": "deferred", "comments": TYPED}),
        "reply": (f"/sharing/{version.assessment_id}/v/1/queries/{query.id}", {"response": TYPED}),
        "query": (f"/portfolio/bids/{version.id}/queries", {"text": TYPED}),
    }


@pytest.mark.parametrize(
    ("page", "who"), [("tracker", "lead"), ("decision", "board"), ("reply", "lead"), ("query", "commissioner")]
)
def test_a_form_posted_after_the_session_ended_comes_back_after_sign_in(
    app: Flask, client: FlaskClient, make: Factory, bid: dict[str, Any], page: str, who: str
) -> None:
    url, typed = bid[page]
    user = bid[who]
    if page == "tracker":
        make.sign_in(client, user)
        typed = typed | {"seen": seen_of(client.get(url).text)}
    expired = app.test_client()
    response = expired.post(url, data=typed)
    assert response.status_code == 302 and "/sign-in" in response.location
    assert db.session.scalar(db.select(ActionItem)) is None and db.session.scalar(db.select(BoardDecision)) is None
    assert [(q.text, q.response or "") for q in db.session.scalars(db.select(BidQuery))] == [("Who supervises?", "")]
    signed_in = expired.post(response.location, data={"email": user.email, "password": PASSWORD})
    assert "resume=" in signed_in.location
    restored = expired.get(signed_in.location)
    assert TYPED in restored.text and "This was not saved, because your session had ended" in restored.text
    # Saving the restored page (as the person would, with its fresh CSRF token) saves what was typed.
    assert expired.post(url, data=typed).status_code == 302
    db.session.expire_all()
    saved = {
        "tracker": lambda: db.session.scalar(db.select(ActionItem)).notes,
        "decision": lambda: db.session.scalar(db.select(BoardDecision)).comments,
        "reply": lambda: db.session.scalar(db.select(BidQuery)).response,
        "query": lambda: db.session.scalars(db.select(BidQuery).order_by(BidQuery.id)).all()[-1].text,
    }[page]()
    assert saved == TYPED


@pytest.mark.parametrize("page", ["question", "decision"])
def test_a_page_opened_in_an_earlier_session_keeps_what_was_typed(csrf_app: Flask, page: str) -> None:
    """Signed in again in another tab, a person posts the page left open: refused, but nothing typed is lost."""
    make = Factory(csrf_app)
    lead = make.user("project_lead")
    board = make.user("board_member", lead.memberships[0].organisation)
    version = assessments.latest_version(make.assessment(lead, answers=worst(questionnaire())))
    if page == "decision":
        assert assessments.submit(version, lead)
    base = f"/assessments/{version.assessment_id}/v/1"
    url, who, typed = {
        "question": (
            f"{base}/section/need",
            lead,
            {"action": "later", "q__need_patient_need": "partly", "note__need_patient_need": TYPED},
        ),
        "decision": (f"{base}/decision", board, {"decision": "deferred", "comments": TYPED}),
    }[page]
    tab = csrf_app.test_client()
    make.sign_in(tab, who)
    opened = tab.get(url).text
    fields = typed | {"csrf_token": csrf_of(opened)} | ({"seen": seen_of(opened)} if page == "question" else {})
    make.sign_in(tab, who)  # a new session in another tab: the open page's token belongs to the old one
    with tab.session_transaction() as session:
        session.pop("csrf_token", None)

    refused = tab.post(url, data=fields)

    assert refused.status_code == 302 and refused.location.startswith(f"{url}?resume=")
    shown = tab.get(refused.location).text
    assert TYPED in shown and "This was not saved, because your session had ended" in shown
    db.session.expire_all()
    assert db.session.scalar(db.select(BoardDecision)) is None
    row = saved_rows(version.id).get("need_patient_need")
    assert row is None or row.note != TYPED
    # Saving the page shown again, with its fresh token, saves what was typed.
    saving = tab.post(url, data=fields | {"csrf_token": csrf_of(shown)})
    assert saving.status_code == 302 and "resume=" not in saving.location
    db.session.expire_all()
    if page == "decision":
        assert db.session.scalar(db.select(BoardDecision)).comments == TYPED
    else:
        assert saved_rows(version.id)["need_patient_need"].note == TYPED
