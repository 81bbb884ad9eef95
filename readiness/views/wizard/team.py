"""Invite colleagues of the same organisation to edit an assessment."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from readiness import audit
from readiness.extensions import db
from readiness.forms import ServiceForm
from readiness.models import AssessmentEditor, Membership, User
from readiness.permissions import assessment_or_404
from readiness.views.wizard import bp


class EditorForm(ServiceForm):
    user_id = SelectField("Colleague", coerce=int, validators=[InputRequired("Select a colleague")])


@bp.route("/<int:assessment_id>/editors", methods=["GET", "POST"])
def editors(assessment_id: int) -> str | Response:
    assessment = assessment_or_404(assessment_id, edit=True)
    current = {editor.user_id for editor in assessment.editors}
    colleagues = db.session.scalars(
        db.select(User)
        .join(Membership)
        .where(Membership.organisation_id == assessment.organisation_id, User.active.is_(True))
        .distinct()
        .order_by(User.name)
    ).all()
    form = EditorForm()
    form.user_id.choices = [
        SelectChoice(u.id, f"{u.name} ({u.email})")
        for u in colleagues
        if u.id not in current and u.id != current_user.id
    ]
    if form.validate_on_submit():
        db.session.add(AssessmentEditor(assessment_id=assessment.id, user_id=form.user_id.data))
        audit.record(
            "editor_added",
            "assessment",
            assessment.id,
            organisation_id=assessment.organisation_id,
            assessment_id=assessment.id,
            editor=form.user_id.data,
        )
        db.session.commit()
        flash("Colleague added. They can now edit this assessment.")
        return redirect(url_for("wizard.editors", assessment_id=assessment.id))
    return render_template("wizard/editors.html", assessment=assessment, form=form)
