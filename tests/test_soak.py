"""Twenty people editing the same and different assessments at once on PostgreSQL: no lost update."""

from __future__ import annotations

import collections
import os
import random
import re
import threading
import time

import pytest

from readiness.extensions import db
from readiness.models import Answer, AuditEvent
from readiness.services import assessments
from tests.support.factory import PASSWORD, Factory
from tests.test_concurrency import Browser, served  # noqa: F401 - the served fixture
from tests.test_wizard import seen_of

SECONDS = float(os.environ.get("SOAK_SECONDS", "30"))
CLIENTS = 20
QUESTIONS = ["need_patient_need", "need_time_commitment", "need_secure_investment"]


def test_twenty_clients_for_thirty_seconds_lose_nothing(served: tuple[str, Factory], database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the soak runs against PostgreSQL, where several processes share one database")
    base, make = served
    organisation = make.organisation()
    people = [make.user("project_lead", organisation=organisation) for _ in range(CLIENTS)]
    # Two assessments everyone edits, and one each for a few people alone.
    shared = [assessments.latest_version(make.assessment(people[0], title=f"Shared {n}")) for n in range(2)]
    own = [assessments.latest_version(make.assessment(person, title=f"Own {n}")) for n, person in enumerate(people[:4])]
    targets = [(v.assessment_id, v.id) for v in shared + own]
    emails = [person.email for person in people]
    db.session.remove()

    saved: collections.Counter[tuple[int, str]] = collections.Counter()
    refused: collections.Counter[int] = collections.Counter()
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS

    def work(index: int) -> None:
        browser = Browser(base)
        if browser.request("/sign-in", {"email": emails[index], "password": PASSWORD})[0] != 302:
            failures.append(f"{index} could not sign in")
            return
        rng = random.Random(index)
        count = 0
        while time.monotonic() < deadline:
            assessment_id, version_id = (
                targets[index % 4 + 2] if index < 4 and rng.random() < 0.5 else rng.choice(targets[:2])
            )
            url = f"/assessments/{assessment_id}/v/1/section/need"
            status, page = browser.request(url)
            if status != 200:
                failures.append(f"GET {url} -> {status}")
                continue
            question = rng.choice(QUESTIONS)
            count += 1
            fields = {
                "seen": seen_of(page),
                "action": "later",
                f"q__{question}": rng.choice(["yes", "partly", "no"]),
                f"note__{question}": f"client {index} save {count}",
            }
            status, page = browser.request(url, fields)
            with lock:
                if status == 302:
                    saved[(version_id, question)] += 1
                elif status == 200 and "A colleague changed some answers" in page:
                    refused[version_id] += 1
                else:
                    failures.append(f"POST {url} -> {status}")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(SECONDS + 60)
    assert not failures, failures[:5]
    assert sum(saved.values()) > CLIENTS and sum(refused.values()) > 0, (saved, refused)
    for (version_id, question), count in saved.items():
        row = db.session.scalar(
            db.select(Answer).where(Answer.version_id == version_id, Answer.question_id == question)
        )
        # Every accepted save changed the note, so each one must have moved the revision on exactly once.
        assert row.revision == count, f"{question} in version {version_id}: {count} saves but revision {row.revision}"
        assert re.fullmatch(r"client \d+ save \d+", row.note)
    changes = db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "answer_changed"))
    assert changes == sum(saved.values())
