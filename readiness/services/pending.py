"""Keep a page posted after the session expired, so signing in again loses nothing typed."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Request
from werkzeug.datastructures import MultiDict

from readiness.extensions import db
from readiness.models import PendingForm
from readiness.models.accounts import utcnow

KEEP_FOR = timedelta(days=2)


def keep(request: Request) -> str:
    """Store the posted fields (never the CSRF token or files) and return the token to resume with."""
    token = secrets.token_urlsafe(32)
    fields = [[key, value] for key, value in request.form.items(multi=True) if key != "csrf_token"]
    db.session.add(PendingForm(token=token, path=request.path, data=fields))
    db.session.execute(db.delete(PendingForm).where(PendingForm.created_at < utcnow() - KEEP_FOR))
    db.session.commit()
    return token


def take(token: str | None, path: str) -> MultiDict[str, str] | None:
    """Return and forget the fields posted to ``path`` under ``token``, if any."""
    if not token:
        return None
    pending = db.session.scalar(db.select(PendingForm).where(PendingForm.token == token, PendingForm.path == path))
    if pending is None:
        return None
    db.session.delete(pending)
    db.session.commit()
    return MultiDict([(key, value) for key, value in pending.data])
