"""A bid's stored summary columns and snapshot are checked on every view; an altered bid is marked and audited."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from readiness import integrity
from readiness.extensions import db
from readiness.integrity import Summary
from readiness.models import AssessmentVersion, AuditEvent
from readiness.services import integrity as integrity_of
from readiness.services.catalogue import questionnaire
from tests.support.answers import best, worst
from tests.support.factory import Factory
from tests.test_reports_pdf import download, pdf_text
from tests.test_sharing import shared_bid, switch_to


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Each test has its own database, where ids (and so fingerprints) repeat: forget what was audited."""
    integrity_of.RECORDED.clear()
    yield
    integrity_of.RECORDED.clear()


@pytest.fixture
def bids(make: Factory) -> dict[str, Any]:
    q = questionnaire()
    icb = make.organisation("Westshire ICB", kind="commissioner")
    north = make.user("project_lead", make.organisation("Northfield Trust"))
    river = make.user("project_lead", make.organisation("Riverside PCN"))
    ready = shared_bid(make, north, icb, best(q), title="Assistant practitioner")
    red = shared_bid(make, river, icb, worst(q, role_profile="physician_associate", band="band_7"), title="Phys assoc")
    return {"ready": ready, "red": red, "river": river, "commissioner": make.user("commissioner", icb)}


def behind_the_apps_back(version: AssessmentVersion, **values: Any) -> None:
    """Change a row directly in the database, as someone with database access could."""
    with db.engine.begin() as connection:
        connection.execute(db.update(AssessmentVersion).where(AssessmentVersion.id == version.id).values(**values))
    db.session.expire_all()


def ready_green_95(version: AssessmentVersion) -> None:
    green = {stage: {"score": 95, "rag": "green"} for stage in version.stage_scores}
    behind_the_apps_back(version, verdict="ready", stage_scores=green)


def alter_an_answer(version: AssessmentVersion) -> None:
    data = json.loads(version.snapshot)
    data["answers"] = {
        qid: {**answer, "value": "yes"} if answer["value"] == "no" else answer
        for qid, answer in data["answers"].items()
    }
    behind_the_apps_back(version, snapshot=json.dumps(data, sort_keys=True, separators=(",", ":")))


def portfolio_row(page: str, title: str) -> str:
    return next(row for row in re.findall(r"<tr class=\"nhsuk-table__row\">.*?</tr>", page, re.S) if title in row)


def csv_rows(client: FlaskClient, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))


def altered_events(version: AssessmentVersion) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            db.select(AuditEvent).where(
                AuditEvent.action == "bid_altered_found", AuditEvent.object_id == str(version.id)
            )
        )
    )


def assert_shown_altered(client: FlaskClient, make: Factory, bids: dict, reason: str) -> None:
    red, ready = bids["red"], bids["ready"]
    switch_to(client, make, bids["commissioner"])
    page = client.get("/portfolio/").text
    assert "Altered" in portfolio_row(page, "Phys assoc") and "Altered" not in portfolio_row(page, "Assistant")
    assert "1 bid on this page was altered after submission" in page and "nhsuk-card--warning" in page
    bid = client.get(f"/portfolio/bids/{red.id}").text
    assert "This bid was altered after it was submitted" in bid and reason in bid
    assert "nhsuk-card--warning" in bid and "nhsuk-tag--red app-altered" in bid
    assert "This bid was altered" not in client.get(f"/portfolio/bids/{ready.id}").text
    rows = csv_rows(client, "/portfolio/export.csv")
    integrity_column = rows[0].index("Integrity")
    by_title = {row[1]: row[integrity_column] for row in rows[1:]}
    assert by_title["Phys assoc"].startswith("ALTERED: ") and reason in by_title["Phys assoc"]
    assert by_title["Assistant practitioner"] == "Verified"
    answers = csv_rows(client, f"/portfolio/bids/{red.id}/answers.csv")
    assert all(row[-1].startswith("ALTERED: ") for row in answers[1:])
    compare = client.get(f"/portfolio/compare?bid={red.id}&bid={ready.id}").text
    assert compare.count("app-altered") == 1
    verify = client.post(f"/portfolio/bids/{red.id}/verify", follow_redirects=True).text
    assert "Verification failed" in verify and reason in verify
    # The provider's own pages say so too.
    switch_to(client, make, bids["river"])
    base = f"/assessments/{red.assessment_id}"
    assert "Altered after submission" in client.get(base).text
    api = client.get(f"/api/assessments/{red.assessment_id}/versions/1").json
    assert api["integrity"] == "altered" and any(reason in text for text in api["altered_because"])
    assert client.get(f"/api/assessments/{red.assessment_id}").json["versions"][0]["integrity"] == "altered"
    results = client.get(f"{base}/v/1/results").text
    assert "This version was altered after it was submitted" in results and "nhsuk-card--warning" in results
    # Seen on many pages by two people, audited once.
    events = altered_events(red)
    assert len(events) == 1
    assert any(reason in integrity.PROBLEMS[problem] for problem in events[0].detail["problems"])
    assert not altered_events(ready)


def test_a_tampered_verdict_is_flagged_everywhere_and_audited_once(
    client: FlaskClient, make: Factory, bids: dict
) -> None:
    ready_green_95(bids["red"])
    assert_shown_altered(client, make, bids, "stored verdict is not the verdict its answers give")
    assert altered_events(bids["red"])[0].detail["problems"] == ["verdict", "stage_scores"]


def test_a_tampered_snapshot_is_flagged_everywhere_and_audited_once(
    client: FlaskClient, make: Factory, bids: dict
) -> None:
    alter_an_answer(bids["red"])
    assert_shown_altered(client, make, bids, "stored answers no longer match the digest")
    assert altered_events(bids["red"])[0].detail["problems"][0] == "snapshot"


def test_a_digest_recomputed_to_match_a_changed_snapshot_still_fails_against_the_audit_trail(
    client: FlaskClient, make: Factory, bids: dict
) -> None:
    from readiness import snapshot

    red = bids["red"]
    alter_an_answer(red)
    db.session.refresh(red)
    behind_the_apps_back(red, digest=snapshot.digest(red.snapshot))
    assert_shown_altered(client, make, bids, "not the one the audit trail recorded")


def test_tampered_evidence_figures_are_flagged_everywhere_and_audited_once(
    client: FlaskClient, make: Factory, bids: dict
) -> None:
    red = bids["red"]
    assert red.evidence_claims is not None  # measured at submission
    behind_the_apps_back(red, evidence_share=100 if red.evidence_share != 100 else 0)
    assert_shown_altered(client, make, bids, "stored evidence figures are not the ones")
    assert altered_events(red)[0].detail["problems"] == ["evidence"]


def test_every_demo_bid_verifies(runner: Any) -> None:
    """The figures kept at submission are exactly what checking them derives: no bid is wrongly called altered."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    submitted = db.session.scalars(db.select(AssessmentVersion.id).where(AssessmentVersion.state == "submitted"))
    checked = integrity_of.of_versions(list(submitted))
    assert checked and {version: found.problems for version, found in checked.items() if found.altered} == {}


def test_untampered_bids_verify_everywhere(client: FlaskClient, make: Factory, bids: dict) -> None:
    switch_to(client, make, bids["commissioner"])
    page = client.get("/portfolio/").text
    assert "Altered" not in page and "altered after submission" not in page
    bid = client.get(f"/portfolio/bids/{bids['red'].id}").text
    assert 'nhsuk-tag--green">Verified</strong>' in bid and "This bid was altered" not in bid
    rows = csv_rows(client, "/portfolio/export.csv")
    assert [row[-1] for row in rows[1:]] == ["Verified", "Verified"]
    verify = client.post(f"/portfolio/bids/{bids['red'].id}/verify", follow_redirects=True).text
    assert "Verified: the stored snapshot still matches" in verify
    switch_to(client, make, bids["river"])
    api = client.get(f"/api/assessments/{bids['red'].assessment_id}/versions/1").json
    assert (api["integrity"], api["altered_because"]) == ("verified", [])
    assert db.session.scalar(db.select(db.func.count()).where(AuditEvent.action == "bid_altered_found")) == 0


def test_the_board_pack_says_a_tampered_bid_was_altered(
    client: FlaskClient, make: Factory, bids: dict, tmp_path: Path, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("rendering a PDF once is enough")
    switch_to(client, make, bids["river"])
    assert "Integrity Verified" in pdf_text(download(client, bids["red"], tmp_path))
    ready_green_95(bids["red"])
    text = pdf_text(download(client, bids["red"], tmp_path))
    assert "this version was altered after it was submitted" in text
    assert "ALTERED after submission: its stored verdict is not the verdict its answers give" in text


# The pure check, without a database.


def test_check_names_each_problem() -> None:
    from readiness import snapshot

    derived = Summary("not_ready", "assistant_practitioner", "band_4", {"need": {"score": 40, "rag": "red"}})
    text = snapshot.canonical_json({"answers": {"a": {"value": 1}}})
    digest = snapshot.digest(text)

    def derive(_digest: str) -> Summary | None:
        return derived

    assert integrity.check(text, digest, digest, derived, derive).problems == ()
    assert integrity.check(text, digest, None, derived, derive).problems == ()  # no audit event (an old import)
    changed = Summary("ready", derived.role_profile, derived.band, derived.stage_scores)
    assert integrity.check(text, digest, digest, changed, derive).problems == ("verdict",)
    rescored = Summary("not_ready", "assistant_practitioner", "band_4", {"need": {"score": 40.0, "rag": "red"}})
    assert integrity.check(text, digest, digest, rescored, derive).problems == ()  # 40 and 40.0 are one score
    greener = Summary("not_ready", "assistant_practitioner", "band_4", {"need": {"score": 95, "rag": "green"}})
    assert integrity.check(text, digest, digest, greener, derive).problems == ("stage_scores",)
    assert integrity.check(text + " ", digest, digest, derived, derive).problems == ("snapshot",)
    assert integrity.check(text, digest, "0" * 64, derived, derive).problems == ("digest",)
    assert integrity.check("not json", digest, digest, derived, lambda _: None).problems == ("snapshot",)
    assert integrity.answers_in("not json") is None and integrity.answers_in('{"answers": []}') is None
    assert integrity.answers_in(text) == {"a": 1}
    assert integrity.in_words(None) == "Not checked"
    assert integrity.in_words(integrity.check(text, digest, digest, derived, derive)) == "Verified"


def test_check_compares_evidence_figures_only_where_the_snapshot_can_say() -> None:
    from datetime import date

    from readiness import snapshot
    from readiness.integrity import EvidenceFigures

    text = snapshot.canonical_json({"answers": {"a": {"value": 1}}})
    digest = snapshot.digest(text)
    measured = EvidenceFigures(share=50, claims=1, oldest=date(2026, 1, 5))

    def problems(stored: EvidenceFigures | None, derived: EvidenceFigures | None) -> tuple[str, ...]:
        summary = Summary("ready", None, None, {}, derived)
        return integrity.check(
            text, digest, digest, Summary("ready", None, None, {}, stored), lambda _: summary
        ).problems

    assert problems(measured, measured) == ()
    assert problems(EvidenceFigures(80, 1, measured.oldest), measured) == ("evidence",)
    assert problems(EvidenceFigures(50, 0, measured.oldest), measured) == ("evidence",)
    assert problems(EvidenceFigures(50, 1, date(2026, 6, 1)), measured) == ("evidence",)
    undated = EvidenceFigures(50, 1, None, dated=False)  # an older snapshot: its oldest date came from elsewhere
    assert problems(EvidenceFigures(50, 1, date(2026, 6, 1)), undated) == ()
    assert problems(None, measured) == ()  # submitted before evidence was measured: nothing stored to check
    assert problems(measured, None) == ("evidence",)  # figures stored, but the snapshot's evidence is unreadable


def test_pages_marking_an_altered_bid_are_valid_html(
    client: FlaskClient, make: Factory, bids: dict, tmp_path: Path, database_url: str
) -> None:
    from tests.support import vnu

    if not database_url.startswith("sqlite") or vnu.java_missing():
        pytest.skip(vnu.java_missing() or "checking the HTML once is enough")
    red = bids["red"]
    ready_green_95(red)
    switch_to(client, make, bids["commissioner"])
    pages = {
        "portfolio": client.get("/portfolio/").text,
        "bid": client.get(f"/portfolio/bids/{red.id}").text,
        "verify": client.post(f"/portfolio/bids/{red.id}/verify", follow_redirects=True).text,
        "compare": client.get(f"/portfolio/compare?bid={red.id}&bid={bids['ready'].id}").text,
    }
    switch_to(client, make, bids["river"])
    pages["assessment"] = client.get(f"/assessments/{red.assessment_id}").text
    pages["results"] = client.get(f"/assessments/{red.assessment_id}/v/1/results").text
    files = []
    for name, html in pages.items():
        assert "ltered" in html, name
        files.append(tmp_path / f"{name}.html")
        files[-1].write_text(html, encoding="utf-8")
    assert vnu.errors_in(files) == []
