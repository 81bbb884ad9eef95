"""Each person's home page shows what needs them now, and signing in takes them back to where they left off."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from readiness.extensions import db
from readiness.models import Membership
from readiness.services import assessments, decisions, sharing
from readiness.services.catalogue import questionnaire
from tests.support.answers import GOOD_CONTEXT, best
from tests.support.factory import PASSWORD, Factory
from tests.support.team import Team, bid_team
from tests.test_wizard import seen_of

NO_ASSESSMENTS = "You have no assessments yet"


def save_page(client: FlaskClient, team: Team, section: str, action: str = "continue", **answers: str) -> str:
    url = f"{team.base}/v/1/section/{section}"
    data = {"seen": seen_of(client.get(url).text), "action": action} | {f"q__{k}": v for k, v in answers.items()}
    response = client.post(url, data=data)
    assert response.status_code == 302, response.text
    return response.location


def test_a_lead_continues_a_draft_at_the_first_gap_then_where_they_left_off(app: Flask, make: Factory) -> None:
    lead = make.user("project_lead")
    assessment = make.assessment(lead, answers={k: v for k, v in GOOD_CONTEXT.items() if k != "role_title"})
    client = app.test_client()
    make.sign_in(client, lead)
    home = client.get("/").text
    base = f"/assessments/{assessment.id}/v/1"
    assert "Drafts to continue" in home and "Band 4 assistant practitioner" in home
    assert f'href="{base}/section/need">Continue with the first unanswered section' in home
    url = f"{base}/section/need"
    data = {"seen": seen_of(client.get(url).text), "action": "continue", "q__need_patient_need": "yes"}
    assert client.post(url, data=data).location == f"{base}/section/governance"
    assert f'href="{base}/section/governance">Continue where you left off' in client.get("/").text
    # Each person has their own place in a shared draft.
    colleague = make.user("project_lead", organisation=lead.memberships[0].organisation)
    other = app.test_client()
    make.sign_in(other, colleague)
    assert f'href="{base}/section/need">Continue with the first unanswered section' in other.get("/").text


def test_a_finished_draft_continues_at_check_your_answers(app: Flask, make: Factory) -> None:
    q = questionnaire()
    answers = best(q)
    filler = {"text": "Reviewed quarterly", "number": 3, "date": "2027-04-01"}
    answers |= {qid: filler[q.questions[qid].kind] for qid, value in q.applicable(answers).items() if value is None}
    lead = make.user("project_lead")
    assessment = make.assessment(lead, answers=answers)
    client = app.test_client()
    make.sign_in(client, lead)
    assert f'href="/assessments/{assessment.id}/v/1/check">Continue with' in client.get("/").text


def test_a_lead_sees_queries_to_answer_and_actions_until_they_are_dealt_with(app: Flask, make: Factory) -> None:
    team = bid_team(make)
    version = assessments.latest_version(team.assessment)
    assessments.submit(version, team.lead)
    sharing.share(version, team.funder, team.lead)
    query = sharing.raise_query(version, team.commissioner, "Who supervises?")
    db.session.commit()
    client = team.client(app, make, team.editor)  # an invited editor works on it too
    home = client.get("/").text
    reply = f"/sharing/{team.assessment.id}/v/1/queries/{query.id}"
    assert "Westshire ICB asked about Band 4 assistant practitioner, version 1" in home and f'href="{reply}"' in home
    assert "You have no drafts in progress." in home
    sharing.answer_query(query, team.lead, "The ward sister.")
    db.session.commit()
    assert "No queries are waiting for your reply." in client.get("/").text
    assert reply not in client.get("/").text


def test_a_board_member_sees_reports_awaiting_a_decision_then_the_decision(app: Flask, make: Factory) -> None:
    team = bid_team(make)
    client = team.client(app, make, team.board)
    assert "No reports are waiting for a decision." in client.get("/").text
    version = assessments.latest_version(team.assessment)
    assessments.submit(version, team.lead)
    home = client.get("/").text
    assert f'href="{team.base}/v/1/results">Read the report' in home
    assert f'href="{team.base}/v/1/decision">Record the decision' in home
    decisions.record(version, "deferred", "", "", team.board)
    home = client.get("/").text
    assert "No reports are waiting for a decision." in home and "version 1</a>: Deferred" in home
    assert NO_ASSESSMENTS not in home


def test_a_commissioner_sees_new_bids_their_queries_and_the_portfolio(app: Flask, make: Factory) -> None:
    team = bid_team(make)
    client = team.client(app, make, team.commissioner)
    home = client.get("/").text
    assert "No bids have been shared with you" in home and 'href="/portfolio/"' in home and NO_ASSESSMENTS not in home
    version = assessments.latest_version(team.assessment)
    assessments.submit(version, team.lead)
    sharing.share(version, team.funder, team.lead)
    sharing.raise_query(version, team.commissioner, "Who supervises?")
    db.session.commit()
    home = client.get("/").text
    assert f'href="/portfolio/bids/{version.id}">Band 4 assistant practitioner, version 1</a>' in home
    assert "Awaiting reply" in home
    outsider = team.client(app, make, team.outsider_commissioner).get("/").text
    assert "Band 4 assistant practitioner" not in outsider


def test_an_administrator_sees_people_and_organisations(app: Flask, make: Factory) -> None:
    admin = make.user("administrator")
    make.user("project_lead").active = False
    db.session.commit()
    client = app.test_client()
    make.sign_in(client, admin)
    home = client.get("/").text
    assert "1 person has an active account, and 1 was deactivated, in 2 organisations." in home
    assert 'href="/admin/"' in home and NO_ASSESSMENTS not in home


def test_someone_with_several_roles_and_organisations_sees_each_part(app: Flask, make: Factory) -> None:
    team = bid_team(make)
    person = team.board
    second = make.organisation("Southfield Trust")
    db.session.add_all(
        [
            Membership(user_id=person.id, organisation_id=team.funder.id, role="commissioner"),
            Membership(user_id=person.id, organisation_id=second.id, role="project_lead"),
        ]
    )
    db.session.commit()
    db.session.refresh(person)
    draft = make.assessment(person, title="Care navigator")
    assert draft.organisation_id == second.id
    home = team.client(app, make, person).get("/").text
    for part in ("Drafts to continue", "Reports awaiting the board's decision", "Bids shared with you", "Your queries"):
        assert part in home
    assert "Care navigator" in home


def test_someone_without_a_role_is_told_why_there_is_nothing(app: Flask, make: Factory) -> None:
    person = make.user("project_lead")
    db.session.execute(db.delete(Membership).where(Membership.user_id == person.id))
    db.session.commit()
    client = app.test_client()
    make.sign_in(client, person)
    assert "You do not have a role in any organisation yet" in client.get("/").text


def sign_in(client: FlaskClient, email: str, next_page: str | None = None) -> str:
    url = "/sign-in" + (f"?next={next_page}" if next_page else "")
    response = client.post(url, data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return response.location


def test_signing_in_again_returns_to_the_page_the_last_session_ended_on(app: Flask, make: Factory) -> None:
    team = bid_team(make)
    client = app.test_client()
    assert sign_in(client, team.lead.email) == "/"  # a first sign-in: the home page
    assert save_page(client, team, "need", need_patient_need="yes") == f"{team.base}/v/1/section/governance"
    client.post("/sign-out")
    assert sign_in(client, team.lead.email) == f"{team.base}/v/1/section/governance"
    # A session spent elsewhere (no wizard page saved) lands on the home page next time.
    client.post("/sign-out")
    assert sign_in(client, team.lead.email) == "/"
    # ``next`` (a session that expired on some page) always wins.
    client.post("/sign-out")
    sign_in(client, team.lead.email)
    save_page(client, team, "governance", action="later")
    client.post("/sign-out")
    assert sign_in(client, team.lead.email, f"{team.base}/v/1/check") == f"{team.base}/v/1/check"


def test_a_submitted_draft_is_not_where_anyone_lands(app: Flask, make: Factory) -> None:
    team = bid_team(make)
    client = app.test_client()
    sign_in(client, team.lead.email)
    save_page(client, team, "need", need_patient_need="yes")
    client.post("/sign-out")
    assessments.submit(assessments.latest_version(team.assessment), team.lead)
    assert sign_in(client, team.lead.email) == "/"


def test_an_expired_session_resumes_the_typed_page_not_the_remembered_one(app: Flask, make: Factory) -> None:
    team = bid_team(make)
    client = app.test_client()
    sign_in(client, team.lead.email)
    seen = seen_of(client.get(f"{team.base}/v/1/section/need").text)
    save_page(client, team, "role", action="later")
    expired = app.test_client()
    url = f"{team.base}/v/1/section/need"
    kept = expired.post(url, data={"seen": seen, "action": "continue", "q__need_patient_need": "partly"})
    assert kept.status_code == 302 and "resume%3D" in kept.location
    landing = expired.post(kept.location, data={"email": team.lead.email, "password": PASSWORD}).location
    assert landing.startswith(f"{url}?resume=")
    assert 'value="partly"' in expired.get(landing).text
