"""The project lead's side of sharing: share a submitted version with a commissioner, answer their queries."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from readiness.extensions import db
from readiness.forms import ServiceForm
from readiness.models import Assessment, AssessmentVersion, Organisation
from readiness.permissions import assessment_or_404, can_edit
from readiness.services import sharing
from readiness.views.auth import resumed_form

bp = Blueprint("sharing", __name__, url_prefix="/sharing")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every sharing page needs a signed-in user; the assessment is checked in each view."""


class ShareForm(ServiceForm):
    organisation_id = SelectField(
        "Which commissioner do you want to share this version with?",
        coerce=int,
        validators=[InputRequired("Select a commissioner")],
    )


class ReplyForm(ServiceForm):
    response = TextAreaField(
        "Your reply",
        validators=[
            DataRequired("Enter your reply"),
            Length(max=4000, message="Reply must be 4,000 characters or fewer"),
        ],
    )


def _submitted(assessment: Assessment, number: int) -> AssessmentVersion:
    version = next((v for v in assessment.versions if v.number == number), None)
    if version is None or version.is_draft:
        abort(404)
    return version


@bp.route("/<int:assessment_id>/v/<int:number>", methods=["GET", "POST"])
def index(assessment_id: int, number: int) -> str | Response:
    assessment = assessment_or_404(assessment_id)
    version = _submitted(assessment, number)
    editing = can_edit(current_user, assessment)
    shares = sharing.shares_of(version)
    form = ShareForm()
    shared = {share.organisation_id for share in shares}
    form.organisation_id.choices = [SelectChoice(o.id, o.name) for o in sharing.commissioners() if o.id not in shared]
    if form.validate_on_submit():
        if not editing:
            abort(403)
        organisation = db.session.get(Organisation, form.organisation_id.data)
        sharing.share(version, organisation, current_user)
        db.session.commit()
        flash(f"Version {version.number} is now shared with {organisation.name}.")
        return redirect(url_for("sharing.index", assessment_id=assessment.id, number=number))
    return render_template(
        "sharing/index.html",
        assessment=assessment,
        version=version,
        shares=shares,
        form=form,
        queries=sharing.queries_of(version),
        can_edit=editing,
    )


@bp.route("/<int:assessment_id>/v/<int:number>/queries/<int:query_id>", methods=["GET", "POST"])
def reply(assessment_id: int, number: int, query_id: int) -> str | Response:
    assessment = assessment_or_404(assessment_id, edit=True)
    version = _submitted(assessment, number)
    query = sharing.query_or_404(version, query_id)
    form, _ = resumed_form(ReplyForm, {"response": query.response or ""})
    if form.validate_on_submit():
        sharing.answer_query(query, current_user, form.response.data.strip())
        db.session.commit()
        flash("Your reply has been sent to the commissioner.")
        return redirect(url_for("sharing.index", assessment_id=assessment.id, number=number, _anchor="queries"))
    return render_template("sharing/reply.html", assessment=assessment, version=version, query=query, form=form)
