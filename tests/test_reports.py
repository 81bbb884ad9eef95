"""The readiness report, action plan tracker, board decisions and reassessment pages."""

from __future__ import annotations

import json
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import DBAPIError

from readiness.extensions import db
from readiness.models import ActionItem, Answer, AuditEvent, BoardDecision
from readiness.services import assessments
from readiness.services.answers import Entry, save, saved_rows
from readiness.services.catalogue import questionnaire
from tests.support.answers import best, worst
from tests.support.factory import Factory
from tests.test_wizard import seen_of

HOSTILE_NOTE = '<script>alert("x")</script> =HYPERLINK("http://evil.example","click")'


def cli_score(app: Flask, answers: dict[str, Any]) -> dict[str, Any]:
    """Score answers with `flask --app app score -`, as a user of the command line would."""
    outcome = app.test_cli_runner().invoke(args=["score", "-"], input=json.dumps({"answers": answers}))
    assert outcome.exit_code == 0, outcome.output
    return json.loads(outcome.output)


def submitted(make: Factory, lead: Any, answers: dict[str, Any]) -> Any:
    assessment = make.assessment(lead, answers=answers)
    version = assessments.latest_version(assessment)
    assert assessments.submit(version, lead)
    return version


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.extend(value or "" for name, value in attrs if name == "alt")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def page_text(response: Any) -> str:
    """Return a page's visible text (and image alternatives), whitespace collapsed."""
    assert response.status_code == 200, response.text[:500]
    parser = _Text()
    parser.feed(response.text)
    return " ".join(" ".join(parser.parts).split())


@pytest.mark.parametrize("pick", [worst, best])
def test_the_report_agrees_with_the_command_line(app: Flask, client: FlaskClient, make: Factory, pick: Any) -> None:
    lead = make.user("project_lead")
    answers = pick(questionnaire())
    version = submitted(make, lead, answers)
    expected = cli_score(app, answers)
    make.sign_in(client, lead)
    text = page_text(client.get(f"/assessments/{version.assessment_id}/v/1/results"))
    headline = {"ready": "Ready to launch", "not_ready": "Not ready to launch"}[expected["verdict"]]
    assert headline in text
    for stage in expected["stages"]:
        assert f"{stage['title']} {stage['score']} {stage['rag'].title()}" in text
    for risk in expected["risks"]:
        assert risk["title"] in text and " ".join(risk["rationale"].split()) in text
    for action in expected["actions"]:
        assert action["title"] in text
        for example in action["examples"]:
            assert " ".join(example["quote"].split()) in text and example["organisation"] in text
    assert "Annex: all answers" in text


def test_a_draft_report_is_live_and_a_submitted_one_frozen(client: FlaskClient, make: Factory) -> None:
    lead = make.user("project_lead")
    assessment = make.assessment(lead, answers=best(questionnaire()))
    make.sign_in(client, lead)
    url = f"/assessments/{assessment.id}/v/1/results"
    assert "Live results from a draft" in page_text(client.get(url))
    version = assessments.latest_version(assessment)
    make.answer(version, lead, {"governance_responsibilities_boundaries": "no"})
    assert "Not ready to launch" in page_text(client.get(url))
    make.answer(version, lead, {"governance_responsibilities_boundaries": "yes"})
    assert assessments.submit(version, lead)
    # Even if a row changed behind the app's back, the report reads the frozen snapshot.
    db.session.execute(
        db.update(Answer).where(Answer.question_id == "governance_responsibilities_boundaries").values(value="no")
    )
    db.session.commit()
    text = page_text(client.get(url))
    assert "Ready to launch" in text and "Not ready" not in text
    assert version.digest[:16] in text


def test_notes_are_shown_as_text_never_as_markup(client: FlaskClient, make: Factory) -> None:
    lead = make.user("project_lead")
    assessment = make.assessment(lead, answers=worst(questionnaire()))
    version = assessments.latest_version(assessment)
    rows = saved_rows(version.id)
    row = rows["governance_responsibilities_boundaries"]
    assert not save(
        version,
        {"governance_responsibilities_boundaries": Entry(row.value, HOSTILE_NOTE)},
        {"governance_responsibilities_boundaries": row.revision},
        lead,
    )
    make.sign_in(client, lead)
    key = "governance_no_accountability.1"
    response = client.post(
        f"/assessments/{assessment.id}/v/1/plan/{key}",
        data={"owner": "<b>Ann</b>", "status": "in_progress", "notes": HOSTILE_NOTE},
    )
    assert response.status_code == 302
    for url in (f"/assessments/{assessment.id}/v/1/results", f"/assessments/{assessment.id}/v/1/plan"):
        html = client.get(url).text
        assert "<script>alert" not in html and "<b>Ann</b>" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
        assert "=HYPERLINK(&#34;http://evil.example&#34;,&#34;click&#34;)" in html
        assert 'href="http://evil.example' not in html


@pytest.mark.parametrize("submit", [False, True])
def test_the_evidence_table_lists_each_answer_s_link(client: FlaskClient, make: Factory, submit: bool) -> None:
    lead = make.user("project_lead")
    version = assessments.latest_version(make.assessment(lead, answers=best(questionnaire())))
    row = saved_rows(version.id)["need_patient_need"]
    entry = Entry(row.value, "", "https://intranet.example.nhs.uk/workforce-plan")
    assert not save(version, {"need_patient_need": entry}, {"need_patient_need": row.revision}, lead)
    if submit:
        assert assessments.submit(version, lead)
    make.sign_in(client, lead)
    html = client.get(f"/assessments/{version.assessment_id}/v/1/results").text
    assert '<a href="https://intranet.example.nhs.uk/workforce-plan" rel="noopener noreferrer">' in html
    assert "No evidence has been uploaded or linked." not in html


def test_the_tracker_saves_owner_due_date_status_and_notes_and_shows_overdue(
    client: FlaskClient, make: Factory
) -> None:
    lead = make.user("project_lead")
    version = submitted(make, lead, worst(questionnaire()))
    make.sign_in(client, lead)
    key = "governance_no_accountability.1"
    form_url = f"/assessments/{version.assessment_id}/v/1/plan/{key}"
    page = page_text(client.get(form_url))
    assert "Owner" in page and "Due date" in page and "Not started" in page
    past = date.today() - timedelta(days=3)
    response = client.post(
        form_url,
        data={
            "owner": "Jo Bloggs, head of nursing",
            "due_date[day]": past.day,
            "due_date[month]": past.month,
            "due_date[year]": past.year,
            "status": "in_progress",
            "notes": "Draft accountability framework",
        },
    )
    assert response.status_code == 302 and response.location.endswith(f"/plan#action-{key}")
    text = page_text(client.get(f"/assessments/{version.assessment_id}/v/1/plan"))
    assert "Jo Bloggs, head of nursing" in text and "1 overdue" in text and "Overdue" in text
    assert "Draft accountability framework" in text
    item = db.session.scalar(db.select(ActionItem))
    assert (item.action_key, item.status, item.due_date) == (key, "in_progress", past)
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "action_tracked")) is not None
    # Done is never overdue; the tracking carries over to the next version.
    done = client.post(
        form_url,
        data={
            "owner": "Jo Bloggs",
            "status": "done",
            "due_date[day]": past.day,
            "due_date[month]": past.month,
            "due_date[year]": past.year,
            "seen": seen_of(client.get(form_url).text),
        },
    )
    assert done.status_code == 302
    assessments.start_new_version(version.assessment, 1, lead)
    text = page_text(client.get(f"/assessments/{version.assessment_id}/v/2/plan"))
    assert "Jo Bloggs" in text and "overdue" not in text.lower()


def test_a_colleague_s_tracker_save_is_never_overwritten_unseen(client: FlaskClient, make: Factory) -> None:
    lead = make.user("project_lead")
    version = submitted(make, lead, worst(questionnaire()))
    colleague = make.user("project_lead", version.assessment.organisation, name="Cal Colleague")
    url = f"/assessments/{version.assessment_id}/v/1/plan/governance_no_accountability.1"
    make.sign_in(client, lead)
    mine_opened = seen_of(client.get(url).text)
    other = client.application.test_client()
    make.sign_in(other, colleague)
    theirs = {"owner": "Cal", "status": "done", "notes": "Framework signed off", "seen": seen_of(other.get(url).text)}
    assert other.post(url, data=theirs).status_code == 302

    mine = {"owner": "Lee", "status": "in_progress", "notes": "Drafting", "seen": mine_opened}
    refused = client.post(url, data=mine)
    assert refused.status_code == 200
    text = page_text(refused)
    assert "A colleague changed this action while you were editing" in text
    assert "Cal Colleague saved this action" in text and "Framework signed off" in text
    assert 'value="Lee"' in refused.text and "Drafting</textarea>" in refused.text  # what I typed is kept
    db.session.expire_all()
    saved = db.session.scalar(db.select(ActionItem))
    assert (saved.owner, saved.status, saved.notes) == ("Cal", "done", "Framework signed off")

    # Having seen theirs, saving again replaces it; the same save repeated changes nothing more.
    again = mine | {"seen": seen_of(refused.text)}
    assert client.post(url, data=again).status_code == 302
    assert client.post(url, data=again).status_code == 302
    db.session.expire_all()
    saved = db.session.scalar(db.select(ActionItem))
    assert (saved.owner, saved.status, saved.notes) == ("Lee", "in_progress", "Drafting")
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "action_tracked")).all()
    assert len(events) == 2


def test_a_tracker_post_without_its_stamp_cannot_overwrite(client: FlaskClient, make: Factory) -> None:
    lead = make.user("project_lead")
    version = submitted(make, lead, worst(questionnaire()))
    url = f"/assessments/{version.assessment_id}/v/1/plan/governance_no_accountability.1"
    make.sign_in(client, lead)
    assert client.post(url, data={"owner": "Ann", "status": "done"}).status_code == 302  # nothing to overwrite yet
    for stamp in (None, "", "not a time", "2001-01-01T00:00:00"):
        data = {"owner": "Bob", "status": "not_started"} | ({} if stamp is None else {"seen": stamp})
        assert client.post(url, data=data).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(db.select(ActionItem)).owner == "Ann"


def test_the_tracker_refuses_a_bad_date_and_a_missing_status(client: FlaskClient, make: Factory) -> None:
    lead = make.user("project_lead")
    version = submitted(make, lead, worst(questionnaire()))
    make.sign_in(client, lead)
    url = f"/assessments/{version.assessment_id}/v/1/plan/governance_no_accountability.1"
    text = page_text(client.post(url, data={"due_date[day]": "31", "due_date[month]": "2", "due_date[year]": "2027"}))
    assert "Error: Update action" in text and "There is a problem" in text
    assert "Due date must be a real date" in text and "Select the status of the action" in text
    assert client.get(f"/assessments/{version.assessment_id}/v/1/plan/no_such_action.1").status_code == 404


def test_a_board_member_cannot_edit_answers_or_the_plan(client: FlaskClient, make: Factory) -> None:
    lead = make.user("project_lead")
    assessment = make.assessment(lead, answers=best(questionnaire()))
    board = make.user("board_member", organisation=assessment.organisation)
    make.sign_in(client, board)
    assert client.get(f"/assessments/{assessment.id}/v/1/results").status_code == 200
    response = client.post(
        f"/assessments/{assessment.id}/v/1/section/need",
        data={"q__need_patient_need": "no", "action": "continue", "seen": "{}"},
    )
    assert response.status_code in (403, 404)
    assert saved_rows(assessments.latest_version(assessment).id)["need_patient_need"].value != "no"
    response = client.post(
        f"/assessments/{assessment.id}/v/1/plan/governance_no_accountability.1", data={"owner": "Me", "status": "done"}
    )
    assert response.status_code in (403, 404)
    assert db.session.scalar(db.select(ActionItem)) is None


def test_a_project_lead_cannot_record_a_board_decision(client: FlaskClient, make: Factory) -> None:
    lead = make.user("project_lead")
    version = submitted(make, lead, best(questionnaire()))
    make.sign_in(client, lead)
    url = f"/assessments/{version.assessment_id}/v/1/decision"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"decision": "approved"}).status_code == 403
    assert db.session.scalar(db.select(BoardDecision)) is None
    assert "Record the board" not in client.get(f"/assessments/{version.assessment_id}/v/1/results").text


def test_a_board_records_a_decision_that_a_new_one_supersedes_and_none_can_edit(
    client: FlaskClient, make: Factory
) -> None:
    lead = make.user("project_lead")
    version = submitted(make, lead, worst(questionnaire()))
    board = make.user("board_member", organisation=version.assessment.organisation, name="Dr Board")
    make.sign_in(client, board)
    url = f"/assessments/{version.assessment_id}/v/1/decision"
    text = page_text(client.post(url, data={}))
    assert "Error: Record the board's decision" in text and "Select the board's decision" in text
    text = page_text(client.post(url, data={"decision": "approved_with_conditions"}))
    assert "Enter the conditions of the approval" in text
    response = client.post(
        url,
        data={
            "decision": "approved_with_conditions",
            "conditions": "Named supervisor first",
            "comments": "Review in 3 months",
        },
    )
    assert response.status_code == 302
    text = page_text(client.get(response.location.split("#")[0]))
    assert "Approved with conditions" in text and "Named supervisor first" in text and "Dr Board" in text
    client.post(url, data={"decision": "deferred", "comments": "Wait for funding"})
    text = page_text(client.get(f"/assessments/{version.assessment_id}/v/1/results"))
    assert "Deferred" in text and "Earlier decisions (superseded)" in text and "Named supervisor first" in text
    rows = db.session.scalars(db.select(BoardDecision).order_by(BoardDecision.id)).all()
    assert [row.decision for row in rows] == ["approved_with_conditions", "deferred"]
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "board_decision_recorded")).all()
    assert len(events) == 2 and events[1].detail["supersedes"] == rows[0].id
    for statement in (db.update(BoardDecision).values(decision="approved"), db.delete(BoardDecision)):
        with pytest.raises(DBAPIError):
            db.session.execute(statement)
            db.session.flush()
        db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(BoardDecision.id))) == 2


def test_no_decision_on_a_draft(client: FlaskClient, make: Factory) -> None:
    lead = make.user("project_lead")
    assessment = make.assessment(lead, answers=best(questionnaire()))
    board = make.user("board_member", organisation=assessment.organisation)
    make.sign_in(client, board)
    response = client.post(f"/assessments/{assessment.id}/v/1/decision", data={"decision": "approved"})
    assert response.status_code == 302
    assert db.session.scalar(db.select(BoardDecision)) is None


def test_comparison_shows_risks_closed_and_opened_stage_changes_and_the_trend(
    client: FlaskClient, make: Factory
) -> None:
    lead = make.user("project_lead")
    q = questionnaire()
    first = submitted(make, lead, worst(q))
    assessment = first.assessment
    draft = assessments.start_new_version(assessment, 1, lead)
    make.answer(draft, lead, best(q))
    assert assessments.submit(draft, lead)
    make.sign_in(client, lead)
    before, after = assessments.result_of(first), assessments.result_of(draft)
    text = page_text(client.get(f"/assessments/{assessment.id}/compare?from=1&to=2"))
    assert "Compare version 1 with version 2" in text
    assert f"Risks closed ({len(before.risks)})" in text and "Risks opened (0)" in text
    assert before.risks[0].title in text
    assert "up 100" in text and "Line chart of stage scores by version" in text
    assert "Not ready" in text and "Ready" in text
    reverse = page_text(client.get(f"/assessments/{assessment.id}/compare?from=2&to=1"))
    assert f"Risks opened ({len(before.risks)})" in reverse and "down 100" in reverse
    trend = page_text(client.get(f"/assessments/{assessment.id}/trend"))
    assert "Stage scores by version" in trend and "Version 2" in trend and after.stages[0].title in trend
    assert client.get(f"/assessments/{assessment.id}/compare?from=1&to=9").status_code == 404


@pytest.mark.parametrize(("who", "status"), [(None, 302), ("project_lead", 404), ("commissioner", 404)])
def test_reports_are_hidden_from_other_organisations_and_need_sign_in(
    client: FlaskClient, make: Factory, who: str | None, status: int
) -> None:
    lead = make.user("project_lead")
    version = submitted(make, lead, best(questionnaire()))
    base = f"/assessments/{version.assessment_id}"
    if who:  # someone from another organisation
        make.sign_in(client, make.user(who))
    for url in (
        f"{base}/v/1/results",
        f"{base}/v/1/plan",
        f"{base}/v/1/board-pack.pdf",
        f"{base}/v/1/decision",
        f"{base}/compare",
        f"{base}/trend",
        f"{base}/v/1/plan/governance_no_accountability.1",
    ):
        assert client.get(url).status_code == status, url


def test_the_decision_form_needs_a_csrf_token(csrf_app: Flask) -> None:
    make = Factory(csrf_app)
    lead = make.user("project_lead")
    version = submitted(make, lead, best(questionnaire()))
    board = make.user("board_member", organisation=version.assessment.organisation)
    client = csrf_app.test_client()
    make.sign_in(client, board)
    url = f"/assessments/{version.assessment_id}/v/1/decision"
    response = client.post(url, data={"decision": "approved"})
    # Refused; what was chosen comes back unsaved to check (tests/test_resume.py), rather than being lost.
    assert response.status_code == 302 and response.location.startswith(f"{url}?resume=")
    assert db.session.scalar(db.select(BoardDecision)) is None


def test_a_profile_report_credits_the_profiles_source_and_shows_its_card(
    client: FlaskClient, make: Factory, tmp_path: Any
) -> None:
    import subprocess

    lead = make.user("project_lead")
    answers = worst(questionnaire(), role_profile="physician_associate")
    version = submitted(make, lead, answers)
    make.sign_in(client, lead)
    base = f"/assessments/{version.assessment_id}/v/1"
    html = client.get(f"{base}/results").text
    risk = html[html.index('id="risk-physician_associate_prescribing"') :]
    risk = risk[: risk.index("</div>")]
    assert "i3 Ladywood PCN, New roles in Primary Care (ARRS booklet)" in risk
    assert "Good Practice in New Workforce Roles" not in risk
    assert "What the sources say about the physician associate role" in html and "Not stated in the sources." in html

    report = client.get(f"/api/assessments/{version.assessment_id}/versions/1/report").get_json()
    card = report["role_profile"]
    assert card["id"] == "physician_associate" and len(card["facts"]) == 8
    assert all(fact["quotes"] or fact["value"] == "Not stated in the sources." for fact in card["facts"])
    credited = {r["id"]: [c["source"] for c in r["credits"]] for r in report["risks"]}
    assert credited["physician_associate_prescribing"] == ["ladywood_arrs"]

    pack = tmp_path / "pack.pdf"
    pack.write_bytes(client.get(f"{base}/board-pack.pdf").data)
    text = " ".join(
        subprocess.run(["pdftotext", "-raw", str(pack), "-"], check=True, capture_output=True, text=True).stdout.split()
    )
    assert "What the sources say about the physician associate role" in text
    assert "Not stated in the sources." in text
