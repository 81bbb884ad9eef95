"""Everyone around one bid, and bystanders who must hear and see nothing of it."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient

from readiness.extensions import db
from readiness.models import Assessment, AssessmentEditor, Organisation, User
from readiness.services.catalogue import questionnaire
from tests.support.answers import worst
from tests.support.factory import Factory


@dataclass
class Team:
    provider: Organisation
    lead: User
    second_lead: User
    editor: User  # a colleague with another role, invited to edit
    board: User
    former_board: User  # deactivated: told nothing
    funder: Organisation
    commissioner: User
    second_commissioner: User
    other_funder: Organisation
    outsider_commissioner: User
    outsider_lead: User
    assessment: Assessment

    def client(self, app: Flask, make: Factory, user: User) -> FlaskClient:
        client = app.test_client()
        make.sign_in(client, user)
        return client

    @property
    def base(self) -> str:
        return f"/assessments/{self.assessment.id}"


def bid_team(make: Factory) -> Team:
    """A provider's team with a draft answered at its weakest, its board, and two commissioning organisations."""
    provider = make.organisation("Northfield Trust")
    lead = make.user("project_lead", provider, name="Lead Person")
    editor = make.user("administrator", provider, name="Invited Editor")
    former = make.user("board_member", provider, name="Former Board Member")
    former.active = False
    funder = make.organisation("Westshire ICB", kind="commissioner")
    other_funder = make.organisation("Eastshire ICB", kind="commissioner")
    assessment = make.assessment(lead, answers=worst(questionnaire()))
    db.session.add(AssessmentEditor(assessment_id=assessment.id, user_id=editor.id))
    db.session.commit()
    return Team(
        provider=provider,
        lead=lead,
        second_lead=make.user("project_lead", provider, name="Second Lead"),
        editor=editor,
        board=make.user("board_member", provider, name="Board Person"),
        former_board=former,
        funder=funder,
        commissioner=make.user("commissioner", funder, name="Commissioner Person"),
        second_commissioner=make.user("commissioner", funder, name="Second Commissioner"),
        other_funder=other_funder,
        outsider_commissioner=make.user("commissioner", other_funder, name="Outsider Commissioner"),
        outsider_lead=make.user("project_lead", name="Outsider Lead"),
        assessment=assessment,
    )
