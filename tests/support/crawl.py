"""Follow a site's own links from some start pages, as a person clicking through would, and check each page."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask

# Links that leave the HTML pages: files, charts, downloads and signing out.
NOT_PAGES = (".pdf", ".csv", ".xlsx", ".svg", ".png", "/sign-out", "/evidence/", "/assets/", "/static/")
MOST_PAGES = 250  # the demo data gives 40 to 150 per role; a bound keeps a link loop from running away
# A page linked with many query strings (the evidence page, once per question) is the same page each time.
QUERIES_PER_PAGE = 3
LINK = re.compile(r'<a\b[^>]*\bhref="(/[^"]*)"')

# Where each demo account's crawl starts (None: signed out): its home page, and pages only a button reaches.
DEMO_STARTS: dict[str | None, list[str]] = {
    "lead@demo.example": ["/", "/assessments/new"],
    "board@demo.example": ["/"],
    "commissioner@demo.example": ["/"],
    "admin@demo.example": ["/", "/admin/organisations/new", "/admin/users/new"],
    None: ["/sign-in", "/accessibility", "/about", "/api/docs"],
}
WHO = [email or "signed out" for email in DEMO_STARTS]  # test ids


@dataclass(frozen=True)
class Page:
    path: str
    status: int
    html: str | None  # None for anything that is not an HTML page


def crawl(fetch: Callable[[str], Page], start: list[str], check: Callable[[Page], None]) -> list[str]:
    """Visit every same-site page reachable from ``start``; each must answer 200 and pass ``check``."""
    seen: list[str] = []
    queries: Counter[str] = Counter()

    def wanted(path: str) -> bool:
        bare = path.split("?")[0]
        return path not in seen and (bare == path or queries[bare] < QUERIES_PER_PAGE)

    waiting = [(path, "the start") for path in start]
    while waiting and len(seen) < MOST_PAGES:
        path, found_on = waiting.pop(0)
        if not wanted(path):
            continue
        seen.append(path)
        if "?" in path:
            queries[path.split("?")[0]] += 1
        page = fetch(path)
        assert page.status == 200, f"{path}, linked from {found_on}, answered {page.status}"
        if page.html is None:
            continue
        check(page)
        for href in LINK.findall(page.html):
            target = urlsplit(href.replace("&amp;", "&"))
            path_and_query = target.path + (f"?{target.query}" if target.query else "")
            if not any(part in target.path for part in NOT_PAGES) and wanted(path_and_query):
                waiting.append((path_and_query, path))
    assert not any(wanted(path) for path, _ in waiting), f"more than {MOST_PAGES} pages: raise the bound"
    return seen


def load_demo(app: Flask) -> None:
    """Load the demo data: it has a draft in progress for each lead, so a crawl reaches the wizard's pages too."""
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
