"""The signed-in home page (what needs each person now) and the deployment health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from readiness.extensions import db
from readiness.models.accounts import utcnow
from readiness.services import worklist
from readiness.services.catalogue import questionnaire

bp = Blueprint("home", __name__)


@bp.route("/")
def index() -> str | Response:
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    return render_template("home/index.html", home=worklist.home_of(current_user, utcnow()))


@bp.route("/healthz")
def health() -> tuple[Response, int]:
    """Report whether the app can reach its database; for load balancers and monitors."""
    try:
        db.session.execute(db.text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200


@bp.route("/accessibility")
def accessibility() -> str:
    return render_template("pages/accessibility.html")


@bp.route("/about")
def about() -> str:
    return render_template("pages/about.html", questionnaire=questionnaire())
