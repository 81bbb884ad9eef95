"""Exports: CSV and XLSX open cleanly, carry the questionnaire version and hold no live formula."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from readiness import exports
from readiness.services.catalogue import questionnaire
from tests.support.answers import best
from tests.support.factory import Factory
from tests.test_sharing import shared_bid, switch_to

NASTY = ['=HYPERLINK("http://evil.example","x")', "+1+2", "-3+4", "@SUM(A1)", "\tleading tab", "\rreturn", "plain"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-5", "'-5"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("safe", "safe"),
        ("a=b", "a=b"),
        (-5, -5),
        (2.5, 2.5),
        (None, None),
        (True, "Yes"),
    ],
)
def test_neutralise(value: Any, expected: Any) -> None:
    assert exports.neutralise(value) == expected


def test_csv_cells_cannot_start_a_formula() -> None:
    data = exports.to_csv(["Name", "=header"], [[text, 1] for text in NASTY])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Name", "'=header"]
    assert all(not row[0].startswith(exports.DANGEROUS_STARTS) for row in rows[1:])
    assert rows[-1] == ["plain", "1"]


def test_xlsx_opens_and_holds_no_formula() -> None:
    data = exports.to_xlsx(["Name", "Number"], [[text, -1] for text in NASTY], "Sheet")
    sheet = load_workbook(io.BytesIO(data)).active
    values = [cell for row in sheet.iter_rows(min_row=2, values_only=True) for cell in row]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert all(not str(v).startswith(exports.DANGEROUS_STARTS) for v in values if isinstance(v, str))
    assert values[:2] == ['\'=HYPERLINK("http://evil.example","x")', -1]


@pytest.fixture
def shared(make: Factory) -> dict[str, Any]:
    q = questionnaire()
    commissioner_org = make.organisation("=Westshire ICB", kind="commissioner")
    lead = make.user("project_lead", make.organisation("=cmd|' /C calc'!A0"))
    version = shared_bid(
        make,
        lead,
        commissioner_org,
        best(q) | {"evaluation_measures": "=1+1 and @risk"},
        title="+Assistant practitioner",
    )
    return {"version": version, "commissioner": make.user("commissioner", commissioner_org)}


@pytest.mark.parametrize("url", ["/portfolio/export.xlsx?verdict=ready", "/portfolio/bids/{id}/answers.xlsx"])
def test_xlsx_downloads_open_with_openpyxl_and_hold_no_formula(
    client: FlaskClient, make: Factory, shared: dict, url: str
) -> None:
    switch_to(client, make, shared["commissioner"])
    response = client.get(url.format(id=shared["version"].id))
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows())
    headers = [cell.value for cell in rows[0]]
    assert "Questionnaire version" in headers and len(rows) >= 2
    column = headers.index("Questionnaire version")
    assert all(row[column].value == shared["version"].questionnaire_version for row in rows[1:])
    for row in rows:
        for cell in row:
            assert cell.data_type != "f"
            assert not (isinstance(cell.value, str) and cell.value.startswith(exports.DANGEROUS_STARTS))
    texts = {cell.value for row in rows for cell in row}
    assert "'=cmd|' /C calc'!A0" in texts


def test_csv_downloads_are_neutralised(client: FlaskClient, make: Factory, shared: dict) -> None:
    switch_to(client, make, shared["commissioner"])
    for url in ("/portfolio/export.csv", f"/portfolio/bids/{shared['version'].id}/answers.csv"):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "text/csv"
        rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
        assert rows[0][-2:] == ["Questionnaire version", "Integrity"]
        assert all(row[-1] == "Verified" for row in rows[1:])
        assert all(not cell.startswith(exports.DANGEROUS_STARTS) for row in rows for cell in row)
    answers = response.data.decode("utf-8-sig")
    assert "'=1+1 and @risk" in answers and "'+Assistant practitioner" in answers
