"""Administration: organisations, people and their roles."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from readiness import audit
from readiness.extensions import db
from readiness.forms import OrganisationForm, UserForm
from readiness.models import Membership, Organisation, User
from readiness.models.accounts import ROLES
from readiness.permissions import require_role

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _administrators_only() -> None:
    require_role("administrator")


@bp.route("/")
def index() -> str:
    organisations = db.session.scalars(db.select(Organisation).order_by(Organisation.name)).all()
    users = db.session.scalars(db.select(User).order_by(User.name)).all()
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
    form.organisation_id.choices = [
        SelectChoice(o.id, o.name) for o in db.session.scalars(db.select(Organisation).order_by(Organisation.name))
    ]
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
