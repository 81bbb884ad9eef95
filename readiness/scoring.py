"""Score answers against a questionnaire version: stage scores, risks, verdict, plan. Pure."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from readiness.action_plan import PRIORITIES, TIMING_LABELS, Action, actions_for, plan_order
from readiness.conditions import Predicate
from readiness.credits import Credit, credits_of
from readiness.questionnaire import Questionnaire
from readiness.questionnaire_schema import Question, Rule

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
LOWER_SEVERITY = {"critical": "high", "high": "medium", "medium": "low", "low": "low"}
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
    credits: tuple[Credit, ...]
    who_when: tuple[str, ...] = ()  # who acts on it and when, from its planned actions
    rationale_caution: bool = False  # a quoted caution of the guide, not one of its "Risk:" paragraphs
    partly: bool = False  # raised only by "Partly" answers, so the rule's lower-severity form

    @property
    def citations(self) -> tuple[str, ...]:
        return tuple(str(credit) for credit in self.credits)


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
    plan = _compiled(questionnaire)
    effective, answered = questionnaire.applicable_and_answered(answers)
    profile = answered.get("role_profile")
    stages = tuple(_stage_score(questionnaire, stage, effective) for stage in plan.stages_for(profile))
    # Rules come ordered by severity and actions by priority already; only a "Partly" form reorders.
    fired = [rule for rule, fires in plan.triggers_for(profile) if fires(answered)]
    partly = _raised_by_partly(questionnaire, plan, profile, fired, answered)
    triggered = {rule.id for rule in fired}
    risks = tuple(
        plan.partly_risks[risk.id] if risk.id in partly else risk
        for risk in plan.risks_for(profile)
        if risk.id in triggered
    )
    actions = tuple(
        plan.partly_actions[action.key] if action.rule_id in partly else action
        for action in plan.actions_for(profile)
        if action.rule_id in triggered
    )
    if partly:
        risks = tuple(sorted(risks, key=lambda risk: SEVERITY_ORDER[risk.severity]))
        actions = tuple(sorted(actions, key=plan_order(questionnaire)))
    return ScoreResult(
        version=questionnaire.version,
        verdict=_verdict(stages, risks),
        stages=stages,
        risks=risks,
        actions=actions,
        unknowns=tuple(_unknowns(plan.unknowable_for(profile), effective)),
        answers=effective,
    )


def _raised_by_partly(
    questionnaire: Questionnaire,
    plan: _Compiled,
    profile: str | None,
    fired: list[Rule],
    answered: Mapping[str, Any],
) -> set[str]:
    """Return the rules that fire only because of "Partly" answers: they would not if those were "Yes"."""
    if not questionnaire.manifest.partly_lowers_severity:
        return set()
    raised = {
        qid: "yes"
        for qid, value in answered.items()
        if value == "partly" and questionnaire.questions[qid].kind == "scale"
    }
    if not raised:
        return set()
    better = {**answered, **raised}
    fires = {rule.id: predicate for rule, predicate in plan.triggers_for(profile)}
    return {rule.id for rule in fired if not rule.requirement and not fires[rule.id](better)}


@dataclass(frozen=True, slots=True)
class _Stage:
    id: str
    title: str
    questions: tuple[tuple[str, float, Mapping[str, float | None]], ...]  # (id, best score, option scores)


@dataclass(frozen=True)
class _Compiled:
    """Everything about a questionnaire that scoring would otherwise rebuild for every assessment."""

    # Each by role profile (None for none or a custom role): the general items plus the profile's own.
    stages: Mapping[str | None, tuple[_Stage, ...]]
    triggers: Mapping[str | None, tuple[tuple[Rule, Predicate], ...]]  # most severe first
    risks: Mapping[str | None, tuple[Risk, ...]]  # most severe first
    actions: Mapping[str | None, tuple[Action, ...]]  # in the plan's order
    unknowable: Mapping[str | None, tuple[tuple[str, Unknown, Mapping[str, Unknown]], ...]]  # id, if blank, if unsure
    partly_risks: Mapping[str, Risk]  # each rule's lower-severity form, by rule id
    partly_actions: Mapping[str, Action]  # their actions, by action key

    def stages_for(self, profile: str | None) -> tuple[_Stage, ...]:
        return self.stages.get(profile, self.stages[None])

    def triggers_for(self, profile: str | None) -> tuple[tuple[Rule, Predicate], ...]:
        return self.triggers.get(profile, self.triggers[None])

    def risks_for(self, profile: str | None) -> tuple[Risk, ...]:
        return self.risks.get(profile, self.risks[None])

    def actions_for(self, profile: str | None) -> tuple[Action, ...]:
        return self.actions.get(profile, self.actions[None])

    def unknowable_for(self, profile: str | None) -> tuple[tuple[str, Unknown, Mapping[str, Unknown]], ...]:
        return self.unknowable.get(profile, self.unknowable[None])


@lru_cache(maxsize=16)
def _compiled(questionnaire: Questionnaire) -> _Compiled:
    risk_of = {
        rule.id: Risk(
            id=rule.id,
            severity=rule.severity,
            stage=rule.stage,
            title=rule.title,
            rationale=rule.rationale,
            rationale_quoted=rule.rationale_quoted,
            advice=rule.advice,
            credits=credits_of(questionnaire, rule),
            rationale_caution=rule.rationale_caution,
            who_when=tuple(
                dict.fromkeys(f"{action.owner}, {TIMING_LABELS[action.timing].lower()}" for action in rule.actions)
            ),
        )
        for rule in questionnaire.rules
    }
    lower = {rule.id: LOWER_SEVERITY[rule.severity] for rule in questionnaire.rules}
    partly_risks = {rule_id: replace(risk, severity=lower[rule_id], partly=True) for rule_id, risk in risk_of.items()}
    partly_actions = {
        action.key: replace(action, priority=PRIORITIES[lower[rule.id]])
        for rule in questionnaire.rules
        for action in actions_for(questionnaire, rule)
    }
    profiles: list[str | None] = [None, *questionnaire.roles]
    triggers = {
        profile: tuple(
            sorted(
                (pair for pair in questionnaire.triggers if pair[0].role_profile in (None, profile)),
                key=lambda pair: SEVERITY_ORDER[pair[0].severity],
            )
        )
        for profile in profiles
    }
    order = plan_order(questionnaire)
    return _Compiled(
        stages={profile: _stages(questionnaire, profile) for profile in profiles},
        triggers=triggers,
        risks={profile: tuple(risk_of[rule.id] for rule, _ in triggers[profile]) for profile in profiles},
        actions={
            profile: tuple(
                sorted((a for rule, _ in triggers[profile] for a in actions_for(questionnaire, rule)), key=order)
            )
            for profile in profiles
        },
        unknowable={profile: _unknowable(questionnaire, profile) for profile in profiles},
        partly_risks=partly_risks,
        partly_actions=partly_actions,
    )


def _belongs(question: Question, profile: str | None) -> bool:
    return question.role_profile is None or question.role_profile == profile


def _stages(questionnaire: Questionnaire, profile: str | None) -> tuple[_Stage, ...]:
    stages = []
    for section in questionnaire.sections[1:]:
        scored = []
        for question in section.questions:
            if not _belongs(question, profile):
                continue
            scores = questionnaire.option_scores[question.id]
            numeric = [value for value in scores.values() if value is not None]
            best = max(numeric) if question.kind in ("scale", "choice") and numeric else 0.0
            scored.append((question.id, best, scores))
        stages.append(_Stage(section.id, section.title, tuple(scored)))
    return tuple(stages)


def _unknowable(
    questionnaire: Questionnaire, profile: str | None
) -> tuple[tuple[str, Unknown, Mapping[str, Unknown]], ...]:
    """For each question, the Unknown to report if it is left blank, and if answered "not sure"."""
    found = []
    for section in questionnaire.sections:
        for question in section.questions:
            if not _belongs(question, profile):
                continue
            unsure = [value for value, points in questionnaire.option_scores[question.id].items() if points is None]
            found.append(
                (
                    question.id,
                    Unknown(question.id, section.id, question.text, None),
                    {value: Unknown(question.id, section.id, question.text, value) for value in unsure}
                    if question.kind == "scale"
                    else {},
                )
            )
    return tuple(found)


def rag_for(questionnaire: Questionnaire, value: float) -> str:
    """Rate a 0-100 stage score red, amber or green by the questionnaire's thresholds."""
    thresholds = questionnaire.manifest.rag
    if value >= thresholds.green:
        return "green"
    return "amber" if value >= thresholds.amber else "red"


def _stage_score(questionnaire: Questionnaire, stage: _Stage, effective: Mapping[str, Any]) -> StageScore:
    points = available = 0.0
    applicable = unknown = 0
    for question_id, best, scores in stage.questions:
        if question_id not in effective:
            continue
        applicable += 1
        value = effective[question_id]
        won = scores.get(value, 0.0) if value is not None else None
        if won is None and (value is None or scores):
            unknown += 1
        if best:
            available += best
            points += won or 0.0
    value = round(100 * points / available) if available else 0
    return StageScore(
        id=stage.id,
        title=stage.title,
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


def _unknowns(
    unknowable: tuple[tuple[str, Unknown, Mapping[str, Unknown]], ...], effective: Mapping[str, Any]
) -> Iterator[Unknown]:
    """Yield applicable questions left unanswered or answered "not sure", in the wizard's order."""
    for question_id, blank, unsure in unknowable:
        if question_id not in effective:
            continue
        value = effective[question_id]
        if value is None or value == "" or value == []:
            yield blank
        elif unsure and value in unsure:
            yield unsure[value]
