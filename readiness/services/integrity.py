"""Check submitted bids against their snapshots, a page at a time, and audit each alteration found once."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any

from cachetools import LRUCache
from sqlalchemy import and_, or_

from readiness import audit, integrity
from readiness.evidence_completeness import measure
from readiness.extensions import db
from readiness.integrity import EvidenceFigures, Integrity, Summary
from readiness.models import Assessment, AssessmentVersion, AuditEvent
from readiness.questionnaire import Questionnaire
from readiness.scoring import score
from readiness.services import completeness
from readiness.services.catalogue import questionnaire as questionnaire_named

AV = AssessmentVersion
ALTERED_ACTION = "bid_altered_found"
BATCH = 500
# What a snapshot scores to, keyed by the digest recomputed from its text (so by its content): the
# same text always scores the same, so a bid is only rescored the first time it is seen.
DERIVED: LRUCache[tuple[str, str], Summary | None] = LRUCache(maxsize=50_000)
# Alterations already in the audit trail, so seeing one again on every page view adds nothing.
RECORDED: LRUCache[str, bool] = LRUCache(maxsize=10_000)
_LOCK = threading.Lock()


def of_versions(version_ids: Sequence[int]) -> dict[int, Integrity]:
    """The integrity of each submitted version named; altered ones are audited (once each)."""
    found: dict[int, Integrity] = {}
    ids = list(dict.fromkeys(version_ids))
    for start in range(0, len(ids), BATCH):
        found.update(_checked(ids[start : start + BATCH]))
    return found


def of_version(version: AssessmentVersion) -> Integrity | None:
    """The integrity of one version; None for a draft, which has no snapshot yet."""
    if version.state != "submitted":
        return None
    return of_versions([version.id]).get(version.id)


def _checked(ids: list[int]) -> dict[int, Integrity]:
    rows = db.session.execute(
        db.select(
            AV.id,
            AV.number,
            AV.assessment_id,
            Assessment.organisation_id,
            AV.snapshot,
            AV.digest,
            AV.questionnaire_version,
            AV.verdict,
            AV.role_profile,
            AV.band,
            AV.stage_scores,
            AV.evidence_share,
            AV.evidence_claims,
            AV.evidence_oldest,
        )
        .join(Assessment, AV.assessment_id == Assessment.id)
        .where(AV.id.in_(ids), AV.state == "submitted")
    ).all()
    audited = _audited_digests(rows)
    found = {}
    for row in rows:
        derive = partial(_derived, version=row.questionnaire_version, text=row.snapshot)
        stored = Summary(row.verdict, row.role_profile, row.band, row.stage_scores or {}, _stored_evidence(row))
        found[row.id] = integrity.check(row.snapshot, row.digest, audited.get(row.id), stored, derive)
    altered = [row for row in rows if found[row.id].altered]
    if altered:
        _record(altered, found)
    return found


def _stored_evidence(row: Any) -> EvidenceFigures | None:
    if row.evidence_claims is None:
        return None  # submitted before evidence was measured: nothing stored to check
    return EvidenceFigures(row.evidence_share, row.evidence_claims, row.evidence_oldest)


def _derived(digest: str, version: str, text: str | None) -> Summary | None:
    """What a snapshot scores and measures to; worked out only the first time its content is seen."""
    key = (digest, version)
    with _LOCK:
        if key in DERIVED:
            return DERIVED[key]
    frozen = integrity.parsed(text)
    answers = integrity.frozen_answers(frozen)
    derived = None
    if answers is not None:
        questionnaire = questionnaire_named(version)
        evidence = _evidence_measured(questionnaire, answers, frozen)
        derived = integrity.summary_of(score(questionnaire, answers), evidence)
    with _LOCK:
        DERIVED[key] = derived
    return derived


def _evidence_measured(questionnaire: Questionnaire, answers: dict[str, Any], frozen: Any) -> EvidenceFigures | None:
    """The evidence figures a snapshot measures to, as submission measured them; None if it cannot be read."""
    try:
        records = completeness.frozen_records(frozen, (), None)
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    # Share, claims and the oldest date do not depend on the day they are measured.
    measured = measure(questionnaire, answers, records, date.today())
    dated = all(record.dated is not None for record in records)
    return EvidenceFigures(measured.share, len(measured.claimed), measured.oldest, dated)


def _audited_digests(rows: Sequence[Any]) -> dict[int, str | None]:
    """The digest the audit trail recorded when each version was submitted (its first submission event)."""
    if not rows:
        return {}
    events = db.session.execute(
        db.select(AuditEvent.object_id, AuditEvent.detail)
        .where(
            AuditEvent.action == "version_submitted",
            AuditEvent.assessment_id.in_(sorted({row.assessment_id for row in rows})),
            AuditEvent.object_id.in_([str(row.id) for row in rows]),
        )
        .order_by(AuditEvent.id.desc())
    ).all()
    # Ordered newest first, so the first event written wins.
    return {int(event.object_id): (event.detail or {}).get("digest") for event in events}


def _fingerprint(row: Any, checked: Integrity) -> str:
    seen = {
        "version_id": row.id,
        "digest": row.digest,
        "recomputed": checked.recomputed_digest,
        "summary": [row.verdict, row.role_profile, row.band, row.stage_scores],
        "evidence": [row.evidence_share, row.evidence_claims, row.evidence_oldest],
        "problems": list(checked.problems),
    }
    return hashlib.sha256(json.dumps(seen, sort_keys=True, default=str).encode()).hexdigest()


def _record(rows: list[Any], found: dict[int, Integrity]) -> None:
    """Audit each alteration the first time it is seen: the same state seen again adds nothing."""
    fingerprints = {row.id: _fingerprint(row, found[row.id]) for row in rows}
    with _LOCK:
        new = [row for row in rows if fingerprints[row.id] not in RECORDED]
    if not new:
        return
    conditions = [
        and_(AuditEvent.assessment_id == row.assessment_id, AuditEvent.object_id == str(row.id)) for row in new
    ]
    earlier = {
        (event.detail or {}).get("fingerprint")
        for event in db.session.execute(
            db.select(AuditEvent.detail).where(AuditEvent.action == ALTERED_ACTION, or_(*conditions))
        )
    }
    for row in new:
        if fingerprints[row.id] not in earlier:
            audit.record(
                ALTERED_ACTION,
                "assessment_version",
                row.id,
                organisation_id=row.organisation_id,
                assessment_id=row.assessment_id,
                version_id=row.id,
                version=row.number,
                problems=list(found[row.id].problems),
                stored_digest=row.digest,
                recomputed=found[row.id].recomputed_digest,
                fingerprint=fingerprints[row.id],
            )
    db.session.commit()
    with _LOCK:
        RECORDED.update(dict.fromkeys(fingerprints.values(), True))
