"""Load: project leads signing in and working through the wizard, plus a bare-route baseline.

Run through bench/load/run.sh, which prepares PostgreSQL, demo users and gunicorn (2 workers).
"""

from __future__ import annotations

import itertools
import os
import random
import re

from locust import HttpUser, between, task

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SEEN = re.compile(r'name="seen" type="hidden" value="([^"]*)"')
LEADS = itertools.count(1)
SECTIONS = ["need", "governance", "stakeholders", "training", "evaluation"]
PASSWORD = os.environ.get("LOAD_PASSWORD", "load-test-password")


class ProjectLead(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.number = next(LEADS)
        page = self.client.get("/sign-in", name="/sign-in").text
        self.client.post(
            "/sign-in",
            data={
                "email": f"lead{self.number}@load.example",
                "password": PASSWORD,
                "csrf_token": TOKEN.search(page).group(1),
            },
            name="/sign-in (post)",
        )
        self.assessment = os.environ.get(f"LOAD_ASSESSMENT_{self.number}", str(self.number))

    @task(3)
    def answer_a_section(self) -> None:
        section = random.choice(SECTIONS)
        url = f"/assessments/{self.assessment}/v/1/section/{section}"
        page = self.client.get(url, name="/section (get)").text
        token, seen = TOKEN.search(page), SEEN.search(page)
        if not token or not seen:
            return
        fields = {
            name: random.choice(["yes", "partly", "no"])
            for name in set(re.findall(r'name="(q__[a-z0-9_]+)" type="radio"', page))
        }
        self.client.post(
            url,
            data={
                "csrf_token": token.group(1),
                "seen": seen.group(1).replace("&#34;", '"'),
                "action": "later",
                **fields,
            },
            name="/section (post)",
        )

    @task(1)
    def task_list(self) -> None:
        self.client.get(f"/assessments/{self.assessment}/v/1", name="/task list")


class Baseline(HttpUser):
    """The bare health route in the same run, so results are read as ratios on a noisy machine."""

    wait_time = between(0.5, 1.5)
    fixed_count = 1

    @task
    def health(self) -> None:
        self.client.get("/healthz", name="/healthz (baseline)")
