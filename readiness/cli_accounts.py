"""Commands that create accounts and demo data."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from readiness import audit
from readiness.extensions import db
from readiness.models import User
from readiness.models.accounts import ROLES
from readiness.services.accounts import DEMO_PASSWORD, add_user, organisation_named


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


@click.command("demo")
@with_appcontext
def demo() -> None:
    """Load demo organisations, an account for each role, and sample assessments."""
    if current_app.config["MODE"] == "production":
        click.echo("Error: demo data is not loaded in production mode", err=True)
        sys.exit(2)
    from readiness.demo_data import DEMO_ORGANISATIONS, DEMO_PEOPLE, load_demo_assessments

    organisations = {name: organisation_named(name, kind, demo=True) for name, kind in DEMO_ORGANISATIONS.items()}
    for email, name, organisation, role in DEMO_PEOPLE:
        if db.session.scalar(db.select(User.id).where(User.email == email)) is None:
            add_user(email, name, organisations[organisation], role, DEMO_PASSWORD, demo=True)
    db.session.commit()
    created = load_demo_assessments()
    audit.record("demo_loaded", "service", None, assessments=created)
    db.session.commit()
    click.echo("Demo data loaded. Everything named 'Demo' is made up. Sign in with any of these:")
    for email, _, organisation, role in DEMO_PEOPLE:
        click.echo(f"  {email:<30} {ROLES[role]:<15} {organisation}")
    click.echo(f"Password for every demo account: {DEMO_PASSWORD}")


@click.group("people")
def people() -> None:
    """Look after people's accounts."""


@people.command("reset-link")
@click.argument("email")
@with_appcontext
def reset_link(email: str) -> None:
    """Issue a single-use password reset link for EMAIL; emailed when SMTP is configured, else printed."""
    from readiness.services.password_reset import email_reset_link, issue_reset_link

    email = email.strip().lower()
    user = db.session.scalar(db.select(User).where(User.email == email))
    if user is None:
        click.echo(f"Error: no one has the email address {email}", err=True)
        sys.exit(2)
    if not user.is_active:
        click.echo(f"Error: {email} is deactivated; reactivate them first", err=True)
        sys.exit(2)
    with current_app.test_request_context():  # url_for needs a request; the link's host comes from SERVICE_URL
        link = issue_reset_link(user, None)
    db.session.commit()
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    if email_reset_link(user, link):
        click.echo(f"Emailed a password reset link to {email}. It works once, for {hours} hours.")
        return
    if link.startswith("/"):
        click.echo("Warning: set SERVICE_URL so the link names the service's address.", err=True)
    click.echo(f"Pass this link to {email} privately. It works once, for {hours} hours:\n{link}")
