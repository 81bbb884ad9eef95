"""The life of an assessment: create, track progress, submit a frozen snapshot, start again."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cachetools import LRUCache
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from readiness import audit, snapshot
from readiness.extensions import db
from readiness.models import Answer, Assessment, AssessmentEditor, AssessmentVersion, Evidence, User
from readiness.models.accounts import utcnow
from readiness.questionnaire import Questionnaire
from readiness.scoring import ScoreResult, score
from readiness.services import completeness, events
from readiness.services.answers import saved_rows
from readiness.services.catalogue import questionnaire as questionnaire_named


@dataclass(frozen=True, slots=True)
class SectionStatus:
    id: str
    title: str
    status: str  # not_started, in_progress, completed
    applicable: int
    answered: int
    risks: int


def visible_assessments(user: User) -> list[tuple[Assessment, AssessmentVersion]]:
    """Assessments the user works on, each with its latest version, newest change first."""
    organisations = user.organisation_ids("project_lead", "board_member")
    editing = db.select(AssessmentEditor.assessment_id).where(AssessmentEditor.user_id == user.id)
    latest = (
        db.select(AssessmentVersion.assessment_id, func.max(AssessmentVersion.number).label("number"))
        .group_by(AssessmentVersion.assessment_id)
        .subquery()
    )
    rows = db.session.execute(
        db.select(Assessment, AssessmentVersion)
        .join(latest, latest.c.assessment_id == Assessment.id)
        .join(
            AssessmentVersion,
            (AssessmentVersion.assessment_id == Assessment.id) & (AssessmentVersion.number == latest.c.number),
        )
        .where(Assessment.organisation_id.in_(organisations) | Assessment.id.in_(editing))
        .order_by(AssessmentVersion.updated_at.desc())
    ).all()
    return [(row[0], row[1]) for row in rows]


# (answered, applicable) by (version id, updated_at): every save stamps the version's updated_at.
PROGRESS_CACHE: LRUCache[tuple[int, datetime], tuple[int, int]] = LRUCache(maxsize=20_000)
_PROGRESS_LOCK = threading.Lock()


def progress_of(versions: list[AssessmentVersion]) -> dict[int, tuple[int, int]]:
    """Return (answered, applicable) questions for each version.

    Only versions changed since this process last counted them are loaded, in one query, so a
    dashboard of many assessments costs little more than one of a few.
    """
    keys = {version.id: (version.id, version.updated_at) for version in versions}
    with _PROGRESS_LOCK:
        progress = {version_id: PROGRESS_CACHE[key] for version_id, key in keys.items() if key in PROGRESS_CACHE}
    changed = [version for version in versions if version.id not in progress]
    if not changed:
        return progress
    values: dict[int, dict[str, Any]] = {version.id: {} for version in changed}
    rows = db.session.execute(
        db.select(Answer.version_id, Answer.question_id, Answer.value).where(
            Answer.version_id.in_(list(values)), Answer.respondent_id.is_(None)
        )
    )
    for version_id, question_id, value in rows:
        values[version_id][question_id] = value
    for version in changed:
        effective = questionnaire_of(version).applicable(values[version.id])
        answered = sum(1 for value in effective.values() if value not in (None, "", []))
        progress[version.id] = (answered, len(effective))
    with _PROGRESS_LOCK:
        PROGRESS_CACHE.update({keys[version.id]: progress[version.id] for version in changed})
    return progress


def create(user: User, organisation_id: int, title: str, questionnaire: Questionnaire) -> Assessment:
    assessment = Assessment(organisation_id=organisation_id, title=title, created_by_id=user.id)
    db.session.add(assessment)
    db.session.flush()
    version = AssessmentVersion(
        assessment_id=assessment.id, number=1, questionnaire_version=questionnaire.version, created_by_id=user.id
    )
    db.session.add(version)
    db.session.flush()
    db.session.add(Answer(version_id=version.id, question_id="role_title", value=title, updated_by_id=user.id))
    audit.record(
        "assessment_created",
        "assessment",
        assessment.id,
        organisation_id=organisation_id,
        assessment_id=assessment.id,
        title=title,
        questionnaire_version=questionnaire.version,
    )
    db.session.commit()
    return assessment


def latest_version(assessment: Assessment) -> AssessmentVersion:
    return assessment.versions[-1]


def questionnaire_of(version: AssessmentVersion) -> Questionnaire:
    return questionnaire_named(version.questionnaire_version)


# A draft's answers by (version id, updated_at), as for progress: every save stamps updated_at, so
# a page of an unchanged draft reads no answers.
DRAFT_ANSWERS_CACHE: LRUCache[tuple[int, datetime], dict[str, Any]] = LRUCache(maxsize=2_000)
_DRAFT_ANSWERS_LOCK = threading.Lock()


def answers_of(version: AssessmentVersion) -> dict[str, Any]:
    """The answers that count for a version: the frozen snapshot once submitted, else the draft."""
    if not version.is_draft and version.snapshot:
        frozen = snapshot_data(version)["answers"]
        return {qid: answer["value"] for qid, answer in frozen.items()}
    key = (version.id, version.updated_at)
    with _DRAFT_ANSWERS_LOCK:
        answers = DRAFT_ANSWERS_CACHE.get(key)
    if answers is None:
        rows = db.session.execute(
            db.select(Answer.question_id, Answer.value).where(
                Answer.version_id == version.id, Answer.respondent_id.is_(None)
            )
        )
        answers = {question_id: value for question_id, value in rows}  # noqa: C416 - a Result is no mapping
        with _DRAFT_ANSWERS_LOCK:
            DRAFT_ANSWERS_CACHE[key] = answers
    # A copy: callers may change what they are given (a multiple choice's value is a list).
    return {qid: list(value) if isinstance(value, list) else value for qid, value in answers.items()}


def snapshot_data(version: AssessmentVersion) -> dict[str, Any]:
    return json.loads(version.snapshot or "{}")


def result_of(version: AssessmentVersion) -> ScoreResult:
    return score(questionnaire_of(version), answers_of(version))


def section_statuses(questionnaire: Questionnaire, answers: dict[str, Any], result: ScoreResult) -> list[SectionStatus]:
    effective = result.answers
    statuses = []
    for section in questionnaire.sections:
        ids = [q.id for q in section.questions if q.id in effective]
        answered = sum(1 for qid in ids if effective[qid] not in (None, "", []))
        touched = any(q.id in answers for q in section.questions if q.id != "role_title")
        status = "completed" if answered == len(ids) else ("in_progress" if touched or answered else "not_started")
        risks = sum(1 for risk in result.risks if risk.stage == section.id)
        statuses.append(SectionStatus(section.id, section.title, status, len(ids), answered, risks))
    return statuses


def submit(version: AssessmentVersion, user: User) -> bool:
    """Freeze a draft into a hashed snapshot. Returns False if it was already submitted."""
    locked = db.session.execute(
        db.update(AssessmentVersion)
        .where(AssessmentVersion.id == version.id, AssessmentVersion.state == "draft")
        .values(state="submitting")
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount != 1:
        db.session.rollback()
        return False
    questionnaire = questionnaire_of(version)
    rows = saved_rows(version.id)
    result = score(questionnaire, {qid: row.value for qid, row in rows.items()})
    now = utcnow()
    assessment = version.assessment
    evidence = db.session.scalars(db.select(Evidence).where(Evidence.version_id == version.id)).all()
    data = snapshot.build(
        assessment={"id": assessment.id, "title": assessment.title, "organisation": assessment.organisation.name},
        version=version.number,
        questionnaire_version=version.questionnaire_version,
        submitted_at=now.isoformat(timespec="seconds"),
        submitted_by=user.name,
        answers={qid: _frozen_answer(rows[qid]) for qid in result.answers if qid in rows},
        evidence=[
            {
                "question_id": e.question_id,
                "name": e.original_name,
                "sha256": e.sha256,
                "size": e.size,
                "uploaded_at": e.uploaded_at.date().isoformat(),
            }
            for e in evidence
            if e.question_id in result.answers
        ],
    )
    # Measured from the snapshot itself, so the portfolio's figures are the ones the digest covers.
    evidence_figures = completeness.figures(
        completeness.measured(questionnaire, result.answers, completeness.frozen_records(data, (), now), now.date())
    )
    text = snapshot.canonical_json(data)
    db.session.execute(
        db.update(AssessmentVersion)
        .where(AssessmentVersion.id == version.id)
        .values(
            state="submitted",
            submitted_at=now,
            submitted_by_id=user.id,
            snapshot=text,
            digest=snapshot.digest(text),
            verdict=result.verdict,
            role_profile=result.answers.get("role_profile"),
            band=result.answers.get("band"),
            stage_scores={stage.id: {"score": stage.score, "rag": stage.rag} for stage in result.stages},
            **evidence_figures,
        )
        .execution_options(synchronize_session=False)
    )
    audit.record(
        "version_submitted",
        "assessment_version",
        version.id,
        organisation_id=assessment.organisation_id,
        assessment_id=assessment.id,
        version=version.number,
        digest=snapshot.digest(text),
    )
    events.submitted(version, user)
    db.session.commit()
    db.session.refresh(version)
    return True


def _frozen_answer(row: Answer) -> dict[str, Any]:
    """An answer as frozen in a snapshot; a link carries the day it was given, so it can go stale."""
    frozen = {"value": row.value, "note": row.note, "link": row.evidence_url}
    if row.evidence_url:
        given = row.evidence_url_at or row.updated_at
        frozen["link_at"] = given.date().isoformat()
    return frozen


def start_new_version(assessment: Assessment, from_number: int, user: User) -> AssessmentVersion:
    """Start a draft prefilled from a submitted version; a repeated request returns the same draft."""
    latest = latest_version(assessment)
    if latest.is_draft or latest.number != from_number:
        return latest
    source_rows = saved_rows(latest.id)
    draft = AssessmentVersion(
        assessment_id=assessment.id,
        number=latest.number + 1,
        questionnaire_version=latest.questionnaire_version,
        created_by_id=user.id,
    )
    try:
        db.session.add(draft)
        db.session.flush()
    except IntegrityError:  # a concurrent request created it first
        db.session.rollback()
        db.session.refresh(assessment)
        return latest_version(assessment)
    for qid, row in source_rows.items():
        db.session.add(
            Answer(
                version_id=draft.id,
                question_id=qid,
                value=row.value,
                note=row.note,
                evidence_url=row.evidence_url,
                evidence_url_at=row.evidence_url_at,
                updated_by_id=user.id,
            )
        )
    for item in db.session.scalars(db.select(Evidence).where(Evidence.version_id == latest.id)):
        db.session.add(
            Evidence(
                version_id=draft.id,
                question_id=item.question_id,
                original_name=item.original_name,
                stored_name=item.stored_name,
                content_type=item.content_type,
                size=item.size,
                sha256=item.sha256,
                uploaded_by_id=item.uploaded_by_id,
                uploaded_at=item.uploaded_at,
            )
        )
    audit.record(
        "version_started",
        "assessment_version",
        draft.id,
        organisation_id=assessment.organisation_id,
        assessment_id=assessment.id,
        version=draft.number,
        from_version=latest.number,
    )
    db.session.commit()
    return draft
