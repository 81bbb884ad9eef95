"""Which documents, and which sections of the guide, an item of the questionnaire draws on. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from readiness.questionnaire import Questionnaire

GUIDE = "hee_guide"


class Cited(Protocol):
    @property
    def cites(self) -> tuple[str, ...]: ...

    @property
    def sources(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class Credit:
    """One document an item draws on, with the guide's sections when the document is the guide."""

    source: str
    cite_as: str
    sections: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.cite_as}: {'; '.join(self.sections)}" if self.sections else self.cite_as


def credited_sources(questionnaire: Questionnaire, item: Cited) -> tuple[str, ...]:
    """Return the ids of the documents an item draws on, in the manifest's order."""
    named = set(item.sources)
    if not questionnaire.manifest.sources_complete:
        named.add(GUIDE)  # versions before 2026.2 credited the guide for every item
    return tuple(source.id for source in questionnaire.manifest.sources if source.id in named)


def credits_of(questionnaire: Questionnaire, item: Cited) -> tuple[Credit, ...]:
    """Credit each document an item draws on; the guide's sections only when it draws on the guide."""
    cite_as = {source.id: source.cite_as for source in questionnaire.manifest.sources}
    titles = {section.id: section.title for section in questionnaire.manifest.guide_sections}
    return tuple(
        Credit(source, cite_as[source], tuple(titles[cite] for cite in item.cites) if source == GUIDE else ())
        for source in credited_sources(questionnaire, item)
    )
