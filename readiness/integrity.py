"""Is a submitted bid as it was submitted? Pure.

A bid is verified when its stored snapshot still hashes to its digest, that digest is the one the
audit trail recorded at submission, and the summary columns the portfolio filters, sorts and
exports on (verdict, role profile, band, stage scores, evidence figures) equal what the snapshot itself
scores and measures to.
Anything else is *altered*, and says which of these failed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from readiness import snapshot
from readiness.scoring import ScoreResult


@dataclass(frozen=True, slots=True)
class EvidenceFigures:
    """The evidence figures stored beside a snapshot (readiness/services/completeness.py measures them)."""

    share: int | None
    claims: int
    oldest: date | None
    # Whether the snapshot itself dates every piece of evidence; older snapshots leave some undated, and
    # their oldest date came from elsewhere, so it cannot be checked against the snapshot.
    dated: bool = True


@dataclass(frozen=True, slots=True)
class Summary:
    """The columns stored beside a snapshot so that portfolios need not rescore it."""

    verdict: str | None
    role_profile: str | None
    band: str | None
    stage_scores: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    evidence: EvidenceFigures | None = None  # None when stored: submitted before evidence was measured

    def columns(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "role_profile": self.role_profile,
            "band": self.band,
            "stage_scores": {stage: dict(value) for stage, value in self.stage_scores.items()},
        }


def summary_of(result: ScoreResult, evidence: EvidenceFigures | None = None) -> Summary:
    """The summary columns a scored snapshot gives: the only place they are derived."""
    return Summary(
        verdict=result.verdict,
        role_profile=result.answers.get("role_profile"),
        band=result.answers.get("band"),
        stage_scores={stage.id: {"score": stage.score, "rag": stage.rag} for stage in result.stages},
        evidence=evidence,
    )


# Why a bid is altered, in words for people; the keys are what the audit trail records.
PROBLEMS = {
    "snapshot": "its stored answers no longer match the digest recorded when it was submitted",
    "digest": "its digest is not the one the audit trail recorded when it was submitted",
    "verdict": "its stored verdict is not the verdict its answers give",
    "stage_scores": "its stored stage scores are not the scores its answers give",
    "role_profile": "its stored role profile is not the one in its answers",
    "band": "its stored band is not the one in its answers",
    "evidence": "its stored evidence figures are not the ones its answers and evidence give",
}


@dataclass(frozen=True, slots=True)
class Integrity:
    problems: tuple[str, ...]
    recomputed_digest: str

    @property
    def altered(self) -> bool:
        return bool(self.problems)

    @property
    def reasons(self) -> list[str]:
        return [PROBLEMS[problem] for problem in self.problems]


def check(
    text: str | None,
    digest: str | None,
    audited_digest: str | None,
    stored: Summary,
    derive: Callable[[str], Summary | None],
) -> Integrity:
    """Check a submitted bid.

    ``derive(recomputed digest)`` gives what the snapshot scores to, or None if it is not a snapshot;
    keyed by the digest of the text actually stored, a caller may cache it safely.
    """
    recomputed = snapshot.digest(text or "")
    problems = []
    if not digest or recomputed != digest:
        problems.append("snapshot")
    if audited_digest is not None and audited_digest != digest:
        problems.append("digest")
    derived = derive(recomputed)
    if derived is None:
        return Integrity((*problems, *(["snapshot"] if "snapshot" not in problems else [])), recomputed)
    for name in ("verdict", "role_profile", "band", "stage_scores"):
        # Plain equality: a JSON round trip keeps 95 and 95.0 equal, and mappings compare by content.
        if getattr(stored, name) != getattr(derived, name):
            problems.append(name)
    if stored.evidence is not None and _evidence_differs(stored.evidence, derived.evidence):
        problems.append("evidence")
    return Integrity(tuple(problems), recomputed)


def _evidence_differs(stored: EvidenceFigures, derived: EvidenceFigures | None) -> bool:
    if derived is None:
        return True
    if (stored.share, stored.claims) != (derived.share, derived.claims):
        return True
    return derived.dated and stored.oldest != derived.oldest


def parsed(text: str | None) -> Any:
    """A snapshot's text as data, or None if it is not JSON."""
    try:
        return json.loads(text or "")
    except ValueError:
        return None


def answers_in(text: str | None) -> dict[str, Any] | None:
    """The answer values frozen in a snapshot's text, or None if the text is not a snapshot."""
    return frozen_answers(parsed(text))


def frozen_answers(data: Any) -> dict[str, Any] | None:
    """The answer values frozen in a parsed snapshot, or None if it is not a snapshot."""
    answers = data.get("answers") if isinstance(data, dict) else None
    if not isinstance(answers, dict) or not all(isinstance(answer, dict) for answer in answers.values()):
        return None
    return {qid: answer.get("value") for qid, answer in answers.items()}


def in_words(checked: Integrity | None) -> str:
    """How an export says whether a bid is as submitted: if altered, its figures are not to be trusted."""
    if checked is None:
        return "Not checked"
    if not checked.altered:
        return "Verified"
    return "ALTERED: " + "; ".join(checked.reasons)
