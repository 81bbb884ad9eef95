"""Kill the server with SIGKILL mid-journey, start it again, and find every saved answer intact."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from readiness.extensions import db
from readiness.services import assessments
from tests.support.factory import PASSWORD, Factory
from tests.support.http import Browser, csrf_of
from tests.test_wizard import seen_of

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(database_url: str, instance: Path, port: int) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "crash-test-secret-key-that-is-long-enough",
        "AUTO_UPGRADE_DATABASE": "never",
    }
    server = subprocess.Popen(
        [str(GUNICORN), "--chdir", str(ROOT), "--workers", "2", "--bind", f"127.0.0.1:{port}", "app:app"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise AssertionError("gunicorn did not start")


def kill_hard(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(10)


def signed_in(base: str, email: str) -> Browser:
    browser = Browser(base)
    token = csrf_of(browser.request("/sign-in")[1])
    assert browser.request("/sign-in", {"email": email, "password": PASSWORD, "csrf_token": token})[0] == 302
    return browser


def save(browser: Browser, url: str, fields: dict[str, str]) -> int:
    page = browser.request(url)[1]
    token = csrf_of(page)
    return browser.request(url, {"seen": seen_of(page), "csrf_token": token, "action": "later", **fields})[0]


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed beside this Python")
def test_saved_answers_survive_sigkill_of_the_server(app, make: Factory, database_url: str, tmp_path: Path) -> None:
    lead = make.user()
    version = assessments.latest_version(make.assessment(lead))
    email, base_path = lead.email, f"/assessments/{version.assessment_id}/v/1/section"
    db.session.remove()
    port = free_port()
    server = start_gunicorn(database_url, tmp_path, port)
    try:
        browser = signed_in(f"http://127.0.0.1:{port}", email)
        assert (
            save(
                browser,
                f"{base_path}/need",
                {"q__need_patient_need": "partly", "note__need_patient_need": "before the crash"},
            )
            == 302
        )
        assert save(browser, f"{base_path}/governance", {"q__governance_supervision_line_management": "yes"}) == 302
    finally:
        kill_hard(server)
    server = start_gunicorn(database_url, tmp_path, port)
    try:
        browser = signed_in(f"http://127.0.0.1:{port}", email)
        page = browser.request(f"{base_path}/need")[1]
        assert "before the crash" in page
        assert save(browser, f"{base_path}/training", {"q__training_direct_supervision": "yes"}) == 302
    finally:
        kill_hard(server)
    answers = assessments.answers_of(db.session.merge(version))
    assert answers["need_patient_need"] == "partly"
    assert answers["governance_supervision_line_management"] == "yes"
    assert answers["training_direct_supervision"] == "yes"
