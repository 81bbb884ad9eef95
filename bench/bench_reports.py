"""Benchmark the readiness report (HTML with its chart) and the board pack PDF for a ~60-question assessment.

Run:  /tmp/venv/bin/python bench/bench_reports.py [--runs 15]
In-process through Flask's test client on a fresh SQLite file: medians of repeated requests after one warm-up,
with a bare route measured in the same run as the baseline. The chart cache is cleared before every HTML run,
so each one draws its chart. Targets: HTML < 150 ms, PDF < 2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS_MS = {"html": 150.0, "pdf": 2000.0}


def build(workdir: Path) -> tuple[Any, Any, dict[str, str]]:
    """Create an app on a migrated SQLite file with two submitted ~60-question assessments."""
    from flask_migrate import upgrade

    from readiness import create_app
    from readiness.services import assessments
    from readiness.services.catalogue import questionnaire
    from tests.support.answers import best, worst
    from tests.support.factory import Factory

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite'}",
            "INSTANCE_PATH": workdir / "instance",
            "SECRET_KEY": "bench-secret-key-long-enough-for-flask",
            "AUTO_UPGRADE_DATABASE": "never",
            "SERVER_NAME": "localhost",
            "WTF_CSRF_ENABLED": False,
        }
    )
    context = app.app_context()
    context.push()
    upgrade(directory=str(ROOT / "migrations"))
    make = Factory(app)
    lead = make.user("project_lead")
    q = questionnaire()
    # "mixed": every other scored question at its worst, a realistic first self-assessment; "worst": all worst.
    good, bad = best(q), worst(q)
    mixed = {qid: (bad if index % 2 else good).get(qid) for index, qid in enumerate(good)}
    urls = {}
    for name, answers in (("mixed", mixed), ("worst", bad)):
        assessment = make.assessment(lead, answers=answers)
        version = assessments.latest_version(assessment)
        assert assessments.submit(version, lead)
        result = assessments.result_of(version)
        print(
            f"{name}: {len(result.answers)} questions apply, {len(result.risks)} risks, "
            f"{len(result.actions)} actions, verdict {result.verdict}"
        )
        urls[name] = f"/assessments/{assessment.id}/v/1"
    client = app.test_client()
    make.sign_in(client, lead)
    return app, client, urls


def median_ms(run: Callable[[], Any], runs: int, before: Callable[[], None] = lambda: None) -> float:
    run()  # warm-up
    times = []
    for _ in range(runs):
        before()
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def get(client: Any, url: str) -> Callable[[], Any]:
    def fetch() -> Any:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.data

    return fetch


def page_count(data: bytes, folder: Path) -> int:
    path = folder / "pack.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    from readiness import charts

    with tempfile.TemporaryDirectory() as directory:
        _app, client, urls = build(Path(directory))

        def forget_packs() -> None:
            from readiness.extensions import db
            from readiness.models import CachedBoardPack

            db.session.execute(db.delete(CachedBoardPack))
            db.session.commit()

        bare = median_ms(get(client, "/healthz"), args.runs)
        print(f"\nload average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; medians of {args.runs} runs")
        columns = ("bare ms", "chart ms", "HTML ms", "HTML warm", "PDF ms", "PDF warm", "PDF pages")
        print(f"{'case':<8} " + " ".join(f"{column:>9}" for column in columns))
        for name, base in urls.items():
            html = median_ms(get(client, f"{base}/results"), args.runs, before=charts._stage_chart.cache_clear)
            warm = median_ms(get(client, f"{base}/results"), args.runs)
            report = client.get(f"{base}/results")
            assert b"Bar chart of stage scores" in report.data
            # Cold: the pack cache is emptied before each run, so every run renders with WeasyPrint.
            pdf = median_ms(get(client, f"{base}/board-pack.pdf"), max(3, args.runs // 3), before=forget_packs)
            pdf_warm = median_ms(get(client, f"{base}/board-pack.pdf"), args.runs)
            pages = page_count(client.get(f"{base}/board-pack.pdf").data, Path(directory))
            stages = [
                ("Understand the need", 40, "red"),
                ("Governance and scope", 70, "amber"),
                ("Stakeholders and culture", 100, "green"),
                ("Training and support", 55, "amber"),
                ("Monitor and evaluate", 20, "red"),
            ]
            chart = median_ms(lambda s=stages: charts.stage_chart(s), args.runs, before=charts._stage_chart.cache_clear)
            cells = f"{bare:>9.2f} {chart:>9.1f} {html:>9.1f} {warm:>9.1f} {pdf:>9.0f} {pdf_warm:>9.0f} {pages:>9}"
            print(f"{name:<8} {cells}")
            for label, value in (("html", html), ("pdf", pdf)):
                verdict = "meets" if value < TARGETS_MS[label] else "MISSES"
                print(
                    f"  {label.upper()} {value:.0f} ms {verdict} the {TARGETS_MS[label]:.0f} ms target "
                    f"({value / bare:.0f}x the bare route)"
                )


if __name__ == "__main__":
    main()
