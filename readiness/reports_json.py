"""Results as plain JSON-ready data, shared by the CLI and the API so they always agree. Pure."""

from __future__ import annotations

from typing import Any

from readiness.evidence_completeness import Completeness
from readiness.scoring import ScoreResult


def result_json(result: ScoreResult) -> dict[str, Any]:
    """Return the documented JSON shape of a score result."""
    return {
        "questionnaire_version": result.version,
        "verdict": result.verdict,
        "stages": [{"id": s.id, "title": s.title, "score": s.score, "rag": s.rag} for s in result.stages],
        "risks": [
            {
                "id": r.id,
                "severity": r.severity,
                "stage": r.stage,
                "title": r.title,
                "rationale": r.rationale,
                "advice": r.advice,
                "citations": list(r.citations),
            }
            for r in result.risks
        ],
        "actions": [
            {
                "key": a.key,
                "title": a.title,
                "priority": a.priority_label.lower(),
                "owner": a.owner,
                "timing": a.timing,
                "stage": a.stage,
                "risk": a.rule_id,
                "examples": [
                    {"organisation": e.organisation, "source": e.source, "quote": e.quote} for e in a.examples
                ],
            }
            for a in result.actions
        ],
        "unknowns": [{"question": u.question_id, "stage": u.section, "answer": u.answer} for u in result.unknowns],
    }


def evidence_json(measured: Completeness) -> dict[str, Any]:
    """Return the documented JSON shape of a version's evidence completeness."""
    return {
        "as_of": measured.as_of.isoformat(),
        "stale_after_days": measured.stale_days,
        "answered": measured.answered,
        "evidenced": measured.evidenced,
        "share": measured.share,
        "stages": [
            {"id": s.id, "title": s.title, "answered": s.answered, "evidenced": s.evidenced, "share": s.share}
            for s in measured.stages
        ],
        "stale": [
            {
                "question": item.question_id,
                "stage": item.stage,
                "kind": item.kind,
                "label": item.label,
                "given": item.dated.isoformat(),
                "age_days": item.age_days,
            }
            for item in measured.stale
        ],
        "claimed_not_evidenced": [
            {"question": c.question_id, "stage": c.stage, "severity": c.severity, "risks": list(c.rules)}
            for c in measured.claimed
        ],
    }
