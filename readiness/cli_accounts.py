"""Commands for people over their whole life (create, roles, deactivate, reactivate, list) and demo data."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import NoReturn

import click
from flask import current_app
from flask.cli import with_appcontext

from readiness import audit
from readiness.extensions import db
from readiness.models import Organisation, User
from readiness.models.accounts import ROLES
from readiness.services import people
from readiness.services.accounts import DEMO_PASSWORD, add_user, organisation_named

VIA = "command line"


def _fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


def _person(email: str) -> User:
    person = people.person_by_email(email)
    if person is None:
        _fail(f"no user has the email {email.strip().lower()}")
    return person


def _organisation(name: str) -> Organisation:
    organisation = db.session.scalar(db.select(Organisation).where(Organisation.name == name.strip()))
    if organisation is None:
        _fail(f"no organisation is named {name.strip()!r}")
    return organisation


def _roles(person: User) -> str:
    return "; ".join(f"{ROLES[m.role]}, {m.organisation.name}" for m in person.memberships) or "no role"


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--organisation", required=True, help="Organisation name; created if it does not exist.")
@click.option("--role", required=True, type=click.Choice(sorted(ROLES)))
@click.option(
    "--kind", default="provider", type=click.Choice(["provider", "commissioner"]), help="Kind of a new organisation."
)
@click.password_option(help="At least 12 characters; asked for if not given.")
@with_appcontext
def create_user(email: str, name: str, organisation: str, role: str, kind: str, password: str) -> None:
    """Create a user with a role in an organisation."""
    email = email.strip().lower()
    if len(password) < 12:
        click.echo("Error: the password must be at least 12 characters", err=True)
        sys.exit(2)
    if db.session.scalar(db.select(User.id).where(User.email == email)):
        click.echo(f"Error: a user with email {email} already exists", err=True)
        sys.exit(2)
    user = add_user(email, name, organisation_named(organisation, kind), role, password)
    audit.record("user_created", "user", user.id, email=email, role=role, via="command line")
    db.session.commit()
    click.echo(f"Created {email} as {ROLES[role]} of {organisation}.")


def _apply(change: Callable[[], object]) -> None:
    """Make one change to a person and commit it; a refusal (the last administrator...) exits 2 with its reason."""
    try:
        change()
    except people.PeopleError as refused:
        _fail(str(refused))
    db.session.commit()


@click.command("deactivate-user")
@click.option("--email", required=True)
@with_appcontext
def deactivate_user(email: str) -> None:
    """Stop a person signing in and end their sessions; what they did stays attributed to them."""
    person = _person(email)
    _apply(lambda: people.deactivate(person, via=VIA))
    click.echo(f"Deactivated {person.email}. Their sessions have ended.")


@click.command("reactivate-user")
@click.option("--email", required=True)
@with_appcontext
def reactivate_user(email: str) -> None:
    """Let a deactivated person sign in again, with the roles they still hold."""
    person = _person(email)
    _apply(lambda: people.reactivate(person, via=VIA))
    click.echo(f"Reactivated {person.email}: {_roles(person)}.")


@click.command("add-role")
@click.option("--email", required=True)
@click.option("--organisation", required=True, help="Name of an existing organisation.")
@click.option("--role", required=True, type=click.Choice(sorted(ROLES)))
@with_appcontext
def add_role(email: str, organisation: str, role: str) -> None:
    """Give a person a role in an organisation, alongside the roles they hold elsewhere."""
    person, found = _person(email), _organisation(organisation)
    _apply(lambda: people.add_membership(person, found, role, via=VIA))
    click.echo(f"{person.email} now holds: {_roles(person)}.")


@click.command("remove-role")
@click.option("--email", required=True)
@click.option("--organisation", required=True, help="Name of the organisation the role is in.")
@click.option("--role", required=True, type=click.Choice(sorted(ROLES)))
@with_appcontext
def remove_role(email: str, organisation: str, role: str) -> None:
    """Take a role away from a person and end their sessions."""
    person, found = _person(email), _organisation(organisation)
    membership = next((m for m in person.memberships if m.organisation_id == found.id and m.role == role), None)
    if membership is None:
        _fail(f"{person.email} is not {ROLES[role]} of {found.name}")
    _apply(lambda: people.remove_membership(person, membership, via=VIA))
    click.echo(f"{person.email} now holds: {_roles(person)}. Their sessions have ended.")


@click.command("list-users")
@with_appcontext
def list_users() -> None:
    """List every person, their roles, and whether they are deactivated."""
    for person in db.session.scalars(db.select(User).order_by(User.name, User.id)):
        state = "" if person.active else " (deactivated)"
        click.echo(f"{person.email}\t{person.name}{state}\t{_roles(person)}")


@click.command("demo")
@with_appcontext
def demo() -> None:
    """Load demo organisations, an account for each role, and sample assessments."""
    if current_app.config["MODE"] == "production":
        click.echo("Error: demo data is not loaded in production mode", err=True)
        sys.exit(2)
    from readiness.demo_data import DEMO_DEACTIVATED, DEMO_ORGANISATIONS, DEMO_PEOPLE, load_demo_assessments

    organisations = {name: organisation_named(name, kind, demo=True) for name, kind in DEMO_ORGANISATIONS.items()}
    for email, name, organisation, role in DEMO_PEOPLE:
        if db.session.scalar(db.select(User.id).where(User.email == email)) is None:
            user = add_user(email, name, organisations[organisation], role, DEMO_PASSWORD, demo=True)
            if email in DEMO_DEACTIVATED:
                people.deactivate(user, via="demo")
    db.session.commit()
    created = load_demo_assessments()
    audit.record("demo_loaded", "service", None, assessments=created)
    db.session.commit()
    click.echo("Demo data loaded. Everything named 'Demo' is made up. Sign in with any of these:")
    for email, _, organisation, role in DEMO_PEOPLE:
        left = "  (deactivated: cannot sign in)" if email in DEMO_DEACTIVATED else ""
        click.echo(f"  {email:<30} {ROLES[role]:<15} {organisation}{left}")
    click.echo(f"Password for every demo account: {DEMO_PASSWORD}")


@click.command("reset-link")
@click.option("--email", required=True)
@with_appcontext
def reset_link(email: str) -> None:
    """Issue a single-use password reset link; emailed when SMTP is configured, else printed to pass on."""
    from readiness.services.password_reset import email_reset_link, issue_reset_link

    person = _person(email)
    if not person.is_active:
        _fail(f"{person.email} is deactivated; reactivate them first")
    with current_app.test_request_context():  # url_for needs a request; the link's host comes from SERVICE_URL
        link = issue_reset_link(person, None)
    db.session.commit()
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    if email_reset_link(person, link):
        click.echo(f"Emailed a password reset link to {person.email}. It works once, for {hours} hours.")
        return
    if link.startswith("/"):
        click.echo("Warning: set SERVICE_URL so the link names the service's address.", err=True)
    click.echo(f"Pass this link to {person.email} privately. It works once, for {hours} hours:\n{link}")
