"""The readiness report, the action plan tracker, the board pack PDF, board decisions and reassessment."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from readiness import pdf, reports
from readiness.forms import ServiceForm
from readiness.models.accounts import utcnow
from readiness.permissions import assessment_or_404, can_decide, can_edit, version_or_404
from readiness.question_forms import NHSDateField
from readiness.services import decisions, files, plan, reporting
from readiness.views.auth import resumed_form

bp = Blueprint("reports", __name__, url_prefix="/assessments")


class TrackingForm(ServiceForm):
    owner = StringField("Owner", validators=[Length(max=200, message="Owner must be 200 characters or fewer")])
    due_date = NHSDateField("Due date")
    status = RadioField(
        "Status",
        choices=[SelectChoice(k, v) for k, v in reports.STATUS_LABELS.items()],
        validators=[InputRequired("Select the status of the action")],
    )
    notes = TextAreaField("Notes", validators=[Length(max=5000, message="Notes must be 5000 characters or fewer")])
    seen = HiddenField()  # when the tracking was last saved, as the page was opened: detects a colleague's save


class DecisionForm(ServiceForm):
    decision = RadioField(
        "What has the board decided?",
        choices=[SelectChoice(k, v) for k, v in reports.DECISION_LABELS.items()],
        validators=[InputRequired("Select the board's decision")],
    )
    conditions = TextAreaField(
        "Conditions", validators=[Length(max=5000, message="Conditions must be 5000 characters or fewer")]
    )
    comments = TextAreaField(
        "Comments", validators=[Length(max=5000, message="Comments must be 5000 characters or fewer")]
    )

    def validate_conditions(self, field: TextAreaField) -> None:
        if self.decision.data == "approved_with_conditions" and not (field.data or "").strip():
            raise ValidationError("Enter the conditions of the approval")


@bp.context_processor
def _labels() -> dict[str, dict[str, str]]:
    return {"decision_labels": reports.DECISION_LABELS}


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every report page needs a signed-in user; objects are checked in each view."""


@bp.route("/<int:assessment_id>/v/<int:number>/results")
def results(assessment_id: int, number: int) -> str:
    version = version_or_404(assessment_id, number)
    page = reporting.load(version, _today())
    return render_template(
        "reports/results.html",
        assessment=version.assessment,
        version=version,
        page=page,
        can_edit=can_edit(current_user, version.assessment),
        can_decide=can_decide(current_user, version.assessment),
    )


@bp.route("/<int:assessment_id>/v/<int:number>/plan")
def plan_page(assessment_id: int, number: int) -> str:
    version = version_or_404(assessment_id, number)
    page = reporting.load(version, _today())
    return render_template(
        "reports/plan.html",
        assessment=version.assessment,
        version=version,
        page=page,
        can_edit=can_edit(current_user, version.assessment),
    )


@bp.route("/<int:assessment_id>/v/<int:number>/plan/<key>", methods=["GET", "POST"])
def track(assessment_id: int, number: int, key: str) -> str | Response:
    assessment = assessment_or_404(assessment_id, edit=True)
    version = version_or_404(assessment_id, number)
    page = reporting.load(version, _today())
    row = next((row for row in page.report.plan if row.action.key == key), None)
    if row is None:
        abort(404)
    tracked = row.tracking
    form, resumed = resumed_form(
        TrackingForm,
        {
            "owner": tracked.owner,
            "status": tracked.status,
            "notes": tracked.notes,
            "due_date": tracked.due_date.isoformat() if tracked.due_date else None,
        },
    )
    if not form.is_submitted() and not resumed:
        form.seen.data = _stamp(tracked.updated_at)  # a post must bring its own, or it cannot overwrite anything
    conflict = None
    if form.validate_on_submit():
        due = date.fromisoformat(form.due_date.data) if form.due_date.data else None
        conflict = plan.save_tracking(
            assessment,
            key,
            reports.Tracking(form.owner.data.strip(), due, form.status.data, form.notes.data),
            current_user,
            _parse_stamp(form.seen.data),
        )
        if conflict is None:
            flash(f"Action updated: {row.action.title}")
            return redirect(url_for("reports.plan_page", assessment_id=assessment_id, number=number) + f"#action-{key}")
        form.seen.data = _stamp(conflict.theirs.updated_at)  # saving again now replaces theirs, knowingly
    return render_template(
        "reports/track.html", assessment=assessment, version=version, row=row, form=form, conflict=conflict
    )


def _stamp(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def _parse_stamp(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None  # as if never seen: a colleague's saved tracking then counts as a conflict, never overwritten


@bp.route("/<int:assessment_id>/v/<int:number>/board-pack.pdf")
def board_pack(assessment_id: int, number: int) -> Response:
    version = version_or_404(assessment_id, number)
    today = _today()
    page = reporting.load(version, today)
    html = render_template(
        "reports/board_pack.html", assessment=version.assessment, version=version, page=page, generated_at=today
    )
    filename = f"board-pack-{assessment_id}-v{number}.pdf"
    return Response(
        files.board_pack(html, pdf.render),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/<int:assessment_id>/v/<int:number>/decision", methods=["GET", "POST"])
def decision(assessment_id: int, number: int) -> str | Response:
    version = version_or_404(assessment_id, number)
    if not can_decide(current_user, version.assessment):
        abort(403)
    if version.is_draft:
        flash("The board can only decide on a submitted version.")
        return redirect(url_for("reports.results", assessment_id=assessment_id, number=number))
    form, _ = resumed_form(DecisionForm)
    if form.validate_on_submit():
        decisions.record(
            version,
            form.decision.data,
            (form.conditions.data or "").strip(),
            (form.comments.data or "").strip(),
            current_user,
        )
        flash(f"Board decision recorded: {reports.DECISION_LABELS[form.decision.data]}")
        return redirect(url_for("reports.results", assessment_id=assessment_id, number=number) + "#decision")
    history = decisions.decisions_of([version.id])[version.id]
    return render_template(
        "reports/decision.html", assessment=version.assessment, version=version, form=form, history=history
    )


@bp.route("/<int:assessment_id>/compare")
def compare(assessment_id: int) -> str:
    assessment = assessment_or_404(assessment_id)
    numbers = [version.number for version in assessment.versions]
    after = request.args.get("to", numbers[-1], type=int)
    before = request.args.get("from", max(after - 1, numbers[0]), type=int)
    chosen = {v.number: v for v in assessment.versions if v.number in (before, after)}
    if before not in chosen or after not in chosen:
        abort(404)
    results = reporting.results_of(assessment.versions)
    by_number = dict(zip(numbers, results, strict=True))
    comparison = reports.compare(by_number[before], by_number[after])
    return render_template(
        "reports/compare.html",
        assessment=assessment,
        comparison=comparison,
        before=before,
        after=after,
        numbers=numbers,
        trend=reports.trend_chart(numbers, results),
        results=by_number,
    )


@bp.route("/<int:assessment_id>/trend")
def trend(assessment_id: int) -> str:
    assessment = assessment_or_404(assessment_id)
    numbers = [version.number for version in assessment.versions]
    results = reporting.results_of(assessment.versions)
    return render_template(
        "reports/trend.html",
        assessment=assessment,
        numbers=numbers,
        trend=reports.trend_chart(numbers, results),
        results=dict(zip(numbers, results, strict=True)),
    )


def _today() -> date:
    return utcnow().date()
