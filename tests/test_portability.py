"""Export everything to one archive and import it into an empty instance: nothing changes on the way."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from flask import Flask

from readiness.extensions import db
from readiness.models import AssessmentVersion, AuditEvent, StoredFile, User
from readiness.services import assessments
from readiness.services.catalogue import questionnaire
from tests.conftest import make_app
from tests.support import databases
from tests.support.answers import best, worst
from tests.support.factory import PASSWORD, Factory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def fill(app: Flask, make: Factory) -> dict[str, object]:
    lead = make.user("project_lead")
    client = app.test_client()
    make.sign_in(client, lead)
    good = make.assessment(lead, answers=best(questionnaire()))
    bad = make.assessment(lead, title="Physician associate", answers=worst(questionnaire()))
    version = assessments.latest_version(good)
    client.post(
        f"/assessments/{good.id}/v/1/evidence",
        data={"question_id": "need_patient_need", "upload": (io.BytesIO(PDF), "needs.pdf")},
        content_type="multipart/form-data",
    )
    assessments.submit(version, lead)
    assessments.submit(assessments.latest_version(bad), lead)
    return {
        "digests": sorted(v.digest for v in db.session.scalars(db.select(AssessmentVersion))),
        "results": [
            assessments.result_of(v)
            for v in db.session.scalars(db.select(AssessmentVersion).order_by(AssessmentVersion.id))
        ],
        "events": db.session.scalar(db.select(db.func.count(AuditEvent.id))),
        "lead_email": lead.email,
    }


def targets(sqlite_template: Path, tmp_path: Path) -> list[tuple[str, str]]:
    copy = tmp_path / "target.sqlite"
    shutil.copy(sqlite_template, copy)
    found = [("sqlite", f"sqlite:///{copy}")]
    server = databases.postgres_server()
    if server:
        url = databases.create_database(server, f"readiness_import_{os.getpid()}")
        databases.migrate(url, tmp_path / "instance-import")
        found.append(("postgresql", url))
    return found


def test_export_then_import_reproduces_reports_and_digests(
    app: Flask, make: Factory, runner, sqlite_template: Path, tmp_path: Path
) -> None:
    before = fill(app, make)
    archive = tmp_path / "export.zip"
    result = runner.invoke(args=["export", str(archive)])
    assert result.exit_code == 0, result.output
    for name, url in targets(sqlite_template, tmp_path):
        target = make_app(url, tmp_path / f"instance-{name}", WTF_CSRF_ENABLED=False)
        with target.app_context():
            imported = target.test_cli_runner().invoke(args=["import", str(archive)])
            assert imported.exit_code == 0, imported.output
            assert sorted(v.digest for v in db.session.scalars(db.select(AssessmentVersion))) == before["digests"]
            after = [
                assessments.result_of(v)
                for v in db.session.scalars(db.select(AssessmentVersion).order_by(AssessmentVersion.id))
            ]
            assert after == before["results"]
            assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == before["events"]
            user = db.session.scalar(db.select(User).where(User.email == before["lead_email"]))
            assert not user.check_password(PASSWORD)  # hashes are left out unless asked for
            stored = db.session.scalars(db.select(AssessmentVersion.digest)).all()
            assert all(stored)
            stored = db.session.scalars(db.select(StoredFile)).all()
            assert [(f.content, f.media_type) for f in stored] == [(PDF, "application/pdf")]
            again = target.test_cli_runner().invoke(args=["import", str(archive)])
            assert again.exit_code == 2 and "not empty" in again.stderr
            db.session.remove()
            db.engine.dispose()
        if name == "postgresql":
            databases.drop_database(databases.postgres_server(), url)


def test_export_with_passwords_keeps_sign_in_working(
    app: Flask, make: Factory, runner, sqlite_template: Path, tmp_path: Path
) -> None:
    lead = make.user()
    archive = tmp_path / "export.zip"
    assert runner.invoke(args=["export", "--with-passwords", str(archive)]).exit_code == 0
    copy = tmp_path / "target.sqlite"
    shutil.copy(sqlite_template, copy)
    target = make_app(f"sqlite:///{copy}", tmp_path / "instance-target", WTF_CSRF_ENABLED=False)
    with target.app_context():
        assert target.test_cli_runner().invoke(args=["import", str(archive)]).exit_code == 0
        response = target.test_client().post("/sign-in", data={"email": lead.email, "password": PASSWORD})
        assert response.status_code == 302
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("content", [b"not a zip", None])
def test_import_refuses_what_is_not_an_export(runner, tmp_path: Path, content: bytes | None) -> None:
    import zipfile

    path = tmp_path / "bad.zip"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("other.txt", "hello")
    else:
        path.write_bytes(content)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 2 and "not a Role readiness export" in result.stderr
