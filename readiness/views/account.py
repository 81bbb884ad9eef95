"""A person's own account (change password, sign out everywhere), reset links, and an administrator issuing one."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from readiness import audit
from readiness.extensions import db, limiter
from readiness.forms import ChangePasswordForm, ConfirmForm, NewPasswordForm
from readiness.models import User
from readiness.permissions import require_role
from readiness.services import password_reset, people, sessions

bp = Blueprint("account", __name__)


@bp.route("/account")
@login_required
def index() -> str:
    return render_template("account/index.html", form=ConfirmForm())


def _password_not_changed(response: Response) -> bool:
    return request.method == "POST" and response.status_code != 302


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
# A stolen session must not become a way to guess the password: wrong current passwords count as failed sign-ins.
@limiter.limit(
    lambda: current_app.config["SIGN_IN_DEVICE_LIMIT"],
    key_func=lambda: f"password-change:{current_user.id}",
    methods=["POST"],
    deduct_when=_password_not_changed,
)
def change_password() -> str | Response:
    form = ChangePasswordForm()
    valid = form.validate_on_submit()
    if form.is_submitted() and form.current.data and not current_user.check_password(form.current.data):
        form.current.errors = ["Your current password is not correct"]
        valid = False
    if valid:
        current_user.set_password(form.password.data)
        sessions.end_other_sessions(current_user)
        audit.record("password_changed", "user", current_user.id)
        db.session.commit()
        flash("Your password has been changed. You have been signed out on every other device.")
        return redirect(url_for("account.index"))
    return render_template("account/password.html", form=form)


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere() -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    sessions.end_all_sessions(current_user)
    audit.record("signed_out_everywhere", "user", current_user.id)
    db.session.commit()
    sessions.end()
    flash("You have signed out on all your devices.")
    return redirect(url_for("auth.sign_in"))


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response | tuple[str, int]:
    user = password_reset.person_for(token)
    if user is None:
        return render_template("account/reset_link_unusable.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        password_reset.set_new_password(user, form.password.data)
        db.session.commit()
        if current_user.is_authenticated:
            sessions.end()
        flash("Your new password is set. Sign in with it.")
        return redirect(url_for("auth.sign_in"))
    return render_template("account/reset_password.html", form=form, person=user)


@bp.route("/admin/users/<int:user_id>/reset-link", methods=["GET", "POST"])
@login_required
def issue_reset_link(user_id: int) -> str:
    require_role("administrator")
    user = db.session.get(User, user_id)
    if user is None or not people.may_manage(current_user, user):
        abort(404)  # as on the person's page: no hint that someone outside one's organisations exists
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("account/issue_reset_link.html", form=form, person=user)
    link = password_reset.issue_reset_link(user, current_user)
    db.session.commit()
    if link.startswith("/"):  # no SERVICE_URL: the administrator is using the service at this address
        link = request.host_url.rstrip("/") + link
    emailed = password_reset.email_reset_link(user, link)
    return render_template("account/reset_link_issued.html", person=user, link=None if emailed else link)
