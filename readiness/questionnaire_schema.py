"""The shape of the files under ``questionnaires/``: pydantic models, frozen once loaded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from readiness.conditions import Condition, ConditionError, parse

STAGE_IDS = ("need", "governance", "stakeholders", "training", "evaluation")
SECTION_IDS = ("role", *STAGE_IDS)
SEVERITIES = ("critical", "high", "medium", "low")
TIMINGS = ("before_launch", "first_3_months", "ongoing")
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


def _identifier(value: str) -> str:
    if not IDENTIFIER.match(value):
        raise ValueError(f"'{value}' is not a valid id (lower case letters, digits, underscores)")
    return value


def _condition(value: Any) -> Condition:
    if isinstance(value, Condition.__args__):  # type: ignore[attr-defined]
        return value
    try:
        return parse(value)
    except ConditionError as error:
        raise ValueError(str(error)) from error


Identifier = Annotated[str, AfterValidator(_identifier)]
Text = Annotated[str, Field(min_length=1)]
ConditionField = Annotated[Any, AfterValidator(_condition)]


class QuestionnaireError(ValueError):
    """A questionnaire file is invalid; the message names file, item and problem."""


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


class Option(Frozen):
    value: Identifier
    label: Text
    score: float | None = None


class Scale(Frozen):
    """The shared Yes / Partly / No / Not sure scale of maturity questions."""

    options: tuple[Option, ...] = Field(min_length=2)

    @field_validator("options")
    @classmethod
    def _one_unknown_at_most(cls, options: tuple[Option, ...]) -> tuple[Option, ...]:
        if all(option.score is None for option in options):
            raise ValueError("at least one option of the scale must carry a score")
        return options


class Source(Frozen):
    id: Identifier
    file: Text
    cite_as: Text


class GuideSection(Frozen):
    id: Identifier
    title: Text
    part: Text


class SectionInfo(Frozen):
    id: Literal["role", "need", "governance", "stakeholders", "training", "evaluation"]
    title: Text
    scored: bool
    summary: Text


class Rag(Frozen):
    """Stage score thresholds: at least ``green`` is green, at least ``amber`` is amber."""

    green: float = Field(gt=0, le=100)
    amber: float = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> Rag:
        if self.amber >= self.green:
            raise ValueError("the amber threshold must be below the green threshold")
        return self


class Manifest(Frozen):
    version: Text
    title: Text
    published: date
    scale: Scale
    rag: Rag
    sources: tuple[Source, ...] = Field(min_length=1)
    guide_sections: tuple[GuideSection, ...] = Field(min_length=1)
    sections: tuple[SectionInfo, ...]
    # From 2026.2: an item's `sources` name every document it draws on, the guide included, and
    # only those are credited. Earlier versions credited the guide for every item implicitly.
    sources_complete: bool = False
    # From 2026.2 (docs/severity.md): a rule set off only by "Partly" answers raises the rule's
    # lower-severity form, one step down, unless it is a requirement a role must meet.
    partly_lowers_severity: bool = False

    @field_validator("sections")
    @classmethod
    def _all_sections_in_order(cls, sections: tuple[SectionInfo, ...]) -> tuple[SectionInfo, ...]:
        found = tuple(section.id for section in sections)
        if found != SECTION_IDS:
            raise ValueError(f"sections must be exactly {', '.join(SECTION_IDS)} in that order")
        return sections


class Question(Frozen):
    id: Identifier
    text: Text
    hint: str | None = None
    why: Text
    cites: tuple[Identifier, ...] = Field(min_length=1)
    sources: tuple[Identifier, ...] = ()
    kind: Literal["scale", "choice", "multi", "text", "number", "date"]
    options: tuple[Option, ...] = ()
    required: bool = False
    show_when: ConditionField | None = None
    minimum: float | None = None
    maximum: float | None = None
    # Set by the loader: the section it belongs to and the role profile that brings it in.
    section: str = ""
    role_profile: str | None = None

    @model_validator(mode="after")
    def _options_fit_kind(self) -> Question:
        if self.kind in ("choice", "multi") and len(self.options) < 2:
            raise ValueError(f"a {self.kind} question needs at least two options")
        if self.kind not in ("choice", "multi") and self.options:
            raise ValueError(f"a {self.kind} question takes no options (the scale is shared)")
        values = [option.value for option in self.options]
        if len(values) != len(set(values)):
            raise ValueError("option values must be unique")
        if self.kind == "multi" and any(option.score is not None for option in self.options):
            raise ValueError("multiple choice options carry no score")
        return self


class RoleQuestion(Question):
    stage: Literal["role", "need", "governance", "stakeholders", "training", "evaluation"]


class PlannedAction(Frozen):
    title: Text
    owner: Text
    timing: Literal["before_launch", "first_3_months", "ongoing"]


class Rule(Frozen):
    id: Identifier
    title: Text
    severity: Literal["critical", "high", "medium", "low"]
    stage: Literal["need", "governance", "stakeholders", "training", "evaluation"]
    when: ConditionField
    rationale: Text
    rationale_quoted: bool = False
    # A quoted caution of the guide that is not one of its "Risk:" paragraphs, and is shown as such.
    rationale_caution: bool = False
    advice: Text
    cites: tuple[Identifier, ...] = Field(min_length=1)
    sources: tuple[Identifier, ...] = ()
    examples: tuple[Identifier, ...] = ()
    actions: tuple[PlannedAction, ...] = Field(min_length=1)
    role_profile: str | None = None
    # A requirement the sources state the role must meet (registration, prescribing limits,
    # required supervision or learning time): critical when unmet (docs/severity.md).
    requirement: bool = False
    # Why a profile gives a quoted "Risk:" text another severity than the general rule does.
    severity_reason: str | None = None
    # Why no example of the library fits, said where the examples would be.
    no_example_reason: str | None = None


class Example(Frozen):
    id: Identifier
    organisation: Text
    quote: Text
    source: Identifier
    stages: tuple[Literal["need", "governance", "stakeholders", "training", "evaluation"], ...] = Field(min_length=1)


ProfileFact = Literal[
    "registered", "regulator", "supervision", "prescribing", "entry_requirements", "training", "band", "funding"
]
NOT_STATED = "Not stated in the sources."


class RoleProfile(Frozen):
    id: Identifier
    title: Text
    group: Text
    registered: bool
    regulator: str | None = None
    supervision: Text
    prescribing: Text
    entry_requirements: Text
    training: Text
    band: Text
    funding: Text
    source: Identifier
    evidence: tuple[Text, ...] = Field(min_length=1)
    # For the role profile card: which evidence quotes (numbered from 1) support each fact.
    fact_evidence: dict[ProfileFact, tuple[int, ...]] = Field(default_factory=dict)
    questions: tuple[RoleQuestion, ...] = ()
    rules: tuple[Rule, ...] = ()


class QuestionsFile(Frozen):
    questions: tuple[Question, ...] = Field(min_length=1)


class RulesFile(Frozen):
    rules: tuple[Rule, ...] = Field(min_length=1)


class ExamplesFile(Frozen):
    examples: tuple[Example, ...] = Field(min_length=1)


class RolesFile(Frozen):
    roles: tuple[RoleProfile, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Section:
    info: SectionInfo
    questions: tuple[Question, ...]

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def title(self) -> str:
        return self.info.title
