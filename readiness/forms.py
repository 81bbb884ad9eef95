"""Static forms. Question pages are built per section by ``question_forms``."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import EmailField, Field, PasswordField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

from readiness.models.accounts import ORGANISATION_KINDS, ROLES

PASSWORD_RULE = "Enter a password of at least 12 characters"  # noqa: S105 - a message, not a password


class ServiceForm(FlaskForm):
    """Every posted form in the service derives from this."""

    class Meta:
        def render_field(self, field: Field, render_kw: dict[str, Any]) -> Markup:
            # The hidden CSRF field needs no id, and two forms on one page must not share one.
            if field.type == "CSRFTokenField":
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)  # type: ignore[misc]


class SignInForm(ServiceForm):
    email = EmailField("Email address", validators=[InputRequired("Enter your email address")])
    password = PasswordField("Password", validators=[InputRequired("Enter your password")])


class AccountForm(ServiceForm):
    name = StringField("Full name", validators=[InputRequired("Enter the person's full name"), Length(max=200)])
    email = EmailField(
        "Email address",
        validators=[
            InputRequired("Enter an email address"),
            Email("Enter an email address in the correct format, like name@example.nhs.uk"),
            Length(max=254),
        ],
    )
    password = PasswordField(
        "Password", validators=[InputRequired(PASSWORD_RULE), Length(min=12, message=PASSWORD_RULE)]
    )


class SetupForm(AccountForm):
    confirm = PasswordField(
        "Confirm password",
        validators=[InputRequired("Confirm the password"), EqualTo("password", "The passwords do not match")],
    )
    organisation = StringField(
        "Name of the organisation that runs this service",
        validators=[InputRequired("Enter the name of the organisation"), Length(max=200)],
    )


class MembershipForm(ServiceForm):
    """A role in an organisation, given to a person who already has an account."""

    organisation_id = SelectField("Organisation", coerce=int, validate_choice=False)
    role = RadioField(
        "Role",
        choices=[SelectChoice(value, label) for value, label in ROLES.items()],
        validators=[InputRequired("Select a role")],
    )

    def validate_organisation_id(self, field: SelectField) -> None:
        if field.data not in {choice.value for choice in field.choices}:  # type: ignore[union-attr]
            raise ValidationError("Select an organisation")


class UserForm(AccountForm, MembershipForm):
    """A new account with its first role."""


class OrganisationForm(ServiceForm):
    name = StringField(
        "Organisation name", validators=[InputRequired("Enter the organisation's name"), Length(max=200)]
    )
    kind = RadioField(
        "Type of organisation",
        choices=[SelectChoice(value, label) for value, label in ORGANISATION_KINDS.items()],
        validators=[InputRequired("Select the type of organisation")],
    )


class ConfirmForm(ServiceForm):
    """A form with nothing but its CSRF token, for buttons that change state."""
