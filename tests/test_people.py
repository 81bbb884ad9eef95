"""People over their whole life: deactivate, reactivate, change roles, belong to several organisations.

Each change is made the way an administrator makes it (the screens, or the command line), and checked the way
the person affected would notice it: signing in, the pages they reach, and what stays in their name.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from readiness.extensions import db
from readiness.models import AuditEvent, Membership, User
from readiness.services import assessments, decisions, people
from readiness.services.catalogue import questionnaire
from tests.support.answers import worst
from tests.support.factory import PASSWORD, Factory
from tests.support.http import csrf_of


def signed_in(app: Flask, user: User) -> FlaskClient:
    """A client signed in through the sign-in page, as the person would be."""
    client = app.test_client()
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return client


def can_sign_in(app: Flask, user: User) -> bool:
    return app.test_client().post("/sign-in", data={"email": user.email, "password": PASSWORD}).status_code == 302


def audited(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def membership(user: User, role: str) -> Membership:
    return next(m for m in user.memberships if m.role == role)


def test_a_deactivated_person_is_signed_out_cannot_sign_in_and_keeps_their_history(app: Flask, make: Factory) -> None:
    trust = make.organisation("Northfield Trust")
    admin = make.user("administrator", trust, name="Ada Admin")
    lead = make.user("project_lead", trust, name="Lee Leaver")
    board = make.user("board_member", trust, name="Bo Board")
    assessment = make.assessment(lead, answers=worst(questionnaire()))
    version = assessments.latest_version(assessment)
    assert assessments.submit(version, lead)
    decisions.record(version, "approved", "", "", board)
    db.session.commit()
    leaver = signed_in(app, lead)
    assert leaver.get("/assessments/").status_code == 200
    administrator = signed_in(app, admin)

    confirm = administrator.get(f"/admin/people/{lead.id}/deactivate")
    assert confirm.status_code == 200 and "Deactivate Lee Leaver?" in confirm.text
    assert lead.active  # asking is not doing
    response = administrator.post(f"/admin/people/{lead.id}/deactivate")
    assert response.status_code == 302

    assert leaver.get("/assessments/").status_code == 302  # the open session has ended
    assert not can_sign_in(app, lead)
    # What they did stays in their name, for everyone who still works on it.
    page = signed_in(app, board).get(f"/assessments/{assessment.id}").text
    assert "by Lee Leaver" in page and "recorded by Bo Board" in page
    assert assessment.created_by_id == lead.id and version.submitted_by_id == lead.id
    assert all(row.updated_by_id == lead.id for row in assessments.latest_version(assessment).answers)
    listing = administrator.get("/admin/").text
    assert re.search(r">Lee Leaver</a> \(deactivated\)", listing)
    (event,) = audited("user_deactivated")
    assert event.actor_id == admin.id and event.object_id == str(lead.id)


def test_a_reactivated_person_signs_in_again_with_the_roles_they_held(app: Flask, make: Factory) -> None:
    trust = make.organisation()
    admin = make.user("administrator", trust)
    lead = make.user("project_lead", trust)
    administrator = signed_in(app, admin)
    administrator.post(f"/admin/people/{lead.id}/deactivate")
    person_page = administrator.get(f"/admin/people/{lead.id}").text
    assert "Reactivate account" in person_page and "Deactivate account" not in person_page

    assert administrator.post(f"/admin/people/{lead.id}/reactivate").status_code == 302
    assert lead.active
    assert signed_in(app, lead).get("/assessments/").status_code == 200
    (event,) = audited("user_reactivated")
    assert event.actor_id == admin.id


def test_removing_a_role_ends_the_persons_sessions_and_closes_that_roles_pages(app: Flask, make: Factory) -> None:
    trust = make.organisation()
    admin = make.user("administrator", trust)
    deputy = make.user("administrator", trust, name="Dee Deputy")
    db.session.add(Membership(user_id=deputy.id, organisation_id=trust.id, role="project_lead"))
    db.session.commit()
    deputy_client = signed_in(app, deputy)
    assert deputy_client.get("/admin/").status_code == 200

    administrator = signed_in(app, admin)
    removal = administrator.post(f"/admin/people/{deputy.id}/roles/{membership(deputy, 'administrator').id}/remove")
    assert removal.status_code == 302

    assert deputy_client.get("/admin/").status_code == 302  # signed out at once
    again = signed_in(app, deputy)
    assert again.get("/admin/").status_code == 403
    assert again.get("/assessments/").status_code == 200  # the role they kept still works
    (event,) = audited("role_removed")
    assert event.actor_id == admin.id and event.detail["role"] == "administrator"
    assert event.organisation_id == trust.id


def test_a_second_membership_shows_both_organisations_work_and_ends_with_removal(app: Flask, make: Factory) -> None:
    home, other = make.organisation("Northfield Trust"), make.organisation("Riverside PCN")
    admin = make.user("administrator", home)
    lead = make.user("project_lead", home, name="Lee Lead")
    make.assessment(lead, title="Northfield physician associate")
    make.assessment(make.user("project_lead", other), title="Riverside care coordinator")
    administrator = signed_in(app, admin)

    page = administrator.get(f"/admin/people/{lead.id}").text
    assert re.search(rf'<option value="{other.id}"[^>]*>\s*Riverside PCN', page)
    added = administrator.post(
        f"/admin/people/{lead.id}/roles", data={"organisation_id": other.id, "role": "project_lead"}
    )
    assert added.status_code == 302
    assert lead.roles_in(other.id) == {"project_lead"}
    listing = signed_in(app, lead).get("/assessments/").text
    assert "Northfield physician associate" in listing and "Riverside care coordinator" in listing
    (event,) = audited("role_added")
    assert event.actor_id == admin.id and event.organisation_id == other.id

    twice = administrator.post(
        f"/admin/people/{lead.id}/roles", data={"organisation_id": other.id, "role": "project_lead"}
    )
    assert "There is a problem" in twice.text and "already a project lead of Riverside PCN" in twice.text

    second = next(m for m in lead.memberships if m.organisation_id == other.id)
    administrator.post(f"/admin/people/{lead.id}/roles/{second.id}/remove")
    listing = signed_in(app, lead).get("/assessments/").text
    assert "Northfield physician associate" in listing and "Riverside care coordinator" not in listing


def test_the_last_administrator_cannot_lose_the_role_or_their_only_role_on_the_screens(
    app: Flask, make: Factory
) -> None:
    trust = make.organisation()
    admin = make.user("administrator", trust, name="Ada Admin")
    administrator = signed_in(app, admin)
    only = administrator.post(f"/admin/people/{admin.id}/roles/{membership(admin, 'administrator').id}/remove")
    assert "There is a problem" in only.text and "only role" in only.text

    db.session.add(Membership(user_id=admin.id, organisation_id=trust.id, role="project_lead"))
    db.session.commit()
    refused = administrator.post(f"/admin/people/{admin.id}/roles/{membership(admin, 'administrator').id}/remove")
    assert refused.status_code == 200
    assert "There is a problem" in refused.text and "Ada Admin is the last administrator" in refused.text
    assert refused.text.count("<title>Error: ") == 1
    assert admin.is_admin and administrator.get("/admin/").status_code == 200
    self_deactivation = administrator.post(f"/admin/people/{admin.id}/deactivate")
    assert "There is a problem" in self_deactivation.text and admin.active
    with pytest.raises(people.PeopleError, match="last administrator"):
        people.deactivate(admin)
    assert audited("role_removed") == [] and audited("user_deactivated") == []


def test_the_last_administrator_is_kept_on_the_command_line(runner, make: Factory) -> None:
    trust = make.organisation("Northfield Trust")
    admin = make.user("administrator", trust)
    db.session.add(Membership(user_id=admin.id, organisation_id=trust.id, role="board_member"))
    db.session.commit()

    deactivated = runner.invoke(args=["deactivate-user", "--email", admin.email])
    assert deactivated.exit_code == 2 and "last administrator" in deactivated.stderr
    removed = runner.invoke(
        args=["remove-role", "--email", admin.email, "--organisation", trust.name, "--role", "administrator"]
    )
    assert removed.exit_code == 2 and "last administrator" in removed.stderr
    assert admin.active and admin.is_admin

    second = make.user("administrator", trust)
    assert runner.invoke(args=["deactivate-user", "--email", admin.email]).exit_code == 0
    assert not admin.active
    last = runner.invoke(args=["deactivate-user", "--email", second.email])
    assert last.exit_code == 2 and second.active


def test_the_command_line_manages_people_and_audits_each_change(app: Flask, runner, make: Factory) -> None:
    trust, other = make.organisation("Northfield Trust"), make.organisation("Riverside PCN")
    make.user("administrator", trust)
    lead = make.user("project_lead", trust, name="Lee Lead")
    leaver = signed_in(app, lead)

    added = runner.invoke(
        args=["add-role", "--email", lead.email.upper(), "--organisation", "Riverside PCN", "--role", "board_member"]
    )
    assert added.exit_code == 0, added.output
    assert "Board member, Riverside PCN" in added.output and lead.roles_in(other.id) == {"board_member"}

    removed = runner.invoke(
        args=["remove-role", "--email", lead.email, "--organisation", "Riverside PCN", "--role", "board_member"]
    )
    assert removed.exit_code == 0 and lead.roles_in(other.id) == set()
    assert leaver.get("/assessments/").status_code == 302  # a removed role ends their sessions

    leaver = signed_in(app, lead)
    assert runner.invoke(args=["deactivate-user", "--email", lead.email]).exit_code == 0
    assert leaver.get("/assessments/").status_code == 302 and not can_sign_in(app, lead)
    listing = runner.invoke(args=["list-users"])
    assert listing.exit_code == 0 and re.search(
        r"Lee Lead \(deactivated\)\tProject lead, Northfield Trust", listing.output
    )
    assert runner.invoke(args=["reactivate-user", "--email", lead.email]).exit_code == 0
    assert can_sign_in(app, lead)

    for action in ("role_added", "role_removed", "user_deactivated", "user_reactivated"):
        (event,) = audited(action)
        assert event.object_id == str(lead.id) and event.actor_id is None and event.detail["via"] == "command line"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["deactivate-user", "--email", "nobody@example.nhs.uk"], "no user has the email nobody@example.nhs.uk"),
        (["reactivate-user", "--email", "{lead}"], "is already active"),
        (["add-role", "--email", "{lead}", "--organisation", "Nowhere", "--role", "board_member"], "no organisation"),
        (["add-role", "--email", "{lead}", "--organisation", "Northfield Trust", "--role", "project_lead"], "already"),
        (
            ["remove-role", "--email", "{lead}", "--organisation", "Northfield Trust", "--role", "board_member"],
            "is not",
        ),
        (["remove-role", "--email", "{lead}", "--organisation", "Northfield Trust", "--role", "project_lead"], "only"),
    ],
)
def test_bad_people_commands_exit_2_saying_why_and_change_nothing(
    runner, make: Factory, args: list[str], message: str
) -> None:
    lead = make.user("project_lead", make.organisation("Northfield Trust"))
    before = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    result = runner.invoke(args=[arg.format(lead=lead.email) for arg in args])
    assert result.exit_code == 2 and message in result.stderr and result.stderr.startswith("Error: ")
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == before
    assert lead.active and [m.role for m in lead.memberships] == ["project_lead"]


@pytest.mark.parametrize("role", ["project_lead", "board_member", "commissioner"])
def test_only_administrators_manage_people(app: Flask, make: Factory, role: str) -> None:
    trust = make.organisation()
    make.user("administrator", trust)
    lead = make.user("project_lead", trust)
    client = signed_in(app, make.user(role, trust))
    assert client.get(f"/admin/people/{lead.id}").status_code == 403
    for path in ("deactivate", "reactivate", "roles", f"roles/{lead.memberships[0].id}/remove"):
        assert client.post(f"/admin/people/{lead.id}/{path}", data={"role": "administrator"}).status_code == 403
    assert lead.active and [m.role for m in lead.memberships] == ["project_lead"]


def test_administrators_of_another_organisation_cannot_see_or_change_its_people(app: Flask, make: Factory) -> None:
    north, south = make.organisation("Northfield Trust"), make.organisation("Southbank Trust")
    unadministered = make.organisation("Riverside PCN")
    north_admin = make.user("administrator", north)
    make.user("administrator", south)
    south_lead = make.user("project_lead", south, name="Sam Southbank")
    riverside_lead = make.user("project_lead", unadministered, name="Rita Riverside")
    client = signed_in(app, north_admin)

    listing = client.get("/admin/").text
    assert "Sam Southbank" not in listing and "Rita Riverside" in listing  # nobody administers Riverside yet
    assert client.get(f"/admin/people/{south_lead.id}").status_code == 404
    for path in ("deactivate", "reactivate", f"roles/{south_lead.memberships[0].id}/remove"):
        assert client.post(f"/admin/people/{south_lead.id}/{path}").status_code == 404
    # Nor can they give their own people a role in an organisation they do not administer.
    north_lead = make.user("project_lead", north)
    refused = client.post(
        f"/admin/people/{north_lead.id}/roles", data={"organisation_id": south.id, "role": "administrator"}
    )
    assert "Select an organisation" in refused.text and north_lead.roles_in(south.id) == set()
    assert f'value="{south.id}"' not in client.get("/admin/users/new").text
    assert south_lead.active and north_lead.roles_in(south.id) == set()
    assert client.get(f"/admin/people/{riverside_lead.id}").status_code == 200


def test_deactivated_colleagues_are_not_offered_as_editors(app: Flask, make: Factory) -> None:
    trust = make.organisation()
    lead = make.user("project_lead", trust)
    leaver = make.user("project_lead", trust, name="Lee Leaver")
    stayer = make.user("project_lead", trust, name="Sue Stayer")
    people.deactivate(leaver)
    db.session.commit()
    assessment = make.assessment(lead)
    page = signed_in(app, lead).get(f"/assessments/{assessment.id}/editors").text
    assert "Sue Stayer" in page and "Lee Leaver" not in page
    assert stayer.active


def test_every_people_change_is_a_posted_form_with_a_csrf_token(csrf_app: Flask) -> None:
    make = Factory(csrf_app)
    trust = make.organisation()
    admin, lead = make.user("administrator", trust), make.user("project_lead", trust)
    client = csrf_app.test_client()
    make.sign_in(client, admin)
    assert client.get(f"/admin/people/{lead.id}/reactivate").status_code == 405
    assert client.post(f"/admin/people/{lead.id}/deactivate").status_code == 400
    assert lead.active
    page = client.get(f"/admin/people/{lead.id}/deactivate").text
    token = csrf_of(page)
    assert client.post(f"/admin/people/{lead.id}/deactivate", data={"csrf_token": token}).status_code == 302
    assert not db.session.get(User, lead.id).active


def test_the_people_pages_and_their_refusals_are_valid_html(app: Flask, make: Factory, tmp_path) -> None:
    from tests.support import vnu

    if reason := vnu.java_missing():
        pytest.skip(reason)
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the HTML is the same on every database; Java starts once")
    trust = make.organisation()
    admin = make.user("administrator", trust, name="Ada Admin")
    leaver = make.user("project_lead", trust)
    db.session.add(Membership(user_id=admin.id, organisation_id=trust.id, role="project_lead"))
    db.session.commit()
    client = signed_in(app, admin)
    pages = {
        "person": client.get(f"/admin/people/{leaver.id}").text,
        "confirm": client.get(f"/admin/people/{leaver.id}/deactivate").text,
        "last administrator": client.post(
            f"/admin/people/{admin.id}/roles/{membership(admin, 'administrator').id}/remove"
        ).text,
        "self deactivation": client.post(f"/admin/people/{admin.id}/deactivate").text,
        "role twice": client.post(
            f"/admin/people/{leaver.id}/roles", data={"organisation_id": trust.id, "role": "project_lead"}
        ).text,
    }
    files = []
    for name, html in pages.items():
        assert "There is a problem" in html or name in ("person", "confirm"), name
        files.append(tmp_path / f"{name.replace(' ', '-')}.html")
        files[-1].write_text(html, encoding="utf-8")
    assert vnu.errors_in(files) == []
