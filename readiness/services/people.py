"""People over their whole life: roles in several organisations, deactivation and reactivation.

The screens and the command line both call these functions, so the rules hold whichever way a change is made.
Each function adds the change and its audit event to the session; the caller commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func

from readiness import audit
from readiness.extensions import db
from readiness.models import Membership, Organisation, User
from readiness.models.accounts import ROLES
from readiness.services.sessions import end_all_sessions


class PeopleError(Exception):
    """A change the rules refuse; the message is written for the person who asked for it."""


def active_administrator_ids() -> set[int]:
    return set(
        db.session.scalars(
            db.select(User.id).join(Membership).where(Membership.role == "administrator", User.active.is_(True))
        )
    )


def is_last_administrator(person: User) -> bool:
    """Whether ``person`` is the only active administrator left, so the service would have nobody to run it."""
    return active_administrator_ids() == {person.id}


def managed_organisation_ids(admin: User) -> set[int]:
    """The organisations whose people ``admin`` manages: those they administer, and those with no active
    administrator of their own (such as one just added), which the service's administrators run."""
    administered = (
        db.select(Membership.organisation_id)
        .join(User)
        .where(Membership.role == "administrator", User.active.is_(True))
    )
    unadministered = db.session.scalars(db.select(Organisation.id).where(Organisation.id.not_in(administered)))
    return admin.organisation_ids("administrator") | set(unadministered)


def may_manage(admin: User, person: User) -> bool:
    """An administrator manages a person who belongs to an organisation they manage (or to none at all)."""
    return not person.memberships or bool(person.organisation_ids() & managed_organisation_ids(admin))


def people_managed_by(admin: User) -> list[User]:
    """The people an administrator manages, by name; deactivated people too, so they can be reactivated."""
    managed = managed_organisation_ids(admin)
    people = db.session.scalars(db.select(User).order_by(User.name, User.id)).all()
    return [person for person in people if not person.memberships or person.organisation_ids() & managed]


def deactivate(person: User, *, by: User | None = None, **detail: Any) -> None:
    """Stop ``person`` signing in and end their sessions; everything they did stays theirs."""
    if not person.active:
        raise PeopleError(f"{person.name} is already deactivated")
    if by is not None and by.id == person.id:
        raise PeopleError("You cannot deactivate your own account. Ask another administrator")
    if is_last_administrator(person):
        raise PeopleError(
            f"{person.name} is the last administrator, so cannot be deactivated. "
            "Make someone else an administrator first"
        )
    person.active = False
    end_all_sessions(person)
    audit.record("user_deactivated", "user", person.id, email=person.email, **detail)


def reactivate(person: User, **detail: Any) -> None:
    """Let a deactivated person sign in again, with the roles they still hold."""
    if person.active:
        raise PeopleError(f"{person.name} is already active")
    person.active = True
    audit.record("user_reactivated", "user", person.id, email=person.email, **detail)


def add_membership(person: User, organisation: Organisation, role: str, **detail: Any) -> Membership:
    """Give ``person`` a role in an organisation, alongside any they hold elsewhere."""
    if role not in ROLES:
        raise PeopleError("Select a role")
    if role in person.roles_in(organisation.id):
        raise PeopleError(f"{person.name} is already {_a(ROLES[role])} of {organisation.name}")
    membership = Membership(user_id=person.id, organisation_id=organisation.id, role=role)
    db.session.add(membership)
    person.memberships.append(membership)
    audit.record(
        "role_added", "user", person.id, organisation_id=organisation.id, email=person.email, role=role, **detail
    )
    return membership


def remove_membership(person: User, membership: Membership, **detail: Any) -> None:
    """Take a role away and end the person's sessions, so the pages of that role close to them at once."""
    if membership.user_id != person.id:
        raise PeopleError(f"{person.name} does not hold that role")
    if len(person.memberships) == 1:
        raise PeopleError(
            f"This is {person.name}'s only role. Give them another role first, or deactivate them if they have left"
        )
    keeps_administrator = any(
        other.role == "administrator" for other in person.memberships if other.id != membership.id
    )
    if membership.role == "administrator" and not keeps_administrator and is_last_administrator(person):
        raise PeopleError(
            f"{person.name} is the last administrator, so cannot lose the administrator role. "
            "Make someone else an administrator first"
        )
    organisation_id, role = membership.organisation_id, membership.role
    person.memberships.remove(membership)  # the relationship's delete-orphan cascade removes the row
    end_all_sessions(person)
    audit.record(
        "role_removed", "user", person.id, organisation_id=organisation_id, email=person.email, role=role, **detail
    )


def person_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(func.lower(User.email) == email.strip().lower()))


def _a(noun: str) -> str:
    return ("an " if noun[0].lower() in "aeiou" else "a ") + noun.lower()
