"""The coverage document: for each section of the guide, its advice and "Risk:" paragraphs, and the
questions, rules and examples of a questionnaire version that carry them. Pure: text in, Markdown out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from readiness.credits import GUIDE
from readiness.questionnaire import Questionnaire

MIN_PARAGRAPH = 40  # shorter lines of the extracted guide are headings, labels and list stubs


@dataclass
class GuideSection:
    id: str
    title: str
    part: str
    advice: list[str] = field(default_factory=list)
    risks: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)


def squash(text: str) -> str:
    """Compare text as extraction leaves it: no whitespace, plain quotes and dashes."""
    text = text.translate(str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-"}))
    return re.sub(r"\s+", "", text)


def split_guide(questionnaire: Questionnaire, guide_text: str) -> list[GuideSection]:
    """Split the guide's text into its sections, in order, each paragraph classed as advice, risk or example."""
    sections = [GuideSection(s.id, s.title, s.part) for s in questionnaire.manifest.guide_sections]
    titles = {section.title: index for index, section in enumerate(sections)}
    current: GuideSection | None = None
    seen: set[str] = set()
    for line in (line.strip() for line in guide_text.splitlines()):
        if line in titles and titles[line] >= (sections.index(current) if current else -1):
            current = sections[titles[line]]
            continue
        if current is None or len(line) < MIN_PARAGRAPH or squash(line) in seen:
            continue  # repeated summary text of the guide is listed once, where it first appears
        seen.add(squash(line))
        if line.startswith("Risk: "):
            current.risks.append(line.removeprefix("Risk: "))
        elif line.startswith("Example: "):
            current.examples.append(line.removeprefix("Example: "))
        else:
            current.advice.append(line)
    return sections


def coverage_markdown(questionnaire: Questionnaire, guide_text: str) -> str:
    """Return the coverage document of a questionnaire version as Markdown."""
    return "\n".join(_lines(questionnaire, split_guide(questionnaire, guide_text))) + "\n"


def _lines(questionnaire: Questionnaire, sections: list[GuideSection]) -> Iterator[str]:
    version = questionnaire.version
    guide_name = next(source.cite_as for source in questionnaire.manifest.sources if source.id == GUIDE)
    yield f"# Coverage of the guide by questionnaire {version}"
    yield ""
    yield (
        f"Generated from the questionnaire data and the text of *{guide_name}* by "
        "`flask --app app coverage --write docs/coverage.md`; a test checks it regenerates identically. "
        "Do not edit by hand."
    )
    yield ""
    yield (
        'For each section of the guide: its advice and "Risk:" paragraphs, then the questions and rules '
        "that draw on it (those whose sources include the guide and whose `cites` name the section), and the "
        "examples those rules cite. Questions and rules of a role profile are marked with the profile."
    )
    quoted: dict[str, list[str]] = {}
    for rule in questionnaire.rules:
        if rule.rationale_quoted:
            quoted.setdefault(squash(rule.rationale)[:60], []).append(rule.id)
    for section in sections:
        yield from _guide_paragraphs(questionnaire, section, quoted)
        yield from _carriers(questionnaire, section)


def _guide_paragraphs(
    questionnaire: Questionnaire, section: GuideSection, quoted: dict[str, list[str]]
) -> Iterator[str]:
    """The section's own text: advice, "Risk:" paragraphs with their rules, examples with their library entries."""
    yield ""
    yield f"## {section.part}: {section.title}"
    yield ""
    yield "### Advice"
    yield ""
    yield from (f"- {paragraph}" for paragraph in section.advice) if section.advice else ["- (none)"]
    yield ""
    yield '### "Risk:" paragraphs'
    yield ""
    if not section.risks:
        yield "- (none)"
    for risk in section.risks:
        carriers = sorted({rid for key, ids in quoted.items() if key in squash(risk) for rid in ids})
        yield f"- {risk}"
        yield f"  - Carried by: {', '.join(f'`{rid}`' for rid in carriers) or 'no rule'}"
    yield ""
    yield "### Good-practice examples of the guide"
    yield ""
    if not section.examples:
        yield "- (none)"
    for paragraph in section.examples:
        in_library = sorted(
            example.id
            for example in questionnaire.examples.values()
            if example.source == GUIDE and squash(example.quote)[:60] in squash(paragraph)
        )
        yield f"- {paragraph}"
        yield f"  - In the library as: {', '.join(f'`{eid}`' for eid in in_library) or 'not in the library'}"


def _carriers(questionnaire: Questionnaire, section: GuideSection) -> Iterator[str]:
    """The questions and rules that draw on the section, and the examples those rules cite."""
    yield ""
    yield "### Questions"
    yield ""
    questions = [
        q for q in questionnaire.questions.values() if section.id in q.cites and _draws_on_guide(questionnaire, q)
    ]
    yield from (f"- `{q.id}`{_profile(q.role_profile)}: {q.text}" for q in questions) if questions else ["- (none)"]
    yield ""
    yield "### Rules"
    yield ""
    rules = [r for r in questionnaire.rules if section.id in r.cites and _draws_on_guide(questionnaire, r)]
    if not rules:
        yield "- (none)"
    for rule in rules:
        yield f"- `{rule.id}`{_profile(rule.role_profile)} ({rule.severity}): {rule.title}"
    yield ""
    yield "### Examples the rules cite"
    yield ""
    example_ids = sorted({example for rule in rules for example in rule.examples})
    if not example_ids:
        yield "- (none)"
    for example_id in example_ids:
        example = questionnaire.examples[example_id]
        yield f"- `{example.id}`: {example.organisation} ({example.source})"


def _draws_on_guide(questionnaire: Questionnaire, item: object) -> bool:
    return not questionnaire.manifest.sources_complete or GUIDE in getattr(item, "sources", ())


def _profile(profile: str | None) -> str:
    return f" (profile `{profile}`)" if profile else ""
