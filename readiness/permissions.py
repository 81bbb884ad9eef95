"""Who may do what to which object. Every view asks here; nothing else decides access."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import Select

from readiness.extensions import db
from readiness.models import Assessment, AssessmentEditor, AssessmentVersion, Notification, Share, User


def can_view(user: User, assessment: Assessment) -> bool:
    """Members of the owning organisation (leads, board members) and invited editors."""
    roles = user.roles_in(assessment.organisation_id) & {"project_lead", "board_member"}
    return bool(roles) or can_edit(user, assessment)


def can_edit(user: User, assessment: Assessment) -> bool:
    """Project leads of the owning organisation, and colleagues invited as editors."""
    if "project_lead" in user.roles_in(assessment.organisation_id):
        return True
    return any(editor.user_id == user.id for editor in assessment.editors)


def can_decide(user: User, assessment: Assessment) -> bool:
    return "board_member" in user.roles_in(assessment.organisation_id)


def shared_with(user: User, version: AssessmentVersion) -> bool:
    """A commissioner sees a submitted version shared with one of their organisations."""
    organisations = user.organisation_ids("commissioner")
    if not organisations or version.is_draft:
        return False
    found = db.session.scalar(
        db.select(Share.id).where(Share.version_id == version.id, Share.organisation_id.in_(organisations))
    )
    return found is not None


def can_view_version(user: User, version: AssessmentVersion) -> bool:
    return can_view(user, version.assessment) or shared_with(user, version)


def visible_versions(user: User, assessment: Assessment) -> list[AssessmentVersion]:
    """The versions a person may see, oldest first: all of them for the team; for a commissioner, only
    the submitted versions shared with their organisations (never a draft); none for anyone else."""
    if can_view(user, assessment):
        return list(assessment.versions)
    organisations = user.organisation_ids("commissioner")
    if not organisations:
        return []
    shared = set(
        db.session.scalars(
            db.select(Share.version_id)
            .join(AssessmentVersion, AssessmentVersion.id == Share.version_id)
            .where(AssessmentVersion.assessment_id == assessment.id, Share.organisation_id.in_(organisations))
        )
    )
    return [version for version in assessment.versions if version.id in shared and not version.is_draft]


def assessment_ids_editable_by(user: User) -> Select[tuple[int]]:
    """A subquery of the ids of the assessments a person may edit (see ``can_edit``), for filtering in SQL."""
    editing = db.select(AssessmentEditor.assessment_id).where(AssessmentEditor.user_id == user.id)
    return db.select(Assessment.id).where(
        Assessment.organisation_id.in_(user.organisation_ids("project_lead")) | Assessment.id.in_(editing)
    )


def assessment_or_404(assessment_id: int, *, edit: bool = False) -> Assessment:
    """Load an assessment the current user may see (or edit); others get 404, not a hint."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or not can_view(current_user, assessment):
        abort(404)
    if edit and not can_edit(current_user, assessment):
        abort(403)
    return assessment


def version_or_404(assessment_id: int, number: int) -> AssessmentVersion:
    """Load a version the current user may read: its own team, or a commissioner it was shared with."""
    version = db.session.scalar(
        db.select(AssessmentVersion).where(
            AssessmentVersion.assessment_id == assessment_id, AssessmentVersion.number == number
        )
    )
    if version is None or not can_view_version(current_user, version):
        abort(404)
    return version


def versions_or_404(assessment_id: int) -> tuple[Assessment, list[AssessmentVersion]]:
    """Load an assessment and the versions the current user may see; seeing none of them is a 404."""
    assessment = db.session.get(Assessment, assessment_id)
    versions = visible_versions(current_user, assessment) if assessment is not None else []
    if assessment is None or not versions:
        abort(404)
    return assessment, versions


def notification_or_404(notification_id: int) -> Notification:
    """Load one of the current user's own notifications; anyone else's is a 404."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    return notification


def require_role(role: str) -> None:
    if not current_user.has_role(role):
        abort(403)
