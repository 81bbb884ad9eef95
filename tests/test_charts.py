"""Charts and report data: pure functions, tested without Flask."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

from readiness import charts, reports
from readiness.action_plan import due_by
from readiness.questionnaire import load
from readiness.scoring import score
from tests.support.answers import best, worst

Q = load(Path(__file__).resolve().parent.parent / "questionnaires" / "2026.1")
SVG = "{http://www.w3.org/2000/svg}"
STAGES = [("Understand the need", 40, "red"), ("Governance and scope", 70, "amber"), ("Training", 100, "green")]


def texts(svg: bytes) -> str:
    return " ".join(node.text or "" for node in ET.fromstring(svg).iter(f"{SVG}text"))


def test_the_stage_chart_is_reproducible_svg_naming_every_stage_and_score() -> None:
    first = charts.stage_chart(STAGES)
    charts._stage_chart.cache_clear()
    again = charts.stage_chart(STAGES)
    assert first == again
    assert ET.fromstring(first).tag == f"{SVG}svg"
    words = texts(first)
    for title, value, rag in STAGES:
        assert title in words and f"{value} ({rag.title()})" in words
    assert b"<script" not in first and b"<dc:date" not in first


def test_the_trend_chart_has_a_line_per_stage_and_a_tick_per_version() -> None:
    svg = charts.trend_chart([1, 2, 3], [("Need", (10, 50, 90)), ("Governance", (20, 30, 40))])
    words = texts(svg)
    assert "Version 1" in words and "Version 3" in words and "Need" in words and "Governance" in words


def test_a_data_uri_round_trips() -> None:
    uri = charts.data_uri(b"<svg/>")
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == b"<svg/>"


def test_the_report_says_the_verdict_in_words_and_has_a_text_alternative() -> None:
    bad = reports.build(score(Q, worst(Q)), {}, date(2027, 1, 1))
    assert bad.headline == "Not ready to launch"
    assert bad.explanation.startswith(f"{bad.severity_counts['critical']} critical risks must be resolved")
    assert all(stage.title in bad.chart.alt for stage in bad.result.stages)
    assert len(bad.top_risks) == reports.TOP_RISKS and bad.top_risks[0].severity == "critical"
    assert len({e.id for e in bad.examples}) == len(bad.examples) > 0
    good = reports.build(score(Q, best(Q)), {}, date(2027, 1, 1))
    assert good.headline == "Ready to launch" and good.plan == () and good.top_risks == ()


def test_overdue_means_past_due_and_not_done() -> None:
    actions = score(Q, worst(Q)).actions[:4]
    today = date(2027, 6, 1)
    past, future = today - timedelta(days=1), today + timedelta(days=1)
    tracking = {
        actions[0].key: reports.Tracking(due_date=past, status="in_progress"),
        actions[1].key: reports.Tracking(due_date=past, status="done"),
        actions[2].key: reports.Tracking(due_date=future),
    }
    rows = reports.plan_rows(actions, tracking, today)
    assert [row.overdue for row in rows] == [True, False, False, False]
    assert rows[3].tracking == reports.Tracking()


def test_comparison_lists_risks_closed_opened_and_stage_changes() -> None:
    before, after = score(Q, worst(Q)), score(Q, best(Q) | {"need_patient_need": "no"})
    comparison = reports.compare(before, after)
    after_ids = {risk.id for risk in after.risks}
    assert {r.id for r in comparison.closed} == {r.id for r in before.risks} - after_ids
    assert {r.id for r in comparison.opened} == after_ids - {r.id for r in before.risks}
    assert {r.id for r in comparison.still_open} == after_ids & {r.id for r in before.risks}
    assert [s.change for s in comparison.stages] == [
        a.score - b.score for a, b in zip(after.stages, before.stages, strict=True)
    ]


def test_the_trend_chart_text_alternative_names_every_version() -> None:
    results = [score(Q, worst(Q)), score(Q, best(Q))]
    chart = reports.trend_chart([1, 2], results)
    assert "version 1 0" in chart.alt and "version 2 100" in chart.alt
    assert reports.trend_chart([], []).alt == ""


def test_due_dates_follow_the_planned_start_unless_the_lead_set_one() -> None:
    actions = score(Q, worst(Q)).actions
    timings = ("before_launch", "first_3_months")
    by_timing = {timing: next(a for a in actions if a.timing == timing) for timing in timings}
    start, today = date(2027, 4, 1), date(2027, 5, 15)
    lead_set = date(2027, 9, 1)
    tracking = {by_timing["first_3_months"].key: reports.Tracking(due_date=lead_set)}
    rows = {row.action.key: row for row in reports.plan_rows(actions, tracking, today, start)}
    before = rows[by_timing["before_launch"].key]
    assert (before.due_date, before.due_from_start, before.overdue) == (start, True, True)
    first = rows[by_timing["first_3_months"].key]
    assert (first.due_date, first.due_from_start, first.overdue) == (lead_set, False, False)
    assert due_by("first_3_months", start) == date(2027, 7, 1) and due_by("ongoing", start) is None
    assert all(row.due_date is None for row in reports.plan_rows(actions, {}, today))  # no start, no dates
    moved = reports.plan_rows(actions, {}, today, date(2027, 8, 1))
    assert not any(row.overdue for row in moved) and moved[0].due_date is not None
