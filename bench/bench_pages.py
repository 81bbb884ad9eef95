"""Server-side time of the wizard's busiest pages, in-process, against the bare health route.

Run: PYTHONPATH=. .venv/bin/python bench/bench_pages.py
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from readiness.services import assessments
from tests.conftest import make_app
from tests.support import databases
from tests.support.factory import Factory

RUNS = 30


def median_ms(client: object, path: str) -> float:
    client.get(path)  # type: ignore[attr-defined]  # warm-up: compiled templates, cached questionnaire
    times = []
    for _ in range(RUNS):
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
            print(f"{name:<24} {value:7.1f} ms  ({value / bare:.0f}x the bare route)")


if __name__ == "__main__":
    main()
