"""`flask demo` adds a realistic, idempotent portfolio for the demo commissioner."""

from __future__ import annotations

from typing import Any

from readiness.demo_data import BIDS, COMMISSIONER, DRAFTS
from readiness.extensions import db
from readiness.models import Assessment, AssessmentVersion, Organisation, Share


def test_demo_loads_a_shared_portfolio_once(runner: Any) -> None:
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Assessment)) == len(BIDS) + len(DRAFTS)
    versions = db.session.scalars(db.select(AssessmentVersion).where(AssessmentVersion.state == "submitted")).all()
    assert len(versions) == len(BIDS) and all(v.digest for v in versions)
    assert len({v.verdict for v in versions}) == 3, "demo bids should span every verdict"
    organisations = {v.assessment.organisation.name for v in versions}
    assert len(organisations) >= 4
    commissioner = db.session.scalar(db.select(Organisation).where(Organisation.name == COMMISSIONER))
    shared = db.session.scalar(
        db.select(db.func.count()).select_from(Share).where(Share.organisation_id == commissioner.id)
    )
    assert shared == len(BIDS)
