"""Two people saving the same page, or the same tracked action, at the same moment, through a real threaded server."""

from __future__ import annotations

import threading

from readiness.extensions import db
from readiness.models import ActionItem
from readiness.services import assessments
from readiness.services.catalogue import questionnaire
from tests.support.answers import worst
from tests.support.factory import PASSWORD, Factory
from tests.support.http import Browser
from tests.test_reports import seen_on
from tests.test_sharing import submitted_bid
from tests.test_wizard import seen_of


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


def test_simultaneous_tracker_saves_never_silently_overwrite(served: tuple[str, Factory]) -> None:
    base, make = served
    lead = make.user("project_lead")
    colleague = make.user("project_lead", organisation=lead.memberships[0].organisation)
    version = submitted_bid(make, lead, worst(questionnaire()))
    url = f"/assessments/{version.assessment_id}/v/1/plan/governance_no_accountability.1"
    # First race: nobody has tracked the action yet (both insert); then both update it.
    for attempt in range(4):
        people = [Browser(base), Browser(base)]
        for browser, user in zip(people, (lead, colleague), strict=True):
            assert browser.request("/sign-in", {"email": user.email, "password": PASSWORD})[0] == 302
        seen = [seen_on(browser.request(url)[1]) for browser in people]
        owners = [f"Lead {attempt}", f"Colleague {attempt}"]
        results: list[tuple[int, str]] = [(0, "")] * 2
        start = threading.Barrier(2)

        def save(
            index: int,
            seen: list[str] = seen,
            owners: list[str] = owners,
            results: list[tuple[int, str]] = results,
            people: list[Browser] = people,
            start: threading.Barrier = start,
        ) -> None:
            start.wait()
            results[index] = people[index].request(
                url, {"seen": seen[index], "owner": owners[index], "status": "in_progress"}
            )

        threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        codes = [code for code, _ in results]
        assert sorted(codes) == [200, 302], results
        assert "A colleague changed this action" in results[codes.index(200)][1]
        db.session.expire_all()
        assert db.session.scalar(db.select(ActionItem)).owner == owners[codes.index(302)]
