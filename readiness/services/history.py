"""An assessment's life: each version with its decisions, shares and queries, for the assessment's own page."""

from __future__ import annotations

from dataclasses import dataclass

from readiness.extensions import db
from readiness.integrity import Integrity
from readiness.models import AssessmentVersion, BidQuery, BoardDecision, Share
from readiness.services import integrity as integrity_of
from readiness.services.decisions import decisions_of


@dataclass(frozen=True, slots=True)
class VersionHistory:
    version: AssessmentVersion
    decisions: tuple[BoardDecision, ...]  # newest first; the first is the one that stands
    shares: tuple[Share, ...]
    queries: tuple[BidQuery, ...]
    integrity: Integrity | None = None  # None for a draft

    @property
    def altered(self) -> bool:
        return self.integrity is not None and self.integrity.altered

    @property
    def decision(self) -> BoardDecision | None:
        return self.decisions[0] if self.decisions else None

    @property
    def awaiting_decision(self) -> bool:
        return not self.version.is_draft and not self.decisions

    @property
    def open_queries(self) -> int:
        return sum(1 for query in self.queries if query.response is None)


def history_of(versions: list[AssessmentVersion], commissioners: set[int] | None = None) -> list[VersionHistory]:
    """Each version's decisions, shares, queries and integrity, newest version first, in a few queries.

    ``commissioners`` narrows shares and queries to those organisations' own, for a commissioner
    reading; None shows everything, for the team.
    """
    ids = [version.id for version in versions]
    decisions = decisions_of(ids)
    shares = db.select(Share).where(Share.version_id.in_(ids)).order_by(Share.shared_at, Share.id)
    queries = db.select(BidQuery).where(BidQuery.version_id.in_(ids)).order_by(BidQuery.raised_at, BidQuery.id)
    if commissioners is not None:
        shares = shares.where(Share.organisation_id.in_(commissioners))
        queries = queries.where(BidQuery.organisation_id.in_(commissioners))
    shares_by: dict[int, list[Share]] = {version_id: [] for version_id in ids}
    for share in db.session.scalars(shares):
        shares_by[share.version_id].append(share)
    queries_by: dict[int, list[BidQuery]] = {version_id: [] for version_id in ids}
    for query in db.session.scalars(queries):
        queries_by[query.version_id].append(query)
    checked = integrity_of.of_versions([version.id for version in versions if not version.is_draft])
    return [
        VersionHistory(
            version,
            tuple(decisions[version.id]),
            tuple(shares_by[version.id]),
            tuple(queries_by[version.id]),
            checked.get(version.id),
        )
        for version in reversed(versions)
    ]
