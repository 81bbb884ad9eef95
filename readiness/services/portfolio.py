"""The commissioner's portfolio: shared, submitted bids filtered, sorted, paged and summarised in SQL."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from cachetools import LRUCache
from sqlalchemy import ColumnElement, and_, case, func, or_

from readiness.extensions import db
from readiness.models import Assessment, AssessmentVersion, BoardDecision, Organisation, Share
from readiness.portfolio_chart import HeatRow
from readiness.questionnaire import options_of
from readiness.scoring import SEVERITY_ORDER, VERDICT_LABELS, score
from readiness.services.catalogue import questionnaire as questionnaire_named

STAGES = ("need", "governance", "stakeholders", "training", "evaluation")
RAGS = ("red", "amber", "green")
VERDICTS = ("not_ready", "ready_with_conditions", "ready")
PAGE_SIZE = 25
HEATMAP_ROWS = 25
# "Risks most often failing" rescores snapshots, so it looks at a bounded, recent sample (see risk_counts).
RISK_SAMPLE = 200
AV = AssessmentVersion


@dataclass(frozen=True, slots=True)
class Filters:
    verdict: str | None = None
    stage: str | None = None  # a stage id; None means any stage
    rating: str | None = None
    role_profile: str | None = None
    organisation_id: int | None = None
    submitted_from: date | None = None
    submitted_to: date | None = None
    search: str = ""
    # Evidence completeness, from the figures kept at submission.
    claims_unevidenced: bool = False  # only bids with "Yes" claims on critical or high questions without evidence
    min_evidence_share: int | None = None  # only bids with at least this percentage of answers evidenced
    stale_before: date | None = None  # only bids with evidence given before this day (today less the stale age)
    sort: str = "submitted"
    descending: bool = True
    page: int = 1


@dataclass(frozen=True, slots=True)
class Bid:
    version_id: int
    assessment_id: int
    number: int
    organisation: str
    title: str
    role_profile: str | None
    band: str | None
    submitted_at: datetime
    verdict: str
    stages: dict[str, dict[str, Any]]
    decision: str | None
    digest: str
    questionnaire_version: str
    evidence_share: int | None = None  # None for a bid submitted before evidence was measured
    evidence_claims: int | None = None
    evidence_oldest: date | None = None

    def stale_evidence(self, before: date) -> bool:
        """Whether any of the bid's evidence was given before ``before`` (today less the stale age)."""
        return self.evidence_oldest is not None and self.evidence_oldest < before

    def rag(self, stage_id: str) -> str:
        return (self.stages.get(stage_id) or {}).get("rag", "")

    def score(self, stage_id: str) -> int | None:
        return (self.stages.get(stage_id) or {}).get("score")


@dataclass(frozen=True, slots=True)
class StageSummary:
    id: str
    red: int
    amber: int
    green: int
    mean: float | None


@dataclass(frozen=True, slots=True)
class Summary:
    total: int
    organisations: int
    verdicts: dict[str, int]
    stages: tuple[StageSummary, ...]

    def weakest(self) -> list[StageSummary]:
        """Stages by how many bids rate them red, then by lowest mean score."""
        return sorted(self.stages, key=lambda s: (-s.red, s.mean if s.mean is not None else 101))


@dataclass(frozen=True, slots=True)
class RiskCount:
    id: str
    title: str
    severity: str
    stage: str
    bids: int


@dataclass(frozen=True, slots=True)
class Portfolio:
    bids: list[Bid]
    summary: Summary
    page: int
    pages: int
    heat: list[HeatRow]
    filters: Filters = field(repr=False)


def visible(organisation_ids: set[int]) -> ColumnElement[bool]:
    """Submitted versions shared with any of the given commissioning organisations."""
    shared = db.select(Share.id).where(Share.version_id == AV.id, Share.organisation_id.in_(organisation_ids))
    return and_(AV.state == "submitted", shared.exists())


def rag_of(stage_id: str) -> ColumnElement[str]:
    return AV.stage_scores[(stage_id, "rag")].as_string()


def score_of(stage_id: str) -> ColumnElement[float]:
    return AV.stage_scores[(stage_id, "score")].as_float()


def conditions(organisation_ids: set[int], filters: Filters) -> list[ColumnElement[bool]]:
    """Turn filters into SQL conditions on the denormalised columns: nothing is rescored."""
    found = [visible(organisation_ids)]
    if filters.verdict:
        found.append(AV.verdict == filters.verdict)
    if filters.rating:
        stages = (filters.stage,) if filters.stage else STAGES
        found.append(or_(*(rag_of(stage) == filters.rating for stage in stages)))
    if filters.role_profile:
        found.append(AV.role_profile == filters.role_profile)
    if filters.organisation_id:
        found.append(Assessment.organisation_id == filters.organisation_id)
    if filters.submitted_from:
        found.append(AV.submitted_at >= datetime.combine(filters.submitted_from, time.min))
    if filters.submitted_to:
        found.append(AV.submitted_at < datetime.combine(filters.submitted_to + timedelta(days=1), time.min))
    found += _evidence_conditions(filters)
    if filters.search.strip():
        term = filters.search.strip().lower()
        found.append(
            or_(
                func.lower(Assessment.title).contains(term, autoescape=True),
                func.lower(Organisation.name).contains(term, autoescape=True),
            )
        )
    return found


def _evidence_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    found = []
    if filters.claims_unevidenced:
        found.append(AV.evidence_claims > 0)
    if filters.min_evidence_share is not None:
        found.append(AV.evidence_share >= filters.min_evidence_share)
    if filters.stale_before:
        found.append(AV.evidence_oldest < filters.stale_before)
    return found


def _joined(statement: Any) -> Any:
    return (
        statement.select_from(AV)
        .join(Assessment, AV.assessment_id == Assessment.id)
        .join(Organisation, Assessment.organisation_id == Organisation.id)
    )


def _order(filters: Filters) -> list[Any]:
    verdict_rank = case({verdict: rank for rank, verdict in enumerate(VERDICTS)}, value=AV.verdict, else_=9)
    keys: dict[str, Any] = {
        "submitted": AV.submitted_at,
        "organisation": func.lower(Organisation.name),
        "role": func.lower(Assessment.title),
        "role_profile": AV.role_profile,
        "band": AV.band,
        "verdict": verdict_rank,
        "evidence": AV.evidence_share,
    } | {f"stage_{stage}": score_of(stage) for stage in STAGES}
    key = keys.get(filters.sort, AV.submitted_at)
    ordered = key.desc() if filters.descending else key.asc()
    if filters.sort == "evidence":  # bids never measured sort last either way, as on every database
        ordered = ordered.nulls_last()
    return [ordered, AV.id.desc()]


def page_of(organisation_ids: set[int], filters: Filters) -> Portfolio:
    """One page of bids, with the summary and heatmap of every filtered bid, in two queries."""
    summary, heat = overview(organisation_ids, filters)
    pages = max(1, -(-summary.total // PAGE_SIZE))
    page = min(max(filters.page, 1), pages)
    rows = db.session.execute(
        _bid_select(organisation_ids, filters).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return Portfolio([_bid(row) for row in rows], summary, page, pages, heat, filters)


def all_bids(organisation_ids: set[int], filters: Filters) -> list[Bid]:
    """Every filtered bid, sorted, for an export."""
    return [_bid(row) for row in db.session.execute(_bid_select(organisation_ids, filters)).all()]


def bids_by_id(organisation_ids: set[int], version_ids: Sequence[int]) -> list[Bid]:
    """The named bids, if shared with the organisations, in the order asked for."""
    statement = _bid_select(organisation_ids, Filters()).where(AV.id.in_(list(version_ids)))
    found = {bid.version_id: bid for bid in map(_bid, db.session.execute(statement).all())}
    return [found[version_id] for version_id in version_ids if version_id in found]


def _bid_select(organisation_ids: set[int], filters: Filters) -> Any:
    decision = (
        db.select(BoardDecision.decision)
        .where(BoardDecision.version_id == AV.id)
        .order_by(BoardDecision.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    statement = db.select(
        AV.id,
        AV.assessment_id,
        AV.number,
        Organisation.name,
        Assessment.title,
        AV.role_profile,
        AV.band,
        AV.submitted_at,
        AV.verdict,
        AV.stage_scores,
        decision.label("decision"),
        AV.digest,
        AV.questionnaire_version,
        AV.evidence_share,
        AV.evidence_claims,
        AV.evidence_oldest,
    )
    return _joined(statement).where(*conditions(organisation_ids, filters)).order_by(*_order(filters))


def _bid(row: Any) -> Bid:
    return Bid(*row[:9], row[9] or {}, *row[10:])


def overview(organisation_ids: set[int], filters: Filters) -> tuple[Summary, list[HeatRow]]:
    """Summarise the filtered bids and their heatmap from one grouped query (one row per organisation)."""
    columns: list[Any] = [Organisation.name, func.count()]
    columns += [func.sum(case((AV.verdict == verdict, 1), else_=0)) for verdict in VERDICTS]
    for stage in STAGES:
        columns += [func.sum(case((rag_of(stage) == rag, 1), else_=0)) for rag in RAGS]
        columns += [func.sum(score_of(stage)), func.count(score_of(stage))]
    rows = db.session.execute(
        _joined(db.select(*columns))
        .where(*conditions(organisation_ids, filters))
        .group_by(Organisation.id, Organisation.name)
    ).all()
    width = len(VERDICTS)
    verdicts = {verdict: sum(int(row[2 + i] or 0) for row in rows) for i, verdict in enumerate(VERDICTS)}
    stages, heat_scores = [], []
    for i, stage in enumerate(STAGES):
        at = 2 + width + 5 * i
        red, amber, green, total, scored = (sum(float(row[at + k] or 0) for row in rows) for k in range(5))
        stages.append(StageSummary(stage, int(red), int(amber), int(green), _mean(total, scored)))
        heat_scores.append([_mean(row[at + 3], row[at + 4]) for row in rows])
    heat = [HeatRow(row[0], int(row[1]), tuple(scores[n] for scores in heat_scores)) for n, row in enumerate(rows)]
    heat.sort(key=lambda item: (-item.bids, item.label))
    summary = Summary(sum(int(row[1]) for row in rows), len(rows), verdicts, tuple(stages))
    return summary, heat[:HEATMAP_ROWS]


def summarise(organisation_ids: set[int], filters: Filters) -> Summary:
    """Count filtered bids by verdict and by stage rating, with mean stage scores."""
    return overview(organisation_ids, filters)[0]


def heatmap_rows(organisation_ids: set[int], filters: Filters) -> list[HeatRow]:
    """Mean stage scores per organisation across the filtered bids, organisations with most bids first."""
    return overview(organisation_ids, filters)[1]


def _mean(total: Any, count: Any) -> float | None:
    return round(float(total) / float(count), 1) if count else None


def organisations(organisation_ids: set[int]) -> list[tuple[int, str]]:
    """Organisations with at least one bid shared with these commissioners, for the filter."""
    rows = db.session.execute(
        _joined(db.select(Organisation.id, Organisation.name))
        .where(visible(organisation_ids))
        .distinct()
        .order_by(Organisation.name)
    ).all()
    return [(row[0], row[1]) for row in rows]


# Risks triggered by a snapshot, keyed by its digest: a submitted snapshot never changes.
RISK_CACHE: LRUCache[str, tuple[tuple[str, str, str, str], ...]] = LRUCache(maxsize=50_000)
_RISK_LOCK = threading.Lock()


def risks_in(snapshot_text: str, questionnaire_version: str) -> tuple[tuple[str, str, str, str], ...]:
    """Rescore one snapshot: the (id, severity, stage, title) of every risk it triggers."""
    answers = {qid: answer["value"] for qid, answer in json.loads(snapshot_text or "{}").get("answers", {}).items()}
    result = score(questionnaire_named(questionnaire_version), answers)
    return tuple((risk.id, risk.severity, risk.stage, risk.title) for risk in result.risks)


def risk_counts(organisation_ids: set[int], filters: Filters, limit: int = 10) -> tuple[list[RiskCount], int]:
    """The risks most often triggered among the most recent RISK_SAMPLE filtered bids; return them and the sample size.

    Bounded on purpose: risks are not denormalised, so they come from rescoring snapshots. Each
    result is cached by digest, and at most RISK_SAMPLE snapshots are read, so neither the time
    nor the number of queries grows with the portfolio.
    """
    sample = db.session.execute(
        _joined(db.select(AV.id, AV.digest, AV.questionnaire_version))
        .where(*conditions(organisation_ids, filters))
        .order_by(AV.submitted_at.desc(), AV.id.desc())
        .limit(RISK_SAMPLE)
    ).all()
    with _RISK_LOCK:
        found = {row.id: RISK_CACHE.get(row.digest or "") for row in sample}
    missing = [row for row in sample if found[row.id] is None]
    if missing:
        texts = dict(db.session.execute(db.select(AV.id, AV.snapshot).where(AV.id.in_([r.id for r in missing]))).all())
        for row in missing:
            found[row.id] = risks_in(texts.get(row.id) or "{}", row.questionnaire_version)
        with _RISK_LOCK:
            RISK_CACHE.update({row.digest or "": found[row.id] for row in missing})
    counts: Counter[tuple[str, str, str, str]] = Counter()
    for risks in found.values():
        counts.update(set(risks or ()))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], SEVERITY_ORDER[item[0][1]], item[0][0]))
    return [RiskCount(key[0], key[3], key[1], key[2], bids) for key, bids in ranked[:limit]], len(sample)


DECISION_LABELS = {
    "approved": "Approved",
    "approved_with_conditions": "Approved with conditions",
    "deferred": "Deferred",
    "not_approved": "Not approved",
}
RAG_LABELS = {"red": "Red", "amber": "Amber", "green": "Green"}


@dataclass(frozen=True, slots=True)
class Labels:
    """Words for the codes stored on a bid, from the current questionnaire."""

    stages: dict[str, str]
    profiles: dict[str, str]
    bands: dict[str, str]
    verdicts: dict[str, str]
    decisions: dict[str, str] = field(default_factory=lambda: dict(DECISION_LABELS))
    rags: dict[str, str] = field(default_factory=lambda: dict(RAG_LABELS))


def labels() -> Labels:
    """Labels for stages, role profiles, bands and verdicts."""
    current = questionnaire_named()
    options = {
        qid: {o.value: o.label for o in options_of(current, current.questions[qid])} for qid in ("role_profile", "band")
    }
    stages = {s.id: s.title for s in current.sections[1:]}
    return Labels(stages, options["role_profile"], options["band"], dict(VERDICT_LABELS))


def export_rows(bids: Sequence[Bid], words: Labels) -> tuple[list[str], list[list[Any]]]:
    """The portfolio as a table: one row per bid, with the questionnaire version it was answered against."""
    headers = ["Organisation", "Role", "Role profile", "Band", "Version", "Submitted", "Verdict"]
    for stage in STAGES:
        headers += [f"{words.stages.get(stage, stage)} score", f"{words.stages.get(stage, stage)} rating"]
    headers += ["Answers evidenced (%)", "Yes claims not evidenced", "Oldest evidence"]
    headers += ["Board decision", "Snapshot digest (SHA-256)", "Questionnaire version"]
    rows = []
    for bid in bids:
        row: list[Any] = [
            bid.organisation,
            bid.title,
            words.profiles.get(bid.role_profile or "", bid.role_profile),
            words.bands.get(bid.band or "", bid.band),
            bid.number,
            bid.submitted_at,
            words.verdicts.get(bid.verdict, bid.verdict),
        ]
        for stage in STAGES:
            row += [bid.score(stage), words.rags.get(bid.rag(stage), bid.rag(stage))]
        row += [bid.evidence_share, bid.evidence_claims, bid.evidence_oldest]
        row += [words.decisions.get(bid.decision or "", bid.decision), bid.digest, bid.questionnaire_version]
        rows.append(row)
    return headers, rows


def page_numbers(page: int, pages: int, around: int = 2) -> list[int | None]:
    """Page links to show: first, last and those near the current page; None marks a gap."""
    shown = [n for n in range(1, pages + 1) if n in (1, pages) or abs(n - page) <= around]
    found: list[int | None] = []
    for number in shown:
        if found and number - (found[-1] or 0) > 1:
            found.append(None)
        found.append(number)
    return found
