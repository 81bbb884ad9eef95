"""The API answers exactly as its OpenAPI document says, for every role: real responses checked against the
document's schemas, then Schemathesis let loose on it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema_rs
from flask import Flask
from flask.testing import FlaskClient

from readiness.extensions import db
from readiness.models import AssessmentVersion, User
from readiness.reports import Tracking
from readiness.services import assessments, plan
from readiness.services.accounts import DEMO_PASSWORD
from tests.support.crawl import DEMO_STARTS, load_demo
from tests.support.factory import Factory

PEOPLE = list(DEMO_STARTS)  # each demo role, and None for signed out


class Document:
    """The API's own OpenAPI document, checking responses against what it says of each operation."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.base = spec["servers"][0]["url"]
        self.operations = [
            (re.compile("^" + re.sub(r"\{\w+\}", r"[^/]+", path) + "$"), item["get"])
            for path, item in spec["paths"].items()
        ]
        self.seen: set[tuple[str, str]] = set()  # (operationId, status) answered

    def check(self, client: FlaskClient, path: str) -> Any:
        """GET ``path``; its status, content type and body must be documented for the operation."""
        operation = next(op for pattern, op in self.operations if pattern.match(path))
        response = client.get(self.base + path)
        status = str(response.status_code)
        where = f"{operation['operationId']} {path} answered {status}"
        assert status in operation["responses"], f"{where}, which is not documented"
        content = operation["responses"][status]["content"]
        assert response.mimetype in content, f"{where} as {response.mimetype}"
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": self.spec["components"],
            **content[response.mimetype]["schema"],
        }
        errors = [f"{e.message} at {list(e.instance_path)}" for e in _validator(schema).iter_errors(response.json)]
        assert not errors, f"{where}: " + "; ".join(errors[:10])
        self.seen.add((operation["operationId"], status))
        return response.json


def _validator(schema: dict[str, Any]) -> Any:
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True)


def sign_in(client: FlaskClient, email: str | None) -> None:
    """Sign in through the sign-in page, as a person would (the app here has CSRF checks off); None stays out."""
    if email:
        response = client.post("/sign-in", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, f"{email} could not sign in"


def test_every_response_of_every_role_matches_the_document(app: Flask) -> None:
    load_demo(app)
    lead = db.session.scalar(db.select(User).where(User.email == "lead@demo.example"))
    draft = next(a for a, version in assessments.visible_assessments(lead) if version.is_draft)
    tracked = plan.tracking_of(draft.id)
    first = next(a for a in assessments.result_of(assessments.latest_version(draft)).actions if a.key not in tracked)
    due = Tracking("Ward manager", datetime(2027, 4, 1).date(), "in_progress", "Booked")
    assert plan.save_tracking(draft, first.key, due, lead, None) is None
    db.session.commit()

    document = Document(app.test_client().get("/api/openapi.json").json)
    answered: list[Any] = []
    for email in PEOPLE:
        client = app.test_client()
        sign_in(client, email)
        listing = document.check(client, "/assessments")
        for assessment in listing.get("assessments", []):
            detail = document.check(client, f"/assessments/{assessment['id']}")
            for version in detail["versions"]:
                here = f"/assessments/{assessment['id']}/versions/{version['number']}"
                answered += [document.check(client, here + suffix) for suffix in ("", "/report", "/plan")]
        for missing in ("/assessments/999999", "/assessments/1/versions/99", "/assessments/1/versions/99/plan"):
            document.check(client, missing)
        document.check(client, "/assessments/1/versions/1/report")

    # Every operation answered 200, 401 and (where it takes an id) 404; the answers held what makes them worth
    # checking: drafts and submitted versions, decisions, a tracked action with its due date.
    for path, item in document.spec["paths"].items():
        for status in item["get"]["responses"]:
            assert (item["get"]["operationId"], status) in document.seen, (path, status)
    versions = [body for body in answered if "state" in body]
    assert {v["state"] for v in versions} == {"draft", "submitted"}
    assert any(v["decisions"] for v in versions)
    # Reports of known roles carry their role profile card, and partly-raised and quoted risks are flagged.
    reports = [body for body in answered if "verdict" in body]
    assert any(body["role_profile"] for body in reports)
    assert any(risk["rationale_quoted"] for body in reports for risk in body["risks"])
    assert any(a["due_date"] == "2027-04-01" for body in answered for a in body.get("actions", []) if "overdue" in a)


def test_times_are_utc_with_their_offset(client: FlaskClient, make: Factory, app: Flask) -> None:
    load_demo(app)
    board = db.session.scalar(db.select(User).where(User.email == "board@demo.example"))
    make.sign_in(client, board)
    stored = db.session.scalars(db.select(AssessmentVersion).where(AssessmentVersion.submitted_at.is_not(None))).first()
    body = client.get(f"/api/assessments/{stored.assessment_id}/versions/{stored.number}").json
    submitted = datetime.fromisoformat(body["submitted_at"])
    assert submitted.utcoffset() is not None and submitted == stored.submitted_at.replace(microsecond=0, tzinfo=UTC)
    assert all(datetime.fromisoformat(d["recorded_at"]).utcoffset().total_seconds() == 0 for d in body["decisions"])


SCHEMATHESIS_CONFIG = """
[auth.openapi.session]
api_key = "${READINESS_SESSION}"
"""


def test_schemathesis_finds_nothing_for_any_role(served: tuple[str, Factory], tmp_path: Path) -> None:
    """Schemathesis, with all its checks (its defaults: server errors, status codes, content types and response
    schemas; and more: ignored auth, unsupported methods, use after free…) and all its phases (coverage,
    fuzzing, stateful over the links it infers), against the demo as each role and signed out. A fixed seed and
    15 examples an operation keep it repeatable and bounded (about 4 seconds a role)."""
    url, make = served
    load_demo(make.app)
    config = tmp_path / "schemathesis.toml"
    config.write_text(SCHEMATHESIS_CONFIG)
    for email in PEOPLE:
        client = make.app.test_client()
        sign_in(client, email)
        cookie = client.get_cookie(make.app.config["SESSION_COOKIE_NAME"]) if email else None
        command = [
            sys.executable,
            "-m",
            "schemathesis.cli",
            *(["--config-file", str(config)] if cookie else []),
            "run",
            f"{url}/api/openapi.json",
            "--checks=all",
            "--max-examples=15",
            "--seed=20261128",
            "--generation-database=none",
            "--workers=1",
            "--no-color",
        ]
        environment = os.environ | {"READINESS_SESSION": cookie.value if cookie else ""}
        finished = subprocess.run(
            command, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=300, check=False
        )
        assert finished.returncode == 0, f"as {email or 'signed out'}:\n{finished.stdout[-6000:]}{finished.stderr}"
