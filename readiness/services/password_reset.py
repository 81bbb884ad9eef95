"""Password reset links: signed, expiring, and single use because they are bound to the password they replace.

A link carries the person's id and a fingerprint of their current password hash, signed with the secret key
and timestamped (itsdangerous). Setting a new password changes the hash, so the link (and every other link
issued before it) stops working; so does its age passing PASSWORD_RESET_HOURS. Nothing is stored.
"""

from __future__ import annotations

import hashlib
import logging

from flask import current_app, url_for
from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer

from readiness import audit, mail
from readiness.extensions import db
from readiness.models import User
from readiness.services import sessions
from readiness.services.notifications import link_to

log = logging.getLogger(__name__)
SALT = "password-reset"


class _Signer(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(sessions.now())  # the service's clock, which tests can move


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT, signer=_Signer)  # type: ignore[arg-type]


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]


def make_token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "password": _fingerprint(user)})


def person_for(token: str) -> User | None:
    """The active person a reset token is for, or None when it is forged, expired, used or superseded."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_HOURS"] * 3600)
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        return None
    user = db.session.get(User, data["user"])
    if user is None or not user.is_active or data.get("password") != _fingerprint(user):
        return None
    return user


def issue_reset_link(user: User, actor: User | None) -> str:
    """A reset link for ``user``, audited as issued by ``actor``; the caller commits."""
    path = url_for("account.reset_password", token=make_token(user))
    link = link_to(path) or path
    audit.record(
        "password_reset_link_issued",
        "user",
        user.id,
        actor_id=actor.id if actor else None,
        email=user.email,
        via="administration" if actor else "command line",
    )
    return link


def email_reset_link(user: User, link: str) -> bool:
    """Send the link to the person when SMTP is configured and the link is absolute; return whether it went."""
    if not mail.enabled() or user.is_demo or not link.startswith(("http://", "https://")):
        return False
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    body = (
        f"Hello {user.name},\n\n"
        "An administrator of Role readiness has sent you a link to set a new password:\n"
        f"{link}\n\n"
        f"The link works once, for {hours} hours. If you did not expect it, tell your administrator.\n"
    )
    return mail.send(user.email, "Set a new password for Role readiness", body)


def set_new_password(user: User, password: str) -> None:
    """Set the password from a reset link: the link stops working and every session the person had ends."""
    user.set_password(password)
    sessions.end_all_sessions(user)
    audit.record("password_reset", "user", user.id, actor_id=user.id)
