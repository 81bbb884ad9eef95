"""Follow a site's own links from some start pages, as a person clicking through would, and check each page."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

# Links that leave the HTML pages: files, charts, downloads and signing out.
NOT_PAGES = (".pdf", ".csv", ".xlsx", ".svg", ".png", "/sign-out", "/evidence/", "/assets/", "/static/")
# Query parameters that only preselect a field: the page is the same one (a draft links its evidence page
# once per question).
PRESELECTING = re.compile(r"(^|&)question=[^&]*")
MOST_PAGES = 250  # the demo data gives 40 to 150 per role; a bound keeps a link loop from running away
LINK = re.compile(r'<a\b[^>]*\bhref="(/[^"]*)"')


@dataclass(frozen=True)
class Page:
    path: str
    status: int
    html: str | None  # None for anything that is not an HTML page


def crawl(fetch: Callable[[str], Page], start: list[str], check: Callable[[Page], None]) -> list[str]:
    """Visit every same-site page reachable from ``start``; each must answer 200 and pass ``check``."""
    seen: list[str] = []
    waiting = [(path, "the start") for path in start]
    while waiting and len(seen) < MOST_PAGES:
        path, found_on = waiting.pop(0)
        if path in seen:
            continue
        seen.append(path)
        page = fetch(path)
        assert page.status == 200, f"{path}, linked from {found_on}, answered {page.status}"
        if page.html is None:
            continue
        check(page)
        for href in LINK.findall(page.html):
            target = urlsplit(href.replace("&amp;", "&"))
            query = PRESELECTING.sub("", target.query).lstrip("&")
            path_and_query = target.path + (f"?{query}" if query else "")
            if not any(part in target.path for part in NOT_PAGES) and path_and_query not in seen:
                waiting.append((path_and_query, path))
    assert all(path in seen for path, _ in waiting), f"more than {MOST_PAGES} pages: raise the bound"
    return seen
