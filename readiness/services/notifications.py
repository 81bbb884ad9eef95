"""Tell people what concerns them: in the service, and by email when SMTP is configured.

``notify`` is the one entry point. A notification is a short title and the path of the page it
concerns; it never carries an assessment's answers, because its title is also an email's subject.
Emails are handed to the SMTP server only once the change that caused them is committed, so a
rolled-back change tells nobody anything.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from flask import current_app, g
from sqlalchemy import event, func
from sqlalchemy.orm import Session

from readiness import mail
from readiness.extensions import db
from readiness.models import Assessment, Membership, Notification, User
from readiness.models.accounts import utcnow

log = logging.getLogger(__name__)
OUTBOX = "readiness.outbox"
LISTED = 100  # the list shows the newest this many; older ones stay in the database
KIND_LABELS = {
    "submitted": "Awaiting a decision",
    "decision": "Board decision",
    "shared": "Bid shared with you",
    "query_raised": "Query",
    "query_answered": "Reply to your query",
    "action_due": "Action due soon",
    "action_overdue": "Action overdue",
}


def kind_label(kind: str) -> str:
    """The words for a kind of notification; kinds added later read well without an entry here."""
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def notify(
    recipients: Iterable[User],
    kind: str,
    title: str,
    path: str,
    *,
    assessment: Assessment | None = None,
    dedupe_key: str | None = None,
    actor: User | None = None,
) -> list[Notification]:
    """Tell each active recipient (but not ``actor``, who did it) about something, once per ``dedupe_key``.

    ``title`` is short and holds nothing from an assessment but its title: it is also the email's
    subject. ``path`` is a path on this site. The caller commits, with the change being told about.
    """
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"a notification links to a path on this site, not {path!r}")
    title = " ".join(title.split())[:300]  # one line: it becomes an email header
    people = {user.id: user for user in recipients if user.active and (actor is None or user.id != actor.id)}
    if dedupe_key is not None and people:
        told = db.session.scalars(
            db.select(Notification.user_id).where(
                Notification.dedupe_key == dedupe_key, Notification.user_id.in_(list(people))
            )
        )
        for user_id in told:
            people.pop(user_id, None)
    created = []
    for user in people.values():
        item = Notification(
            user_id=user.id,
            kind=kind,
            title=title,
            path=path,
            assessment_id=assessment.id if assessment else None,
            dedupe_key=dedupe_key,
        )
        db.session.add(item)
        created.append(item)
        _queue_email(user, title, path)
    if created:
        _forget_unread()
    return created


def path_for(endpoint: str, anchor: str | None = None, **values: Any) -> str:
    """The path of a page, built without a request (the command line and the demo have none)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return path + (f"#{anchor}" if anchor else "")


def people_with_role(organisation_id: int, role: str) -> list[User]:
    """Active people holding ``role`` in an organisation."""
    return list(
        db.session.scalars(
            db.select(User)
            .join(Membership)
            .where(Membership.organisation_id == organisation_id, Membership.role == role, User.active.is_(True))
            .order_by(User.id)
        )
    )


def team_of(assessment: Assessment) -> list[User]:
    """The people who work on an assessment: its organisation's project leads and invited editors."""
    people = {user.id: user for user in people_with_role(assessment.organisation_id, "project_lead")}
    people |= {editor.user_id: editor.user for editor in assessment.editors if editor.user.active}
    return list(people.values())


# The header's count, read with the signed-in person (``sessions.load``) so a page needs no query of
# its own; anything that changes a person's notifications in the request forgets it.
KNOWN_UNREAD = "readiness.unread_notifications"


def unread_count_of(user_id: Any) -> Any:
    """How many unread notifications a person has, as SQL (``user_id`` a value or a column): one indexed count."""
    return (
        db.select(func.count(Notification.id))
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


def remember_unread(user: User, count: int) -> None:
    setattr(g, KNOWN_UNREAD, (user.id, count))


def _forget_unread() -> None:
    if g:
        g.pop(KNOWN_UNREAD, None)


def unread_count(user: User) -> int:
    known = g.get(KNOWN_UNREAD) if g else None
    if known is not None and known[0] == user.id:
        return known[1]
    return db.session.scalar(db.select(unread_count_of(user.id)))


def notifications_of(user: User) -> list[Notification]:
    """A person's newest notifications, unread first."""
    return list(
        db.session.scalars(
            db.select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(), Notification.id.desc())
            .limit(LISTED)
        )
    )


def mark_read(notification: Notification) -> None:
    _forget_unread()
    if notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(user: User) -> int:
    """Mark every unread notification of one person as read; return how many there were."""
    _forget_unread()
    changed = db.session.execute(
        db.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return changed.rowcount


def link_to(path: str) -> str | None:
    """The absolute address of a path, for an email: from SERVICE_URL, else SERVER_NAME; never from a request."""
    base = current_app.config.get("SERVICE_URL") or ""
    if not base and current_app.config.get("SERVER_NAME"):
        base = f"{current_app.config['PREFERRED_URL_SCHEME']}://{current_app.config['SERVER_NAME']}"
    return f"{base.rstrip('/')}{path}" if base else None


def _queue_email(user: User, title: str, path: str) -> None:
    if not mail.enabled() or user.is_demo:  # demo accounts have made-up addresses
        return
    link, everything = link_to(path), link_to(path_for("notifications.index"))
    if link is None or everything is None:
        log.warning("no email sent for %r: set SERVICE_URL so emails can link to the service", title)
        return
    body = (
        f"{title}\n\n"
        f"Open it in Role readiness:\n{link}\n\n"
        f"All your notifications:\n{everything}\n\n"
        "This email never contains anything from an assessment but its title. Sign in to read the rest.\n"
    )
    db.session.info.setdefault(OUTBOX, []).append((user.email, title, body))


@event.listens_for(Session, "after_commit")
def _send_queued(session: Session) -> None:
    for to, subject, body in session.info.pop(OUTBOX, ()):
        try:
            mail.send(to, subject, body)
        except Exception:  # the change is committed: a broken email must not look like a failed save
            log.exception("could not send a notification email to %s", to)


@event.listens_for(Session, "after_rollback")
def _forget_queued(session: Session) -> None:
    session.info.pop(OUTBOX, None)
