"""Scoring throughput (full assessments per second, one core) and questionnaire load time.

Run: .venv/bin/python bench/bench_scoring.py
A baseline in the same run (copying each answer set) puts the numbers in context on a noisy machine.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import time
from pathlib import Path

from readiness.questionnaire import load_catalogue, options_of
from readiness.scoring import score

ROOT = Path(__file__).resolve().parent.parent / "questionnaires"


def answer_sets(count: int, seed: int = 2026) -> list[dict[str, object]]:
    """Random but realistic full assessments: every choice question answered, fixed seed."""
    questionnaire = load_catalogue(ROOT).current
    rng = random.Random(seed)
    profiles = [o.value for o in questionnaire.questions["role_profile"].options]
    sets = []
    for _ in range(count):
        answers: dict[str, object] = {"role_profile": rng.choice(profiles), "funding_months": rng.randint(0, 60)}
        for question in questionnaire.questions.values():
            if question.kind in ("scale", "choice") and question.id != "role_profile":
                answers[question.id] = rng.choice([o.value for o in options_of(questionnaire, question)])
        sets.append(answers)
    return sets


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    loads = []
    for _ in range(7):
        start = time.perf_counter()
        catalogue = load_catalogue(ROOT)
        loads.append(time.perf_counter() - start)
    questionnaire = catalogue.current
    sets = answer_sets(5000)
    runs, baselines = [], []
    for _ in range(5):
        start = time.perf_counter()
        for answers in sets:
            dict(answers)
        baselines.append(time.perf_counter() - start)
        start = time.perf_counter()
        for answers in sets:
            score(questionnaire, answers)
        runs.append(time.perf_counter() - start)
    rate = len(sets) / statistics.median(runs)
    machine = platform.processor() or platform.machine()
    print(f"machine: {machine}, {os.cpu_count()} cores, Python {platform.python_version()}")
    q = questionnaire
    print(f"questionnaire {q.version}: {len(q.questions)} questions, {len(q.rules)} rules")
    print(f"load + validate: median {statistics.median(loads) * 1000:.0f} ms over {len(loads)} runs (target < 200 ms)")
    print(f"scoring: {rate:,.0f} full assessments/s on one core (target >= 5,000), median of {len(runs)} runs")
    print(
        f"baseline (copy each answer set): {statistics.median(baselines) / len(sets) * 1e6:.2f} us each; "
        f"scoring costs {statistics.median(runs) / statistics.median(baselines):.0f}x the baseline"
    )


if __name__ == "__main__":
    main()
