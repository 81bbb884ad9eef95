"""Sign in, sign out, and the one-time creation of the first administrator."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response

from readiness import audit
from readiness.extensions import db, login_manager
from readiness.forms import ConfirmForm, SetupForm, SignInForm
from readiness.models import Membership, Organisation, User
from readiness.services import pending, places, sessions
from readiness.views import sign_in_limits

bp = Blueprint("auth", __name__)
FormT = TypeVar("FormT", bound=FlaskForm)
SIGN_IN_FAILED = "Enter a correct email address and password"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    return sessions.load(user_id)


@login_manager.unauthorized_handler
def _unauthorized() -> Response:
    return redirect_to_sign_in()


# Pages whose typed words are kept when the session has ended by the time they are posted.
# Said when a kept post is shown again: after signing in again, or after a page opened in an earlier session.
NOT_SAVED = "This was not saved, because your session had ended. What you typed is below: check it, then save."
RESUMABLE = {"wizard.section", "reports.track", "reports.decision", "sharing.reply", "portfolio.raise_query"}


def resumed_form(form_class: type[FormT], data: dict[str, Any] | None = None) -> tuple[FormT, bool]:
    """The form as posted before the session ended, when this request resumes it; else filled from ``data``."""
    restored = pending.take(request.args.get("resume"), request.path)
    if restored is None:
        return form_class(data=data), False
    flash(NOT_SAVED)
    return form_class(formdata=restored), True


def back_with_what_was_typed() -> Response:
    """Show a signed-in person's refused post again, unsaved, on the page they posted from.

    Their CSRF token no longer matched: the page was opened in a session that has since ended (they signed
    in again in another tab, say). Nothing is saved unchecked; the fields come back for them to save.
    """
    return redirect(f"{request.path}?{urlencode({'resume': pending.keep(request)})}")


def redirect_to_sign_in() -> Response:
    """Send an anonymous visitor to sign in; a question page they posted is kept to resume."""
    if request.method == "POST" and request.endpoint in RESUMABLE:
        token = pending.keep(request)
        flash("Your session ended, so you need to sign in again. What you typed has been kept.")
        return redirect(url_for("auth.sign_in", next=f"{request.path}?resume={token}"))
    return redirect(url_for("auth.sign_in", next=request.full_path if request.method == "GET" else request.path))


def no_users_yet() -> bool:
    return db.session.scalar(db.select(User.id).limit(1)) is None


@bp.before_app_request
def _first_run() -> Response | None:
    """Until an administrator exists, every page leads to the set-up page."""
    if request.endpoint in ("auth.setup", "assets", "static", "home.health"):
        return None
    if current_app.extensions.get("readiness.has_users") or not no_users_yet():
        current_app.extensions["readiness.has_users"] = True
        return None
    return redirect(url_for("auth.setup"))


@bp.route("/setup", methods=["GET", "POST"])
def setup() -> str | Response:
    if not no_users_yet():
        abort(404)
    form = SetupForm()
    if form.validate_on_submit():
        organisation = Organisation(name=form.organisation.data.strip(), kind="provider")
        user = User(email=form.email.data.strip().lower(), name=form.name.data.strip())
        user.set_password(form.password.data)
        db.session.add_all([organisation, user])
        db.session.flush()
        db.session.add(Membership(user_id=user.id, organisation_id=organisation.id, role="administrator"))
        audit.record("first_administrator_created", "user", user.id, actor_id=user.id, email=user.email)
        db.session.commit()
        sessions.begin(user)
        flash("Your administrator account is ready. Add organisations and people next.")
        return redirect(url_for("admin.index"))
    return render_template("auth/setup.html", form=form)


@bp.route("/sign-in", methods=["GET", "POST"])
@sign_in_limits.limited
def sign_in() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(db.select(User).where(User.email == email))
        if user is not None and user.is_active and user.check_password(form.password.data):
            left_off = places.landing_path(user)  # before this sign-in is audited: it looks at the last session
            sessions.begin(user)
            audit.record("signed_in", "user", user.id)
            db.session.commit()
            response = redirect(_safe_next(request.args.get("next"), left_off))
            sign_in_limits.remember_device(response, email)
            return response
        if user is None:
            _spend_the_same_time(form.password.data)
        audit.record("sign_in_failed", "user", user.id if user else None, email=email[:254])
        db.session.commit()
        form.email.errors = [SIGN_IN_FAILED]
        return render_template("auth/sign_in.html", form=form), 200
    return render_template("auth/sign_in.html", form=form)


@bp.errorhandler(RateLimitExceeded)
def _too_many_failures(error: RateLimitExceeded) -> tuple[str, int]:
    """Refuse the attempt on the sign-in page itself, saying when the next one will be let through."""
    form = SignInForm()
    reset = sign_in_limits.try_again_at()
    when = f" after {clock_time(datetime.fromtimestamp(reset, UTC))} (UTC)" if reset else " in a few minutes"
    form.email.errors = [f"There have been too many failed attempts to sign in. Try again{when}."]
    audit.record("sign_in_throttled", "user", None, email=sign_in_limits.attempted_email())
    db.session.commit()
    return render_template("auth/sign_in.html", form=form), 429


def clock_time(moment: datetime) -> str:
    """A time of day as people say it: 4:35pm."""
    return f"{moment.hour % 12 or 12}:{moment:%M}{'am' if moment.hour < 12 else 'pm'}"


def _spend_the_same_time(password: str) -> None:
    """Check one hash, as for a real user, so unknown emails answer no faster than wrong passwords."""
    check_password_hash(_stand_in_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)


@lru_cache(maxsize=4)
def _stand_in_hash(method: str) -> str:
    return generate_password_hash("no account has this password", method=method)


def _safe_next(target: str | None, left_off: str | None = None) -> str:
    """Follow ``next`` only to a path on this site; without one, go back to where the last session left off."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return left_off or url_for("home.index")


@bp.route("/sign-out")
@login_required
def confirm_sign_out() -> str:
    return render_template("auth/sign_out.html", form=ConfirmForm())


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out() -> Response:
    audit.record("signed_out", "user", current_user.id)
    db.session.commit()
    sessions.end()
    flash("You have signed out.")
    return redirect(url_for("auth.sign_in"))
