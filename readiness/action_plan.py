"""Turn triggered risk rules into an ordered action plan with cited examples. Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

from readiness.questionnaire import Questionnaire
from readiness.questionnaire_schema import PlannedAction, Rule

PRIORITIES = {"critical": 1, "high": 2, "medium": 3, "low": 4}
PRIORITY_LABELS = {1: "Urgent", 2: "High", 3: "Medium", 4: "Low"}
TIMING_ORDER = {"before_launch": 0, "first_3_months": 1, "ongoing": 2}
TIMING_LABELS = {
    "before_launch": "Before launch",
    "first_3_months": "First three months",
    "ongoing": "Ongoing",
}


PLANNED_START = "planned_start"  # the question whose date the plan's timings count from


def planned_start(answers: Mapping[str, Any]) -> date | None:
    """The planned start the lead gave (checked answers hold it as YYYY-MM-DD), or None."""
    value = answers.get(PLANNED_START)
    return date.fromisoformat(value) if isinstance(value, str) else None


def due_by(timing: str, start: date | None) -> date | None:
    """When the plan's timing makes an action due: before launch by the start, the first three months
    within three months of it; ongoing work, or a plan with no start date, has no date."""
    if start is None or timing == "ongoing":
        return None
    return start if timing == "before_launch" else start + relativedelta(months=3)


@dataclass(frozen=True, slots=True)
class CitedExample:
    id: str
    organisation: str
    source: str
    quote: str


@dataclass(frozen=True, slots=True)
class Action:
    key: str  # stable across versions, so a tracked action carries over to a reassessment
    title: str
    priority: int
    owner: str
    timing: str
    stage: str
    rule_id: str
    examples: tuple[CitedExample, ...]

    @property
    def priority_label(self) -> str:
        return PRIORITY_LABELS[self.priority]

    @property
    def timing_label(self) -> str:
        return TIMING_LABELS[self.timing]


def actions_for(questionnaire: Questionnaire, rule: Rule) -> tuple[Action, ...]:
    """Return the actions one triggered rule calls for, each with the examples the rule cites."""
    sources = {source.id: source.cite_as for source in questionnaire.manifest.sources}
    examples = tuple(
        CitedExample(example.id, example.organisation, sources[example.source], example.quote)
        for example in (questionnaire.examples[example_id] for example_id in rule.examples)
    )
    return tuple(
        Action(
            key=f"{rule.id}.{index}",
            title=planned.title,
            priority=PRIORITIES[rule.severity],
            owner=planned.owner,
            timing=planned.timing,
            stage=rule.stage,
            rule_id=rule.id,
            examples=examples,
        )
        for index, planned in enumerate(rule.actions, start=1)
    )


def action_named(questionnaire: Questionnaire, key: str) -> PlannedAction | None:
    """Find the planned action an action key names (``rule_id.n``), if the questionnaire still has it."""
    rule_id, _, number = key.rpartition(".")
    rule = next((rule for rule in questionnaire.rules if rule.id == rule_id), None)
    if rule is None or not number.isdigit() or not 1 <= int(number) <= len(rule.actions):
        return None
    return rule.actions[int(number) - 1]


def plan_order(questionnaire: Questionnaire) -> Callable[[Action], tuple[int, int, int, str]]:
    """Return the plan's sort key: most urgent first, then earliest, then in the cycle's order."""
    stage_order = {section.id: index for index, section in enumerate(questionnaire.sections)}
    return lambda a: (a.priority, TIMING_ORDER[a.timing], stage_order[a.stage], a.key)


def plan_actions(questionnaire: Questionnaire, rules: Iterable[Rule]) -> tuple[Action, ...]:
    """Return the actions for the triggered rules, most urgent and earliest first."""
    actions = [action for rule in rules for action in actions_for(questionnaire, rule)]
    return tuple(sorted(actions, key=plan_order(questionnaire)))
