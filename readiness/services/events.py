"""Who is told what as a bid moves on: submitted, decided, shared, queried, replied to.

Each title names the assessment and its version and nothing else from it: titles are email subjects.
"""

from __future__ import annotations

from readiness.models import AssessmentVersion, BidQuery, Organisation, User
from readiness.services.notifications import notify, path_for, people_with_role, team_of


def _named(version: AssessmentVersion, starts_sentence: bool = False) -> str:
    return f"{'Version' if starts_sentence else 'version'} {version.number} of “{version.assessment.title}”"


def submitted(version: AssessmentVersion, actor: User) -> None:
    """The organisation's board members are asked for a decision, on the report they decide on."""
    assessment = version.assessment
    notify(
        people_with_role(assessment.organisation_id, "board_member"),
        "submitted",
        f"{_named(version, starts_sentence=True)} awaits the board's decision",
        path_for("reports.results", assessment_id=assessment.id, number=version.number),
        assessment=assessment,
        actor=actor,
    )


def decided(version: AssessmentVersion, actor: User) -> None:
    """The people working on the assessment hear that the board has decided."""
    assessment = version.assessment
    notify(
        team_of(assessment),
        "decision",
        f"The board recorded its decision on {_named(version)}",
        path_for("reports.results", anchor="decision", assessment_id=assessment.id, number=version.number),
        assessment=assessment,
        actor=actor,
    )


def shared(version: AssessmentVersion, commissioner: Organisation, actor: User) -> None:
    """The commissioning organisation's commissioners hear of a bid shared with them."""
    notify(
        people_with_role(commissioner.id, "commissioner"),
        "shared",
        f"{_named(version, starts_sentence=True)} was shared with {commissioner.name}",
        path_for("portfolio.bid", version_id=version.id),
        assessment=version.assessment,
        actor=actor,
    )


def query_raised(version: AssessmentVersion, query: BidQuery, actor: User) -> None:
    """The people working on the assessment are asked to reply, on the reply page itself."""
    assessment = version.assessment
    notify(
        team_of(assessment),
        "query_raised",
        f"A commissioner raised a query about {_named(version)}",
        path_for("sharing.reply", assessment_id=assessment.id, number=version.number, query_id=query.id),
        assessment=assessment,
        actor=actor,
    )


def query_answered(version: AssessmentVersion, query: BidQuery, actor: User) -> None:
    """The commissioner who raised a query hears of the reply."""
    notify(
        [query.raised_by],
        "query_answered",
        f"Your query about {_named(version)} has a reply",
        path_for("portfolio.bid", anchor="queries", version_id=version.id),
        assessment=version.assessment,
        actor=actor,
    )
