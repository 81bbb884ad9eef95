"""Evidence completeness as a pure function: shares per stage, stale evidence, claims not evidenced."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from readiness.conditions import questions_named
from readiness.evidence_completeness import EvidenceRecord, measure
from readiness.questionnaire import load
from tests.support.answers import best

Q = load(Path(__file__).resolve().parent.parent / "questionnaires" / "2026.1")
TODAY = date(2027, 6, 1)


def _stage_questions(stage_id: str) -> list[str]:
    return [q.id for q in Q.section(stage_id).questions]


def _critical_yes_question() -> str:
    """A general question that a critical rule tests, and that the best answers answer "Yes"."""
    answers = best(Q)
    for rule in Q.rules:
        if rule.severity == "critical" and rule.role_profile is None:
            for question_id in sorted(questions_named(rule.when)):
                if answers.get(question_id) == "yes" and Q.questions[question_id].section != "role":
                    return question_id
    raise AssertionError("no critical rule tests a question answered Yes")


def _link(question_id: str, dated: date | None = TODAY) -> EvidenceRecord:
    return EvidenceRecord(question_id, "link", f"https://intranet.example/{question_id}", dated)


def test_nothing_evidenced_is_a_share_of_zero_and_nothing_answered_has_no_share() -> None:
    found = measure(Q, best(Q), [], TODAY)
    assert found.answered > 0 and found.evidenced == 0 and found.share == 0
    assert measure(Q, {}, [], TODAY).share is None


def test_the_share_is_counted_per_stage_and_overall() -> None:
    answers = best(Q)
    applicable = Q.applicable(answers)
    need = [qid for qid in _stage_questions("need") if applicable.get(qid) not in (None, "not_sure")]
    half = need[: len(need) // 2]
    evidence = [_link(qid) for qid in half] + [
        EvidenceRecord(half[0], "file", "business-case.pdf", TODAY)  # two pieces behind one answer count once
    ]
    found = measure(Q, answers, evidence, TODAY)
    stage = found.stage("need")
    assert (stage.answered, stage.evidenced) == (len(need), len(half))
    assert stage.share == round(100 * len(half) / len(need))
    assert found.stage("governance").evidenced == 0
    assert found.evidenced == len(half)
    assert found.share == round(100 * len(half) / found.answered)


def test_evidence_for_a_question_that_does_not_apply_or_is_not_sure_counts_for_nothing() -> None:
    answers = best(Q) | {"need_patient_need": "not_sure"}
    found = measure(Q, answers, [_link("need_patient_need"), _link("no_such_question")], TODAY)
    assert found.evidenced == 0
    assert found.stage("need").answered == measure(Q, best(Q), [], TODAY).stage("need").answered - 1


def test_evidence_becomes_stale_after_the_configured_age() -> None:
    answers = best(Q)
    given = date(2026, 6, 1)
    evidence = [_link("need_patient_need", given)]
    assert measure(Q, answers, evidence, given + timedelta(days=365)).stale == ()
    later = measure(Q, answers, evidence, given + timedelta(days=366))
    assert [(item.question_id, item.age_days) for item in later.stale] == [("need_patient_need", 366)]
    assert later.evidenced == 1  # stale evidence is still evidence, flagged for refreshing
    assert later.oldest == given
    shorter = measure(Q, answers, evidence, given + timedelta(days=31), stale_days=30)
    assert [item.dated for item in shorter.stale] == [given]


def test_undated_evidence_is_never_called_stale() -> None:
    found = measure(Q, best(Q), [_link("need_patient_need", None)], TODAY + timedelta(days=5000))
    assert found.stale == () and found.evidenced == 1 and found.oldest is None


def test_a_yes_to_a_critical_question_without_evidence_is_claimed_not_evidenced() -> None:
    question_id = _critical_yes_question()
    found = measure(Q, best(Q), [], TODAY)
    claim = next(claim for claim in found.claimed if claim.question_id == question_id)
    assert claim.severity == "critical"
    assert claim.rules
    assert [c.severity for c in found.claimed] == sorted(
        (c.severity for c in found.claimed), key=["critical", "high"].index
    )
    assert {c.severity for c in found.claimed} <= {"critical", "high"}


def test_evidence_or_a_weaker_answer_clears_the_claim() -> None:
    question_id = _critical_yes_question()
    evidenced = measure(Q, best(Q), [_link(question_id)], TODAY)
    assert question_id not in {claim.question_id for claim in evidenced.claimed}
    partly = measure(Q, best(Q) | {question_id: "partly"}, [], TODAY)
    assert question_id not in {claim.question_id for claim in partly.claimed}


def test_a_stale_file_still_clears_the_claim_but_is_listed_as_stale() -> None:
    question_id = _critical_yes_question()
    old = EvidenceRecord(question_id, "file", "policy.pdf", TODAY - timedelta(days=800))
    found = measure(Q, best(Q), [old], TODAY)
    assert question_id not in {claim.question_id for claim in found.claimed}
    assert [(item.question_id, item.kind, item.label) for item in found.stale] == [(question_id, "file", "policy.pdf")]
