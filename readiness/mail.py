"""Email, when SMTP is configured: plain text that names a thing and links to it, never its content.

Email leaves the service's control, so messages carry a title and a link and nothing from an
assessment's answers. Sending never breaks the request that caused it: the service's own record
(a notification, a reset link shown to an administrator) is what counts; email is a courtesy.
"""

from __future__ import annotations

import logging
import os
import smtplib
from typing import Any

from flask import Flask, current_app
from flask_mail import Mail, Message

mail = Mail()
log = logging.getLogger(__name__)


def settings() -> dict[str, Any]:
    """Flask-Mail's settings from the environment; no MAIL_SERVER means email is off."""
    return {
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "") == "1",
        "MAIL_USE_SSL": os.environ.get("MAIL_USE_SSL", "") == "1",
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "Role readiness <no-reply@localhost>"),
        # Flask-Mail suppresses sending whenever TESTING is on; the tests talk to a real SMTP server instead.
        "MAIL_SUPPRESS_SEND": False,
    }


def init_app(app: Flask) -> None:
    mail.init_app(app)


def enabled() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send(to: str, subject: str, body: str) -> bool:
    """Send one plain-text email if SMTP is configured; return whether it was handed to the server."""
    if not enabled():
        return False
    try:
        mail.send(Message(subject=subject, recipients=[to], body=body))
    except (OSError, smtplib.SMTPException):
        log.exception("could not send email %r to %s", subject, to)
        return False
    return True
