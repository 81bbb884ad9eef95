"""Upload evidence for an answer, and download it if you may see the assessment."""

from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_wtf.file import FileField
from werkzeug.wrappers import Response
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from readiness import audit
from readiness.extensions import db
from readiness.forms import ServiceForm
from readiness.models import Evidence
from readiness.permissions import assessment_or_404, can_view_version
from readiness.services import assessments, files
from readiness.services.evidence import CheckedUpload, EvidenceRefused, check
from readiness.views.wizard import bp
from readiness.views.wizard.pages import version_of


class EvidenceForm(ServiceForm):
    question_id = SelectField(
        "Which answer does this evidence support?",
        validators=[InputRequired("Select the answer this evidence supports")],
    )
    upload = FileField("Upload a file")


@bp.route("/<int:assessment_id>/v/<int:number>/evidence", methods=["GET", "POST"])
def evidence(assessment_id: int, number: int) -> str | Response:
    assessment = assessment_or_404(assessment_id, edit=True)
    version = version_of(assessment, number)
    if not version.is_draft:
        abort(403)
    questionnaire = assessments.questionnaire_of(version)
    effective = questionnaire.applicable(assessments.answers_of(version))
    questions = [q for s in questionnaire.sections[1:] for q in s.questions if q.id in effective]
    form = EvidenceForm(question_id=request.args.get("question"))
    form.question_id.choices = [SelectChoice(q.id, q.text) for q in questions]
    if form.validate_on_submit():
        stored = _checked(form)
        if stored is not None:
            item = Evidence(
                version_id=version.id,
                question_id=form.question_id.data,
                original_name=stored.original_name,
                stored_name=files.save(stored.content, stored.content_type),
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                uploaded_by_id=current_user.id,
            )
            db.session.add(item)
            db.session.flush()
            audit.record(
                "evidence_uploaded",
                "evidence",
                item.id,
                organisation_id=assessment.organisation_id,
                assessment_id=assessment.id,
                question=item.question_id,
                name=item.original_name,
                sha256=item.sha256,
            )
            db.session.commit()
            flash(f"{stored.original_name} uploaded.")
            return redirect(url_for("wizard.evidence", assessment_id=assessment.id, number=number))
    items = db.session.scalars(
        db.select(Evidence).where(Evidence.version_id == version.id).order_by(Evidence.uploaded_at)
    ).all()
    return render_template(
        "wizard/evidence.html",
        assessment=assessment,
        version=version,
        form=form,
        items=items,
        questions={q.id: q for q in questions},
    )


def _checked(form: EvidenceForm) -> CheckedUpload | None:
    """The checked upload, or None with the reason it was refused on the form."""
    upload = form.upload.data
    try:
        if not upload:
            raise EvidenceRefused("Select a file to upload")
        return check(upload, current_app.config["MAX_UPLOAD_BYTES"])
    except EvidenceRefused as refused:
        form.upload.errors = [str(refused)]
        return None
    finally:
        if upload:
            upload.close()


@bp.route("/<int:assessment_id>/v/<int:number>/evidence/<int:evidence_id>")
def download(assessment_id: int, number: int, evidence_id: int) -> Response:
    item = db.session.get(Evidence, evidence_id)
    if item is None or item.version.assessment_id != assessment_id or item.version.number != number:
        abort(404)
    if not can_view_version(current_user, item.version):
        abort(404)
    content = files.content_of(item.stored_name, current_app.config.get("LEGACY_UPLOAD_FOLDER"))
    if content is None:
        abort(404)
    db.session.commit()  # keeps a file just moved in from the old local folder
    return send_file(
        io.BytesIO(content),
        mimetype=item.content_type,
        as_attachment=True,
        download_name=item.original_name,
        etag=item.sha256,
        last_modified=item.uploaded_at,
    )


@bp.teardown_request
def _close_uploads(_: BaseException | None) -> None:
    """Close spooled upload files now rather than whenever the garbage collector gets to them."""
    request.close()
