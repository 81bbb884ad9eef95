"""Server-side time of the wizard's busiest pages, in-process, against the bare health route.

Run: PYTHONPATH=. .venv/bin/python bench/bench_pages.py
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from readiness.services import assessments
from readiness.services.catalogue import questionnaire
from tests.conftest import make_app
from tests.support import databases
from tests.support.answers import best
from tests.support.factory import Factory

RUNS = 30


def median_ms(client: object, path: str, before_each: Callable[[], None] = lambda: None) -> float:
    client.get(path)  # type: ignore[attr-defined]  # warm-up: compiled templates, cached questionnaire
    times = []
    for _ in range(RUNS):
        before_each()
        start = time.perf_counter()
        client.get(path)  # type: ignore[attr-defined]
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    databases.migrate(url, folder / "migrate")
    app = make_app(url, folder / "instance", WTF_CSRF_ENABLED=False)
    with app.app_context():
        make = Factory(app)
        lead = make.user()
        client = app.test_client()
        make.sign_in(client, lead)
        version = assessments.latest_version(make.assessment(lead))
        base = f"/assessments/{version.assessment_id}/v/1"
        pages = {
            "bare /healthz": "/healthz",
            "question page (need)": f"{base}/section/need",
            "question page (role)": f"{base}/section/role",
            "task list": base,
            "dashboard": "/assessments/",
        }
        print(f"load average {os.getloadavg()[0]:.1f}; medians of {RUNS} requests, SQLite, in-process")
        bare = None
        for name, path in pages.items():
            value = median_ms(client, path)
            bare = bare or value
            print(f"{name:<52} {value:7.1f} ms  ({value / bare:.0f}x the bare route)")

        # A trust with 50 assessments: every lead's dashboard lists them all, with their progress.
        busy_lead = make.user()
        for number in range(50):
            make.assessment(busy_lead, title=f"Role {number}", answers=best(questionnaire()))
        make.sign_in(client, busy_lead)
        cases = {
            "dashboard, 50 assessments, progress counted afresh": assessments.PROGRESS_CACHE.clear,
            "dashboard, 50 assessments, progress cached": lambda: None,
        }
        for name, before_each in cases.items():
            value = median_ms(client, "/assessments/", before_each)
            print(f"{name:<52} {value:7.1f} ms  ({value / bare:.0f}x the bare route)")


if __name__ == "__main__":
    main()
