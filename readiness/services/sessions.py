"""Sessions that the server can end: each one remembers the person's session epoch when it began."""

from __future__ import annotations

from flask import session
from flask_login import login_user
from sqlalchemy.orm import joinedload

from readiness.extensions import db
from readiness.models import User

EPOCH_KEY = "epoch"


def begin(user: User) -> None:
    """Sign ``user`` in on a fresh session tied to their current epoch."""
    session.clear()
    login_user(user)
    session[EPOCH_KEY] = user.session_epoch


def load(user_id: str) -> User | None:
    """The signed-in person, or None when they are deactivated or their sessions were ended since this one began."""
    # One query, memberships and their organisations joined: every request loads the person.
    user = (
        db.session.scalars(db.select(User).options(joinedload(User.memberships)).where(User.id == int(user_id)))
        .unique()
        .one_or_none()
    )
    if user is None or not user.is_active or session.get(EPOCH_KEY) != user.session_epoch:
        return None
    return user


def end_all_sessions(user: User) -> None:
    """End every session ``user`` holds on every device; the caller commits."""
    user.session_epoch += 1
