"""The wizard through the Flask test client: saving, errors, branches, submission and no lost work."""

from __future__ import annotations

import gc
import io
import json
import re

import pytest

from readiness.extensions import db
from readiness.models import Answer, AssessmentVersion, AuditEvent, Evidence, StoredFile
from readiness.services import assessments
from readiness.services.answers import Entry, save, saved_rows
from readiness.services.catalogue import questionnaire
from tests.support.answers import GOOD_CONTEXT, best
from tests.support.factory import PASSWORD, Factory


def page_url(version: AssessmentVersion, section: str) -> str:
    return f"/assessments/{version.assessment_id}/v/{version.number}/section/{section}"


def seen_of(html: str) -> str:
    return re.search(r'name="seen" type="hidden" value="([^"]*)"', html).group(1).replace("&#34;", '"')


def test_dashboard_lists_the_assessment_with_state_and_progress(client, lead_version) -> None:
    _lead, _version = lead_version
    page = client.get("/assessments/")
    assert "Band 4 assistant practitioner" in page.text and "Draft" in page.text
    assert re.search(r"\d+ of \d+ questions answered", page.text)


def test_dashboard_progress_follows_every_save(client, make: Factory, lead_version) -> None:
    lead, version = lead_version

    def progress() -> tuple[int, int]:
        found = re.search(r"(\d+) of (\d+) questions answered", client.get("/assessments/").text)
        return int(found.group(1)), int(found.group(2))

    answered, applicable = progress()
    make.answer(version, lead, {"need_patient_need": "yes"})
    assert progress() == (answered + 1, applicable)
    make.answer(version, lead, {"need_patient_need": None})
    assert progress() == (answered, applicable)


def test_the_role_section_shows_the_role_profile_card_with_sources_and_quotes(client, lead_version) -> None:
    lead, version = lead_version
    make_answers = {"role_profile": "physician_associate"}
    rows = saved_rows(version.id)
    save(version, {k: Entry(v) for k, v in make_answers.items()}, {k: rows[k].revision for k in make_answers}, lead)
    page = client.get(page_url(version, "role")).text
    assert "What the sources say about the physician associate role" in page
    assert "i3 Ladywood PCN, New roles in Primary Care (ARRS booklet)" in page
    assert page.count("Not stated in the sources.") >= 1 and "<q>" in page


def test_task_list_shows_each_section_status_and_gaps(client, lead_version) -> None:
    _lead, version = lead_version
    page = client.get(f"/assessments/{version.assessment_id}/v/1")
    assert "About the role" in page.text and "Completed" in page.text and "Not started" in page.text
    assert "gaps found so far" in page.text


def test_a_question_page_explains_why_and_cites_the_guide(client, lead_version) -> None:
    _lead, version = lead_version
    page = client.get(page_url(version, "need"))
    assert "Why we ask" in page.text
    assert "HEE, Good Practice in New Workforce Roles: Understand the Need and Commitment" in page.text
    assert "Save and continue" in page.text and "Save and come back later" in page.text


def test_a_rejected_page_keeps_every_answer_typed_and_saves_nothing(client, lead_version) -> None:
    _lead, version = lead_version
    url = page_url(version, "need")
    seen = seen_of(client.get(url).text)
    form = {
        "seen": seen,
        "action": "continue",
        "q__need_patient_need": "partly",
        "note__need_patient_need": "Audit <b>2025</b>",
        "link__need_patient_need": "not a link",
    }
    response = client.post(url, data=form)
    assert response.status_code == 200
    assert "There is a problem" in response.text and 'href="#link__need_patient_need"' in response.text
    assert "Enter a link that starts with https://" in response.text
    assert re.search(r'value="partly"\s+checked', response.text)
    assert "Audit &lt;b&gt;2025&lt;/b&gt;" in response.text and 'value="not a link"' in response.text
    assert db.session.scalar(db.select(Answer).where(Answer.question_id == "need_patient_need")) is None


def test_required_answers_are_enforced_only_on_continue(client, make: Factory) -> None:
    lead = make.user()
    make.sign_in(client, lead)
    version = assessments.latest_version(make.assessment(lead))
    url = page_url(version, "role")
    seen = seen_of(client.get(url).text)
    response = client.post(url, data={"seen": seen, "action": "continue", "q__setting": "acute"})
    assert "Select an answer to: How new is this role?" in response.text
    later = client.post(url, data={"seen": seen, "action": "later", "q__setting": "acute"})
    assert later.status_code == 302 and later.location == "/assessments/"
    assert assessments.answers_of(version)["setting"] == "acute"


def test_save_and_continue_moves_on_and_resuming_keeps_answers(client, lead_version) -> None:
    _lead, version = lead_version
    url = page_url(version, "need")
    response = client.post(
        url, data={"seen": seen_of(client.get(url).text), "action": "continue", "q__need_patient_need": "yes"}
    )
    assert response.location.endswith("/section/governance")
    assert re.search(r'value="yes"\s+checked', client.get(url).text)


def test_a_conditional_question_appears_and_its_old_answer_never_leaks(client, lead_version) -> None:
    _lead, version = lead_version
    governance = page_url(version, "governance")
    assert "governance_shared_governance" not in client.get(governance).text
    role = page_url(version, "role")
    data = {f"q__{k}": v for k, v in GOOD_CONTEXT.items() if k not in ("planned_start",)}
    data |= {"q__across_organisations": "yes", "seen": seen_of(client.get(role).text), "action": "continue"}
    client.post(role, data=data)
    page = client.get(governance).text
    assert "q__governance_shared_governance" in page
    client.post(governance, data={"seen": seen_of(page), "action": "continue", "q__governance_shared_governance": "no"})
    assert any(r.id.startswith("governance") for r in assessments.result_of(version).risks)
    data |= {"q__across_organisations": "no", "seen": seen_of(client.get(role).text)}
    client.post(role, data=data)
    assert "q__governance_shared_governance" not in client.get(governance).text
    kept = db.session.scalar(db.select(Answer).where(Answer.question_id == "governance_shared_governance"))
    assert kept.value == "no"
    result = assessments.result_of(version)
    assert "governance_shared_governance" not in result.answers
    assert "shared governance" not in client.get(f"/assessments/{version.assessment_id}/v/1/check").text.lower()


def test_answer_changes_are_audited_with_old_and_new_values(client, lead_version) -> None:
    lead, version = lead_version
    url = page_url(version, "need")
    client.post(url, data={"seen": seen_of(client.get(url).text), "action": "later", "q__need_patient_need": "no"})
    client.post(url, data={"seen": seen_of(client.get(url).text), "action": "later", "q__need_patient_need": "yes"})
    events = db.session.scalars(
        db.select(AuditEvent).where(
            AuditEvent.action == "answer_changed", AuditEvent.object_id == f"{version.id}:need_patient_need"
        )
    ).all()
    assert [(e.detail["old"]["value"], e.detail["new"]["value"]) for e in events] == [(None, "no"), ("no", "yes")]
    assert all(e.actor_id == lead.id for e in events)


def test_a_colleague_saving_first_is_shown_and_nothing_is_overwritten(app, client, lead_version, make: Factory) -> None:
    _lead, version = lead_version
    colleague = make.user("project_lead", organisation=version.assessment.organisation, name="Cleo Colleague")
    other = app.test_client()
    make.sign_in(other, colleague)
    url = page_url(version, "need")
    mine_seen = seen_of(client.get(url).text)
    theirs = other.post(
        url, data={"seen": seen_of(other.get(url).text), "action": "later", "q__need_patient_need": "no"}
    )
    assert theirs.status_code == 302
    mine = client.post(
        url,
        data={
            "seen": mine_seen,
            "action": "continue",
            "q__need_patient_need": "yes",
            "note__need_patient_need": "my careful note",
        },
    )
    assert mine.status_code == 200
    assert "A colleague changed some answers" in mine.text and "Cleo Colleague" in mine.text
    assert "Their answer: No" in mine.text and "Your answer: Yes" in mine.text and "my careful note" in mine.text
    assert assessments.answers_of(version)["need_patient_need"] == "no"
    resolved = client.post(
        url,
        data={
            "seen": seen_of(mine.text),
            "action": "continue",
            "q__need_patient_need": "yes",
            "resolve__need_patient_need": "mine",
        },
    )
    assert resolved.status_code == 302
    assert assessments.answers_of(version)["need_patient_need"] == "yes"


def test_submit_freezes_a_digest_and_double_submission_changes_nothing(client, make: Factory) -> None:
    lead = make.user()
    make.sign_in(client, lead)
    version = assessments.latest_version(make.assessment(lead, answers=best(questionnaire())))
    base = f"/assessments/{version.assessment_id}/v/1"
    first = client.post(f"{base}/submit")
    second = client.post(f"{base}/submit")
    assert first.location == second.location == f"{base}/submitted"
    db.session.refresh(version)
    snapshot = json.loads(version.snapshot)
    assert version.state == "submitted" and len(version.digest) == 64
    assert snapshot["answers"]["need_patient_need"]["value"] == "yes"
    assert version.digest in client.get(f"{base}/submitted").text
    assert client.post(page_url(version, "need"), data={"q__need_patient_need": "no"}).status_code == 302
    assert assessments.answers_of(version)["need_patient_need"] == "yes"
    submitted = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "version_submitted")).all()
    assert len(submitted) == 1


def test_editing_a_submitted_version_starts_one_new_draft_prefilled(client, make: Factory) -> None:
    lead = make.user()
    make.sign_in(client, lead)
    assessment = make.assessment(lead, answers=best(questionnaire()))
    version = assessments.latest_version(assessment)
    assessments.submit(version, lead)
    base = f"/assessments/{assessment.id}/v/1"
    first = client.post(f"{base}/new-version")
    second = client.post(f"{base}/new-version")
    assert first.location == second.location == f"/assessments/{assessment.id}/v/2"
    db.session.refresh(assessment)
    assert [v.number for v in assessment.versions] == [1, 2]
    draft = assessment.versions[1]
    assert assessments.result_of(draft).answers == assessments.result_of(version).answers
    assert client.get(f"{base}/check").status_code == 200


def test_a_page_posted_after_the_session_expired_is_kept_for_after_sign_in(app, client, lead_version) -> None:
    lead, version = lead_version
    url = page_url(version, "need")
    seen = seen_of(client.get(url).text)
    expired = app.test_client()
    response = expired.post(
        url,
        data={
            "seen": seen,
            "action": "continue",
            "q__need_patient_need": "partly",
            "note__need_patient_need": "typed before the timeout",
        },
    )
    assert response.status_code == 302 and "/sign-in" in response.location
    assert db.session.scalar(db.select(Answer).where(Answer.question_id == "need_patient_need")) is None
    signed_in = expired.post(response.location, data={"email": lead.email, "password": PASSWORD})
    assert "resume=" in signed_in.location
    page = expired.get(signed_in.location)
    assert "typed before the timeout" in page.text and re.search(r'value="partly"\s+checked', page.text)
    assert "check it, then save" in page.text


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


# Werkzeug's test client spools a large multipart body to a temporary file that it never closes;
# collect it inside this test so the warning is not blamed on the next one.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.pdf", PNG, "contents are not a PDF"),
        ("../../etc/passwd.pdf", PDF, "must not include folder names"),
        ("tool.exe", b"MZ" + b"\x00" * 100, "must be a PDF, Word, Excel, PowerPoint, PNG or JPEG"),
        ("big.pdf", PDF + b"\x00" * (10 * 1024 * 1024), "smaller than 10MB"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message(
    client, lead_version, name: str, content: bytes, message: str
) -> None:
    _lead, version = lead_version
    response = client.post(
        f"/assessments/{version.assessment_id}/v/1/evidence",
        data={"question_id": "need_patient_need", "upload": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 413)
    assert message in response.text or (response.status_code == 413 and "too large" in response.text)
    assert db.session.scalar(db.select(Evidence)) is None
    del response
    gc.collect()


def test_good_uploads_are_stored_in_the_database_and_served_to_the_team(app, client, lead_version) -> None:
    _lead, version = lead_version
    response = client.post(
        f"/assessments/{version.assessment_id}/v/1/evidence",
        data={"question_id": "need_patient_need", "upload": (io.BytesIO(PDF), "needs analysis.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    item = db.session.scalar(db.select(Evidence))
    assert db.session.get(StoredFile, item.stored_name).content == PDF
    assert not app.config["LEGACY_UPLOAD_FOLDER"].exists()  # nothing on this host's disk
    download = client.get(f"/assessments/{version.assessment_id}/v/1/evidence/{item.id}")
    assert download.data == PDF and "attachment" in download.headers["Content-Disposition"]
    download.close()
