"""The wizard's question pages as people meet them: where they are, follow-ups that open at once,
gaps only where they have started, and error pages that lead back."""

from __future__ import annotations

import io
import re

from flask import abort

from readiness.services import assessments
from readiness.services.answers import saved_values
from readiness.services.catalogue import questionnaire
from tests.support.answers import GOOD_CONTEXT
from tests.support.factory import Factory
from tests.test_wizard import page_url, seen_of


def test_every_question_page_says_which_section_it_is_and_how_far_it_has_got(client, lead_version) -> None:
    _lead, version = lead_version
    sections = questionnaire().sections
    for number, section in enumerate(sections, start=1):
        text = " ".join(client.get(page_url(version, section.id)).text.split())
        assert f"Section {number} of {len(sections)}" in text
        assert re.search(r"\d+ of \d+ questions? in this section answered", text)
    need = page_url(version, "need")
    before = re.search(r"(\d+) of (\d+) questions in this section answered", client.get(need).text).groups()
    client.post(need, data={"seen": seen_of(client.get(need).text), "action": "later", "q__need_patient_need": "yes"})
    after = re.search(r"(\d+) of (\d+) questions in this section answered", client.get(need).text).groups()
    assert int(after[0]) == int(before[0]) + 1 and after[1] == before[1]


def _role_data(client, url: str, **answers: str) -> dict[str, str]:
    data = {f"q__{k}": str(v) for k, v in GOOD_CONTEXT.items() if k != "planned_start"}
    return (
        data
        | {f"q__{k}": v for k, v in answers.items()}
        | {"seen": seen_of(client.get(url).text), "action": "continue"}
    )


def _follow_up(html: str) -> str:
    found = re.search(r'<div class="([^"]*app-follow-up[^"]*)" id="follow-up-funding_months"[^>]*>', html)
    assert found, "the follow-up is not on the page"
    return found.group(0)


def test_a_follow_up_is_on_its_opening_page_ready_to_open_and_hidden_without_javascript(client, lead_version) -> None:
    _lead, version = lead_version
    role = page_url(version, "role")
    closed = _follow_up(client.get(role).text)  # funding is recurrent: no months to ask about
    assert "nhsuk-radios__conditional--hidden" in closed and "nhsuk-u-frontend-not-supported-hidden" in closed
    assert 'data-app-opened-by="q__funding_source"' in closed
    assert re.search(r'data-app-opening="[^"]*\barrs\b[^"]*\bfixed_term\b', closed)
    # Without JavaScript: choosing "fixed term" and saving brings the page back with the question open.
    response = client.post(role, data=_role_data(client, role, funding_source="fixed_term"))
    assert response.status_code == 302 and "/section/role" in response.location
    opened = _follow_up(client.get(role).text)
    assert "hidden" not in opened


def test_a_follow_up_answered_as_soon_as_it_opened_is_saved_without_a_second_visit(client, lead_version) -> None:
    _lead, version = lead_version
    role = page_url(version, "role")
    response = client.post(role, data=_role_data(client, role, funding_source="arrs", funding_months="24"))
    assert response.status_code == 302 and response.location.endswith("/section/need")
    saved = saved_values(version.id)
    assert saved["funding_source"] == "arrs" and saved["funding_months"] == 24


def test_a_follow_up_left_closed_is_neither_required_nor_saved(client, lead_version) -> None:
    _lead, version = lead_version
    role = page_url(version, "role")
    data = _role_data(client, role, funding_source="recurrent", funding_months="12")  # typed, then closed again
    response = client.post(role, data=data)
    assert response.status_code == 302 and response.location.endswith("/section/need")
    assert "funding_months" not in saved_values(version.id)


def test_sections_not_started_show_no_gaps(client, make: Factory) -> None:
    lead = make.user("project_lead")
    make.sign_in(client, lead)
    assessment = make.assessment(lead, answers={k: v for k, v in GOOD_CONTEXT.items() if k != "role_title"})
    version = assessments.latest_version(assessment)
    text = " ".join(client.get(f"/assessments/{version.assessment_id}/v/1").text.split())
    assert "Not started" in text
    assert not re.search(r"\d+ gaps?", text), "a section nobody has started already shows gaps"
    assert "No gaps found so far" in text
    make.answer(version, lead, {"need_patient_need": "no"})
    text = " ".join(client.get(f"/assessments/{version.assessment_id}/v/1").text.split())
    assert re.search(r"\d+ gaps? found so far in the sections you have started", text)
    statuses = {
        s.id: s
        for s in assessments.section_statuses(
            questionnaire(), assessments.answers_of(version), assessments.result_of(version)
        )
    }
    assert statuses["need"].risks > 0 and statuses["governance"].status == "not_started"
    assert statuses["governance"].risks == 0


def test_an_upload_too_large_says_what_to_do_and_leads_back_to_the_page(app, client, lead_version) -> None:
    _lead, version = lead_version
    evidence = f"http://localhost/assessments/{version.assessment_id}/v/1/evidence?question=need_patient_need"
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post(
        f"/assessments/{version.assessment_id}/v/1/evidence",
        data={"question_id": "need_patient_need", "upload": (io.BytesIO(b"%PDF-" + b"0" * 4096), "big.pdf")},
        content_type="multipart/form-data",
        headers={"Referer": evidence},
    )
    assert response.status_code == 413
    assert "smaller than 10MB" in response.text and "choose a smaller file" in response.text
    assert f'href="/assessments/{version.assessment_id}/v/1/evidence?question=need_patient_need"' in response.text


def test_too_many_attempts_says_to_wait_and_leads_back_only_to_our_own_pages(app, client, make: Factory) -> None:
    # Any limit other than sign-in's (which answers on the sign-in page itself) ends on the 429 page.
    app.add_url_rule("/test-limited", "test_limited", lambda: abort(429), methods=["POST"])
    user = make.user()
    ours = client.post("/test-limited", headers={"Referer": "http://localhost/assessments/"})
    assert ours.status_code == 429
    assert "Wait a few minutes" in ours.text and 'href="/assessments/"' in ours.text
    theirs = client.post("/test-limited", headers={"Referer": "https://evil.example/x"})
    assert theirs.status_code == 429 and "evil.example" not in theirs.text
    assert "Go back to the page you were on" not in theirs.text and 'href="/"' in theirs.text
    # Sign-in's own limit keeps the person on the sign-in page and says when to try again.
    for _ in range(10):
        client.post("/sign-in", data={"email": user.email, "password": "wrong"})
    refused = client.post("/sign-in", data={"email": user.email, "password": "wrong"})
    assert refused.status_code == 429 and "Try again after" in refused.text
    assert "Go back to the page you were on" not in theirs.text and 'href="/"' in theirs.text
