"""The role profile card: each fact the service assumes about a role, with its source and quote. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from readiness.questionnaire import Questionnaire
from readiness.questionnaire_schema import NOT_STATED, RoleProfile

FACT_LABELS = {
    "registered": "Registration",
    "regulator": "Regulator",
    "supervision": "Supervision",
    "prescribing": "Prescribing",
    "entry_requirements": "Entry requirements",
    "training": "Training",
    "band": "Band",
    "funding": "Funding notes",
}


@dataclass(frozen=True, slots=True)
class Fact:
    name: str
    label: str
    value: str  # NOT_STATED where the sources are silent
    quotes: tuple[str, ...]  # verbatim from the profile's source; none when not stated

    @property
    def stated(self) -> bool:
        return bool(self.quotes)


@dataclass(frozen=True, slots=True)
class RoleCard:
    id: str
    title: str
    group: str
    source: str  # the source's id
    cite_as: str
    facts: tuple[Fact, ...]


def _value(role: RoleProfile, name: str) -> str:
    if name == "registered":
        return "Registered with a regulator" if role.registered else "Not a registered profession"
    if name == "regulator":
        return role.regulator or NOT_STATED
    return str(getattr(role, name))


def role_card(questionnaire: Questionnaire, profile_id: str | None) -> RoleCard | None:
    """Return the card of a role profile, or None for no profile or a custom role."""
    role = questionnaire.roles.get(profile_id or "")
    # Versions before 2026.2 did not tie facts to quotes, so they have no card to show.
    if role is None or not questionnaire.manifest.sources_complete:
        return None
    cite_as = {source.id: source.cite_as for source in questionnaire.manifest.sources}
    facts = []
    for name, label in FACT_LABELS.items():
        quotes = tuple(role.evidence[number - 1] for number in role.fact_evidence.get(name, ()))  # type: ignore[call-overload]
        # A fact no quote supports is shown as not stated, whatever the profile says.
        facts.append(Fact(name, label, _value(role, name) if quotes else NOT_STATED, quotes))
    return RoleCard(role.id, role.title, role.group, role.source, cite_as[role.source], tuple(facts))


def role_card_json(card: RoleCard | None) -> dict[str, Any] | None:
    """The card as JSON-ready data for the API and the CLI."""
    if card is None:
        return None
    return {
        "id": card.id,
        "title": card.title,
        "source": card.source,
        "cite_as": card.cite_as,
        "facts": [
            {"name": f.name, "label": f.label, "value": f.value, "stated": f.stated, "quotes": list(f.quotes)}
            for f in card.facts
        ],
    }


def card_for_answers(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> RoleCard | None:
    return role_card(questionnaire, answers.get("role_profile"))
