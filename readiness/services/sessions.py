"""Sessions that the server can end: each one remembers the person's session epoch when it began."""

from __future__ import annotations

from flask import session
from flask_login import login_user
from sqlalchemy.orm import joinedload

from readiness.extensions import db
from readiness.models import User
from readiness.services import notifications

EPOCH_KEY = "epoch"


def begin(user: User) -> None:
    """Sign ``user`` in on a fresh session tied to their current epoch."""
    session.clear()
    login_user(user)
    session[EPOCH_KEY] = user.session_epoch


def load(user_id: str) -> User | None:
    """The signed-in person, or None when they are deactivated or their sessions were ended since this one began."""
    # One query for every request: the person, their memberships and organisations, and the count
    # of unread notifications the header shows.
    found = (
        db.session.execute(
            db.select(User, notifications.unread_count_of(User.id))
            .options(joinedload(User.memberships))
            .where(User.id == int(user_id))
        )
        .unique()
        .one_or_none()
    )
    if found is None:
        return None
    user, unread = found
    if not user.is_active or session.get(EPOCH_KEY) != user.session_epoch:
        return None
    notifications.remember_unread(user, unread)
    return user


def end_all_sessions(user: User) -> None:
    """End every session ``user`` holds on every device; the caller commits."""
    user.session_epoch += 1
