"""Sample assessments for the demo: realistic answers at different levels of readiness."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from readiness.extensions import db
from readiness.models import Assessment, Organisation, User
from readiness.questionnaire import Questionnaire, options_of
from readiness.services import assessments, decisions, places, sharing
from readiness.services.answers import Entry, save, saved_rows
from readiness.services.catalogue import questionnaire as current_questionnaire

NORTHFIELD = "Demo: Northfield Community NHS Trust"
RIVERSIDE = "Demo: Riverside Primary Care Network"
EASTBROOK = "Demo: Eastbrook Mental Health NHS Foundation Trust"
HILLSIDE = "Demo: Hillside Care Partnership"
COMMISSIONER = "Demo: Westshire Integrated Care Board"
DEMO_ORGANISATIONS = {
    NORTHFIELD: "provider",
    RIVERSIDE: "provider",
    EASTBROOK: "provider",
    HILLSIDE: "provider",
    COMMISSIONER: "commissioner",
}
# (email, name, organisation, role): every demo account, as `flask demo` lists them.
DEMO_PEOPLE = [
    ("admin@demo.example", "Demo Administrator", NORTHFIELD, "administrator"),
    ("lead@demo.example", "Demo Project Lead", NORTHFIELD, "project_lead"),
    ("colleague@demo.example", "Demo Colleague", NORTHFIELD, "project_lead"),
    ("board@demo.example", "Demo Board Member", NORTHFIELD, "board_member"),
    ("pcn.lead@demo.example", "Demo PCN Manager", RIVERSIDE, "project_lead"),
    ("pcn.board@demo.example", "Demo PCN Board Member", RIVERSIDE, "board_member"),
    ("eastbrook.lead@demo.example", "Demo Eastbrook Lead", EASTBROOK, "project_lead"),
    ("eastbrook.board@demo.example", "Demo Eastbrook Board Member", EASTBROOK, "board_member"),
    ("hillside.lead@demo.example", "Demo Hillside Lead", HILLSIDE, "project_lead"),
    ("commissioner@demo.example", "Demo Commissioner", COMMISSIONER, "commissioner"),
    ("former.board@demo.example", "Demo Former Board Member", NORTHFIELD, "board_member"),
]
# Accounts the demo deactivates at once, so the administration pages show someone who has left.
DEMO_DEACTIVATED = {"former.board@demo.example"}
STAGES = ("need", "governance", "stakeholders", "training", "evaluation")


@dataclass(frozen=True)
class DemoBid:
    organisation: str
    title: str
    context: dict[str, Any]
    quality: tuple[float, float, float, float, float]  # chance of the best answer, per stage in STAGES order
    decision: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    stages_answered: int | None = None  # a draft in progress with this many stages answered; None: submitted
    featured: bool = False  # its notifications stay unread, so the demo has news to show


def _context(profile: str, band: str, setting: str, funding: str = "recurrent", **more: Any) -> dict[str, Any]:
    return {
        "role_category": "new_to_me",
        "role_profile": profile,
        "band": band,
        "setting": setting,
        "across_organisations": "no",
        "trainee_posts": "no",
        "funding_source": funding,
        "posts": 2,
        "planned_start": "2027-04-01",
    } | more


BIDS = (
    DemoBid(
        "Demo: Northfield Community NHS Trust",
        "Band 4 assistant practitioner (community nursing)",
        _context("assistant_practitioner", "band_4", "community", posts=6),
        (0.95, 0.9, 0.9, 0.95, 0.9),
        "approved",
    ),
    DemoBid(
        "Demo: Northfield Community NHS Trust",
        "Trainee nursing associate",
        _context("trainee_nursing_associate", "band_3", "community", trainee_posts="yes", posts=4),
        (0.8, 0.6, 0.75, 0.5, 0.6),
        "approved_with_conditions",
        featured=True,
    ),
    DemoBid(
        NORTHFIELD,
        "Advanced clinical practitioner (urgent community response)",
        _context("advanced_practitioner", "band_8", "community", posts=2),
        (0.85, 0.7, 0.8, 0.65, 0.55),
        featured=True,
    ),
    DemoBid(
        "Demo: Riverside Primary Care Network",
        "Physician associate",
        _context("physician_associate", "band_7", "primary_care", "arrs", posts=1),
        (0.4, 0.2, 0.35, 0.3, 0.15),
        "deferred",
    ),
    DemoBid(
        "Demo: Riverside Primary Care Network",
        "Social prescribing link worker",
        _context("social_prescribing_link_worker", "band_4", "primary_care", "arrs", posts=2),
        (0.9, 0.85, 0.95, 0.8, 0.7),
    ),
    DemoBid(
        "Demo: Riverside Primary Care Network",
        "First contact physiotherapist",
        _context("first_contact_practitioner", "band_7", "primary_care", "arrs", posts=1),
        (0.7, 0.55, 0.6, 0.45, 0.5),
    ),
    DemoBid(
        "Demo: Eastbrook Mental Health NHS Foundation Trust",
        "Mental health practitioner in primary care",
        _context(
            "mental_health_practitioner", "band_6", "mental_health", "pooled", across_organisations="yes", posts=3
        ),
        (0.85, 0.5, 0.7, 0.75, 0.4),
        "approved_with_conditions",
    ),
    DemoBid(
        "Demo: Eastbrook Mental Health NHS Foundation Trust",
        "Peer support worker",
        _context("custom", "band_3", "mental_health", "fixed_term", funding_months=12, posts=5),
        (0.3, 0.25, 0.5, 0.2, 0.1),
    ),
    DemoBid(
        "Demo: Hillside Care Partnership",
        "Care navigator (level 2)",
        _context("care_navigator_level_2", "band_3", "social_care", "fixed_term", funding_months=24, posts=3),
        (0.6, 0.45, 0.65, 0.55, 0.35),
    ),
    DemoBid(
        "Demo: Hillside Care Partnership",
        "Health and social care practitioner (band 5)",
        _context(
            "health_social_care_practitioner", "band_5", "social_care", "pooled", across_organisations="yes", posts=2
        ),
        (0.75, 0.8, 0.85, 0.8, 0.65),
    ),
)


# Drafts in progress, one for each lead who has no other: the wizard's pages have something to show.
DRAFTS = (
    DemoBid(
        RIVERSIDE,
        "Clinical pharmacist",
        _context("clinical_pharmacist", "band_7", "primary_care", "arrs", posts=2),
        (0.8, 0.6, 0.7, 0.6, 0.5),
        stages_answered=2,
    ),
    DemoBid(
        EASTBROOK,
        "Nursing associate (inpatient wards)",
        _context("nursing_associate", "band_4", "mental_health", posts=4),
        (0.7, 0.6, 0.6, 0.5, 0.5),
        stages_answered=1,
    ),
    DemoBid(
        HILLSIDE,
        "Care navigator (level 3)",
        _context("care_navigator_level_3", "band_4", "social_care", "fixed_term", funding_months=18, posts=2),
        (0.75, 0.6, 0.7, 0.6, 0.4),
        stages_answered=3,
    ),
)


def person(organisation: str, role: str) -> User | None:
    """The first demo account holding ``role`` in a demo organisation."""
    email = next((e for e, _, o, r in DEMO_PEOPLE if o == organisation and r == role), None)
    return db.session.scalar(db.select(User).where(User.email == email)) if email else None


def load_demo_assessments() -> int:
    """Create the demo assessments once, bids first and then drafts; return how many were created."""
    from readiness.demo_life import live_featured_bids

    commissioner = db.session.scalar(db.select(Organisation).where(Organisation.name == COMMISSIONER))
    questionnaire = current_questionnaire()
    created: list[tuple[DemoBid, Assessment]] = []
    for bid in BIDS + DRAFTS:
        lead = person(bid.organisation, "project_lead")
        organisation = db.session.scalar(db.select(Organisation).where(Organisation.name == bid.organisation))
        if lead is None or organisation is None or _exists(organisation.id, bid.title):
            continue
        created.append((bid, _create(bid, lead, organisation, commissioner, questionnaire)))
    live_featured_bids([assessment for bid, assessment in created if bid.featured], commissioner)
    return len(created)


def _exists(organisation_id: int, title: str) -> bool:
    found = db.session.scalar(
        db.select(Assessment.id).where(Assessment.organisation_id == organisation_id, Assessment.title == title)
    )
    return found is not None


def _create(
    bid: DemoBid,
    lead: User,
    organisation: Organisation,
    commissioner: Organisation | None,
    questionnaire: Questionnaire,
) -> Assessment:
    assessment = assessments.create(lead, organisation.id, bid.title, questionnaire)
    version = assessments.latest_version(assessment)
    answers = demo_answers(questionnaire, bid)
    if bid.stages_answered is not None:
        answered = {"role", *STAGES[: bid.stages_answered]}
        answers = {qid: value for qid, value in answers.items() if questionnaire.questions[qid].section in answered}
    links = demo_links(questionnaire, bid, answers)
    rows = saved_rows(version.id)
    conflicts = save(
        version,
        {qid: Entry(value, link=links.get(qid, "")) for qid, value in answers.items()},
        {qid: row.revision for qid, row in rows.items()},
        lead,
    )
    assert not conflicts
    if bid.stages_answered is not None:
        places.remember(lead, version, places.first_unanswered(questionnaire, answers))
        db.session.commit()
        return assessment
    assessments.submit(version, lead)
    if commissioner is not None:
        sharing.share(version, commissioner, lead)
    db.session.commit()
    board = person(bid.organisation, "board_member")
    if bid.decision and board is not None:
        decisions.record(
            version,
            bid.decision,
            "Review the action plan at three months." if "conditions" in bid.decision else "",
            "Recorded for the demo.",
            board,
        )
    return assessment


def demo_answers(questionnaire: Questionnaire, bid: DemoBid) -> dict[str, Any]:
    """Answer every question that applies, from the questionnaire's own options, at the bid's level of readiness."""
    chance = random.Random(bid.title)  # noqa: S311 - repeatable demo data, not security
    answers: dict[str, Any] = {"role_title": bid.title} | bid.context
    quality = dict(zip(STAGES, bid.quality, strict=True))
    for question in questionnaire.questions.values():
        if question.section == "role":
            continue
        if question.kind == "text":
            answers[question.id] = "Vacancy rate, patient waiting times and staff survey results, reviewed quarterly."
        elif question.kind in ("scale", "choice"):
            picked = _pick(
                [o.value for o in options_of(questionnaire, question)],
                questionnaire.option_scores[question.id],
                quality.get(question.section, 0.5),
                chance,
            )
            if picked is not None:
                answers[question.id] = picked
    answers |= bid.extra
    effective = questionnaire.applicable(answers)
    return {qid: value for qid, value in answers.items() if qid in effective}


def demo_links(questionnaire: Questionnaire, bid: DemoBid, answers: dict[str, Any]) -> dict[str, str]:
    """Evidence links behind some "Yes" answers: more of them in the stages the bid does well."""
    chance = random.Random("links " + bid.title)  # noqa: S311 - repeatable demo data, not security
    quality = dict(zip(STAGES, bid.quality, strict=True))
    folder = "https://documents.example.nhs.uk/demo/" + "-".join(bid.title.lower().split())
    return {
        qid: f"{folder}/{qid}"
        for qid, value in sorted(answers.items())
        if value == "yes" and chance.random() < quality.get(questionnaire.questions[qid].section, 0.5)
    }


def _pick(values: list[str], scores: dict[str, float | None], level: float, chance: random.Random) -> str | None:
    """Best answer with probability ``level``; otherwise a middling, weak or unsure one."""
    ranked = sorted((v for v in values if scores.get(v) is not None), key=lambda v: -(scores[v] or 0))
    if not ranked:
        return None
    roll = chance.random()
    if roll < level:
        return ranked[0]
    if roll < level + (1 - level) / 2 and len(ranked) > 2:
        return ranked[1]
    unsure = [v for v in values if scores.get(v, 0) is None]
    return unsure[0] if unsure and chance.random() < 0.15 else ranked[-1]
