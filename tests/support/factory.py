"""Create organisations, people, assessments and answers for tests, through the same code the app uses."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from readiness.extensions import db
from readiness.models import Membership, Organisation, User
from readiness.services import assessments
from readiness.services.answers import Entry, save, saved_rows
from readiness.services.catalogue import questionnaire

PASSWORD = "a-long-test-password"


class Factory:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.count = 0

    def organisation(self, name: str | None = None, kind: str = "provider") -> Organisation:
        self.count += 1
        organisation = Organisation(name=name or f"Organisation {self.count}", kind=kind)
        db.session.add(organisation)
        db.session.commit()
        return organisation

    def user(
        self, role: str = "project_lead", organisation: Organisation | None = None, name: str | None = None
    ) -> User:
        self.count += 1
        organisation = organisation or self.organisation()
        user = User(email=f"user{self.count}@example.nhs.uk", name=name or f"Person {self.count}")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(user_id=user.id, organisation_id=organisation.id, role=role))
        db.session.commit()
        return user

    def assessment(
        self, lead: User, title: str = "Band 4 assistant practitioner", answers: dict[str, Any] | None = None
    ):
        organisation_id = next(iter(lead.organisation_ids("project_lead")))
        assessment = assessments.create(lead, organisation_id, title, questionnaire())
        if answers:
            self.answer(assessments.latest_version(assessment), lead, answers)
        return assessment

    def answer(self, version: Any, user: User, answers: dict[str, Any]) -> None:
        rows = saved_rows(version.id)
        seen = {qid: rows[qid].revision for qid in answers if qid in rows}
        conflicts = save(version, {qid: Entry(value) for qid, value in answers.items()}, seen, user)
        assert not conflicts

    def sign_in(self, client: FlaskClient, user: User) -> None:
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["epoch"] = user.session_epoch
            session["_fresh"] = True
