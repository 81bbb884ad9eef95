"""Gather the evidence behind a version's answers, with its dates, and measure its completeness.

A draft is measured from its saved answers and uploads; a submitted version from its frozen
snapshot, so the share and the claims match the digest. Staleness is always judged as of today:
a board reading a pack wants to know whether the evidence is still current, not whether it was
when the lead pressed submit. Snapshots taken before evidence dates were frozen fall back to the
upload's own record, then to the submission date (a link was given no later than that).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from flask import current_app

from readiness.evidence_completeness import Completeness, EvidenceRecord, measure
from readiness.extensions import db
from readiness.models import Answer, AssessmentVersion, Evidence
from readiness.questionnaire import Questionnaire
from readiness.services.answers import saved_rows
from readiness.services.catalogue import questionnaire as questionnaire_named


def stale_days() -> int:
    """The age in days after which evidence is stale (EVIDENCE_STALE_DAYS)."""
    return int(current_app.config["EVIDENCE_STALE_DAYS"])


def draft_records(rows: Mapping[str, Answer], uploaded: Iterable[Evidence]) -> list[EvidenceRecord]:
    """The links and files behind a draft's answers, each dated when it was given."""
    records = [
        EvidenceRecord(qid, "link", row.evidence_url, _day(row.evidence_url_at or row.updated_at))
        for qid, row in rows.items()
        if row.evidence_url
    ]
    records += [EvidenceRecord(e.question_id, "file", e.original_name, _day(e.uploaded_at)) for e in uploaded]
    return records


def frozen_records(
    frozen: Mapping[str, Any], uploaded: Iterable[Evidence], submitted_at: datetime | None
) -> list[EvidenceRecord]:
    """The links and files frozen in a snapshot, dated as frozen (or by the fallbacks above)."""
    submitted = _day(submitted_at)
    uploaded_on = {(e.question_id, e.sha256): _day(e.uploaded_at) for e in uploaded}
    records = [
        EvidenceRecord(qid, "link", answer["link"], _iso_day(answer.get("link_at")) or submitted)
        for qid, answer in frozen.get("answers", {}).items()
        if answer.get("link")
    ]
    records += [
        EvidenceRecord(
            item["question_id"],
            "file",
            item["name"],
            _iso_day(item.get("uploaded_at")) or uploaded_on.get((item["question_id"], item["sha256"])) or submitted,
        )
        for item in frozen.get("evidence", [])
    ]
    return records


def of_version(version: AssessmentVersion, today: date) -> Completeness:
    """Measure one version's evidence as of ``today``, in two queries."""
    questionnaire = questionnaire_named(version.questionnaire_version)
    uploaded = db.session.scalars(db.select(Evidence).where(Evidence.version_id == version.id)).all()
    if not version.is_draft and version.snapshot:
        frozen = json.loads(version.snapshot)
        values = {qid: answer["value"] for qid, answer in frozen["answers"].items()}
        return measured(questionnaire, values, frozen_records(frozen, uploaded, version.submitted_at), today)
    rows = saved_rows(version.id)
    values = {qid: row.value for qid, row in rows.items()}
    return measured(questionnaire, values, draft_records(rows, uploaded), today)


def measured(
    questionnaire: Questionnaire, values: Mapping[str, Any], records: Iterable[EvidenceRecord], today: date
) -> Completeness:
    return measure(questionnaire, values, records, today, stale_days())


def figures(completeness: Completeness) -> dict[str, Any]:
    """The figures kept on a submitted version for portfolios: share, claims and the oldest evidence's date."""
    return {
        "evidence_share": completeness.share,
        "evidence_claims": len(completeness.claimed),
        "evidence_oldest": completeness.oldest,
    }


def _day(moment: datetime | None) -> date | None:
    return moment.date() if moment else None


def _iso_day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def measure_unmeasured(today: date) -> int:
    """Keep the figures on submitted versions from before they were kept at submission; return how many."""
    versions = db.session.scalars(
        db.select(AssessmentVersion).where(
            AssessmentVersion.state == "submitted",
            AssessmentVersion.snapshot.is_not(None),
            AssessmentVersion.evidence_claims.is_(None),
        )
    ).all()
    for version in versions:
        for name, value in figures(of_version(version, today)).items():
            setattr(version, name, value)
    db.session.commit()
    return len(versions)
