"""The project lead's journey: from a new assessment to a submitted, frozen snapshot."""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("wizard", __name__, url_prefix="/assessments")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every wizard page needs a signed-in user; objects are checked in each view."""


from readiness.views.wizard import evidence, pages, submission, team  # noqa: E402, F401
