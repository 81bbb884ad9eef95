"""Pure formatters for showing answers and citations to people."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from readiness.credits import Cited, credits_of
from readiness.questionnaire import Questionnaire, options_of
from readiness.questionnaire_schema import Question


def answer_text(questionnaire: Questionnaire, question: Question, value: Any) -> str:
    """Show an answer as its label: 'Partly', '1 April 2027', 'Acute hospital, Community services'."""
    if value in (None, "", []):
        return "Not answered"
    labels = {option.value: option.label for option in options_of(questionnaire, question)}
    if question.kind == "multi":
        return ", ".join(labels.get(item, str(item)) for item in value)
    if question.kind in ("scale", "choice"):
        return labels.get(value, str(value))
    if question.kind == "date":
        return format_date(value)
    if question.kind == "number":
        return f"{value:,g}" if isinstance(value, float) else f"{value:,}"
    return str(value)


def citations(questionnaire: Questionnaire, item: Cited) -> list[str]:
    """Name the documents an item draws on, with the guide's sections when it draws on the guide."""
    return [str(credit) for credit in credits_of(questionnaire, item)]


def format_date(value: date | datetime | str | None) -> str:
    """Format a date as GOV.UK style does: 4 June 2027."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return f"{value.day} {value:%B %Y}"


def format_datetime(value: datetime | None) -> str:
    """Format a moment as 4 June 2027 at 2:05pm (UTC)."""
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    return f"{format_date(value)} at {hour}:{value:%M}{'am' if value.hour < 12 else 'pm'}"
