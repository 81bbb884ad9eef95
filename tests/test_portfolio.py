"""The commissioner's portfolio: filters, sorting, paging, the heatmap, comparison, integrity and query counts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import event

from readiness.extensions import db
from readiness.models import AssessmentVersion, AuditEvent
from readiness.services import portfolio, sharing
from readiness.services.catalogue import questionnaire
from tests.support.answers import best, worst
from tests.support.factory import Factory
from tests.test_sharing import shared_bid, switch_to


@contextmanager
def counting_queries() -> Iterator[list[str]]:
    """Collect every SQL statement sent to the database while the block runs."""
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


@pytest.fixture
def bids(make: Factory) -> dict[str, Any]:
    q = questionnaire()
    commissioner_org = make.organisation("Westshire ICB", kind="commissioner")
    north = make.user("project_lead", make.organisation("Northfield Trust"))
    river = make.user("project_lead", make.organisation("Riverside PCN"))
    ready = shared_bid(make, north, commissioner_org, best(q), title="Assistant practitioner")
    red = shared_bid(
        make,
        river,
        commissioner_org,
        worst(q, role_profile="physician_associate", band="band_7"),
        title="Physician associate",
    )
    return {
        "org": commissioner_org,
        "ready": ready,
        "red": red,
        "north": north,
        "river": river,
        "commissioner": make.user("commissioner", commissioner_org),
    }


def test_the_portfolio_lists_bids_with_their_ratings(client: FlaskClient, make: Factory, bids: dict) -> None:
    switch_to(client, make, bids["commissioner"])
    page = client.get("/portfolio/")
    assert page.status_code == 200
    for text in (
        "Assistant practitioner",
        "Physician associate",
        "Northfield Trust",
        "Riverside PCN",
        "Not ready",
        "Band 7",
        "2 bids from 2 organisations match",
        "Stages most often failing",
    ):
        assert text in page.text, text
    assert 'src="/portfolio/heatmap.svg"' in page.text and "alt=" in page.text
    assert "There is a problem" not in page.text and "Error:" not in page.text


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("verdict=not_ready", "Physician associate", "Assistant practitioner"),
        ("rating=red", "Physician associate", "Assistant practitioner"),
        ("stage=need&rating=green", "Assistant practitioner", "Physician associate"),
        ("role_profile=physician_associate", "Physician associate", "Assistant practitioner"),
        ("q=northfield", "Assistant practitioner", "Physician associate"),
        ("q=PHYSICIAN", "Physician associate", "Assistant practitioner"),
        ("submitted_from=2000-01-01&submitted_to=2000-12-31", None, "Physician associate"),
    ],
)
def test_filters(client: FlaskClient, make: Factory, bids: dict, query: str, shown: str | None, hidden: str) -> None:
    switch_to(client, make, bids["commissioner"])
    page = client.get(f"/portfolio/?{query}")
    assert page.status_code == 200
    assert "There is a problem" not in page.text
    table = page.text.split('id="bids"')[1]
    if shown:
        assert shown in table
    assert hidden not in table


def test_organisation_filter_and_a_bad_date_is_reported(client: FlaskClient, make: Factory, bids: dict) -> None:
    switch_to(client, make, bids["commissioner"])
    organisation = bids["river"].memberships[0].organisation_id
    table = client.get(f"/portfolio/?organisation={organisation}").text.split('id="bids"')[1]
    assert "Physician associate" in table and "Assistant practitioner" not in table
    page = client.get("/portfolio/?submitted_from=31-02-2026")
    assert page.status_code == 200
    assert "must be a real date" in page.text and page.text.count("nhsuk-error-message") == 1
    # Shown back as typed, in a text input: an input of type date may only hold a real date.
    assert 'name="submitted_from" type="text" value="31-02-2026"' in page.text
    assert "Physician associate" in page.text.split('id="bids"')[1]


def test_sorting_by_a_stage_score(client: FlaskClient, make: Factory, bids: dict) -> None:
    switch_to(client, make, bids["commissioner"])
    low_first = client.get("/portfolio/?sort=stage_need&order=asc").text.split('id="bids"')[1]
    assert low_first.index("Physician associate") < low_first.index("Assistant practitioner")
    high_first = client.get("/portfolio/?sort=stage_need&order=desc").text.split('id="bids"')[1]
    assert high_first.index("Assistant practitioner") < high_first.index("Physician associate")


def test_pagination(client: FlaskClient, make: Factory, bids: dict) -> None:
    q = questionnaire()
    for number in range(portfolio.PAGE_SIZE):
        shared_bid(make, bids["north"], bids["org"], best(q), title=f"Care navigator {number}")
    ids = {bids["org"].id}
    first = portfolio.page_of(ids, portfolio.Filters())
    second = portfolio.page_of(ids, portfolio.Filters(page=2))
    assert (first.pages, len(first.bids), len(second.bids)) == (2, portfolio.PAGE_SIZE, 2)
    assert not {b.version_id for b in first.bids} & {b.version_id for b in second.bids}
    assert portfolio.page_of(ids, portfolio.Filters(page=99)).page == 2
    assert portfolio.page_numbers(5, 20) == [1, None, 3, 4, 5, 6, 7, None, 20]
    switch_to(client, make, bids["commissioner"])
    html = client.get("/portfolio/?page=2").text
    item = r'class="nhsuk-pagination__item[^"]*">\s*<a class="nhsuk-pagination__link" href="([^"]+)"'
    numbers = re.findall(item, html)
    assert numbers == ["/portfolio/?page=1", "/portfolio/?page=2"]
    assert re.search(r'href="/portfolio/\?page=2"[^>]*aria-current="page"', html)


def test_a_bid_shows_every_answer(client: FlaskClient, make: Factory, bids: dict) -> None:
    version = bids["red"]
    switch_to(client, make, bids["commissioner"])
    page = client.get(f"/portfolio/bids/{version.id}").text
    html = page[page.index("<h2>Answers</h2>") : page.index('<h2 id="queries">')]
    detail = sharing.detail_of(version)
    shown = [q for section in detail.questionnaire.sections for q in section.questions if q.id in detail.result.answers]
    assert len(shown) > 20
    missing = [question.id for question in shown if str(escape(question.text)) not in html]
    assert not missing


def test_the_heatmap_is_svg_with_no_date(client: FlaskClient, make: Factory, bids: dict) -> None:
    switch_to(client, make, bids["commissioner"])
    response = client.get("/portfolio/heatmap.svg?verdict=not_ready")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data and b"<dc:date>" not in response.data
    assert b"Riverside PCN" in response.data and b"Northfield" not in response.data


def test_the_weakest_stages_and_most_common_risks(make: Factory, bids: dict) -> None:
    ids = {bids["org"].id}
    summary = portfolio.summarise(ids, portfolio.Filters())
    assert summary.total == 2 and summary.verdicts["not_ready"] == 1
    assert all(stage.red == 1 and stage.green == 1 for stage in summary.stages)
    risks, sample = portfolio.risk_counts(ids, portfolio.Filters())
    assert sample == 2 and risks and all(risk.bids == 1 for risk in risks)
    assert risks[0].severity == "critical"


def test_compare_two_bids(client: FlaskClient, make: Factory, bids: dict) -> None:
    switch_to(client, make, bids["commissioner"])
    page = client.get(f"/portfolio/compare?bid={bids['ready'].id}&bid={bids['red'].id}")
    assert page.status_code == 200
    for text in (
        "Compare bids",
        "Critical and high risks",
        "Physician associate",
        "Northfield Trust",
        "Evidence",
        "What Agenda for Change band will the role be?",
        "Band 7",
    ):
        assert text in page.text, text
    single = client.get(f"/portfolio/compare?bid={bids['ready'].id}")
    assert single.status_code == 302


def test_verify_matches_until_the_snapshot_is_tampered_with(client: FlaskClient, make: Factory, bids: dict) -> None:
    switch_to(client, make, bids["commissioner"])
    version = bids["ready"]
    page = client.get(f"/portfolio/bids/{version.id}")
    assert version.digest in page.text
    verified = client.post(f"/portfolio/bids/{version.id}/verify", follow_redirects=True)
    assert "Verified: the stored snapshot still matches" in verified.text

    tampered = version.snapshot.replace('"value":"no"', '"value":"yes"').replace('"value":"partly"', '"value":"yes"')
    with db.engine.begin() as connection:  # behind the app's back
        connection.execute(
            db.text("UPDATE assessment_version SET snapshot = :s WHERE id = :id"),
            {"s": tampered + " ", "id": version.id},
        )
    db.session.expire_all()
    failed = client.post(f"/portfolio/bids/{version.id}/verify", follow_redirects=True)
    assert "Verification failed" in failed.text
    results = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "snapshot_verified").order_by(AuditEvent.id)
    ).all()
    assert [event.detail["matches"] for event in results] == [True, False]
    assert "does not match the digest" in client.get(f"/portfolio/bids/{version.id}").text


def test_tampering_with_digest_and_snapshot_together_is_still_caught(make: Factory, bids: dict) -> None:
    from readiness import snapshot

    version = bids["ready"]
    forged = version.snapshot.replace("Northfield", "Southfield")
    with db.engine.begin() as connection:
        connection.execute(
            db.text("UPDATE assessment_version SET snapshot = :s, digest = :d WHERE id = :id"),
            {"s": forged, "d": snapshot.digest(forged), "id": version.id},
        )
    db.session.expire_all()
    checked = sharing.verify(db.session.get(AssessmentVersion, version.id), bids["commissioner"])
    assert not checked.matches and checked.audited_digest != checked.stored_digest


def test_portfolio_query_count_does_not_grow_with_bids(client: FlaskClient, make: Factory, bids: dict) -> None:
    switch_to(client, make, bids["commissioner"])
    url = "/portfolio/?rating=red&sort=organisation"
    client.get(url)
    with counting_queries() as few:
        assert client.get(url).status_code == 200
    q = questionnaire()
    for number in range(8):
        lead = make.user("project_lead", make.organisation(f"Provider {number}"))
        shared_bid(make, lead, bids["org"], worst(q), title=f"Red bid {number}")
    client.get(url)
    with counting_queries() as many:
        page = client.get(url)
        assert page.status_code == 200 and "Red bid 7" in page.text
    assert len(many) == len(few), "\n".join(many)
    with counting_queries() as chart:
        assert client.get("/portfolio/heatmap.svg?rating=red").status_code == 200
    assert len(chart) <= len(few)
