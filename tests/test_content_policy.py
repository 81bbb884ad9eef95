"""The content policy of the current questionnaire: credits, severity, one gap one risk, role cards."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, FileSystemLoader, select_autoescape

from readiness.action_plan import actions_for
from readiness.conditions import questions_named
from readiness.credits import GUIDE, credits_of
from readiness.questionnaire import load, options_of
from readiness.questionnaire_schema import NOT_STATED
from readiness.role_card import role_card
from readiness.scoring import LOWER_SEVERITY, score

ROOT = Path(__file__).resolve().parent.parent
Q = load(ROOT / "questionnaires" / "2026.2")
GUIDE_NAME = next(source.cite_as for source in Q.manifest.sources if source.id == GUIDE)
PROFILES = [None, *Q.roles]


def test_the_current_version_names_every_document_it_draws_on() -> None:
    assert Q.manifest.sources_complete and Q.manifest.partly_lowers_severity
    for item in [*Q.questions.values(), *Q.rules]:
        assert item.sources, f"{item.id} names no source"


def test_credited_sources_of_every_risk_and_action_are_exactly_its_rules_sources() -> None:
    for rule in Q.rules:
        credited = [credit.source for credit in credits_of(Q, rule)]
        assert sorted(credited) == sorted(rule.sources), rule.id
        for action in actions_for(Q, rule):
            assert [credit.source for credit in action.credits] == credited, action.key


def test_no_rule_or_question_outside_the_guide_credits_the_guide() -> None:
    for item in [*Q.questions.values(), *Q.rules]:
        text = "; ".join(str(credit) for credit in credits_of(Q, item))
        if GUIDE not in item.sources:
            assert GUIDE_NAME not in text, item.id
        else:
            assert GUIDE_NAME in text, item.id


def test_the_profile_rules_credit_their_profiles_source() -> None:
    for rule in Q.rules:
        if rule.role_profile:
            assert Q.roles[rule.role_profile].source in rule.sources, rule.id


def test_a_rule_that_names_a_study_credits_it() -> None:
    for rule in Q.rules:
        if "IES" in rule.rationale or "Skills for Health found" in rule.rationale:
            assert "ies_assistant_practitioners" in rule.sources, rule.id


def test_a_quoted_rationale_is_marked_in_the_risk_and_credits_the_guide() -> None:
    for rule in Q.rules:
        if rule.rationale_quoted:
            assert GUIDE in rule.sources, rule.id


def test_every_rule_cites_an_example_or_says_why_none_fits() -> None:
    for rule in Q.rules:
        assert bool(rule.examples) != bool(rule.no_example_reason), rule.id


def test_a_quoted_caution_is_told_apart_from_the_guides_risk_paragraphs() -> None:
    seeds = ROOT.parent / "shared" / "seeds" / "002_941ca75de0fd3c0b.txt"
    if not seeds.exists():
        pytest.skip("the source documents are not beside the project")
    squash = "".join
    risks = [
        squash(line.split()) for line in seeds.read_text(encoding="utf-8").splitlines() if line.startswith("Risk: ")
    ]
    for rule in Q.rules:
        if rule.rationale_quoted:
            text = squash(rule.rationale.split())
            is_risk = any(text[:50] in risk for risk in risks)
            assert is_risk != rule.rationale_caution, rule.id


def test_the_inputs_about_the_role_feed_a_rule() -> None:
    named = {test_question for rule in Q.rules for test_question in _questions_of(rule)}
    for qid in ("band", "posts", "planned_start", "stakeholders_values_based_recruitment", "training_resource_strain"):
        assert qid in named, qid


def _questions_of(rule: Any) -> set[str]:
    return questions_named(rule.when)


def test_every_why_gives_the_reason_rather_than_saying_what_the_guide_asks() -> None:
    for question in Q.questions.values():
        assert not question.why.startswith(("The guide asks", "The guide recommends", "The guide suggests")), (
            question.id
        )


def test_every_risk_says_who_acts_and_when() -> None:
    best = _best_answers(None, "no")
    worst = {qid: "no" for qid, value in best.items() if value == "yes"}
    for risk in score(Q, {**best, **worst}).risks:
        assert risk.who_when, risk.id


# ---------------------------------------------------------------- severity policy (docs/severity.md)


def test_one_risk_text_has_one_severity_unless_a_profile_says_why() -> None:
    by_text: dict[str, set[str]] = defaultdict(set)
    for rule in Q.rules:
        if rule.rationale_quoted and not rule.severity_reason:
            by_text[rule.rationale].add(rule.severity)
    for text, severities in by_text.items():
        assert len(severities) == 1, f"{text[:60]}: {severities}"


def test_a_requirement_a_role_must_meet_is_critical() -> None:
    requirements = [rule for rule in Q.rules if rule.requirement]
    assert len(requirements) >= 10
    for rule in requirements:
        assert rule.severity == "critical", rule.id


def _best_answers(profile: str | None, across: str) -> dict[str, Any]:
    """Every question answered with its best option: no rule fires."""
    # "Not on Agenda for Change" is the one band no profile's band rule questions.
    answers: dict[str, Any] = {
        "role_profile": profile or "custom",
        "across_organisations": across,
        "band": "not_banded",
    }
    for qid, question in Q.questions.items():
        if qid in answers or question.role_profile not in (None, profile):
            continue
        if question.kind in ("scale", "choice"):
            scored = [o for o in options_of(Q, question) if o.score is not None]
            answers[qid] = (max(scored, key=lambda o: o.score or 0) if scored else question.options[0]).value
        elif question.kind == "number":
            answers[qid] = question.maximum or 1000
        elif question.kind == "date":
            answers[qid] = "2027-01-01"
        elif question.kind == "text":
            answers[qid] = "Answered"
        else:
            answers[qid] = []
    return answers


@pytest.mark.parametrize("profile", PROFILES)
def test_one_answer_raises_at_most_one_risk(profile: str | None) -> None:
    for across in ("yes", "no"):
        best = _best_answers(profile, across)
        assert not score(Q, best).risks, f"{profile}: the best answers raise risks"
        for qid, question in Q.questions.items():
            if qid in best and question.kind in ("scale", "choice") and qid != "role_profile":
                for option in options_of(Q, question):
                    fired = [risk.id for risk in score(Q, {**best, qid: option.value}).risks]
                    assert len(fired) <= 1, f"{profile}: {qid} = {option.value} raises {fired}"


@pytest.mark.parametrize("profile", PROFILES)
def test_no_two_rules_that_can_fire_together_give_the_same_advice(profile: str | None) -> None:
    seen: dict[str, str] = {}
    for rule in Q.rules:
        if rule.role_profile in (None, profile):
            assert rule.advice not in seen, f"{rule.id} repeats the advice of {seen.get(rule.advice)}"
            seen[rule.advice] = rule.id


def test_partly_raises_the_lower_severity_form_and_no_raises_the_full_risk() -> None:
    best = _best_answers(None, "no")
    rule = next(r for r in Q.rules if r.id == "need_not_based_on_patient_need")
    [partly] = score(Q, {**best, "need_patient_need": "partly"}).risks
    [full] = score(Q, {**best, "need_patient_need": "no"}).risks
    assert (full.severity, full.partly) == (rule.severity, False)
    assert (partly.severity, partly.partly) == (LOWER_SEVERITY[rule.severity], True)


def test_partly_does_not_lower_a_requirement() -> None:
    rule = next(r for r in Q.rules if r.requirement and r.role_profile)
    best = _best_answers(rule.role_profile, "no")
    raised = {
        risk.id: risk
        for qid in Q.questions
        if Q.questions[qid].role_profile == rule.role_profile and Q.questions[qid].kind == "scale"
        for risk in score(Q, {**best, qid: "partly"}).risks
    }
    assert raised[rule.id].severity == "critical"


# ---------------------------------------------------------------- the role profile card

TEMPLATES = Environment(loader=FileSystemLoader(ROOT / "templates"), autoescape=select_autoescape())


@pytest.mark.parametrize("profile", list(Q.roles))
def test_each_profiles_card_renders_every_fact_sourced_or_not_stated(profile: str) -> None:
    card = role_card(Q, profile)
    assert card is not None and len(card.facts) == 8
    html = TEMPLATES.get_template("reports/_role_card.html").render(card=card, card_heading_level=3)
    assert card.cite_as.replace("&", "&amp;") in html
    for fact in card.facts:
        assert fact.label in html
        if fact.stated:
            assert all(quote in Q.roles[profile].evidence for quote in fact.quotes)
        else:
            assert fact.value == NOT_STATED
    assert html.count("<dt>") == 8


@pytest.mark.parametrize("profile", list(Q.roles))
def test_profile_text_claims_only_what_a_quote_supports(profile: str) -> None:
    role = Q.roles[profile]
    for name in ("supervision", "prescribing", "entry_requirements", "training", "band", "funding"):
        if name not in role.fact_evidence:
            assert getattr(role, name) == NOT_STATED, f"{profile}.{name}"


def test_a_custom_role_has_no_card() -> None:
    assert role_card(Q, "custom") is None and role_card(Q, None) is None


@pytest.mark.parametrize("profile", list(Q.roles))
def test_a_profile_that_asks_for_its_supervisor_is_not_asked_for_one_again(profile: str) -> None:
    own = [
        q.id
        for q in Q.questions.values()
        if q.role_profile == profile
        and q.id.endswith(("_supervisor", "_supervision", "_mentor", "_supervisor_assessor"))
    ]
    applicable = Q.applicable({"role_profile": profile})
    if own:
        assert "training_direct_supervision" not in applicable, own
    else:
        assert "training_direct_supervision" in applicable


def test_every_example_in_the_library_is_cited_by_a_rule_it_illustrates() -> None:
    cited = {example for rule in Q.rules for example in rule.examples}
    assert set(Q.examples) == cited, sorted(set(Q.examples) - cited)
