"""Sessions that the server can end.

The session itself lives on the server (Flask-Session, see readiness/session_store.py), so signing out deletes
it and a copied cookie opens nothing. Each session also remembers the person's session epoch when it began:
raising the epoch ends every session the person holds, on every device, without having to find them.
Each session has an idle limit and an absolute limit, checked whenever the person is loaded.
"""

from __future__ import annotations

import time

from flask import current_app, session
from flask_login import login_user, logout_user
from sqlalchemy.orm import joinedload

from readiness.extensions import db
from readiness.models import User
from readiness.services import notifications

EPOCH_KEY = "epoch"
BEGAN_KEY = "began"
SEEN_KEY = "seen"
# How stale the last-seen stamp may be: rewriting the stored session on every request would cost a write
# per page for a precision the idle limit (minutes to hours) does not need.
SEEN_RESOLUTION = 30


def now() -> float:
    """Seconds since the epoch; one clock for sessions and reset links, so tests can move it."""
    return time.time()


def begin(user: User) -> None:
    """Sign ``user`` in on a fresh session (a new id: none chosen before sign-in survives) tied to their epoch."""
    session.clear()
    login_user(user)
    _stamp(user)
    _new_id()


def load(user_id: str) -> User | None:
    """The signed-in person, or None when the session has ended: deactivated, ended elsewhere, idle or too old."""
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
    moment = now()
    began = session.setdefault(BEGAN_KEY, moment)
    seen = session.get(SEEN_KEY, moment)
    config = current_app.config
    if moment - seen > config["SESSION_IDLE_MINUTES"] * 60 or moment - began > config["SESSION_ABSOLUTE_HOURS"] * 3600:
        session.clear()  # deletes it from the store too
        return None
    if moment - seen >= SEEN_RESOLUTION or SEEN_KEY not in session:
        session[SEEN_KEY] = moment
    notifications.remember_unread(user, unread)
    return user


def end() -> None:
    """Sign out: delete this session from the store, so its cookie opens nothing anywhere."""
    _new_id()  # deletes the stored session; what follows (a flash) is kept under a new id
    logout_user()
    session.clear()


def end_all_sessions(user: User) -> None:
    """End every session ``user`` holds on every device; the caller commits."""
    user.session_epoch += 1


def end_other_sessions(user: User) -> None:
    """End every session ``user`` holds except this one (after they change their password); the caller commits."""
    end_all_sessions(user)
    session[EPOCH_KEY] = user.session_epoch
    _new_id()


def _stamp(user: User) -> None:
    session[EPOCH_KEY] = user.session_epoch
    session[BEGAN_KEY] = session[SEEN_KEY] = now()


def _new_id() -> None:
    current_app.session_interface.regenerate(session)  # type: ignore[attr-defined]
