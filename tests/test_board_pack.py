"""The board pack a board reads: the decision on page 1, then the plan, nothing off the page, scoped headers."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any
from unittest import mock

import pdfplumber
import pytest
from flask.testing import FlaskClient
from lxml import html as lxml_html

from readiness import pdf
from readiness.services import assessments, decisions
from readiness.services.catalogue import questionnaire
from tests.support.answers import worst
from tests.support.factory import Factory
from tests.test_reports_pdf import download

CONDITIONS = "Recruit a clinical supervisor before the first post-holder starts; report back in three months."


def squeeze(text: str) -> str:
    """Text without any white space: table cells wrap words over lines."""
    return re.sub(r"\s+", "", text)


def decided(make: Factory, answers: dict[str, Any]) -> tuple[Any, Any]:
    """A bid with these answers, submitted, with the board's decision and conditions recorded."""
    lead = make.user("project_lead")
    board = make.user("board_member", organisation=lead.memberships[0].organisation)
    version = assessments.latest_version(make.assessment(lead, answers=answers))
    assert assessments.submit(version, lead)
    decisions.record(version, "approved_with_conditions", CONDITIONS, "", board)
    return lead, version


@pytest.fixture
def worst_case(make: Factory) -> tuple[Any, Any]:
    """The demo's worst case, submitted, with the board's decision recorded."""
    return decided(make, worst(questionnaire()))


def _pack(client: FlaskClient, version: Any, tmp_path: Path) -> tuple[Path, str]:
    """Download the pack, keeping the HTML it was rendered from."""
    with mock.patch.object(pdf, "render", wraps=pdf.render) as rendering:
        path = download(client, version, tmp_path)
    if os.environ.get("KEEP_BOARD_PACK"):  # to look at it: KEEP_BOARD_PACK=/tmp/pack.pdf
        Path(os.environ["KEEP_BOARD_PACK"]).write_bytes(path.read_bytes())
    return path, rendering.call_args.args[0]


def test_page_one_of_the_worst_case_is_the_decision_page(
    client: FlaskClient, make: Factory, worst_case: tuple[Any, Any], tmp_path: Path
) -> None:
    lead, version = worst_case
    make.sign_in(client, lead)
    path, _ = _pack(client, version, tmp_path)
    first = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "1", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    words = " ".join(first.split())
    assert "Not ready to launch" in words
    assert "Stage ratings" in words and "Critical" in words
    assert "Approved with conditions" in words and squeeze(CONDITIONS) in squeeze(first)
    assert version.digest in squeeze(first)
    with pdfplumber.open(path) as document:
        assert "Action plan" in (document.pages[1].extract_text() or "")  # the plan comes straight after


def test_page_one_holds_every_serious_risk_of_the_profile_with_the_most(
    client: FlaskClient, make: Factory, tmp_path: Path, database_url: str
) -> None:
    """The role profile whose worst case raises the most critical and high risks still fits them on page 1."""
    if not database_url.startswith("sqlite"):
        pytest.skip("rendering a PDF once is enough")
    from readiness.scoring import score

    q = questionnaire()
    profiles = list(q.option_scores["role_profile"])

    def serious(answers: dict[str, Any]) -> list[Any]:
        return [risk for risk in score(q, answers).risks if risk.severity in ("critical", "high")]

    most = max((worst(q, role_profile=profile) for profile in profiles), key=lambda answers: len(serious(answers)))
    lead, version = decided(make, most)
    make.sign_in(client, lead)
    path, _ = _pack(client, version, tmp_path)
    with pdfplumber.open(path) as document:
        first = squeeze(document.pages[0].extract_text() or "")
        assert "Action plan" in (document.pages[1].extract_text() or "")
    assert len(serious(most)) >= 28
    missing = [risk.title for risk in serious(most) if squeeze(risk.title) not in first]
    assert not missing, f"not on page 1: {missing}"


def test_every_cell_of_the_plan_is_printed_whole_and_nothing_lies_outside_the_page(
    client: FlaskClient, make: Factory, worst_case: tuple[Any, Any], tmp_path: Path
) -> None:
    lead, version = worst_case
    make.sign_in(client, lead)
    path, html = _pack(client, version, tmp_path)
    with pdfplumber.open(path) as document:
        for page in document.pages:
            for char in page.chars:
                inside = (
                    char["x0"] >= 0 and char["x1"] <= page.width and char["top"] >= 0 and char["bottom"] <= page.height
                )
                assert inside, (page.page_number, char["text"], char["x0"], char["x1"])
        columns = _plan_columns(document)
    table = lxml_html.fromstring(html).xpath("//table[contains(@class, 'app-plan-table')]")[0]
    rows = table.xpath(".//tr")
    assert len(rows) > 10
    for row in rows:
        cells = row.xpath("./td | ./th")
        assert len(cells) == len(PLAN_HEADERS)
        for column, cell in zip(columns, cells, strict=True):
            assert squeeze(cell.text_content()) in column, cell.text_content()


PLAN_HEADERS = ("#", "Action", "Priority", "When", "Owner", "Due", "Status", "Examples")


def _plan_columns(document: Any) -> list[str]:
    """The plan table's text column by column over every page it spans, each column cropped at its header."""
    columns = [""] * len(PLAN_HEADERS)
    for page in document.pages:
        words = page.extract_words()
        tops = {w["top"] for w in words if w["text"] == "Examples"} & {
            w["top"] for w in words if w["text"] == "Priority"
        }
        if not tops:
            continue
        top = tops.pop()
        header = [next(w for w in words if w["text"] == name and abs(w["top"] - top) < 1) for name in PLAN_HEADERS]
        edges = [w["x0"] - 2 for w in header] + [page.width]
        for index in range(len(PLAN_HEADERS)):
            crop = page.crop((edges[index], top - 1, edges[index + 1], page.height))
            columns[index] += squeeze(crop.extract_text() or "")
    assert all(columns), "the plan table's header row was not found"
    return columns


def test_every_header_cell_of_the_pack_and_the_report_has_a_scope(
    client: FlaskClient, make: Factory, worst_case: tuple[Any, Any], tmp_path: Path
) -> None:
    lead, version = worst_case
    make.sign_in(client, lead)
    _, pack = _pack(client, version, tmp_path)
    report = client.get(f"/assessments/{version.assessment_id}/v/{version.number}/results").get_data(as_text=True)
    for html in (pack, report):
        headers = lxml_html.fromstring(html).xpath("//th")
        assert headers
        for header in headers:
            assert header.get("scope") in ("col", "row", "colgroup", "rowgroup"), lxml_html.tostring(header)


def test_the_html_report_opens_with_the_same_summary_and_its_contents_link_to_each_section(
    client: FlaskClient, make: Factory, worst_case: tuple[Any, Any]
) -> None:
    lead, version = worst_case
    make.sign_in(client, lead)
    html = client.get(f"/assessments/{version.assessment_id}/v/{version.number}/results").get_data(as_text=True)
    tree = lxml_html.fromstring(html)
    headings = [" ".join(h.text_content().split()) for h in tree.xpath("//main//h2")]
    summary = ["Verdict", "Board decision", "Stage ratings", "Critical and high risks"]
    assert headings[1:5] == summary  # straight after the contents
    assert headings.index("Action plan") < headings.index("Risk register") < headings.index("Annex: all answers")
    links = tree.xpath("//nav[contains(@class, 'nhsuk-contents-list')]//a/@href")
    assert len(links) >= 8
    for link in links:
        assert link.startswith("#") and tree.xpath(f"//*[@id='{link[1:]}']"), link
    serious = tree.xpath("//table[contains(@class, 'app-risks-brief')]//tbody/tr")
    result = assessments.result_of(version)
    assert len(serious) == sum(1 for risk in result.risks if risk.severity in ("critical", "high")) > 10
    assert CONDITIONS in html and version.digest in html
