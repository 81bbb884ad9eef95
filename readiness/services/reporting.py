"""Load everything a version's report shows, in a handful of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from readiness import reports
from readiness.evidence_completeness import Completeness, EvidenceRecord
from readiness.extensions import db
from readiness.models import AssessmentVersion, BoardDecision, Evidence
from readiness.questionnaire import Questionnaire
from readiness.scoring import ScoreResult, score
from readiness.services import assessments, completeness, decisions, plan
from readiness.services.answers import saved_rows


@dataclass(frozen=True, slots=True)
class AnswerDetail:
    note: str
    link: str


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    question_id: str
    name: str
    sha256: str
    size: int
    evidence_id: int | None  # downloadable while the draft's row exists


@dataclass(frozen=True, slots=True)
class ReportPage:
    version: AssessmentVersion
    questionnaire: Questionnaire
    report: reports.Report
    details: dict[str, AnswerDetail]
    evidence: tuple[EvidenceItem, ...]
    decisions: tuple[BoardDecision, ...]
    completeness: Completeness

    @property
    def decision(self) -> BoardDecision | None:
        return self.decisions[0] if self.decisions else None

    @property
    def links(self) -> list[tuple[str, str]]:
        """(question id, link) for every applicable answer that gives an evidence link."""
        answers = self.report.result.answers
        return [(qid, detail.link) for qid, detail in self.details.items() if detail.link and qid in answers]


def load(version: AssessmentVersion, today: date) -> ReportPage:
    """Score a version (from its snapshot once submitted) and gather its notes, evidence, plan and decisions."""
    questionnaire = assessments.questionnaire_of(version)
    values, details, evidence, records = _answers(version)
    result = score(questionnaire, values)
    evidence = tuple(item for item in evidence if item.question_id in result.answers)
    report = reports.build(result, plan.tracking_of(version.assessment_id), today)
    measured = completeness.measured(questionnaire, values, records, today)
    history = tuple(decisions.decisions_of([version.id])[version.id])
    return ReportPage(version, questionnaire, report, details, evidence, history, measured)


def results_of(versions: list[AssessmentVersion]) -> list[ScoreResult]:
    """Score several versions of one role, for comparisons and the trend."""
    return [assessments.result_of(version) for version in versions]


def _answers(
    version: AssessmentVersion,
) -> tuple[dict[str, Any], dict[str, AnswerDetail], list[EvidenceItem], list[EvidenceRecord]]:
    uploaded = db.session.scalars(
        db.select(Evidence).where(Evidence.version_id == version.id).order_by(Evidence.uploaded_at)
    ).all()
    if not version.is_draft and version.snapshot:
        frozen = assessments.snapshot_data(version)
        answers = frozen["answers"]
        values = {qid: answer["value"] for qid, answer in answers.items()}
        details = {qid: AnswerDetail(a.get("note") or "", a.get("link") or "") for qid, a in answers.items()}
        ids = {(e.question_id, e.sha256): e.id for e in uploaded}
        evidence = [
            EvidenceItem(e["question_id"], e["name"], e["sha256"], e["size"], ids.get((e["question_id"], e["sha256"])))
            for e in frozen["evidence"]
        ]
        return values, details, evidence, completeness.frozen_records(frozen, uploaded, version.submitted_at)
    rows = saved_rows(version.id)
    values = {qid: row.value for qid, row in rows.items()}
    details = {qid: AnswerDetail(row.note or "", row.evidence_url or "") for qid, row in rows.items()}
    evidence = [EvidenceItem(e.question_id, e.original_name, e.sha256, e.size, e.id) for e in uploaded]
    return values, details, evidence, completeness.draft_records(rows, uploaded)
