"""Two people saving the same page, or the same tracked action, at the same moment, through a real threaded server."""

from __future__ import annotations

import threading

from readiness.extensions import db
from readiness.models import ActionItem, User
from readiness.services import assessments
from readiness.services.catalogue import questionnaire
from tests.support.answers import worst
from tests.support.factory import PASSWORD, Factory
from tests.support.http import Browser
from tests.test_sharing import submitted_bid
from tests.test_wizard import seen_of


def signed_in_pair(base: str, people: tuple[User, User]) -> list[Browser]:
    browsers = [Browser(base), Browser(base)]
    for browser, user in zip(browsers, people, strict=True):
        assert browser.request("/sign-in", {"email": user.email, "password": PASSWORD})[0] == 302
    return browsers


def at_once(browsers: list[Browser], url: str, forms: list[dict[str, str]]) -> list[tuple[int, str]]:
    """Post each form from its own browser at the same moment; return each (status, page)."""
    results: list[tuple[int, str]] = [(0, "")] * len(browsers)
    start = threading.Barrier(len(browsers))

    def post(index: int) -> None:
        start.wait()
        results[index] = browsers[index].request(url, forms[index])

    threads = [threading.Thread(target=post, args=(index,)) for index in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_simultaneous_saves_of_one_answer_never_silently_overwrite(served: tuple[str, Factory]) -> None:
    base, make = served
    lead = make.user("project_lead")
    colleague = make.user("project_lead", organisation=lead.memberships[0].organisation)
    version = assessments.latest_version(make.assessment(lead))
    url = f"/assessments/{version.assessment_id}/v/1/section/need"
    for attempt in range(3):
        browsers = signed_in_pair(base, (lead, colleague))
        seen = [seen_of(browser.request(url)[1]) for browser in browsers]
        values = ["yes", "no"] if attempt % 2 == 0 else ["partly", "not_sure"]
        forms = [{"seen": s, "action": "later", "q__need_patient_need": v} for s, v in zip(seen, values, strict=True)]
        results = at_once(browsers, url, forms)
        codes = [code for code, _ in results]
        assert sorted(codes) == [200, 302], results
        assert "A colleague changed some answers" in results[codes.index(200)][1]
        db.session.expire_all()
        assert assessments.answers_of(version)["need_patient_need"] == values[codes.index(302)]


def test_simultaneous_tracker_saves_never_silently_overwrite(served: tuple[str, Factory]) -> None:
    base, make = served
    lead = make.user("project_lead")
    colleague = make.user("project_lead", organisation=lead.memberships[0].organisation)
    version = submitted_bid(make, lead, worst(questionnaire()))
    url = f"/assessments/{version.assessment_id}/v/1/plan/governance_no_accountability.1"
    # First race: nobody has tracked the action yet (both insert); then both update it.
    for attempt in range(4):
        browsers = signed_in_pair(base, (lead, colleague))
        seen = [seen_of(browser.request(url)[1]) for browser in browsers]
        owners = [f"Lead {attempt}", f"Colleague {attempt}"]
        forms = [{"seen": s, "owner": o, "status": "in_progress"} for s, o in zip(seen, owners, strict=True)]
        results = at_once(browsers, url, forms)
        codes = [code for code, _ in results]
        assert sorted(codes) == [200, 302], results
        assert "A colleague changed this action" in results[codes.index(200)][1]
        db.session.expire_all()
        assert db.session.scalar(db.select(ActionItem)).owner == owners[codes.index(302)]
