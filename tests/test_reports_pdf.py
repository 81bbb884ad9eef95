"""The board pack PDF: same figures as the command line, print quality, and notes shown as text."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from readiness import pdf
from readiness.extensions import db
from readiness.services import assessments
from readiness.services.answers import Entry, save, saved_rows
from readiness.services.catalogue import questionnaire
from tests.support.answers import worst
from tests.support.factory import Factory
from tests.test_reports import HOSTILE_NOTE, cli_score


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def download(client: FlaskClient, version: Any, tmp_path: Path) -> Path:
    response = client.get(f"/assessments/{version.assessment_id}/v/{version.number}/board-pack.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    path = tmp_path / "pack.pdf"
    path.write_bytes(response.data)
    return path


def test_the_board_pack_agrees_with_the_command_line_and_prints_well(
    app: Flask, client: FlaskClient, make: Factory, tmp_path: Path
) -> None:
    lead = make.user("project_lead")
    answers = worst(questionnaire())
    assessment = make.assessment(lead, answers=answers)
    version = assessments.latest_version(assessment)
    row = saved_rows(version.id)["need_patient_need"]
    assert not save(
        version, {"need_patient_need": Entry(row.value, HOSTILE_NOTE)}, {"need_patient_need": row.revision}, lead
    )
    assert assessments.submit(version, lead)
    expected = cli_score(app, answers)
    make.sign_in(client, lead)
    path = download(client, version, tmp_path)
    text = pdf_text(path)
    assert "Not ready to launch" in text and expected["verdict"] == "not_ready"
    assert assessment.organisation.name in text and version.digest in text
    for stage in expected["stages"]:
        assert f"{stage['title']} {stage['score']} {stage['rag'].title()}" in text
    for risk in expected["risks"]:
        assert " ".join(risk["title"].split()) in text
    quote = expected["actions"][0]["examples"][0]["quote"]
    assert " ".join(quote.split())[:120] in text
    squeezed = "".join(text.split())  # a narrow table cell wraps the note over lines
    assert '<script>alert("x")</script>' in squeezed and '=HYPERLINK("http://evil.example","click")' in squeezed
    assert "Page 1 of" in text or "Page 2 of" in text
    pages = page_count(path)
    assert pages >= 6
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages
    assert all(image.stat().st_size > 1000 for image in images)


def test_the_fetcher_serves_only_the_apps_own_files() -> None:
    fetcher = pdf.LocalFetcher()
    assert fetcher.fetch((pdf.ROOT / "static" / "print.css").as_uri()).read().startswith(b"/*")
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    for url in (
        "https://example.org/x.css",
        "http://127.0.0.1/",
        "file:///etc/passwd",
        (pdf.ROOT / "static" / ".." / "pyproject.toml").as_uri(),
    ):
        try:
            fetcher.fetch(url)
        except ValueError:
            continue
        raise AssertionError(f"fetched {url}")


def test_a_remote_image_in_a_note_is_never_fetched(tmp_path: Path) -> None:
    html = (
        '<html lang="en"><head><title>t</title></head>'
        '<body><p>Hi</p><img src="http://127.0.0.1:9/x.png" alt="x"></body></html>'
    )
    assert pdf.render(html).startswith(b"%PDF")


def test_an_unchanged_pack_is_served_from_the_shared_cache_and_a_change_makes_a_new_one(app) -> None:
    from readiness.models import CachedBoardPack
    from readiness.services import files

    rendered: list[str] = []

    def render(html: str) -> bytes:
        rendered.append(html)
        return f"%PDF {len(rendered)}".encode()

    html = "<html><body><h1>Board pack</h1><p>Verdict: not ready</p></body></html>"
    first = files.board_pack(html, render)
    assert files.board_pack(html, render) == first and len(rendered) == 1
    changed = files.board_pack(html.replace("not ready", "ready"), render)
    assert changed != first and len(rendered) == 2
    # Kept in the database, so every app host reuses a pack any of them rendered.
    assert db.session.scalar(db.select(db.func.count()).select_from(CachedBoardPack)) == 2
