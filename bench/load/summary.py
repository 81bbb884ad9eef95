"""Summarise a locust run as the row that bench/README.md records, and judge it against issue 7's target.

Usage: summary.py STATS_CSV SERVER_CPU_SECONDS LOAD_AVERAGE
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

TARGET_P95_MS = 300
BASELINE = "/healthz (baseline)"


def summarise(stats: Path, server_cpu_seconds: float, load_average: str) -> tuple[str, bool]:
    rows = {row["Name"]: row for row in csv.DictReader(stats.open(newline=""))}
    total, baseline = rows["Aggregated"], rows[BASELINE]
    requests, errors = int(total["Request Count"]), int(total["Failure Count"])
    cpu_ms_per_request = 1000 * server_cpu_seconds / requests if requests else float("nan")
    line = (
        f"| {requests:,} | {float(total['Requests/s']):.1f} | {errors} | {total['50%']} ms | {total['95%']} ms"
        f" | {total['99%']} ms | {baseline['50%']} ms | {baseline['95%']} ms | {cpu_ms_per_request:.1f} ms"
        f" | {load_average} |"
    )
    return line, errors == 0 and int(total["95%"]) < TARGET_P95_MS


def main() -> int:
    stats, cpu, load = sys.argv[1:4]
    line, met = summarise(Path(stats), float(cpu), load)
    columns = ["requests", "req/s", "errors", "p50", "p95", "p99", "baseline p50", "baseline p95"]
    columns += ["server CPU per request", "load average"]
    print("| " + " | ".join(columns) + " |")
    print("|" + " --- |" * len(columns))
    print(line)
    print(f"target (0 errors, p95 under {TARGET_P95_MS} ms): {'met' if met else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
