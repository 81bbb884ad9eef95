"""Load and validate a questionnaire version from ``questionnaires/<version>/``.

A bad file is refused with a message naming the file, the item and the problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from readiness.conditions import (
    AllOf,
    Predicate,
    Test,
    compile_condition,
    questions_named,
)
from readiness.questionnaire_checks import ROLE_PROFILE_QUESTION, CrossReferences
from readiness.questionnaire_schema import (
    Example,
    ExamplesFile,
    Manifest,
    Option,
    Question,
    QuestionnaireError,
    QuestionsFile,
    RoleProfile,
    RolesFile,
    Rule,
    RulesFile,
    Section,
)

ModelT = TypeVar("ModelT", bound=BaseModel)


class _Yaml12Loader(yaml.CSafeLoader):
    """YAML without 1.1's surprises: ``yes``, ``no``, ``on`` and ``off`` stay strings."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


@dataclass(frozen=True, eq=False)  # compared by identity, so it can key caches
class Questionnaire:
    """One validated, immutable questionnaire version with its compiled conditions."""

    manifest: Manifest
    sections: tuple[Section, ...]
    rules: tuple[Rule, ...]
    examples: Mapping[str, Example]
    roles: Mapping[str, RoleProfile]
    questions: Mapping[str, Question] = field(repr=False)
    order: tuple[str, ...] = field(repr=False)
    visibility: Mapping[str, Predicate | None] = field(repr=False)
    triggers: tuple[tuple[Rule, Predicate], ...] = field(repr=False)

    @property
    def version(self) -> str:
        return self.manifest.version

    @cached_property
    def profile_of(self) -> dict[str, str | None]:
        """Map each question to the role profile that brings it in, if any."""
        return {qid: question.role_profile for qid, question in self.questions.items()}

    @cached_property
    def option_scores(self) -> dict[str, dict[str, float | None]]:
        """Map each scale or choice question to its option scores."""
        return {qid: {o.value: o.score for o in options_of(self, q)} for qid, q in self.questions.items()}

    def section(self, section_id: str) -> Section:
        return next(section for section in self.sections if section.id == section_id)

    def applicable(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """Return the answers that count: one entry per applicable question, None if unanswered.

        Questions are visited in dependency order, so a question hidden by an earlier answer
        hides every question that depends on it, and answers on abandoned branches are ignored.
        """
        return self.applicable_and_answered(answers)[0]

    def applicable_and_answered(self, answers: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Return the applicable answers (None where unanswered) and, separately, only those answered."""
        effective: dict[str, Any] = {}
        answered: dict[str, Any] = {}
        chosen = answers.get(ROLE_PROFILE_QUESTION)
        # Another profile's questions are skipped outright: their conditions would say no, slower.
        for qid, predicate in self._visit_order.get(chosen, self._visit_order[None]):
            if predicate is None or predicate(answered):
                value = answers.get(qid)
                effective[qid] = value
                if value is not None and value != "" and value != []:
                    answered[qid] = value
        return effective, answered

    def follow_ups(self, questions: Iterable[Question], answers: Mapping[str, Any]) -> dict[str, FollowUp]:
        """Find the questions of one page that a single choice on the same page opens.

        A follow-up is shown beneath its opening question as soon as an opening option is chosen, so it
        must be on the page even before then. The opening options are found by trying each option of the
        opening question against the other answers, so any condition (equals, in, at least…) works.
        """
        questions = list(questions)
        on_page = {question.id for question in questions}
        _, answered = self.applicable_and_answered(answers)
        found: dict[str, FollowUp] = {}
        for question in questions:
            if question.show_when is None:
                continue
            openers = (questions_named(question.show_when) & on_page) - {question.id}
            if len(openers) != 1:
                continue
            opener = self.questions[openers.pop()]
            if opener.kind not in ("scale", "choice"):
                continue
            shows = self.visibility[question.id]
            others = {qid: value for qid, value in answered.items() if qid != opener.id}
            options = options_of(self, opener)
            opening = tuple(o.value for o in options if shows is not None and shows(others | {opener.id: o.value}))
            if opening and len(opening) < len(options):
                found[question.id] = FollowUp(opener.id, opening)
        return found

    @cached_property
    def _visit_order(self) -> dict[str | None, tuple[tuple[str, Predicate | None], ...]]:
        """For each role profile (None for none), the questions to visit with their conditions."""
        return {
            profile: tuple((qid, self.visibility[qid]) for qid in self.order if self.profile_of[qid] in (None, profile))
            for profile in (None, *self.roles)
        }


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A question opened by choosing one of ``opening`` in the question ``opener`` on the same page."""

    opener: str
    opening: tuple[str, ...]


def options_of(questionnaire: Questionnaire, question: Question) -> tuple[Option, ...]:
    """Return a question's options: its own, or the shared scale's."""
    return questionnaire.manifest.scale.options if question.kind == "scale" else question.options


def load(directory: Path) -> Questionnaire:
    """Load, validate and compile the questionnaire version in ``directory``."""
    manifest = _read(directory / "questionnaire.yaml", Manifest)
    sections: list[Section] = []
    for info in manifest.sections:
        questions = _read(directory / "questions" / f"{info.id}.yaml", QuestionsFile).questions
        sections.append(Section(info, tuple(q.model_copy(update={"section": info.id}) for q in questions)))
    rules = [rule for path in _files(directory / "rules") for rule in _read(path, RulesFile).rules]
    examples = tuple(
        example for path in _files(directory / "examples") for example in _read(path, ExamplesFile).examples
    )
    roles = _read(directory / "roles.yaml", RolesFile).roles
    sections, rules = _bring_in_role_profiles(sections, rules, roles)
    return _assemble(directory, manifest, sections, rules, examples, roles)


def _files(folder: Path) -> list[Path]:
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise QuestionnaireError(f"{folder}: no .yaml files found")
    return files


def _read(path: Path, model: type[ModelT]) -> ModelT:
    try:
        # A safe loader (CSafeLoader without YAML 1.1 booleans), so nothing is instantiated.
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Yaml12Loader)  # noqa: S506  # nosec B506
    except FileNotFoundError:
        raise QuestionnaireError(f"{path}: file is missing") from None
    except yaml.YAMLError as error:
        raise QuestionnaireError(f"{path}: not valid YAML: {error}") from None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        raise QuestionnaireError(f"{path}: {_item(data, first['loc'])}: {first['msg']}") from None


def _item(data: Any, loc: tuple[int | str, ...]) -> str:
    """Describe where in a file a problem lies, naming the item by its id where it has one."""
    words: list[str] = []
    node = data
    for key in loc:
        if isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
            name = node.get("id") if isinstance(node, dict) else None
            words.append(f"item {key + 1}" + (f" '{name}'" if name else ""))
        else:
            node = node.get(key) if isinstance(node, dict) else None
            words.append(f"field '{key}'")
    return ", ".join(words) or "top level"


def _bring_in_role_profiles(
    sections: list[Section], rules: list[Rule], roles: Iterable[RoleProfile]
) -> tuple[list[Section], list[Rule]]:
    """Add each profile's questions and rules, shown only when that profile is chosen."""
    extra: dict[str, list[Question]] = {section.id: [] for section in sections}
    for role in roles:
        chosen = Test(ROLE_PROFILE_QUESTION, "equals", role.id)
        for question in role.questions:
            show = chosen if question.show_when is None else AllOf((chosen, question.show_when))
            data = question.model_dump(exclude={"stage"}) | {
                "show_when": show,
                "section": question.stage,
                "role_profile": role.id,
            }
            extra[question.stage].append(Question.model_validate(data))
        rules.extend(
            rule.model_copy(update={"when": AllOf((chosen, rule.when)), "role_profile": role.id}) for rule in role.rules
        )
    return [Section(s.info, s.questions + tuple(extra[s.id])) for s in sections], rules


def _assemble(
    directory: Path,
    manifest: Manifest,
    sections: list[Section],
    rules: list[Rule],
    examples: tuple[Example, ...],
    roles: tuple[RoleProfile, ...],
) -> Questionnaire:
    checker = CrossReferences(directory, manifest, sections, rules, examples, roles)
    order = checker.check()
    draft = Questionnaire(
        manifest=manifest,
        sections=tuple(sections),
        rules=tuple(rules),
        examples={example.id: example for example in examples},
        roles={role.id: role for role in roles},
        questions=checker.questions,
        order=order,
        visibility={},
        triggers=(),
    )
    scores = draft.option_scores
    visibility = {
        qid: None if q.show_when is None else compile_condition(q.show_when, scores)
        for qid, q in checker.questions.items()
    }
    triggers = tuple((rule, compile_condition(rule.when, scores)) for rule in rules)
    return replace(draft, visibility=visibility, triggers=triggers)


@dataclass(frozen=True)
class Catalogue:
    """Every published questionnaire version; assessments stay on the version they began with."""

    versions: Mapping[str, Questionnaire]
    current: Questionnaire

    def get(self, version: str) -> Questionnaire:
        return self.versions[version]


def load_catalogue(root: Path) -> Catalogue:
    """Load every version under ``root``; the most recently published one is current."""
    versions: dict[str, Questionnaire] = {}
    for directory in sorted(path for path in root.iterdir() if (path / "questionnaire.yaml").exists()):
        questionnaire = load(directory)
        if questionnaire.version in versions:
            raise QuestionnaireError(
                f"{directory / 'questionnaire.yaml'}: version '{questionnaire.version}' is published twice"
            )
        versions[questionnaire.version] = questionnaire
    if not versions:
        raise QuestionnaireError(f"{root}: no questionnaire versions found")
    current = max(versions.values(), key=lambda q: (q.manifest.published, q.version))
    return Catalogue(versions, current)
