"""Answer sets built from the questionnaire itself, so tests follow the content as it changes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from readiness.questionnaire import Questionnaire, options_of

GOOD_CONTEXT = {
    "role_title": "Band 4 assistant practitioner",
    "role_category": "new_to_me",
    "role_profile": "custom",
    "band": "band_4",
    "setting": "community",
    "across_organisations": "no",
    "trainee_posts": "no",
    "funding_source": "recurrent",
    "posts": 4,
    # A year ahead, so the plan's dates counted from it are not yet overdue whenever the tests run.
    "planned_start": (date.today() + timedelta(days=365)).isoformat(),
}


def scored_options(questionnaire: Questionnaire, question_id: str) -> list[tuple[str, float]]:
    question = questionnaire.questions[question_id]
    return [(o.value, o.score) for o in options_of(questionnaire, question) if o.score is not None]


def best(questionnaire: Questionnaire, **context: Any) -> dict[str, Any]:
    """The best scored option of every scored question, within a favourable context."""
    return _extreme(questionnaire, max, GOOD_CONTEXT | context)


def worst(questionnaire: Questionnaire, **context: Any) -> dict[str, Any]:
    """The worst scored option of every scored question, within the same context."""
    return _extreme(questionnaire, min, GOOD_CONTEXT | context)


def _extreme(questionnaire: Questionnaire, pick: Any, context: dict[str, Any]) -> dict[str, Any]:
    answers = dict(context)
    for question in questionnaire.questions.values():
        if question.section == "role" or question.kind not in ("scale", "choice"):
            continue
        options = scored_options(questionnaire, question.id)
        if options:
            answers[question.id] = pick(options, key=lambda option: option[1])[0]
    return answers
