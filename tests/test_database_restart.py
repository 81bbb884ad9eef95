"""PostgreSQL restarted under a running app: saved answers survive, and the next request succeeds."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from readiness.extensions import db
from readiness.services import assessments
from readiness.services.answers import saved_rows
from tests.conftest import make_app
from tests.support import databases
from tests.support.factory import PASSWORD, Factory
from tests.support.http import Browser
from tests.support.threaded_server import threaded_server
from tests.test_wizard import seen_of

BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def as_postgres(*command: str) -> None:
    """Run a PostgreSQL tool as the postgres user (initdb refuses root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=60)


@pytest.fixture
def private_cluster() -> Iterator[tuple[str, list[str]]]:
    """A throwaway cluster on a Unix socket only, so restarting it disturbs nobody else."""
    if not BINARIES or (os.geteuid() == 0 and shutil.which("runuser") is None):
        pytest.skip("PostgreSQL's server binaries are not installed here")
    binaries = BINARIES[-1]
    folder = Path(tempfile.mkdtemp(prefix="readiness-pg-"))
    folder.chmod(0o777)
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    as_postgres(f"{binaries}/initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
    control = [f"{binaries}/pg_ctl", "-D", str(data), "-w", "-l", str(folder / "log")]
    as_postgres(*control, "-o", f"-k {folder} -c listen_addresses=''", "start")
    url = f"postgresql+psycopg://postgres@/postgres?host={folder}"
    try:
        # A restart reuses the start options; the log file keeps pg_ctl from holding our pipes open.
        yield url, [*control, "-m", "fast", "restart"]
    finally:
        as_postgres(f"{binaries}/pg_ctl", "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def test_the_app_carries_on_after_postgresql_restarts(private_cluster: tuple[str, list[str]], tmp_path: Path) -> None:
    url, restart = private_cluster
    databases.migrate(url, tmp_path / "migrate")
    app = make_app(url, tmp_path / "instance", WTF_CSRF_ENABLED=False, SERVER_NAME=None)
    with threaded_server(app) as base:
        with app.app_context():
            make = Factory(app)
            lead = make.user()
            version = assessments.latest_version(make.assessment(lead))
            email, page_url = lead.email, f"/assessments/{version.assessment_id}/v/1/section/need"
            db.session.remove()
        browser = Browser(base)
        assert browser.request("/sign-in", {"email": email, "password": PASSWORD})[0] == 302
        fields = {"action": "later", "q__need_patient_need": "partly", "note__need_patient_need": "before restart"}
        assert browser.request(page_url, fields | {"seen": seen_of(browser.request(page_url)[1])})[0] == 302
        as_postgres(*restart)  # drops every pooled connection
        status, page = browser.request(page_url)
        assert status == 200 and "before restart" in page
        fields["note__need_patient_need"] = "after restart"
        assert browser.request(page_url, fields | {"seen": seen_of(page)})[0] == 302
        with app.app_context():
            saved = saved_rows(version.id)["need_patient_need"]
            assert (saved.value, saved.note) == ("partly", "after restart")
