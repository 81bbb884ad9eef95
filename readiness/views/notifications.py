"""A person's notifications: the count in the header, the list, following one, marking all as read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, user_logged_in
from werkzeug.wrappers import Response

from readiness.extensions import db
from readiness.forms import ConfirmForm
from readiness.models import User
from readiness.models.accounts import utcnow
from readiness.permissions import notification_or_404
from readiness.services import notifications, reminders

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Everyone signed in has notifications; each one is checked to be their own."""


@bp.app_context_processor
def _unread() -> dict[str, Callable[[], int]]:
    """The header's count, worked out only when a page shows it."""
    return {"unread_notifications": lambda: notifications.unread_count(current_user)}


@user_logged_in.connect
def _remind_on_sign_in(_: Any, user: User, **__: Any) -> None:
    """Reminders need no scheduler to reach someone who signs in: send them their own, once each."""
    reminders.send_reminders(utcnow().date(), person=user)


@bp.route("/")
def index() -> str:
    return render_template(
        "notifications/index.html",
        items=notifications.notifications_of(current_user),
        kind_label=notifications.kind_label,
        form=ConfirmForm(),
    )


@bp.route("/<int:notification_id>")
def follow(notification_id: int) -> Response:
    """Open what a notification is about, marking it read."""
    notification = notification_or_404(notification_id)
    notifications.mark_read(notification)
    db.session.commit()
    return redirect(notification.path)


@bp.route("/read", methods=["POST"])
def mark_all_read() -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    count = notifications.mark_all_read(current_user)
    db.session.commit()
    flash("All your notifications are marked as read." if count else "You had no unread notifications.")
    return redirect(url_for("notifications.index"))
