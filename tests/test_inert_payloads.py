"""Script, HTML and formula payloads typed into every free-text field stay inert in HTML, PDF, CSV and XLSX.

Each field gets its own marked payload, so a test can say which field reached which output and which
output showed it as plain text.
"""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from readiness import exports
from readiness.extensions import db
from readiness.models import AssessmentVersion, BidQuery
from readiness.services.answers import Entry, save, saved_rows
from readiness.services.catalogue import questionnaire
from tests.support.answers import worst
from tests.support.factory import Factory
from tests.test_reports import page_text
from tests.test_sharing import switch_to

# The pages carry scripts of their own, so look for the payloads' own markup.
LIVE_MARKUP = ("<script>alert(", "<img src=x", '"><script')


def payload(field: str) -> str:
    """A formula, a script and an HTML element at once, marked with the field it was typed into."""
    return f'=HYPERLINK("http://evil.example","{field}")<script>alert("{field}")</script><img src=x onerror=alert(1)>'


# File names may hold no slash, so the upload's payload has no closing tag.
FILE_NAME = "=cmd|'calc'!A0<img src=x onerror=alert(1)>.pdf"
LINK = 'https://evil.example/"><script>alert("link")</script>'
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def hostile(client: FlaskClient, make: Factory) -> dict[str, Any]:
    """A bid whose every free-text field holds a payload, decided by its board and queried by its commissioner."""
    q = questionnaire()
    provider = make.organisation(payload("organisation"))
    lead = make.user("project_lead", provider, name=payload("lead name"))
    board = make.user("board_member", provider, name=payload("board member name"))
    commissioner_org = make.organisation(payload("commissioner organisation"), kind="commissioner")
    commissioner = make.user("commissioner", commissioner_org, name=payload("commissioner name"))
    make.sign_in(client, lead)

    created = client.post("/assessments/new", data={"title": payload("title"), "organisation_id": provider.id})
    assert created.status_code == 302, created.text[:500]
    assessment_id = int(created.headers["Location"].split("/")[2])
    version = db.session.scalars(db.select(AssessmentVersion).filter_by(assessment_id=assessment_id)).one()
    make.answer(version, lead, worst(q) | {"role_title": payload("role title")})
    rows = saved_rows(version.id)
    notes = {qid: Entry(row.value, payload("note"), LINK) for qid, row in rows.items()}
    assert not save(version, notes, {qid: row.revision for qid, row in rows.items()}, lead)
    uploaded = client.post(
        f"/assessments/{assessment_id}/v/1/evidence",
        data={"question_id": "need_patient_need", "upload": (io.BytesIO(PDF), FILE_NAME)},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302, uploaded.text[:500]
    key = "governance_no_accountability.1"
    tracked = client.post(
        f"/assessments/{assessment_id}/v/1/plan/{key}",
        data={"owner": payload("owner"), "status": "in_progress", "notes": payload("tracker notes")},
    )
    assert tracked.status_code == 302, tracked.text[:500]
    assert client.post(f"/assessments/{assessment_id}/v/1/submit").status_code == 302
    assert (
        client.post(f"/sharing/{assessment_id}/v/1", data={"organisation_id": commissioner_org.id}).status_code == 302
    )

    switch_to(client, make, board)
    decided = client.post(
        f"/assessments/{assessment_id}/v/1/decision",
        data={
            "decision": "approved_with_conditions",
            "conditions": payload("conditions"),
            "comments": payload("comments"),
        },
    )
    assert decided.status_code == 302, decided.text[:500]

    switch_to(client, make, commissioner)
    asked = client.post(f"/portfolio/bids/{version.id}/queries", data={"text": payload("query")})
    assert asked.status_code == 302, asked.text[:500]
    query = db.session.scalars(db.select(BidQuery)).one()
    switch_to(client, make, lead)
    replied = client.post(f"/sharing/{assessment_id}/v/1/queries/{query.id}", data={"response": payload("reply")})
    assert replied.status_code == 302, replied.text[:500]
    return {
        "assessment_id": assessment_id,
        "version": version,
        "key": key,
        "lead": lead,
        "board": board,
        "commissioner": commissioner,
        "query": query,
        "administrator": make.user("administrator", provider),
    }


def assert_inert_html(response: Any) -> str:
    assert response.status_code == 200, f"{response.status_code} from {response.request.path}"
    assert response.mimetype == "text/html"
    for live in LIVE_MARKUP:
        assert live not in response.text, f"{live} unescaped in {response.request.path}"
    return page_text(response)


def test_every_free_text_field_is_shown_as_text_on_every_page(
    client: FlaskClient, make: Factory, hostile: dict[str, Any]
) -> None:
    a, version = hostile["assessment_id"], hostile["version"]
    pages = {
        "lead": [
            "/assessments/",
            f"/assessments/{a}/v/1",
            f"/assessments/{a}/v/1/check",
            f"/assessments/{a}/v/1/submitted",
            f"/assessments/{a}/v/1/results",
            f"/assessments/{a}/v/1/plan",
            f"/assessments/{a}/v/1/plan/{hostile['key']}",
            f"/assessments/{a}/v/1/section/role",
            f"/assessments/{a}/v/1/section/need",
            f"/assessments/{a}/trend",
            f"/sharing/{a}/v/1",
            f"/sharing/{a}/v/1/queries/{hostile['query'].id}",
        ],
        "board": [f"/assessments/{a}/v/1/decision", f"/assessments/{a}/v/1/results"],
        "administrator": ["/admin/"],
        "commissioner": [
            "/portfolio/",
            f"/portfolio/?q={payload('title')[:20]}",
            f"/portfolio/bids/{version.id}",
        ],
    }
    shown = ""
    for who, urls in pages.items():
        switch_to(client, make, hostile[who])
        for url in urls:
            shown += assert_inert_html(client.get(url, follow_redirects=True))
    for field in (
        "organisation",
        "lead name",
        "board member name",
        "commissioner organisation",
        "title",
        "role title",
        "note",
        "owner",
        "tracker notes",
        "conditions",
        "comments",
        "query",
        "reply",
    ):
        assert payload(field) in shown, f"{field} never shown as text"
    assert FILE_NAME in shown and LINK in shown


def test_the_board_pack_prints_every_free_text_field_as_text(
    client: FlaskClient, make: Factory, hostile: dict[str, Any], tmp_path: Path
) -> None:
    make.sign_in(client, hostile["board"])
    response = client.get(f"/assessments/{hostile['assessment_id']}/v/1/board-pack.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert b"/JavaScript" not in response.data and b"/JS " not in response.data
    path = tmp_path / "pack.pdf"
    path.write_bytes(response.data)
    # -raw keeps each table cell's lines together, in the order the pack wrote them.
    text = "".join(
        subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True).stdout.split()
    )
    for field in ("organisation", "title", "role title", "note", "owner", "tracker notes", "conditions", "comments"):
        assert "".join(payload(field).split()) in text, f"{field} not printed as text"
    assert "".join(FILE_NAME.split()) in text and "".join(LINK.split()) in text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_hold_every_free_text_field_as_neutralised_text(
    client: FlaskClient, make: Factory, hostile: dict[str, Any], fmt: str
) -> None:
    switch_to(client, make, hostile["commissioner"])
    cells: list[Any] = []
    for url in (f"/portfolio/export.{fmt}", f"/portfolio/bids/{hostile['version'].id}/answers.{fmt}"):
        response = client.get(url)
        assert response.status_code == 200, url
        if fmt == "csv":
            cells += [
                cell for row in csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")) for cell in row
            ]
        else:
            sheet = load_workbook(io.BytesIO(response.data)).active
            assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
            cells += [cell.value for row in sheet.iter_rows() for cell in row]
    texts = [cell for cell in cells if isinstance(cell, str)]
    assert not [text for text in texts if text.startswith(exports.DANGEROUS_STARTS)]
    for field in ("organisation", "title", "role title", "note"):
        assert "'" + payload(field) in texts, f"{field} not exported as neutralised text"
    assert LINK in texts
    assert any(FILE_NAME in text for text in texts)
