"""Two people saving the same page at the same moment, through a real threaded server."""

from __future__ import annotations

import http.cookiejar
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from readiness.extensions import db
from readiness.services import assessments
from tests.conftest import make_app
from tests.support.factory import PASSWORD, Factory
from tests.test_wizard import seen_of


class Browser:
    """A minimal cookie-keeping HTTP client that does not follow redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[tuple[str, Factory]]:
    app = make_app(database_url, tmp_path / "instance", WTF_CSRF_ENABLED=False, SERVER_NAME=None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with app.app_context():
        yield f"http://127.0.0.1:{server.server_port}", Factory(app)
        db.session.remove()
        server.shutdown()
        thread.join(5)
        db.engine.dispose()


def test_simultaneous_saves_of_one_answer_never_silently_overwrite(served: tuple[str, Factory]) -> None:
    base, make = served
    lead = make.user("project_lead")
    colleague = make.user("project_lead", organisation=lead.memberships[0].organisation)
    version = assessments.latest_version(make.assessment(lead))
    url = f"/assessments/{version.assessment_id}/v/1/section/need"
    outcomes = []
    for attempt in range(3):
        people = [Browser(base), Browser(base)]
        for browser, user in zip(people, (lead, colleague), strict=True):
            assert browser.request("/sign-in", {"email": user.email, "password": PASSWORD})[0] == 302
        seen = [seen_of(browser.request(url)[1]) for browser in people]
        values = ["yes", "no"] if attempt % 2 == 0 else ["partly", "not_sure"]
        results: list[tuple[int, str]] = [(0, "")] * 2
        start = threading.Barrier(2)

        def save(
            index: int,
            seen: list[str] = seen,
            values: list[str] = values,
            results: list[tuple[int, str]] = results,
            people: list[Browser] = people,
            start: threading.Barrier = start,
        ) -> None:
            start.wait()
            results[index] = people[index].request(
                url, {"seen": seen[index], "action": "later", "q__need_patient_need": values[index]}
            )

        threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        codes = sorted(code for code, _ in results)
        assert codes == [200, 302], results
        winner = values[[code for code, _ in results].index(302)]
        loser_page = next(text for code, text in results if code == 200)
        assert "A colleague changed some answers" in loser_page
        db.session.expire_all()
        assert assessments.answers_of(version)["need_patient_need"] == winner
        outcomes.append(winner)
    assert len(outcomes) == 3
