"""What browsers and proxies may keep and how responses travel: private responses are never stored, static
files are fingerprinted and kept a year, bodies are compressed with Brotli or gzip, and the CSP lets the
NHS.UK font in."""

from __future__ import annotations

import gzip
import io
import re
from typing import Any

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient

from readiness.extensions import db
from readiness.models import Evidence
from readiness.services.catalogue import questionnaire
from tests.support.answers import best
from tests.support.factory import Factory
from tests.test_sharing import shared_bid, switch_to

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
YEAR = "public, max-age=31536000, immutable"


@pytest.fixture
def bid(client: FlaskClient, make: Factory) -> dict[str, Any]:
    """A submitted bid with one evidence file, shared with a commissioner; the lead is signed in."""
    commissioners = make.organisation("Westshire ICB", kind="commissioner")
    lead = make.user("project_lead")
    version = shared_bid(make, lead, commissioners, best(questionnaire()))
    switch_to(client, make, lead)
    return {"lead": lead, "version": version, "commissioner": make.user("commissioner", commissioners)}


def private_urls(version: Any) -> dict[str, str]:
    base = f"/assessments/{version.assessment_id}/v/{version.number}"
    return {
        "HTML page": f"{base}/results",
        "JSON API": f"/api/assessments/{version.assessment_id}/versions/{version.number}/report",
        "board pack PDF": f"{base}/board-pack.pdf",
    }


def assert_not_stored(response: Any, what: str) -> None:
    policy = response.headers.get("Cache-Control", "")
    assert "no-store" in policy or "private" in policy, f"{what}: Cache-Control is {policy!r}"
    assert "public" not in policy, f"{what}: Cache-Control is {policy!r}"


def test_no_private_response_may_be_stored_by_a_browser_or_proxy(client: FlaskClient, make: Factory, bid) -> None:
    version = bid["version"]
    for what, url in private_urls(version).items():
        response = client.get(url)
        assert response.status_code == 200, (what, response.status_code)
        assert_not_stored(response, what)


def test_exports_are_not_stored(client: FlaskClient, make: Factory, bid) -> None:
    switch_to(client, make, bid["commissioner"])
    version = bid["version"]
    for url in (
        "/portfolio/export.csv",
        "/portfolio/export.xlsx",
        f"/portfolio/bids/{version.id}/answers.csv",
        "/portfolio/heatmap.svg",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_not_stored(response, url)


def test_evidence_downloads_are_not_stored(app: Flask, client: FlaskClient, make: Factory) -> None:
    lead = make.user("project_lead")
    make.sign_in(client, lead)
    assessment = make.assessment(lead)
    upload = client.post(
        f"/assessments/{assessment.id}/v/1/evidence",
        data={"question_id": "need_patient_need", "upload": (io.BytesIO(PDF), "needs analysis.pdf")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    item = db.session.scalar(db.select(Evidence))
    download = client.get(f"/assessments/{assessment.id}/v/1/evidence/{item.id}")
    assert download.data == PDF
    assert download.headers["Cache-Control"] == "no-store"  # send_file's own no-cache would let a proxy keep it
    download.close()


def test_error_and_redirect_responses_are_not_stored_either(client: FlaskClient) -> None:
    for response in (client.get("/assessments/"), client.get("/no-such-page"), client.get("/api/assessments")):
        assert_not_stored(response, response.request.path)


def asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|from) ?=? ?"(/(?:static|assets)/[^"]+)"', html)


def test_static_files_have_fingerprinted_urls_kept_for_a_year(client: FlaskClient) -> None:
    page = client.get("/setup")
    urls = asset_urls(page.text)
    names = {url.split("?")[0] for url in urls}
    assert {"/assets/nhsuk-frontend.min.css", "/static/app.css", "/assets/nhsuk-frontend.min.js"} <= names
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{16}$", url), url
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == YEAR, url
        response.close()


def test_a_url_without_the_current_fingerprint_is_kept_only_an_hour(client: FlaskClient) -> None:
    # The NHS.UK CSS names its images without a fingerprint; an old page may name an old one.
    for url in ("/assets/images/nhsuk-icon-cross.svg", "/static/app.css?v=0000000000000000", "/static/app.css"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "public, max-age=3600", url
        response.close()


def test_the_fingerprint_follows_the_content(app: Flask) -> None:
    from readiness import static_files

    digest = static_files.fingerprint("static", "app.css")
    assert digest == static_files.fingerprint("static", "app.css")
    assert digest != static_files.fingerprint("static", "print.css")
    assert static_files.fingerprint("static", "../readiness/config.py") is None
    assert static_files.fingerprint("assets", "no-such-file.css") is None


def without_nonces(body: bytes) -> bytes:
    return re.sub(rb'nonce(?:-|=")[\w-]+', b"", body)


@pytest.mark.parametrize(
    ("accept", "encoding", "decode"),
    [
        ("br", "br", brotli.decompress),
        ("gzip", "gzip", gzip.decompress),
        ("gzip, deflate, br", "br", brotli.decompress),
        ("br;q=0.5, gzip;q=1.0", "gzip", gzip.decompress),
    ],
)
def test_responses_are_compressed_as_the_browser_asks(
    client: FlaskClient, make: Factory, bid, accept: str, encoding: str, decode: Any
) -> None:
    version = bid["version"]
    plain = {url: client.get(url).data for url in private_urls(version).values() if not url.endswith(".pdf")}
    for url, body in plain.items():
        response = client.get(url, headers={"Accept-Encoding": accept})
        assert response.headers["Content-Encoding"] == encoding, url
        assert "Accept-Encoding" in response.headers["Vary"]
        assert len(response.data) < len(body)
        # Pages carry a fresh CSP nonce each time, so compare what the nonce does not change.
        assert without_nonces(decode(response.data)) == without_nonces(body)


def test_nothing_is_compressed_for_a_client_that_does_not_ask(client: FlaskClient) -> None:
    for accept in ("", "identity"):
        response = client.get("/setup", headers={"Accept-Encoding": accept})
        assert "Content-Encoding" not in response.headers
        assert "<html" in response.text


def test_the_csp_allows_the_nhs_font_host_and_no_other(client: FlaskClient) -> None:
    policy = client.get("/setup").headers["Content-Security-Policy"]
    assert "font-src 'self' https://assets.nhs.uk;" in policy
    assert "default-src 'self';" in policy


@pytest.mark.parametrize(
    ("origin", "expected"),
    [("https://fonts.example.nhs.uk", "font-src 'self' https://fonts.example.nhs.uk;"), ("", "font-src 'self';")],
)
def test_the_font_host_is_configuration(origin: str, expected: str) -> None:
    from readiness import security

    app = Flask(__name__)
    app.config.update(FONT_ORIGIN=origin, SESSION_COOKIE_SECURE=True)
    security.init_app(app)
    app.add_url_rule("/", "page", lambda: "<p>page</p>")
    assert expected in app.test_client().get("/").headers["Content-Security-Policy"]
