"""How much of an organisation's own answers is backed by evidence, and how fresh that evidence is. Pure.

An answer counts as *answered* when it applies, is given and is not an unknown ("Not sure"): an
unknown claims nothing, so there is nothing to evidence. It counts as *evidenced* when at least one
link or uploaded file backs it, however old. Evidence dated more than the stale age before "today"
is listed as stale (it still counts as evidence: stale is a prompt to refresh, not a gap). A "Yes"
to a question that a critical or high risk rule tests, with no evidence at all, is listed as
"claimed, not evidenced": that one word is all that keeps a serious risk out of the register.
Only the five stages are measured; the role section describes the role and asks for no evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Literal

from readiness.conditions import questions_named
from readiness.questionnaire import ROLE_PROFILE_QUESTION, Questionnaire
from readiness.scoring import SEVERITY_ORDER

DEFAULT_STALE_DAYS = 365
SERIOUS = ("critical", "high")
YES = "yes"


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    """One piece of evidence behind one answer: a link or an uploaded file, and the day it was given."""

    question_id: str
    kind: Literal["link", "file"]
    label: str  # the link itself, or the file's name
    dated: date | None  # None when nobody recorded when it was given


@dataclass(frozen=True, slots=True)
class StageEvidence:
    id: str
    title: str
    answered: int
    evidenced: int

    @property
    def share(self) -> int | None:
        """The evidenced share of answered questions, as a whole percentage; None when nothing is answered."""
        return _percent(self.evidenced, self.answered)


@dataclass(frozen=True, slots=True)
class StaleEvidence:
    question_id: str
    stage: str
    text: str
    kind: str
    label: str
    dated: date
    age_days: int


@dataclass(frozen=True, slots=True)
class UnevidencedClaim:
    question_id: str
    stage: str
    text: str
    severity: str  # the most severe rule the "Yes" keeps from firing
    rules: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Completeness:
    stages: tuple[StageEvidence, ...]
    stale: tuple[StaleEvidence, ...]
    claimed: tuple[UnevidencedClaim, ...]
    as_of: date
    stale_days: int
    oldest: date | None  # the oldest dated evidence behind an answered question

    @property
    def answered(self) -> int:
        return sum(stage.answered for stage in self.stages)

    @property
    def evidenced(self) -> int:
        return sum(stage.evidenced for stage in self.stages)

    @property
    def share(self) -> int | None:
        return _percent(self.evidenced, self.answered)

    def stage(self, stage_id: str) -> StageEvidence:
        return next(stage for stage in self.stages if stage.id == stage_id)


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def is_stale(dated: date, today: date, stale_days: int) -> bool:
    """Evidence is stale once it is more than ``stale_days`` days old."""
    return dated < today - timedelta(days=stale_days)


def measure(
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    evidence: Iterable[EvidenceRecord],
    today: date,
    stale_days: int = DEFAULT_STALE_DAYS,
) -> Completeness:
    """Measure the evidence behind the answers that apply, per stage and overall, as of ``today``."""
    _, answered = questionnaire.applicable_and_answered(answers)
    counted = _counted_answers(questionnaire, answered)
    backing: dict[str, list[EvidenceRecord]] = {}
    for record in evidence:
        if record.question_id in counted:
            backing.setdefault(record.question_id, []).append(record)
    by_profile = _serious_rules(questionnaire)
    serious = by_profile.get(answered.get(ROLE_PROFILE_QUESTION), by_profile[None])
    stages, stale, claimed, dates = [], [], [], []
    for section in questionnaire.sections[1:]:
        count = evidenced = 0
        for question in section.questions:
            if question.id not in counted:
                continue
            count += 1
            records = backing.get(question.id, [])
            evidenced += bool(records)
            for record in records:
                if record.dated is None:
                    continue
                dates.append(record.dated)
                if is_stale(record.dated, today, stale_days):
                    age = (today - record.dated).days
                    stale.append(
                        StaleEvidence(
                            question.id, section.id, question.text, record.kind, record.label, record.dated, age
                        )
                    )
            rules = serious.get(question.id)
            if rules and not records and answered[question.id] == YES:
                severity = min((severity for _, severity in rules), key=SEVERITY_ORDER.__getitem__)
                claimed.append(
                    UnevidencedClaim(question.id, section.id, question.text, severity, tuple(r for r, _ in rules))
                )
        stages.append(StageEvidence(section.id, section.title, count, evidenced))
    claimed.sort(key=lambda claim: SEVERITY_ORDER[claim.severity])  # stable: the wizard's order within a severity
    stale.sort(key=lambda item: item.dated)
    return Completeness(tuple(stages), tuple(stale), tuple(claimed), today, stale_days, min(dates, default=None))


def _counted_answers(questionnaire: Questionnaire, answered: Mapping[str, Any]) -> set[str]:
    """Stage questions with a real answer: given, and not an unknown such as "Not sure"."""
    unknown = _unknown_values(questionnaire)
    stage_questions = _stage_questions(questionnaire)
    return {qid for qid, value in answered.items() if qid in stage_questions and value not in unknown.get(qid, ())}


@lru_cache(maxsize=16)
def _stage_questions(questionnaire: Questionnaire) -> frozenset[str]:
    return frozenset(question.id for section in questionnaire.sections[1:] for question in section.questions)


@lru_cache(maxsize=16)
def _unknown_values(questionnaire: Questionnaire) -> dict[str, frozenset[str]]:
    """For each question, the option values that mean "not known" (they score nothing, not zero)."""
    return {
        qid: frozenset(value for value, points in scores.items() if points is None)
        for qid, scores in questionnaire.option_scores.items()
    }


@lru_cache(maxsize=16)
def _serious_rules(questionnaire: Questionnaire) -> dict[str | None, dict[str, tuple[tuple[str, str], ...]]]:
    """For each role profile (None for none), each question tested by a critical or high rule: (rule, severity)."""
    found: dict[str | None, dict[str, list[tuple[str, str]]]] = {
        profile: {} for profile in (None, *questionnaire.roles)
    }
    for rule in questionnaire.rules:
        if rule.severity not in SERIOUS:
            continue
        for profile, questions in found.items():
            if rule.role_profile not in (None, profile):
                continue
            for question_id in sorted(questions_named(rule.when)):
                questions.setdefault(question_id, []).append((rule.id, rule.severity))
    return {profile: {qid: tuple(rules) for qid, rules in questions.items()} for profile, questions in found.items()}
