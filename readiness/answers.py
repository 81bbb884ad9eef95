"""Check and normalise raw answers against a questionnaire, before they are scored or saved."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any

from readiness.questionnaire import Questionnaire, options_of
from readiness.questionnaire_schema import Question

TEXT_LIMIT = 5000
AnswerValue = str | float | int | list[str] | None


class AnswerError(ValueError):
    """An answer is not acceptable; ``question_id`` names the question."""

    def __init__(self, question_id: str, problem: str) -> None:
        super().__init__(f"question '{question_id}': {problem}")
        self.question_id = question_id
        self.problem = problem


def check_answers(questionnaire: Questionnaire, raw: Mapping[str, Any]) -> dict[str, AnswerValue]:
    """Return the answers normalised, or raise AnswerError for the first bad one."""
    checked: dict[str, AnswerValue] = {}
    for question_id, value in raw.items():
        question = questionnaire.questions.get(question_id)
        if question is None:
            raise AnswerError(str(question_id), "there is no such question in version " + questionnaire.version)
        checked[question_id] = check_answer(questionnaire, question, value)
    return checked


def check_answer(questionnaire: Questionnaire, question: Question, value: Any) -> AnswerValue:
    """Return one answer normalised, or raise AnswerError saying what is wrong with it."""
    if value is None or value == "" or value == []:
        return None
    match question.kind:
        case "scale" | "choice":
            return _check_choice(question, [o.value for o in options_of(questionnaire, question)], value)
        case "multi":
            return _check_multi(question, value)
        case "number":
            return _check_number(question, value)
        case "date":
            return _check_date(question, value)
        case _:
            return _check_text(question, value)


def _check_choice(question: Question, allowed: list[str], value: Any) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise AnswerError(question.id, f"{value!r} is not one of {', '.join(allowed)}")
    return value


def _check_multi(question: Question, value: Any) -> list[str]:
    allowed = [option.value for option in question.options]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise AnswerError(question.id, "expected a list of option values")
    unknown = [item for item in value if item not in allowed]
    if unknown:
        raise AnswerError(question.id, f"{unknown[0]!r} is not one of {', '.join(allowed)}")
    return [option for option in allowed if option in value]


def _check_date(question: Question, value: Any) -> str:
    if not isinstance(value, str):
        raise AnswerError(question.id, "expected a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise AnswerError(question.id, f"{value!r} is not a real date (YYYY-MM-DD)") from None


def _check_text(question: Question, value: Any) -> str:
    if not isinstance(value, str):
        raise AnswerError(question.id, "expected text")
    if len(value) > TEXT_LIMIT:
        raise AnswerError(question.id, f"text is longer than {TEXT_LIMIT} characters")
    return value


def _check_number(question: Question, value: Any) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise AnswerError(question.id, f"{value!r} is not a number")
    if question.minimum is not None and value < question.minimum:
        raise AnswerError(question.id, f"{value} is below the minimum of {question.minimum:g}")
    if question.maximum is not None and value > question.maximum:
        raise AnswerError(question.id, f"{value} is above the maximum of {question.maximum:g}")
    return int(value) if float(value).is_integer() else float(value)
