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
from tests.support.http import Browser
from tests.test_wizard import seen_of

SECONDS = float(os.environ.get("SOAK_SECONDS", "30"))
CLIENTS = 20
QUESTIONS = ["need_patient_need", "need_time_commitment", "need_secure_investment"]


class Tally:
    """What the clients saw, counted under a lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.saved: collections.Counter[tuple[int, str]] = collections.Counter()
        self.refused = 0
        self.failures: list[str] = []


def edit_until(
    deadline: float, base: str, email: str, index: int, targets: list[tuple[int, int]], tally: Tally
) -> None:
    """Sign in, then keep saving random answers to shared (and sometimes one's own) assessments."""
    browser = Browser(base)
    if browser.request("/sign-in", {"email": email, "password": PASSWORD})[0] != 302:
        tally.failures.append(f"{email} could not sign in")
        return
    rng = random.Random(index)
    mine = targets[2 + index] if index < len(targets) - 2 else None
    count = 0
    while time.monotonic() < deadline:
        assessment_id, version_id = mine if mine and rng.random() < 0.5 else rng.choice(targets[:2])
        url = f"/assessments/{assessment_id}/v/1/section/need"
        status, page = browser.request(url)
        question, count = rng.choice(QUESTIONS), count + 1
        fields = {
            "seen": seen_of(page),
            "action": "later",
            f"q__{question}": rng.choice(["yes", "partly", "no"]),
            f"note__{question}": f"client {index} save {count}",
        }
        status, page = browser.request(url, fields)
        with tally.lock:
            if status == 302:
                tally.saved[(version_id, question)] += 1
            elif status == 200 and "A colleague changed some answers" in page:
                tally.refused += 1
            else:
                tally.failures.append(f"POST {url} -> {status}")


def test_twenty_clients_for_thirty_seconds_lose_nothing(served: tuple[str, Factory], database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the soak runs against PostgreSQL, where several processes share one database")
    base, make = served
    organisation = make.organisation()
    people = [make.user("project_lead", organisation=organisation) for _ in range(CLIENTS)]
    # Two assessments everyone edits, and one each for four people alone.
    shared = [assessments.latest_version(make.assessment(people[0], title=f"Shared {n}")) for n in range(2)]
    own = [assessments.latest_version(make.assessment(person, title=f"Own {n}")) for n, person in enumerate(people[:4])]
    targets = [(v.assessment_id, v.id) for v in shared + own]
    emails = [person.email for person in people]
    db.session.remove()
    tally, deadline = Tally(), time.monotonic() + SECONDS
    threads = [
        threading.Thread(target=edit_until, args=(deadline, base, emails[i], i, targets, tally)) for i in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(SECONDS + 60)
    assert not tally.failures, tally.failures[:5]
    assert sum(tally.saved.values()) > CLIENTS and tally.refused > 0, (tally.saved, tally.refused)
    for (version_id, question), count in tally.saved.items():
        row = db.session.scalar(
            db.select(Answer).where(Answer.version_id == version_id, Answer.question_id == question)
        )
        # Every accepted save changed the note, so each one must have moved the revision on exactly once.
        assert row.revision == count, f"{question} in version {version_id}: {count} saves but revision {row.revision}"
        assert re.fullmatch(r"client \d+ save \d+", row.note)
    changes = db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "answer_changed"))
    assert changes == sum(tally.saved.values())
