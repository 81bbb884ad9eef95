"""Creating organisations and accounts, shared by the command line and the demo data."""

from __future__ import annotations

from readiness.extensions import db
from readiness.models import Membership, Organisation, User

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed to the user; demo is refused in production


def organisation_named(name: str, kind: str, demo: bool = False) -> Organisation:
    """Return the organisation with this name, creating it if needed."""
    found = db.session.scalar(db.select(Organisation).where(Organisation.name == name))
    if found is None:
        found = Organisation(name=name, kind=kind, is_demo=demo)
        db.session.add(found)
        db.session.flush()
    return found


def add_user(email: str, name: str, organisation: Organisation, role: str, password: str, demo: bool = False) -> User:
    """Add a user holding one role in one organisation (the caller commits)."""
    user = User(email=email, name=name, is_demo=demo)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    db.session.add(Membership(user_id=user.id, organisation_id=organisation.id, role=role))
    return user
