"""The safe condition language used by questions (``show_when``) and risk rules (``when``).

A condition is plain data, never text to evaluate::

    {question: works_across_organisations, equals: "yes"}
    {question: need_patient_need, worse_than: "yes"}      # partly, no, not sure or unanswered
    {question: funding_months, lt: 24}
    {question: setting, in: [acute, community]}
    {question: funding_sources, includes: pooled}
    {question: role_title, answered: true}
    {all: [...]}, {any: [...]}, {not: {...}}

Conditions are parsed into small immutable nodes, checked against the questionnaire at load
time (unknown question, wrong option value, wrong operator for the question's kind) and then
evaluated against a mapping of *effective* answers: answers to questions that apply.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

Answers = Mapping[str, Any]

COMPARISONS = ("equals", "in", "not_in", "worse_than", "at_least", "answered", "includes")
NUMERIC = ("lt", "lte", "gt", "gte")
OPERATORS = COMPARISONS + NUMERIC


class ConditionError(ValueError):
    """A condition is malformed or refers to something that does not exist."""


@dataclass(frozen=True, slots=True)
class Test:
    """A test of one question's answer."""

    question: str
    operator: str
    operand: Any


@dataclass(frozen=True, slots=True)
class AllOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    part: Condition


Condition = Test | AllOf | AnyOf | Not


def parse(data: Any) -> Condition:
    """Parse a condition from its data form, refusing anything unexpected."""
    if not isinstance(data, Mapping) or not data:
        raise ConditionError(f"a condition must be a mapping, got {data!r}")
    keys = set(data)
    if keys == {"all"} or keys == {"any"}:
        (key,) = keys
        parts = data[key]
        if not isinstance(parts, list) or not parts:
            raise ConditionError(f"'{key}' needs a non-empty list of conditions")
        nodes = tuple(parse(part) for part in parts)
        return AllOf(nodes) if key == "all" else AnyOf(nodes)
    if keys == {"not"}:
        return Not(parse(data["not"]))
    if "question" not in keys:
        raise ConditionError(f"unknown condition {dict(data)!r}: expected all, any, not or question")
    operators = keys - {"question"}
    if len(operators) != 1:
        raise ConditionError(f"a test of '{data['question']}' needs exactly one of {', '.join(OPERATORS)}")
    (operator,) = operators
    operand = _operand(str(data["question"]), operator, data[operator])
    return Test(str(data["question"]), operator, operand)


def _operand(question: str, operator: str, operand: Any) -> Any:
    """Check an operator's operand, and freeze lists into tuples."""
    if operator not in OPERATORS:
        raise ConditionError(f"unknown operator '{operator}' in a test of '{question}'")
    if operator in ("in", "not_in") and not (isinstance(operand, list) and operand):
        raise ConditionError(f"'{operator}' needs a non-empty list")
    if operator in NUMERIC and (isinstance(operand, bool) or not isinstance(operand, int | float)):
        raise ConditionError(f"'{operator}' needs a number, got {operand!r}")
    if operator == "answered" and not isinstance(operand, bool):
        raise ConditionError("'answered' needs true or false")
    return tuple(operand) if isinstance(operand, list) else operand


def tests(condition: Condition) -> Iterator[Test]:
    """Yield every question test inside a condition."""
    if isinstance(condition, Test):
        yield condition
    elif isinstance(condition, AllOf | AnyOf):
        for part in condition.parts:
            yield from tests(part)
    else:
        yield from tests(condition.part)


def questions_named(condition: Condition) -> set[str]:
    """Return the ids of the questions a condition depends on."""
    return {test.question for test in tests(condition)}


Predicate = Callable[[Answers], bool]


def compile_condition(condition: Condition, scores: Mapping[str, Mapping[str, float | None]]) -> Predicate:
    """Turn a condition into a fast predicate over effective answers.

    ``scores`` maps a scale or choice question to its option scores, which ``worse_than``
    and ``at_least`` compare; an unanswered or "not sure" answer is always worse.
    """
    if isinstance(condition, AllOf | AnyOf):
        parts = [compile_condition(part, scores) for part in condition.parts]
        every = isinstance(condition, AllOf)
        if len(parts) == 2:  # the common case, without a generator per call: scoring is hot
            first, second = parts
            if every:
                return lambda answers: first(answers) and second(answers)
            return lambda answers: first(answers) or second(answers)
        if every:
            return lambda answers: all(part(answers) for part in parts)
        return lambda answers: any(part(answers) for part in parts)
    if isinstance(condition, Not):
        inner = compile_condition(condition.part, scores)
        return lambda answers: not inner(answers)
    return _compile_test(condition, scores.get(condition.question, {}))


def _compile_test(test: Test, option_scores: Mapping[str, float | None]) -> Predicate:
    qid, operand = test.question, test.operand
    match test.operator:
        case "equals":
            return lambda answers: answers.get(qid) == operand
        case "in":
            allowed = frozenset(operand)
            return lambda answers: answers.get(qid) in allowed
        case "not_in":
            refused = frozenset(operand)
            return lambda answers: answers.get(qid) not in refused
        case "answered":
            return lambda answers: (answers.get(qid) not in (None, "", [])) is operand
        case "includes":
            return lambda answers: operand in (answers.get(qid) or ())
        case "worse_than" | "at_least":
            threshold = option_scores[operand]
            known = {value: score for value, score in option_scores.items() if score is not None}
            if test.operator == "worse_than":
                return lambda answers: known.get(answers.get(qid), -1.0) < threshold
            return lambda answers: known.get(answers.get(qid), -1.0) >= threshold
        case _:
            return _compile_numeric(qid, test.operator, float(operand))


def _compile_numeric(qid: str, operator: str, bound: float) -> Predicate:
    compare: Callable[[float], bool] = {
        "lt": lambda value: value < bound,
        "lte": lambda value: value <= bound,
        "gt": lambda value: value > bound,
        "gte": lambda value: value >= bound,
    }[operator]

    def predicate(answers: Answers) -> bool:
        value = answers.get(qid)
        return isinstance(value, int | float) and not isinstance(value, bool) and compare(value)

    return predicate
