"""An assessment's own page: every version the visitor may see, with its decisions, shares and queries."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from readiness.models import Assessment, AssessmentVersion
from readiness.permissions import can_decide, can_edit, can_view, versions_or_404, visible_versions
from readiness.reports import DECISION_LABELS
from readiness.services.history import history_of

bp = Blueprint("assessment", __name__, url_prefix="/assessments")
bp.add_app_template_global(DECISION_LABELS, "decision_labels")


@bp.before_request
@login_required
def _signed_in() -> None:
    """The page needs a signed-in user; which versions they see is decided per assessment."""


@bp.app_template_global()
def versions_visible(assessment: Assessment) -> list[AssessmentVersion]:
    """The versions of an assessment the current user may see, for the version navigation on every version page."""
    return visible_versions(current_user, assessment)


@bp.app_template_global()
def on_the_team(assessment: Assessment) -> bool:
    """Whether the current user works on or governs the assessment (rather than reading a shared bid)."""
    return can_view(current_user, assessment)


@bp.route("/<int:assessment_id>")
def page(assessment_id: int) -> str:
    assessment, versions = versions_or_404(assessment_id)
    team = can_view(current_user, assessment)
    commissioners = None if team else current_user.organisation_ids("commissioner")
    return render_template(
        "assessment/page.html",
        assessment=assessment,
        history=history_of(versions, commissioners),
        team=team,
        can_edit=can_edit(current_user, assessment),
        can_decide=can_decide(current_user, assessment),
    )
