"""Dashboard, new assessment, task list and question pages."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from readiness.extensions import db
from readiness.forms import ServiceForm
from readiness.models import Assessment, AssessmentVersion, Evidence, Organisation
from readiness.models.accounts import utcnow
from readiness.permissions import assessment_or_404, can_edit
from readiness.question_forms import build_section_form, initial_data
from readiness.questionnaire import Questionnaire
from readiness.role_card import role_card
from readiness.scoring import score
from readiness.services import assessments, completeness, pending, places
from readiness.services.answers import Entry, save, saved_rows
from readiness.services.catalogue import questionnaire as current_questionnaire
from readiness.views.auth import NOT_SAVED
from readiness.views.wizard import bp


class NewAssessmentForm(ServiceForm):
    title = StringField(
        "What is the title of the role?",
        validators=[
            InputRequired("Enter the title of the role"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    organisation_id = SelectField("Organisation", coerce=int, validate_choice=True)


@bp.route("/")
def dashboard() -> str:
    rows = assessments.visible_assessments(current_user)
    progress = assessments.progress_of([version for _, version in rows])
    return render_template(
        "wizard/dashboard.html",
        rows=rows,
        progress=progress,
        can_start=bool(current_user.organisation_ids("project_lead")),
    )


@bp.route("/new", methods=["GET", "POST"])
def new() -> str | Response:
    organisation_ids = current_user.organisation_ids("project_lead")
    if not organisation_ids:
        abort(403)
    form = NewAssessmentForm()
    organisations = db.session.scalars(
        db.select(Organisation).where(Organisation.id.in_(organisation_ids)).order_by(Organisation.name)
    )
    form.organisation_id.choices = [SelectChoice(o.id, o.name) for o in organisations]
    if form.validate_on_submit():
        assessment = assessments.create(
            current_user, form.organisation_id.data, form.title.data.strip(), current_questionnaire()
        )
        return redirect(url_for("wizard.section", assessment_id=assessment.id, number=1, section_id="role"))
    return render_template("wizard/new.html", form=form)


@bp.route("/<int:assessment_id>/latest")
def latest(assessment_id: int) -> Response:
    assessment = assessment_or_404(assessment_id)
    version = assessments.latest_version(assessment)
    return redirect(url_for("wizard.task_list", assessment_id=assessment.id, number=version.number))


@bp.route("/<int:assessment_id>/v/<int:number>")
def task_list(assessment_id: int, number: int) -> str | Response:
    assessment = assessment_or_404(assessment_id)
    version = version_of(assessment, number)
    if not version.is_draft:
        return redirect(url_for("wizard.submitted", assessment_id=assessment.id, number=number))
    questionnaire = assessments.questionnaire_of(version)
    answers = assessments.answers_of(version)
    result = score(questionnaire, answers)
    statuses = assessments.section_statuses(questionnaire, answers, result)
    return render_template(
        "wizard/task_list.html",
        assessment=assessment,
        version=version,
        statuses=statuses,
        result=result,
        evidence=completeness.of_version(version, utcnow().date()),
        can_edit=can_edit(current_user, assessment),
    )


@bp.route("/<int:assessment_id>/v/<int:number>/section/<section_id>", methods=["GET", "POST"])
def section(assessment_id: int, number: int, section_id: str) -> str | Response:
    assessment = assessment_or_404(assessment_id, edit=True)
    version = version_of(assessment, number)
    if not version.is_draft:
        flash("This version has been submitted, so it cannot change. Start a new version to make changes.")
        return redirect(url_for("wizard.submitted", assessment_id=assessment.id, number=number))
    questionnaire = assessments.questionnaire_of(version)
    if section_id not in {s.id for s in questionnaire.sections}:
        abort(404)
    rows = saved_rows(version.id)
    saved = {qid: row.value for qid, row in rows.items()}
    effective = questionnaire.applicable(saved)
    in_section = questionnaire.section(section_id).questions
    # Follow-ups whose opening question is on this page are on it too, hidden until an opening answer is chosen.
    follow_ups = {
        qid: follow_up
        for qid, follow_up in questionnaire.follow_ups(in_section, saved).items()
        if follow_up.opener in effective
    }
    questions = [q for q in in_section if q.id in effective or q.id in follow_ups]
    # Only questions shown before this answer was chosen are required: without JavaScript a follow-up
    # opened by this very post was never seen, so it is asked for after saving instead.
    posted = {f.opener: request.form.get(f"q__{f.opener}") for f in follow_ups.values()}
    chosen = questionnaire.applicable(saved | posted)
    required = [q.id for q in questions if q.id in effective and q.id in chosen]
    resolving = [key.removeprefix("resolve__") for key in request.form if key.startswith("resolve__")]
    form_class = build_section_form(
        questionnaire,
        questions,
        required=request.form.get("action") == "continue",
        conflicts=resolving,
        only=required,
    )
    restored = pending.take(request.args.get("resume"), request.path)
    seen = json.dumps({q.id: rows[q.id].revision if q.id in rows else 0 for q in questions})
    if restored is not None:
        form = form_class(formdata=restored)
        form.seen.data = restored.get("seen", seen)
        flash(NOT_SAVED)
    else:
        form = form_class(
            data=initial_data(questions, {qid: Entry.of(row) for qid, row in rows.items()}) | {"seen": seen}
        )
    conflicts = []
    if request.method == "POST" and form.validate_on_submit():
        # A follow-up left closed is not saved: its answer would belong to a branch never taken.
        entries = {qid: entry for qid, entry in form.entries().items() if qid in effective or qid in chosen}
        conflicts = save(version, entries, form.seen_revisions(), current_user, form.keep_theirs())
        if not conflicts:
            return _after_save(version, questionnaire, section_id, [q.id for q in questions if q.id in effective])
        form = build_section_form(
            questionnaire, questions, required=False, conflicts=[c.question_id for c in conflicts]
        )(formdata=request.form)
        fresh = saved_rows(version.id)
        form.seen.data = json.dumps({q.id: fresh[q.id].revision if q.id in fresh else 0 for q in questions})
    evidence = db.session.scalars(
        db.select(Evidence).where(Evidence.version_id == version.id).order_by(Evidence.uploaded_at)
    ).all()
    section_ids = [s.id for s in questionnaire.sections]
    return render_template(
        "wizard/section.html",
        assessment=assessment,
        version=version,
        questionnaire=questionnaire,
        section=questionnaire.section(section_id),
        section_number=section_ids.index(section_id) + 1,
        section_count=len(section_ids),
        answered=sum(1 for q in in_section if q.id in effective and effective[q.id] not in (None, "", [])),
        applicable=sum(1 for q in in_section if q.id in effective),
        follow_ups=follow_ups,
        form=form,
        conflicts={c.question_id: c for c in conflicts},
        evidence=evidence,
        card=role_card(questionnaire, effective.get("role_profile")) if section_id == "role" else None,
    )


def _after_save(
    version: AssessmentVersion, questionnaire: Questionnaire, section_id: str, shown: list[str]
) -> Response:
    version.last_section = section_id
    effective = questionnaire.applicable(assessments.answers_of(version))
    # A follow-up answered as soon as it opened needs no second look; one left blank, or never seen, does.
    new_here = [
        q
        for q in questionnaire.section(section_id).questions
        if q.id in effective and q.id not in shown and effective[q.id] in (None, "", [])
    ]
    later = request.form.get("action") == "later"
    ids = [s.id for s in questionnaire.sections]
    following = ids[ids.index(section_id) + 1] if section_id != ids[-1] else places.CHECK
    places.remember(current_user, version, section_id if new_here or later else following)
    db.session.commit()
    if new_here:
        flash("Your answers were saved. Your answers mean more questions apply on this page: answer them too.")
        here = places.page_path(version, section_id)
        return redirect(f"{here}#q__{new_here[0].id}")
    if later:
        flash("Your answers have been saved. You can come back and carry on at any time.")
        return redirect(url_for("wizard.dashboard"))
    return redirect(places.page_path(version, following))


def version_of(assessment: Assessment, number: int) -> AssessmentVersion:
    found = next((v for v in assessment.versions if v.number == number), None)
    if found is None:
        abort(404)
    return found
