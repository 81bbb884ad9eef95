"""Scoring, risks, verdicts and the action plan: pure functions, tested without Flask."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readiness.questionnaire import load, options_of
from readiness.scoring import score
from tests.support.answers import best, scored_options, worst

Q = load(Path(__file__).resolve().parent.parent / "questionnaires" / "2026.1")
SCALE_QUESTIONS = [q.id for q in Q.questions.values() if q.kind == "scale"]


@pytest.mark.parametrize(
    "context",
    [
        {},
        {"across_organisations": "yes"},
        {"trainee_posts": "yes"},
        {"across_organisations": "yes", "trainee_posts": "yes", "funding_source": "arrs", "funding_months": 60},
    ],
)
def test_all_best_answers_are_ready_with_every_stage_green(context: dict[str, Any]) -> None:
    result = score(Q, best(Q, **context))
    assert result.verdict == "ready"
    assert {stage.rag for stage in result.stages} == {"green"}
    assert all(stage.score == 100 for stage in result.stages)
    assert result.risks == ()


def test_all_worst_answers_are_not_ready_every_stage_red_with_a_critical_risk() -> None:
    result = score(Q, worst(Q, across_organisations="yes", trainee_posts="yes"))
    assert result.verdict == "not_ready"
    assert {stage.rag for stage in result.stages} == {"red"}
    assert any(risk.severity == "critical" for risk in result.risks)


def test_nothing_answered_is_not_ready_and_everything_is_unknown() -> None:
    result = score(Q, {})
    assert result.verdict == "not_ready"
    assert all(stage.score == 0 for stage in result.stages)
    assert len(result.unknowns) == len(result.answers)


def test_weak_supervision_alone_raises_a_supervision_risk() -> None:
    answers = best(Q) | {"training_direct_supervision": "no"}
    result = score(Q, answers)
    assert result.verdict == "not_ready"
    assert any("supervision" in risk.title.lower() for risk in result.risks)
    assert all("supervision" in risk.title.lower() or risk.stage == "training" for risk in result.risks)


def test_a_physician_associate_expected_to_prescribe_is_a_critical_risk() -> None:
    answers = best(Q, role_profile="physician_associate") | {"physician_associate_prescribing_expected": "yes"}
    result = score(Q, answers)
    assert result.verdict == "not_ready"
    critical = [risk for risk in result.risks if risk.severity == "critical"]
    assert critical and any("prescrib" in risk.title.lower() for risk in critical)


def test_role_profile_questions_apply_only_to_their_profile() -> None:
    assert "physician_associate_prescribing_expected" not in score(Q, best(Q)).answers
    assert "physician_associate_prescribing_expected" in score(Q, best(Q, role_profile="physician_associate")).answers


def test_answers_on_abandoned_branches_never_count() -> None:
    across = [q.id for q in Q.questions.values() if q.show_when and "across_organisations" in str(q.show_when)]
    answers = best(Q, across_organisations="no") | dict.fromkeys(across, "no")
    result = score(Q, answers)
    assert result == score(Q, best(Q, across_organisations="no"))
    assert not set(across) & set(result.answers)


def test_not_sure_is_a_gap_and_an_unknown_never_a_strength() -> None:
    question = "need_patient_need"
    sure = score(Q, best(Q) | {question: "no"})
    unsure = score(Q, best(Q) | {question: "not_sure"})
    assert unsure.stage("need").score == sure.stage("need").score
    assert any(u.question_id == question and u.answer == "not_sure" for u in unsure.unknowns)


@pytest.mark.parametrize("question_id", SCALE_QUESTIONS)
def test_unanswered_is_never_better_than_no(question_id: str) -> None:
    base = best(Q, across_organisations="yes", trainee_posts="yes")
    with_no = score(Q, base | {question_id: "no"})
    unanswered = score(Q, {k: v for k, v in base.items() if k != question_id})
    for no_stage, blank_stage in zip(with_no.stages, unanswered.stages, strict=True):
        assert blank_stage.score <= no_stage.score
    assert {r.id for r in with_no.risks} <= {r.id for r in unanswered.risks}


def test_scoring_is_deterministic_and_names_its_version() -> None:
    answers = worst(Q) | {"need_patient_need": "partly"}
    assert score(Q, answers) == score(Q, dict(reversed(list(answers.items()))))
    assert score(Q, answers).version == Q.version


def test_actions_are_ordered_by_priority_and_cite_verbatim_examples() -> None:
    result = score(Q, worst(Q))
    priorities = [action.priority for action in result.actions]
    assert priorities == sorted(priorities)
    cited = [example for action in result.actions for example in action.examples]
    assert cited, "the plan should show examples of what good looks like"
    for example in cited:
        assert example.quote in Q.examples[example.id].quote and example.source


def answer_strategy() -> st.SearchStrategy[dict[str, Any]]:
    def value_for(question_id: str) -> st.SearchStrategy[Any]:
        question = Q.questions[question_id]
        if question.kind in ("scale", "choice"):
            return st.sampled_from([o.value for o in options_of(Q, question)])
        if question.kind == "multi":
            return st.lists(st.sampled_from([o.value for o in question.options]), unique=True)
        if question.kind == "number":
            return st.integers(min_value=0, max_value=600)
        if question.kind == "date":
            return st.dates().map(lambda d: d.isoformat())
        return st.text(max_size=50)

    return st.fixed_dictionaries({}, optional={qid: value_for(qid) for qid in Q.questions})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_strategy())
def test_scoring_never_crashes_and_scores_stay_in_range(answers: dict[str, Any]) -> None:
    result = score(Q, answers)
    assert result.verdict in ("ready", "ready_with_conditions", "not_ready")
    assert all(0 <= stage.score <= 100 for stage in result.stages)
    if any(risk.severity == "critical" for risk in result.risks):
        assert result.verdict == "not_ready"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_strategy(), st.data())
def test_improving_one_answer_never_lowers_a_stage_score(answers: dict[str, Any], data: st.DataObject) -> None:
    candidates = [q for q in Q.questions.values() if q.section != "role" and scored_options(Q, q.id)]
    question = data.draw(st.sampled_from(candidates))
    options = scored_options(Q, question.id)
    current = dict(options).get(answers.get(question.id), -1)
    better = [value for value, points in options if points > current]
    if not better:
        return
    before = score(Q, answers)
    after = score(Q, answers | {question.id: data.draw(st.sampled_from(better))})
    for old, new in zip(before.stages, after.stages, strict=True):
        if old.id == question.section:
            assert new.score >= old.score
