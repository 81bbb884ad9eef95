"""Score answers against a questionnaire version: stage scores, risks, verdict, plan. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from readiness.action_plan import Action, plan_actions
from readiness.questionnaire import Questionnaire

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
VERDICT_LABELS = {
    "ready": "Ready",
    "ready_with_conditions": "Ready with conditions",
    "not_ready": "Not ready",
}


@dataclass(frozen=True, slots=True)
class StageScore:
    id: str
    title: str
    score: int
    rag: str
    points: float
    available: float
    applicable: int
    unknown: int


@dataclass(frozen=True, slots=True)
class Risk:
    id: str
    severity: str
    stage: str
    title: str
    rationale: str
    rationale_quoted: bool
    advice: str
    citations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Unknown:
    question_id: str
    section: str
    text: str
    answer: str | None  # "not_sure", or None when unanswered


@dataclass(frozen=True, slots=True)
class ScoreResult:
    version: str
    verdict: str
    stages: tuple[StageScore, ...]
    risks: tuple[Risk, ...]
    actions: tuple[Action, ...]
    unknowns: tuple[Unknown, ...]
    answers: Mapping[str, Any]  # applicable questions only; None where unanswered

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    def stage(self, stage_id: str) -> StageScore:
        return next(stage for stage in self.stages if stage.id == stage_id)


def score(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> ScoreResult:
    """Score checked answers; the same questionnaire and answers always give the same result."""
    effective = questionnaire.applicable(answers)
    stages = tuple(_stage_score(questionnaire, section.id, effective) for section in questionnaire.sections[1:])
    answered = {qid: value for qid, value in effective.items() if value not in (None, "", [])}
    triggered = [rule for rule, fires in questionnaire.triggers if fires(answered)]
    triggered.sort(key=lambda rule: SEVERITY_ORDER[rule.severity])
    guide = {section.id: section.title for section in questionnaire.manifest.guide_sections}
    cite_as = questionnaire.manifest.sources[0].cite_as
    risks = tuple(
        Risk(
            id=rule.id,
            severity=rule.severity,
            stage=rule.stage,
            title=rule.title,
            rationale=rule.rationale,
            rationale_quoted=rule.rationale_quoted,
            advice=rule.advice,
            citations=tuple(f"{cite_as}: {guide[cite]}" for cite in rule.cites),
        )
        for rule in triggered
    )
    return ScoreResult(
        version=questionnaire.version,
        verdict=_verdict(stages, risks),
        stages=stages,
        risks=risks,
        actions=plan_actions(questionnaire, triggered),
        unknowns=_unknowns(questionnaire, effective),
        answers=effective,
    )


def rag_for(questionnaire: Questionnaire, value: float) -> str:
    """Rate a 0-100 stage score red, amber or green by the questionnaire's thresholds."""
    thresholds = questionnaire.manifest.rag
    if value >= thresholds.green:
        return "green"
    return "amber" if value >= thresholds.amber else "red"


def _stage_score(questionnaire: Questionnaire, stage_id: str, effective: Mapping[str, Any]) -> StageScore:
    points = available = 0.0
    applicable = unknown = 0
    for question in questionnaire.section(stage_id).questions:
        if question.id not in effective:
            continue
        applicable += 1
        value = effective[question.id]
        scores = questionnaire.option_scores[question.id]
        if value is None or (scores and scores.get(value, 0) is None):
            unknown += 1
        numeric = [s for s in scores.values() if s is not None]
        if question.kind in ("scale", "choice") and numeric:
            available += max(numeric)
            points += scores.get(value) or 0.0
    value = round(100 * points / available) if available else 0
    return StageScore(
        id=stage_id,
        title=questionnaire.section(stage_id).title,
        score=value,
        rag=rag_for(questionnaire, value),
        points=points,
        available=available,
        applicable=applicable,
        unknown=unknown,
    )


def _verdict(stages: tuple[StageScore, ...], risks: tuple[Risk, ...]) -> str:
    """An open critical risk or a red stage means not ready; high or medium risks or amber, conditions."""
    severities = {risk.severity for risk in risks}
    rags = {stage.rag for stage in stages}
    if "critical" in severities or "red" in rags:
        return "not_ready"
    if severities & {"high", "medium"} or "amber" in rags:
        return "ready_with_conditions"
    return "ready"


def _unknowns(questionnaire: Questionnaire, effective: Mapping[str, Any]) -> tuple[Unknown, ...]:
    unknowns = []
    for section in questionnaire.sections:
        for question in section.questions:
            if question.id not in effective:
                continue
            value = effective[question.id]
            unsure = value is not None and question.kind == "scale" and _is_unsure(questionnaire, question.id, value)
            if value in (None, "", []) or unsure:
                unknowns.append(Unknown(question.id, section.id, question.text, value if unsure else None))
    return tuple(unknowns)


def _is_unsure(questionnaire: Questionnaire, question_id: str, value: Any) -> bool:
    return questionnaire.option_scores[question_id].get(value, 0) is None

