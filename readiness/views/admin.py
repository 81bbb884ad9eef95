"""Administration: organisations, and people over their whole life (roles, deactivation, reactivation).

The rules live in ``readiness.services.people``; these views only ask and show."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from readiness import audit
from readiness.extensions import db
from readiness.forms import ConfirmForm, MembershipForm, OrganisationForm, UserForm
from readiness.models import Membership, Organisation, User
from readiness.models.accounts import ROLES
from readiness.permissions import require_role
from readiness.services import people

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _administrators_only() -> None:
    require_role("administrator")


@bp.route("/")
def index() -> str:
    organisations = db.session.scalars(db.select(Organisation).order_by(Organisation.name)).all()
    users = people.people_managed_by(current_user)
    return render_template("admin/index.html", organisations=organisations, users=users, roles=ROLES)


@bp.route("/organisations/new", methods=["GET", "POST"])
def new_organisation() -> str | Response:
    form = OrganisationForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        if db.session.scalar(db.select(Organisation.id).where(Organisation.name == name)):
            form.name.errors.append("An organisation with this name already exists")
        else:
            organisation = Organisation(name=name, kind=form.kind.data)
            db.session.add(organisation)
            db.session.flush()
            audit.record(
                "organisation_created", "organisation", organisation.id, organisation_id=organisation.id, name=name
            )
            db.session.commit()
            flash(f"{name} added.")
            return redirect(url_for("admin.index"))
    return render_template("admin/organisation_form.html", form=form)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user() -> str | Response:
    form = UserForm()
    form.organisation_id.choices = _managed_organisation_choices()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        if db.session.scalar(db.select(User.id).where(User.email == email)):
            form.email.errors.append("A person with this email address already has an account")
        else:
            user = User(email=email, name=form.name.data.strip())
            user.set_password(form.password.data)
            db.session.add(user)
            db.session.flush()
            db.session.add(Membership(user_id=user.id, organisation_id=form.organisation_id.data, role=form.role.data))
            audit.record(
                "user_created",
                "user",
                user.id,
                organisation_id=form.organisation_id.data,
                email=email,
                role=form.role.data,
            )
            db.session.commit()
            flash(f"Account created for {user.name}.")
            return redirect(url_for("admin.index"))
    return render_template("admin/user_form.html", form=form)


def _managed_organisation_choices() -> list[SelectChoice]:
    managed = people.managed_organisation_ids(current_user)
    organisations = db.session.scalars(db.select(Organisation).order_by(Organisation.name))
    return [SelectChoice(o.id, o.name) for o in organisations if o.id in managed]


def _person_or_404(user_id: int) -> User:
    """A person this administrator manages; anyone else is a 404, not a hint that they exist."""
    person = db.session.get(User, user_id)
    if person is None or not people.may_manage(current_user, person):
        abort(404)
    return person


def _person_page(person: User, form: MembershipForm | None = None, problem: str | None = None) -> str:
    if form is None:
        form = MembershipForm(formdata=None)
        form.organisation_id.choices = _managed_organisation_choices()
    return render_template(
        "admin/person.html",
        person=person,
        form=form,
        button=ConfirmForm(),
        managed=people.managed_organisation_ids(current_user),
        roles=ROLES,
        problem=problem,
    )


@bp.route("/people/<int:user_id>")
def person(user_id: int) -> str:
    return _person_page(_person_or_404(user_id))


@bp.route("/people/<int:user_id>/roles", methods=["POST"])
def add_role(user_id: int) -> str | Response:
    person = _person_or_404(user_id)
    form = MembershipForm()
    form.organisation_id.choices = _managed_organisation_choices()
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data)
        try:
            people.add_membership(person, organisation, form.role.data)
        except people.PeopleError as refused:
            form.role.errors.append(str(refused))
        else:
            db.session.commit()
            flash(f"{person.name} is now {ROLES[form.role.data]} of {organisation.name}.")
            return redirect(url_for("admin.person", user_id=person.id))
    return _person_page(person, form=form)


@bp.route("/people/<int:user_id>/roles/<int:membership_id>/remove", methods=["POST"])
def remove_role(user_id: int, membership_id: int) -> str | Response:
    person = _person_or_404(user_id)
    membership = db.session.get(Membership, membership_id)
    managed = people.managed_organisation_ids(current_user)
    if membership is None or membership.user_id != person.id or membership.organisation_id not in managed:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    role, organisation = ROLES[membership.role], membership.organisation.name
    try:
        people.remove_membership(person, membership)
    except people.PeopleError as refused:
        return _person_page(person, problem=str(refused))
    db.session.commit()
    flash(f"{person.name} is no longer {role} of {organisation}. Their sessions have ended.")
    if not current_user.is_authenticated or person.id == current_user.id:
        return redirect(url_for("auth.sign_in"))
    return redirect(url_for("admin.person", user_id=person.id))


@bp.route("/people/<int:user_id>/deactivate", methods=["GET", "POST"])
def deactivate(user_id: int) -> str | Response:
    person = _person_or_404(user_id)
    form = ConfirmForm()
    problem = None
    if form.validate_on_submit():
        try:
            people.deactivate(person, by=current_user)
        except people.PeopleError as refused:
            problem = str(refused)
        else:
            db.session.commit()
            flash(f"{person.name} is deactivated and signed out everywhere. What they did stays in their name.")
            return redirect(url_for("admin.person", user_id=person.id))
    return render_template("admin/deactivate.html", person=person, button=form, problem=problem)


@bp.route("/people/<int:user_id>/reactivate", methods=["POST"])
def reactivate(user_id: int) -> str | Response:
    person = _person_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        people.reactivate(person)
    except people.PeopleError as refused:
        return _person_page(person, problem=str(refused))
    db.session.commit()
    flash(f"{person.name} can sign in again.")
    return redirect(url_for("admin.person", user_id=person.id))
