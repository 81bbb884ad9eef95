"""What checking every bid's integrity costs the portfolio page: the same page with and without it.

Run:  /work/main/.venv/bin/python bench/bench_integrity.py [--bids 5000] [--runs 60] [--no-postgres]
Loads the bids as bench_portfolio.py does, then requests the portfolio page alternately with the
integrity check and with it switched off (in the same process, so both see the same load), and
reports the medians and their ratio. Appends (or replaces) its own section of bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_portfolio as base
import psycopg
from psycopg import sql

SECTION = "## Portfolio: the cost of checking each bid's integrity (issue 11)"


def run_backend(name: str, database_url: str, bids: int, runs: int) -> tuple[str, float, float]:
    from flask import g

    from readiness.extensions import db
    from readiness.services import portfolio

    app = base.build_app(database_url, Path(tempfile.mkdtemp(prefix=f"bench-integrity-{name}-")))
    with app.app_context():
        commissioner, templates = base.seed_templates(providers=50)
        base.clone(templates, bids, providers=50)
        client = app.test_client()
        with client.session_transaction() as session:
            session.update({"_user_id": str(commissioner.id), "_fresh": True, "epoch": commissioner.session_epoch})
        checked = portfolio.checked

        def unchecked(rows: Any) -> list[Any]:
            return [portfolio._bid(row, None) for row in rows]

        def timed() -> float:
            g.pop("_login_user", None)
            start = time.perf_counter()
            assert client.get(base.URL).status_code == 200
            return (time.perf_counter() - start) * 1000

        timed(), timed()  # warm: the first view rescores each page's snapshots once
        with_check, without = [], []
        try:
            for _ in range(runs):
                portfolio.checked = checked
                with_check.append(timed())
                portfolio.checked = unchecked
                without.append(timed())
        finally:
            portfolio.checked = checked
        db.session.remove()
        db.engine.dispose()
    return name, statistics.median(with_check), statistics.median(without)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bids", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    results = [run_backend("SQLite", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite", args.bids, args.runs)]
    if not args.no_postgres:
        name = f"readiness_bench_integrity_{int(time.time())}"
        with psycopg.connect(base.PG_SERVER, autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
            results.append(run_backend("PostgreSQL", url, args.bids, args.runs))
        finally:
            with psycopg.connect(base.PG_SERVER, autocommit=True) as connection:
                connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [
        SECTION,
        "",
        f"`bench/bench_integrity.py`, run {time.strftime('%Y-%m-%d')}: the portfolio page (`{base.URL}`, "
        f"{args.bids:,} shared bids) requested {args.runs} times each, alternately with and without the integrity "
        "check (re-hash 25 snapshots, compare their summary columns with what the snapshot scores to, cached by "
        "digest; read the submission digests in the audit trail). Medians:",
        "",
        "| backend | with check ms | without ms | ratio |",
        "| --- | --- | --- | --- |",
        *(f"| {name} | {on:.1f} | {off:.1f} | {on / off:.3f} |" for name, on, off in results),
        "",
        f"Load average at the end of the run: {load} (shared cores; both columns saw the same load).",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    base.write_section_named(SECTION, text)


if __name__ == "__main__":
    main()
