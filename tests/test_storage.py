"""Evidence and board packs live in the shared database: every app host serves the same bytes."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from readiness.extensions import db
from readiness.models import Evidence, StoredFile
from readiness.services import assessments
from tests.conftest import make_app
from tests.support.answers import GOOD_CONTEXT
from tests.support.factory import Factory

# A PNG signature then every byte value, so any text-mode or encoding slip would show.
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def upload(app: Flask, make: Factory) -> tuple[FlaskClient, str, Evidence]:
    lead = make.user("project_lead")
    client = app.test_client()
    make.sign_in(client, lead)
    assessment = make.assessment(lead, answers={k: v for k, v in GOOD_CONTEXT.items() if k != "role_title"})
    version = assessments.latest_version(assessment)
    response = client.post(
        f"/assessments/{assessment.id}/v/1/evidence",
        data={"question_id": "need_patient_need", "upload": (io.BytesIO(PNG), "rota plan.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    item = db.session.scalar(db.select(Evidence))
    return client, f"/assessments/{version.assessment_id}/v/1/evidence/{item.id}", item


def test_two_app_hosts_on_one_database_serve_the_same_evidence(
    app: Flask, make: Factory, database_url: str, tmp_path: Path
) -> None:
    here, url, item = upload(app, make)
    lead = item.uploaded_by_id
    first = here.get(url)
    # A second host: its own instance folder (its own disk), the same database.
    other = make_app(database_url, tmp_path / "other-host", WTF_CSRF_ENABLED=False)
    with other.app_context():
        there = other.test_client()
        with there.session_transaction() as session:
            session.update({"_user_id": str(lead), "epoch": 0, "_fresh": True})
        second = there.get(url)
    assert first.status_code == second.status_code == 200
    assert first.data == second.data == PNG
    for header in ("Content-Type", "Content-Disposition", "Content-Length", "ETag", "Last-Modified"):
        assert first.headers[header] == second.headers[header], header
    assert first.headers["Content-Type"] == "image/png"
    assert (
        first.headers["Content-Disposition"].startswith("attachment;")
        and "rota" in first.headers["Content-Disposition"]
    )
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert first.headers["ETag"] == f'"{hashlib.sha256(PNG).hexdigest()}"'
    # Nothing was written to either host's disk.
    assert not (tmp_path / "other-host" / "evidence").exists()
    assert not app.config["LEGACY_UPLOAD_FOLDER"].exists()
    again = here.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def _old_release_layout(app: Flask, item: Evidence) -> Path:
    """Put the file where earlier releases kept it (instance/evidence/<sha256>) and out of the database."""
    folder = app.config["LEGACY_UPLOAD_FOLDER"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / item.stored_name).write_bytes(PNG)
    db.session.execute(db.delete(StoredFile))
    db.session.commit()
    return folder


def test_the_command_moves_an_old_instance_folder_into_the_database(app: Flask, make: Factory, runner) -> None:
    _client, _url, item = upload(app, make)
    folder = _old_release_layout(app, item)
    (folder / ("0" * 64)).write_bytes(b"not what its name says")
    (folder / "notes.txt").write_bytes(b"stray")
    result = runner.invoke(args=["import-evidence-folder"])
    assert result.exit_code == 0, result.output
    assert "Imported 1 evidence files" in result.output
    assert f"Skipped {'0' * 64}" in result.stderr and "Skipped notes.txt" in result.stderr
    stored = db.session.get(StoredFile, item.stored_name)
    assert (stored.content, stored.size, stored.media_type) == (PNG, len(PNG), "image/png")
    assert db.session.scalar(db.select(db.func.count()).select_from(StoredFile)) == 1
    again = runner.invoke(args=["import-evidence-folder"])
    assert "Imported 0 evidence files" in again.output and "1 were already stored" in again.output


def test_an_old_file_not_yet_imported_is_moved_in_on_its_first_download(app: Flask, make: Factory) -> None:
    client, url, item = upload(app, make)
    folder = _old_release_layout(app, item)
    assert client.get(url).data == PNG
    (folder / item.stored_name).unlink()  # from now on the database serves it
    assert client.get(url).data == PNG
    assert db.session.get(StoredFile, item.stored_name).content == PNG


def test_an_archive_whose_evidence_file_was_changed_is_refused(
    app: Flask, make: Factory, runner, sqlite_template: Path, tmp_path: Path
) -> None:
    import shutil

    _client, _url, item = upload(app, make)
    archive = tmp_path / "export.zip"
    assert runner.invoke(args=["export", str(archive)]).exit_code == 0
    with zipfile.ZipFile(archive) as original:
        assert original.read(f"evidence/{item.stored_name}") == PNG
        members = {name: original.read(name) for name in original.namelist()}
    members[f"evidence/{item.stored_name}"] = PNG + b"!"
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(changed, "w") as target:
        for name, content in members.items():
            target.writestr(name, content)
    copy = tmp_path / "target.sqlite"
    shutil.copy(sqlite_template, copy)
    other = make_app(f"sqlite:///{copy}", tmp_path / "instance-target", WTF_CSRF_ENABLED=False)
    with other.app_context():
        result = other.test_cli_runner().invoke(args=["import", str(changed)])
        assert result.exit_code == 2 and "does not match its SHA-256" in result.stderr
