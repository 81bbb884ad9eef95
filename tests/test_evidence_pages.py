"""Evidence completeness through the app: the task list, the report, the board pack, the portfolio and the API."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from readiness.extensions import db
from readiness.models import AssessmentVersion, User
from readiness.models.accounts import utcnow
from readiness.services import assessments, sharing
from readiness.services.answers import Entry, save, saved_rows
from readiness.services.catalogue import questionnaire
from tests.support.answers import best
from tests.support.factory import Factory
from tests.test_evidence_completeness import _critical_yes_question
from tests.test_sharing import switch_to


def _with_links(make: Factory, lead: User, answers: dict[str, Any], linked: set[str], title: str) -> AssessmentVersion:
    """A draft answered with ``answers``, with an evidence link on each question in ``linked``."""
    version = assessments.latest_version(make.assessment(lead, title=title))
    rows = saved_rows(version.id)
    entries = {
        qid: Entry(value, link=f"https://docs.example/{qid}" if qid in linked else "") for qid, value in answers.items()
    }
    assert not save(version, entries, {qid: row.revision for qid, row in rows.items()}, lead)
    return version


def _stage_answers(stage_id: str) -> set[str]:
    q = questionnaire()
    applicable = q.applicable(best(q))
    return {
        question.id
        for question in q.section(stage_id).questions
        if applicable.get(question.id) not in (None, "not_sure")
    }


def _every_answer() -> set[str]:
    return set().union(
        *(_stage_answers(stage) for stage in ("need", "governance", "stakeholders", "training", "evaluation"))
    )


def test_the_task_list_and_report_show_the_share_and_the_claims(client: FlaskClient, make: Factory) -> None:
    lead = make.user("project_lead")
    need = _stage_answers("need")
    version = _with_links(make, lead, best(questionnaire()), need, "Assistant practitioner")
    make.sign_in(client, lead)
    base = f"/assessments/{version.assessment_id}/v/1"
    task_list = client.get(base).text
    assert f"{len(need)} with evidence" in task_list
    assert "Evidence behind your answers" in task_list
    critical = _critical_yes_question()
    if critical not in need:
        assert "have no evidence" in task_list or "has no evidence" in task_list
    report = client.get(f"{base}/results").text
    assert "How much is evidenced" in report and "Claimed, not evidenced" in report
    need_title = questionnaire().section("need").title
    assert f'<th scope="row" class="nhsuk-table__cell">{escape(need_title)}</th>' in report
    assert "100%" in report  # the need stage: every answer linked
    text = escape(questionnaire().questions[critical].text)
    stage = questionnaire().questions[critical].section
    assert f'href="{base}/section/{stage}#{critical}">{text}</a>' in report  # the lead may open the question
    assert "No evidence is stale." in report


def test_evidence_goes_stale_on_the_report_as_time_passes(
    app: Flask, client: FlaskClient, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead = make.user("project_lead")
    version = _with_links(make, lead, best(questionnaire()), {"need_patient_need"}, "Assistant practitioner")
    assert assessments.submit(version, lead)
    make.sign_in(client, lead)
    url = f"/assessments/{version.assessment_id}/v/1/results"
    assert "No evidence is stale." in client.get(url).text
    app.config["EVIDENCE_STALE_DAYS"] = 30
    later = utcnow() + timedelta(days=31)
    monkeypatch.setattr("readiness.views.reports.utcnow", lambda: later)
    report = client.get(url).text
    assert "No evidence is stale." not in report
    assert "https://docs.example/need_patient_need" in report.split('id="stale-evidence"')[1]
    assert "judged as of that day, not as of the submission" in report
    # A reader who may not edit the submitted version sees the question, not a link into the wizard.
    assert "/section/need#need_patient_need" not in report


def test_the_board_pack_carries_the_evidence(
    client: FlaskClient, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[str] = []
    monkeypatch.setattr("readiness.pdf.render", lambda html: rendered.append(html) or b"%PDF-")
    lead = make.user("project_lead")
    version = _with_links(make, lead, best(questionnaire()), set(), "Assistant practitioner")
    make.sign_in(client, lead)
    assert client.get(f"/assessments/{version.assessment_id}/v/1/board-pack.pdf").status_code == 200
    assert "How much is evidenced" in rendered[0] and "Claimed, not evidenced" in rendered[0]
    assert "/section/" not in rendered[0].split("How much is evidenced")[1]


def test_submission_keeps_the_figures_the_snapshot_gives(make: Factory) -> None:
    lead = make.user("project_lead")
    everything = _every_answer()
    version = _with_links(make, lead, best(questionnaire()), everything, "Assistant practitioner")
    assert assessments.submit(version, lead)
    db.session.refresh(version)
    assert (version.evidence_share, version.evidence_claims) == (100, 0)
    assert version.evidence_oldest == utcnow().date()
    frozen = assessments.snapshot_data(version)["answers"]["need_patient_need"]
    assert frozen["link_at"] == utcnow().date().isoformat()
    bare = _with_links(make, lead, best(questionnaire()), set(), "Another")
    assert assessments.submit(bare, lead)
    db.session.refresh(bare)
    assert bare.evidence_share == 0 and bare.evidence_claims > 0 and bare.evidence_oldest is None


def test_a_link_keeps_the_day_it_was_given_until_it_changes(make: Factory) -> None:
    lead = make.user("project_lead")
    version = _with_links(make, lead, {"need_patient_need": "yes"}, {"need_patient_need"}, "Assistant practitioner")
    row = saved_rows(version.id)["need_patient_need"]
    long_ago = datetime(2020, 1, 1)
    row.evidence_url_at = long_ago
    db.session.commit()
    link = row.evidence_url
    assert not save(
        version, {"need_patient_need": Entry("partly", link=link)}, {"need_patient_need": row.revision}, lead
    )
    row = saved_rows(version.id)["need_patient_need"]
    assert row.evidence_url_at == long_ago  # a changed answer does not refresh its evidence
    assert not save(
        version, {"need_patient_need": Entry("partly", link=link + "/v2")}, {"need_patient_need": row.revision}, lead
    )
    assert saved_rows(version.id)["need_patient_need"].evidence_url_at.date() == utcnow().date()


@pytest.fixture
def evidenced_bids(make: Factory) -> dict[str, Any]:
    q = questionnaire()
    icb = make.organisation("Westshire ICB", kind="commissioner")
    lead = make.user("project_lead", make.organisation("Northfield Trust"))
    found = {}
    for title, linked in (
        ("Fully evidenced", _every_answer()),
        ("Half evidenced", _stage_answers("need")),
        ("Unevidenced", set()),
    ):
        version = _with_links(make, lead, best(q), linked, title)
        assert assessments.submit(version, lead)
        sharing.share(version, icb, lead)
        db.session.commit()
        found[title] = version
    return {"commissioner": make.user("commissioner", icb), **found}


def _table(client: FlaskClient, query: str) -> str:
    page = client.get(f"/portfolio/?{query}")
    assert page.status_code == 200
    return page.text.split('id="bids"')[1]


def test_the_portfolio_shows_filters_and_sorts_on_evidence(
    client: FlaskClient, make: Factory, evidenced_bids: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    switch_to(client, make, evidenced_bids["commissioner"])
    table = _table(client, "")
    assert "100%" in table and "0%" in table and "not evidenced" in table
    claims = _table(client, "evidence=claims")
    assert "Unevidenced" in claims and "Fully evidenced" not in claims
    at_least = _table(client, "min_evidence=50")
    assert "Fully evidenced" in at_least and "Unevidenced" not in at_least and "Half evidenced" not in at_least
    ascending = _table(client, "sort=evidence&order=asc")
    assert ascending.index("Unevidenced") < ascending.index("Half evidenced") < ascending.index("Fully evidenced")
    descending = _table(client, "sort=evidence&order=desc")
    assert descending.index("Fully evidenced") < descending.index("Half evidenced") < descending.index("Unevidenced")
    page = client.get("/portfolio/?min_evidence=150")
    assert "from 0 to 100" in page.text and "Unevidenced" in page.text.split('id="bids"')[1]
    assert "Stale evidence" not in _table(client, "")
    assert "No bids match" in client.get("/portfolio/?evidence=stale").text
    later = utcnow() + timedelta(days=400)
    monkeypatch.setattr("readiness.views.portfolio.utcnow", lambda: later)
    stale = _table(client, "evidence=stale")
    assert "Fully evidenced" in stale and "Half evidenced" in stale and "Unevidenced" not in stale
    assert "Stale evidence" in stale


def test_the_portfolio_export_carries_the_evidence(client: FlaskClient, make: Factory, evidenced_bids: dict) -> None:
    switch_to(client, make, evidenced_bids["commissioner"])
    response = client.get("/portfolio/export.csv?sort=evidence&order=desc")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    column = rows[0].index("Answers evidenced (%)")
    assert [row[column] for row in rows[1:]] == ["100", str(evidenced_bids["Half evidenced"].evidence_share), "0"]
    claims = rows[0].index("Yes claims not evidenced")
    assert rows[-1][claims] != "0"


def test_the_api_report_carries_the_evidence(client: FlaskClient, make: Factory) -> None:
    lead = make.user("project_lead")
    version = _with_links(make, lead, best(questionnaire()), _stage_answers("need"), "Assistant practitioner")
    assert assessments.submit(version, lead)
    make.sign_in(client, lead)
    evidence = client.get(f"/api/assessments/{version.assessment_id}/versions/1/report").json["evidence"]
    need = next(stage for stage in evidence["stages"] if stage["id"] == "need")
    assert need["share"] == 100 and need["evidenced"] == len(_stage_answers("need"))
    assert evidence["stale"] == [] and evidence["stale_after_days"] == 365
    claim = next(c for c in evidence["claimed_not_evidenced"] if c["question"] == _critical_yes_question())
    assert claim["severity"] == "critical" and claim["risks"]
    db.session.refresh(version)
    assert evidence["share"] == version.evidence_share


def test_versions_submitted_before_evidence_was_measured_are_measured_by_a_command(
    app: Flask, make: Factory, evidenced_bids: dict
) -> None:
    version = evidenced_bids["Half evidenced"]
    kept = version.evidence_share
    db.session.execute(
        db.update(AssessmentVersion).values(evidence_share=None, evidence_claims=None, evidence_oldest=None)
    )
    db.session.commit()
    output = app.test_cli_runner().invoke(args=["measure-evidence"]).output
    assert "Measured the evidence of 3 submitted versions" in output
    db.session.refresh(version)
    assert version.evidence_share == kept and version.evidence_oldest is not None
    assert "0 submitted versions" in app.test_cli_runner().invoke(args=["measure-evidence"]).output


def test_a_snapshot_from_before_evidence_dates_were_frozen_falls_back_to_the_upload_then_the_submission() -> None:
    from readiness.models import Evidence
    from readiness.services.completeness import frozen_records

    frozen = {
        "answers": {"need_patient_need": {"value": "yes", "note": "", "link": "https://docs.example/plan"}},
        "evidence": [
            {"question_id": "need_patient_need", "name": "plan.pdf", "sha256": "a" * 64, "size": 10},
            {"question_id": "need_prompt", "name": "gone.pdf", "sha256": "b" * 64, "size": 10},
        ],
    }
    upload = Evidence(question_id="need_patient_need", sha256="a" * 64, uploaded_at=datetime(2025, 3, 1, 9, 0))
    records = frozen_records(frozen, [upload], datetime(2026, 1, 2, 12, 0))
    assert {(r.kind, r.label, r.dated.isoformat()) for r in records if r.dated} == {
        ("link", "https://docs.example/plan", "2026-01-02"),
        ("file", "plan.pdf", "2025-03-01"),
        ("file", "gone.pdf", "2026-01-02"),
    }
