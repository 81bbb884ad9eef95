"""Frozen snapshots of submitted versions: canonical JSON and its SHA-256 digest. Pure."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any


def canonical_json(data: Mapping[str, Any]) -> str:
    """Serialise with sorted keys and no spare whitespace, so equal data gives equal text."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def digest(text: str) -> str:
    """Return the SHA-256 digest of a snapshot's canonical JSON, as lower-case hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def verify(text: str, expected: str) -> bool:
    """Say whether stored snapshot text still matches the digest recorded at submission."""
    return digest(text) == expected


def build(
    *,
    assessment: Mapping[str, Any],
    version: int,
    questionnaire_version: str,
    submitted_at: str,
    submitted_by: str,
    answers: Mapping[str, Mapping[str, Any]],
    evidence: list[Mapping[str, Any]],
) -> dict[str, Any]:
    """Assemble the snapshot of a submission: only the answers that apply are frozen."""
    return {
        "format": 1,
        "assessment": dict(assessment),
        "version": version,
        "questionnaire_version": questionnaire_version,
        "submitted_at": submitted_at,
        "submitted_by": submitted_by,
        "answers": {qid: dict(answer) for qid, answer in sorted(answers.items())},
        "evidence": sorted((dict(item) for item in evidence), key=lambda item: (item["question_id"], item["sha256"])),
    }
