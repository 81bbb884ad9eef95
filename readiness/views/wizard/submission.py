"""Check your answers, submit a frozen snapshot, and start a new version from it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from readiness.forms import ConfirmForm
from readiness.permissions import assessment_or_404, can_edit
from readiness.scoring import score
from readiness.services import assessments
from readiness.views.wizard import bp
from readiness.views.wizard.pages import version_of


@bp.route("/<int:assessment_id>/v/<int:number>/check")
def check(assessment_id: int, number: int) -> str:
    assessment = assessment_or_404(assessment_id)
    version = version_of(assessment, number)
    questionnaire = assessments.questionnaire_of(version)
    result = score(questionnaire, assessments.answers_of(version))
    return render_template(
        "wizard/check.html",
        assessment=assessment,
        version=version,
        questionnaire=questionnaire,
        result=result,
        form=ConfirmForm(),
        can_edit=can_edit(current_user, assessment) and version.is_draft,
    )


@bp.route("/<int:assessment_id>/v/<int:number>/submit", methods=["POST"])
def submit(assessment_id: int, number: int) -> Response:
    assessment = assessment_or_404(assessment_id, edit=True)
    version = version_of(assessment, number)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    # A second click or a resubmitted page finds the version already frozen and just shows it.
    assessments.submit(version, current_user)
    return redirect(url_for("wizard.submitted", assessment_id=assessment.id, number=number))


@bp.route("/<int:assessment_id>/v/<int:number>/submitted")
def submitted(assessment_id: int, number: int) -> str | Response:
    assessment = assessment_or_404(assessment_id)
    version = version_of(assessment, number)
    if version.is_draft:
        return redirect(url_for("wizard.task_list", assessment_id=assessment.id, number=number))
    latest = assessments.latest_version(assessment)
    return render_template(
        "wizard/submitted.html",
        assessment=assessment,
        version=version,
        latest=latest,
        form=ConfirmForm(),
        can_edit=can_edit(current_user, assessment),
    )


@bp.route("/<int:assessment_id>/v/<int:number>/new-version", methods=["POST"])
def new_version(assessment_id: int, number: int) -> Response:
    assessment = assessment_or_404(assessment_id, edit=True)
    version_of(assessment, number)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    draft = assessments.start_new_version(assessment, number, current_user)
    flash(f"Version {draft.number} is a new draft with your previous answers. Version {number} stays as submitted.")
    return redirect(url_for("wizard.task_list", assessment_id=assessment.id, number=draft.number))
