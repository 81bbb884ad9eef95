"""A read-only JSON API for assessments, versions and reports; signed-in sessions, same rules as the pages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from flask_login import current_user

from readiness import api_spec, reports
from readiness.action_plan import planned_start
from readiness.models import Assessment, AssessmentVersion
from readiness.models.accounts import utcnow
from readiness.permissions import assessment_or_404, version_or_404
from readiness.reports_json import evidence_json, result_json
from readiness.services import assessments, completeness, decisions, plan

bp = Blueprint("api", __name__, url_prefix="/api")
PUBLIC = {"api.openapi", "api.docs"}


@bp.before_request
def _signed_in() -> Response | None:
    if request.endpoint in PUBLIC or current_user.is_authenticated:
        return None
    return json_error(401, "Sign in to use the API")


@bp.route("/assessments")
def list_assessments() -> Response:
    rows = assessments.visible_assessments(current_user)
    return jsonify(assessments=[_assessment(assessment, [latest]) for assessment, latest in rows])


@bp.route("/assessments/<int:assessment_id>")
def assessment(assessment_id: int) -> Response:
    found = assessment_or_404(assessment_id)
    return jsonify(_assessment(found, found.versions))


@bp.route("/assessments/<int:assessment_id>/versions/<int:number>")
def version(assessment_id: int, number: int) -> Response:
    found = version_or_404(assessment_id, number)
    history = decisions.decisions_of([found.id])[found.id]
    body = _version(found) | {
        "decisions": [
            {
                "decision": d.decision,
                "conditions": d.conditions,
                "comments": d.comments,
                "recorded_by": d.recorded_by.name,
                "recorded_at": timestamp(d.recorded_at),
            }
            for d in history
        ],
    }
    return jsonify(body)


@bp.route("/assessments/<int:assessment_id>/versions/<int:number>/report")
def report(assessment_id: int, number: int) -> Response:
    found = version_or_404(assessment_id, number)
    measured = completeness.of_version(found, utcnow().date())
    return jsonify(result_json(assessments.result_of(found)) | {"evidence": evidence_json(measured)})


@bp.route("/assessments/<int:assessment_id>/versions/<int:number>/plan")
def action_plan(assessment_id: int, number: int) -> Response:
    found = version_or_404(assessment_id, number)
    result = assessments.result_of(found)
    rows = reports.plan_rows(
        result.actions, plan.tracking_of(assessment_id), utcnow().date(), planned_start(result.answers)
    )
    return jsonify(
        actions=[
            {
                "key": row.action.key,
                "title": row.action.title,
                "owner": row.tracking.owner,
                "due_date": row.due_date.isoformat() if row.due_date else None,
                "due_from_planned_start": row.due_from_start,
                "status": row.tracking.status,
                "notes": row.tracking.notes,
                "overdue": row.overdue,
            }
            for row in rows
        ]
    )


@bp.route("/openapi.json")
def openapi() -> Response:
    return jsonify(_spec())


@bp.route("/docs")
def docs() -> str:
    spec = _spec()
    return render_template("api/docs.html", spec=spec, fields=api_spec.fields_in_words(spec))


def _spec() -> dict[str, Any]:
    return api_spec.openapi(bp.url_prefix or "", current_app.config["SESSION_COOKIE_NAME"])


def _assessment(found: Assessment, versions: list[AssessmentVersion]) -> dict[str, Any]:
    return {
        "id": found.id,
        "title": found.title,
        "organisation": found.organisation.name,
        "versions": [_version(v) for v in versions],
    }


def _version(found: AssessmentVersion) -> dict[str, Any]:
    return {
        "assessment_id": found.assessment_id,
        "number": found.number,
        "state": found.state,
        "questionnaire_version": found.questionnaire_version,
        "submitted_at": timestamp(found.submitted_at) if found.submitted_at else None,
        "digest": found.digest,
        "links": {
            "self": url_for("api.version", assessment_id=found.assessment_id, number=found.number),
            "report": url_for("api.report", assessment_id=found.assessment_id, number=found.number),
            "plan": url_for("api.action_plan", assessment_id=found.assessment_id, number=found.number),
            "html": url_for("reports.results", assessment_id=found.assessment_id, number=found.number),
            "pdf": url_for("reports.board_pack", assessment_id=found.assessment_id, number=found.number),
        },
    }


def timestamp(moment: datetime) -> str:
    """Write a stored time as RFC 3339 with its offset; the database keeps naive UTC."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat(timespec="seconds")


def json_error(status: int, message: str) -> Response:
    """The API's error body, {"error": {"status": ..., "message": ...}}, for its own errors and routing's."""
    response = jsonify(error={"status": status, "message": message})
    response.status_code = status
    return response
