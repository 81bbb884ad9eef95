"""Sharing submitted versions with commissioners, their queries, verification and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort

from readiness import audit, permissions, snapshot
from readiness.extensions import db
from readiness.formatting import answer_text
from readiness.integrity import PROBLEMS, Integrity, in_words
from readiness.models import AssessmentVersion, AuditEvent, BidQuery, Evidence, Organisation, Share, User
from readiness.models.accounts import utcnow
from readiness.questionnaire import Questionnaire
from readiness.scoring import Risk, ScoreResult
from readiness.services import assessments, events
from readiness.services import integrity as integrity_of


class SharingRefused(ValueError):
    """Raised when a version cannot be shared with an organisation."""


@dataclass(frozen=True, slots=True)
class Verification:
    matches: bool  # snapshot, digest, audit trail and summary columns all agree
    stored_digest: str
    recomputed_digest: str
    audited_digest: str | None  # the digest in the append-only audit trail, if found
    reasons: tuple[str, ...] = ()  # why it does not match, in words


def commissioners() -> list[Organisation]:
    """Every commissioning organisation, by name."""
    return list(
        db.session.scalars(
            db.select(Organisation).where(Organisation.kind == "commissioner").order_by(Organisation.name)
        )
    )


def shares_of(version: AssessmentVersion) -> list[Share]:
    """The commissioners a version has been shared with, oldest share first."""
    return list(db.session.scalars(db.select(Share).where(Share.version_id == version.id).order_by(Share.shared_at)))


def share(version: AssessmentVersion, organisation: Organisation, user: User) -> Share:
    """Share a submitted version with a commissioning organisation; sharing twice keeps the first share."""
    if version.is_draft or version.digest is None:
        raise SharingRefused("Only a submitted version can be shared")
    if organisation.kind != "commissioner":
        raise SharingRefused("Select a commissioning organisation")
    found = db.session.scalar(
        db.select(Share).where(Share.version_id == version.id, Share.organisation_id == organisation.id)
    )
    if found is not None:
        return found
    item = Share(version_id=version.id, organisation_id=organisation.id, shared_by_id=user.id)
    db.session.add(item)
    db.session.flush()
    _record_bid_event(
        "version_shared",
        "share",
        item.id,
        version,
        user,
        organisation_id=version.assessment.organisation_id,
        commissioner_id=organisation.id,
        commissioner=organisation.name,
        digest=version.digest,
    )
    events.shared(version, organisation, user)
    return item


def commissioner_ids(user: User) -> set[int]:
    """The commissioning organisations a user acts for."""
    return user.organisation_ids("commissioner")


def bid_or_404(user: User, version_id: int) -> AssessmentVersion:
    """Load a bid shared with one of the user's commissioning organisations; anything else is a 404."""
    version = db.session.get(AssessmentVersion, version_id)
    if version is None or not permissions.shared_with(user, version):
        abort(404)
    return version


def acting_for(user: User, version: AssessmentVersion) -> int:
    """The user's commissioning organisation the version was shared with (the first, if several)."""
    found = db.session.scalar(
        db.select(Share.organisation_id)
        .where(Share.version_id == version.id, Share.organisation_id.in_(commissioner_ids(user)))
        .order_by(Share.organisation_id)
    )
    if found is None:
        abort(404)
    return found


def raise_query(version: AssessmentVersion, user: User, text: str) -> BidQuery:
    """Record a commissioner's question about a bid, for its project lead to answer."""
    organisation_id = acting_for(user, version)
    query = BidQuery(version_id=version.id, organisation_id=organisation_id, raised_by_id=user.id, text=text)
    db.session.add(query)
    db.session.flush()
    _record_bid_event(
        "query_raised",
        "bid_query",
        query.id,
        version,
        user,
        organisation_id=organisation_id,
        commissioner_id=organisation_id,
        text=text,
    )
    events.query_raised(version, query, user)
    return query


def answer_query(query: BidQuery, user: User, response: str) -> None:
    """Record the project lead's reply to a query; a later reply replaces the shown one, the trail keeps both."""
    version = db.session.get(AssessmentVersion, query.version_id)
    assert version is not None
    query.response = response
    query.responded_by_id = user.id
    query.responded_at = utcnow()
    _record_bid_event(
        "query_answered",
        "bid_query",
        query.id,
        version,
        user,
        organisation_id=version.assessment.organisation_id,
        commissioner_id=query.organisation_id,
        response=response,
    )
    events.query_answered(version, query, user)


def queries_of(version: AssessmentVersion, organisation_ids: set[int] | None = None) -> list[BidQuery]:
    """Queries on a version, oldest first; a commissioner sees only their own organisations' queries."""
    statement = db.select(BidQuery).where(BidQuery.version_id == version.id)
    if organisation_ids is not None:
        statement = statement.where(BidQuery.organisation_id.in_(organisation_ids))
    return list(db.session.scalars(statement.order_by(BidQuery.raised_at, BidQuery.id)))


def query_or_404(version: AssessmentVersion, query_id: int) -> BidQuery:
    """Load a query on the given version, or 404."""
    query = db.session.get(BidQuery, query_id)
    if query is None or query.version_id != version.id:
        abort(404)
    return query


def verify(version: AssessmentVersion, user: User) -> Verification:
    """Recompute a bid's digest from its stored snapshot; compare with the column and the audit trail."""
    fresh = db.session.execute(
        db.select(AssessmentVersion.snapshot, AssessmentVersion.digest).where(AssessmentVersion.id == version.id)
    ).one()
    audited = _submitted_event(version)
    audited_digest = audited.detail.get("digest") if audited else None
    checked = integrity_of.of_version(version)
    recomputed = checked.recomputed_digest if checked else snapshot.digest(fresh.snapshot or "")
    matches = checked is not None and not checked.altered
    organisation_id = acting_for(user, version) if commissioner_ids(user) else version.assessment.organisation_id
    _record_bid_event(
        "snapshot_verified",
        "assessment_version",
        version.id,
        version,
        user,
        organisation_id=organisation_id,
        commissioner_id=organisation_id,
        matches=matches,
        recomputed=recomputed,
        problems=list(checked.problems) if checked else ["snapshot"],
    )
    reasons = tuple(checked.reasons) if checked else ()
    return Verification(matches, fresh.digest or "", recomputed, audited_digest, reasons)


def record_export(user: User, fmt: str, version: AssessmentVersion | None, **detail: Any) -> None:
    """Audit data leaving the service: a bid's answers, or the filtered portfolio."""
    if version is None:
        audit.record(
            "portfolio_exported",
            "portfolio",
            None,
            organisation_id=min(commissioner_ids(user)),
            actor_id=user.id,
            format=fmt,
            **detail,
        )
        return
    organisation_id = acting_for(user, version)
    _record_bid_event(
        "bid_exported",
        "assessment_version",
        version.id,
        version,
        user,
        organisation_id=organisation_id,
        commissioner_id=organisation_id,
        format=fmt,
        **detail,
    )


def trail_of(version: AssessmentVersion, organisation_ids: set[int]) -> list[AuditEvent]:
    """The bid's history a commissioner may read: everything up to its submission, then what concerns them."""
    events = list(
        db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.assessment_id == version.assessment_id).order_by(AuditEvent.id)
        )
    )
    submitted = _submitted_event(version, events)
    cut = submitted.id if submitted else 0
    return [event for event in events if event.id <= cut or _concerns(event, version, organisation_ids)]


def _concerns(event: AuditEvent, version: AssessmentVersion, organisation_ids: set[int]) -> bool:
    detail = event.detail or {}
    if detail.get("version_id") != version.id and detail.get("version") != version.number:
        return False
    if event.action == "answer_changed" or event.action == "version_started":
        return False  # later drafts are the provider's work in progress, not part of this bid
    commissioner = detail.get("commissioner_id")
    return commissioner is None or commissioner in organisation_ids


def _submitted_event(version: AssessmentVersion, events: list[AuditEvent] | None = None) -> AuditEvent | None:
    if events is None:
        return db.session.scalar(
            db.select(AuditEvent)
            .where(AuditEvent.action == "version_submitted", AuditEvent.object_id == str(version.id))
            .order_by(AuditEvent.id)
        )
    return next((e for e in events if e.action == "version_submitted" and e.object_id == str(version.id)), None)


@dataclass(frozen=True, slots=True)
class BidDetail:
    """What a commissioner reads about one shared bid, scored from its frozen snapshot."""

    version: AssessmentVersion
    questionnaire: Questionnaire
    result: ScoreResult
    snapshot: dict[str, Any]
    evidence: list[Evidence]
    integrity: Integrity | None = None

    @property
    def altered(self) -> bool:
        return self.integrity is not None and self.integrity.altered

    @property
    def serious_risks(self) -> list[Risk]:
        return [risk for risk in self.result.risks if risk.severity in ("critical", "high")]

    @property
    def key_answers(self) -> list[tuple[str, str]]:
        """The role's context: the questions of the unscored first section, as (question, answer)."""
        return [
            (q.text, answer_text(self.questionnaire, q, self.result.answers[q.id]))
            for q in self.questionnaire.sections[0].questions
            if q.id in self.result.answers
        ]

    @property
    def links(self) -> int:
        return sum(1 for answer in self.snapshot.get("answers", {}).values() if answer.get("link"))

    @property
    def documents(self) -> int:
        return len(self.snapshot.get("evidence", []))

    def evidence_for(self, question_id: str) -> list[Evidence]:
        return [item for item in self.evidence if item.question_id == question_id]


def detail_of(version: AssessmentVersion) -> BidDetail:
    """Score a bid from its snapshot, with the evidence frozen into it."""
    frozen = assessments.snapshot_data(version)
    hashes = {(item["question_id"], item["sha256"]) for item in frozen.get("evidence", [])}
    evidence = [
        item
        for item in db.session.scalars(
            db.select(Evidence).where(Evidence.version_id == version.id).order_by(Evidence.question_id, Evidence.id)
        )
        if (item.question_id, item.sha256) in hashes
    ]
    return BidDetail(
        version,
        assessments.questionnaire_of(version),
        assessments.result_of(version),
        frozen,
        evidence,
        integrity_of.of_version(version),
    )


def answer_rows(detail: BidDetail) -> tuple[list[str], list[list[Any]]]:
    """A bid's answers as a table, one row per applicable question, each naming the questionnaire version."""
    headers = [
        "Organisation",
        "Role",
        "Version",
        "Section",
        "Question ID",
        "Question",
        "Answer",
        "Note",
        "Link",
        "Evidence files",
        "Questionnaire version",
        "Integrity",
    ]
    checked = in_words(detail.integrity)
    frozen = detail.snapshot.get("answers", {})
    assessment = detail.version.assessment
    rows = []
    for section in detail.questionnaire.sections:
        for question in section.questions:
            if question.id not in detail.result.answers:
                continue
            saved = frozen.get(question.id, {})
            rows.append(
                [
                    assessment.organisation.name,
                    assessment.title,
                    detail.version.number,
                    section.title,
                    question.id,
                    question.text,
                    answer_text(detail.questionnaire, question, detail.result.answers[question.id]),
                    saved.get("note", ""),
                    saved.get("link", ""),
                    "; ".join(item.original_name for item in detail.evidence_for(question.id)),
                    detail.version.questionnaire_version,
                    checked,
                ]
            )
    return headers, rows


def describe(event: AuditEvent, questionnaire: Questionnaire) -> str:
    """Say what an audit event records, in a sentence a commissioner can read."""
    detail = event.detail or {}
    question = questionnaire.questions.get(detail.get("question", ""))
    described = {
        "assessment_created": "Started the assessment",
        "answer_changed": f"Answered “{question.text if question else detail.get('question')}”",
        "version_submitted": f"Submitted version {detail.get('version')} with digest {str(detail.get('digest'))[:12]}…",
        "version_started": f"Started version {detail.get('version')} as a draft",
        "evidence_uploaded": f"Uploaded evidence: {detail.get('name')}",
        "editor_added": "Invited a colleague to edit",
        "version_shared": f"Shared version {detail.get('version')} with {detail.get('commissioner')}",
        "query_raised": f"Raised a query: {detail.get('text')}",
        "query_answered": f"Answered a query: {detail.get('response')}",
        "snapshot_verified": "Verified the snapshot: "
        + ("it matches the digest" if detail.get("matches") else "it does not match the digest"),
        "bid_altered_found": "Found the bid altered: "
        + "; ".join(PROBLEMS.get(problem, problem) for problem in detail.get("problems", [])),
        "bid_exported": f"Downloaded the answers ({str(detail.get('format')).upper()})",
        "board_decision_recorded": f"Recorded the board's decision: {str(detail.get('decision')).replace('_', ' ')}",
    }
    return described.get(event.action, event.action.replace("_", " ").capitalize())


def _record_bid_event(
    action: str,
    object_type: str,
    object_id: object,
    version: AssessmentVersion,
    user: User,
    *,
    organisation_id: int,
    commissioner_id: int,
    **detail: Any,
) -> None:
    """Audit something done to a shared bid, naming the version and the commissioner it concerns."""
    audit.record(
        action,
        object_type,
        object_id,
        organisation_id=organisation_id,
        assessment_id=version.assessment_id,
        actor_id=user.id,
        version=version.number,
        version_id=version.id,
        commissioner_id=commissioner_id,
        **detail,
    )
