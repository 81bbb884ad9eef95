"""What the readiness report, the board pack and a reassessment show, from score results. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from readiness import charts
from readiness.action_plan import Action, CitedExample, due_by, planned_start
from readiness.scoring import Risk, ScoreResult, StageScore

SEVERITY_LABELS = {"critical": "Critical", "high": "High", "medium": "Medium", "low": "Low"}
RAG_LABELS = {"red": "Red", "amber": "Amber", "green": "Green"}
STATUS_LABELS = {"not_started": "Not started", "in_progress": "In progress", "done": "Done"}
DECISION_LABELS = {
    "approved": "Approved",
    "approved_with_conditions": "Approved with conditions",
    "deferred": "Deferred",
    "not_approved": "Not approved",
}
TOP_RISKS = 5


@dataclass(frozen=True, slots=True)
class Tracking:
    """The lead's tracking of one action: who, by when, how far, and notes."""

    owner: str = ""
    due_date: date | None = None
    status: str = "not_started"
    notes: str = ""
    updated_at: datetime | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass(frozen=True, slots=True)
class PlanRow:
    action: Action
    tracking: Tracking
    overdue: bool
    due_date: date | None  # the lead's date, else the one the timing gives from the planned start
    due_from_start: bool  # the date is counted from the planned start, not set by the lead


@dataclass(frozen=True, slots=True)
class Chart:
    """An SVG chart with its text alternative; the page shows a data table too."""

    svg: bytes
    alt: str

    @property
    def uri(self) -> str:
        return charts.data_uri(self.svg)


@dataclass(frozen=True, slots=True)
class Report:
    result: ScoreResult
    headline: str
    explanation: str
    chart: Chart
    top_risks: tuple[Risk, ...]
    severity_counts: Mapping[str, int]
    plan: tuple[PlanRow, ...]
    examples: tuple[CitedExample, ...]  # each cited example once, in order of first citation

    @property
    def example_numbers(self) -> dict[str, int]:
        return {example.id: number for number, example in enumerate(self.examples, start=1)}


@dataclass(frozen=True, slots=True)
class StageChange:
    id: str
    title: str
    before: int
    after: int
    rag_before: str
    rag_after: str

    @property
    def change(self) -> int:
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class Comparison:
    before: ScoreResult
    after: ScoreResult
    opened: tuple[Risk, ...]
    closed: tuple[Risk, ...]
    still_open: tuple[Risk, ...]
    stages: tuple[StageChange, ...]


def build(result: ScoreResult, tracking: Mapping[str, Tracking], today: date) -> Report:
    """Gather what the report shows: verdict in words, chart, top risks and the tracked plan."""
    counts = {severity: sum(1 for r in result.risks if r.severity == severity) for severity in SEVERITY_LABELS}
    return Report(
        result=result,
        headline=headline(result),
        explanation=explanation(result, counts),
        chart=stage_chart(result.stages),
        top_risks=result.risks[:TOP_RISKS],
        severity_counts=counts,
        plan=plan_rows(result.actions, tracking, today, planned_start(result.answers)),
        examples=cited_examples(result.actions),
    )


def headline(result: ScoreResult) -> str:
    """Say the verdict as a board would: 'Not ready to launch'."""
    return {
        "ready": "Ready to launch",
        "ready_with_conditions": "Ready to launch with conditions",
        "not_ready": "Not ready to launch",
    }[result.verdict]


def explanation(result: ScoreResult, counts: Mapping[str, int]) -> str:
    """Explain the verdict in one or two plain sentences."""
    red = [s.title for s in result.stages if s.rag == "red"]
    if result.verdict == "not_ready":
        reasons = []
        if counts["critical"]:
            reasons.append(_plural(counts["critical"], "critical risk") + " must be resolved before launch")
        if red:
            reasons.append("these stages are rated red: " + ", ".join(red))
        return _sentence("; ".join(reasons))
    if result.verdict == "ready_with_conditions":
        open_risks = counts["high"] + counts["medium"]
        amber = [s.title for s in result.stages if s.rag == "amber"]
        parts = []
        if open_risks:
            parts.append(_plural(open_risks, "high or medium risk") + " should be addressed as conditions of launch")
        if amber:
            parts.append("these stages are rated amber: " + ", ".join(amber))
        return _sentence("; ".join(parts))
    return "Every stage is rated green and no high or critical risks are open."


def stage_chart(stages: Sequence[StageScore]) -> Chart:
    """Chart the stage scores, with a text alternative that states every score."""
    alt = (
        "Bar chart of stage scores out of 100: "
        + "; ".join(f"{s.title} {s.score} ({RAG_LABELS[s.rag]})" for s in stages)
        + "."
    )
    return Chart(charts.stage_chart([(s.title, s.score, s.rag) for s in stages]), alt)


def trend_chart(versions: Sequence[int], results: Sequence[ScoreResult]) -> Chart:
    """Chart each stage's score across versions of the same role."""
    if not results:
        return Chart(b"", "")
    series = [(stage.title, tuple(result.stage(stage.id).score for result in results)) for stage in results[0].stages]
    alt = (
        "Line chart of stage scores by version: "
        + "; ".join(
            f"{title}: " + ", ".join(f"version {n} {score}" for n, score in zip(versions, scores, strict=True))
            for title, scores in series
        )
        + "."
    )
    return Chart(charts.trend_chart(versions, series), alt)


def plan_rows(
    actions: Sequence[Action], tracking: Mapping[str, Tracking], today: date, start: date | None = None
) -> tuple[PlanRow, ...]:
    """Join each planned action with its tracking; an unfinished action past its due date is overdue.

    An action the lead has given no date is due when its timing says, counted from the planned ``start``.
    """
    rows = []
    for action in actions:
        item = tracking.get(action.key, Tracking())
        due = item.due_date or due_by(action.timing, start)
        overdue = due is not None and due < today and item.status != "done"
        rows.append(PlanRow(action, item, overdue, due, item.due_date is None and due is not None))
    return tuple(rows)


def cited_examples(actions: Sequence[Action]) -> tuple[CitedExample, ...]:
    """List the examples the plan cites, each once, in the order they are first cited."""
    seen: dict[str, CitedExample] = {}
    for action in actions:
        for example in action.examples:
            seen.setdefault(example.id, example)
    return tuple(seen.values())


def compare(before: ScoreResult, after: ScoreResult) -> Comparison:
    """Show what moved between two versions: risks opened and closed, and each stage's change."""
    before_ids = {risk.id for risk in before.risks}
    after_ids = {risk.id for risk in after.risks}
    stages = tuple(
        StageChange(
            stage.id, stage.title, before.stage(stage.id).score, stage.score, before.stage(stage.id).rag, stage.rag
        )
        for stage in after.stages
    )
    return Comparison(
        before=before,
        after=after,
        opened=tuple(r for r in after.risks if r.id not in before_ids),
        closed=tuple(r for r in before.risks if r.id not in after_ids),
        still_open=tuple(r for r in after.risks if r.id in before_ids),
        stages=stages,
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "." if text else ""
