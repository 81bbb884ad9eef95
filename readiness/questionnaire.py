"""Load and validate a questionnaire version from ``questionnaires/<version>/``.

A bad file is refused with a message naming the file, the item and the problem.
"""

from __future__ import annotations

import graphlib
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
    Condition,
    Predicate,
    Test,
    compile_condition,
    questions_named,
    tests,
)
from readiness.questionnaire_schema import (
    Example,
    ExamplesFile,
    Manifest,
    Option,
    Question,
    QuestionsFile,
    RoleProfile,
    RolesFile,
    Rule,
    RulesFile,
    SectionInfo,
)

ModelT = TypeVar("ModelT", bound=BaseModel)
ROLE_PROFILE_QUESTION = "role_profile"
CUSTOM_PROFILE = "custom"


class QuestionnaireError(ValueError):
    """A questionnaire file is invalid; the message names file, item and problem."""


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

    def triggers_for(self, profile: str | None) -> tuple[tuple[Rule, Predicate], ...]:
        """Return the rules that can fire for a role profile: the general ones and the profile's own."""
        return self._triggers_by_profile.get(profile, self._triggers_by_profile[None])

    @cached_property
    def _triggers_by_profile(self) -> dict[str | None, tuple[tuple[Rule, Predicate], ...]]:
        general = tuple(pair for pair in self.triggers if pair[0].role_profile is None)
        grouped: dict[str | None, tuple[tuple[Rule, Predicate], ...]] = {None: general}
        for profile in self.roles:
            grouped[profile] = general + tuple(pair for pair in self.triggers if pair[0].role_profile == profile)
        return grouped

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

    @cached_property
    def _visit_order(self) -> dict[str | None, tuple[tuple[str, Predicate | None], ...]]:
        """For each role profile (None for none), the questions to visit with their conditions."""
        return {
            profile: tuple((qid, self.visibility[qid]) for qid in self.order if self.profile_of[qid] in (None, profile))
            for profile in (None, *self.roles)
        }


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
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Yaml12Loader)  # noqa: S506
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
    checker = _CrossReferences(directory, manifest, sections, rules, examples, roles)
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


class _CrossReferences:
    """Checks that every id a file names exists, and that conditions fit their questions."""

    def __init__(
        self,
        directory: Path,
        manifest: Manifest,
        sections: list[Section],
        rules: list[Rule],
        examples: tuple[Example, ...],
        roles: tuple[RoleProfile, ...],
    ) -> None:
        self.directory = directory
        self.manifest = manifest
        self.sections = sections
        self.rules = rules
        self.examples = {example.id: example for example in examples}
        self.roles = roles
        self.questions: dict[str, Question] = {}
        self.guide = {section.id for section in manifest.guide_sections}
        self.source_ids = {source.id for source in manifest.sources}

    def fail(self, file: str, item: str, problem: str) -> QuestionnaireError:
        return QuestionnaireError(f"{self.directory / file}: {item}: {problem}")

    def check(self) -> tuple[str, ...]:
        self._check_questions()
        self._check_role_profile_question()
        self._check_rules()
        for example in self.examples.values():
            if example.source not in self.source_ids:
                raise self.fail("examples", f"example '{example.id}'", f"unknown source '{example.source}'")
        for role in self.roles:
            if role.source not in self.source_ids:
                raise self.fail("roles.yaml", f"role '{role.id}'", f"unknown source '{role.source}'")
        return self._dependency_order()

    def _check_questions(self) -> None:
        for section in self.sections:
            for question in section.questions:
                file, item = self._file_of(question), f"question '{question.id}'"
                if question.id in self.questions:
                    raise self.fail(file, item, "duplicate question id")
                self.questions[question.id] = question
                self._check_citations(file, item, question.cites, question.sources)
        for question in self.questions.values():
            if question.show_when is not None:
                self._check_condition(self._file_of(question), f"question '{question.id}'", question.show_when)

    def _file_of(self, question: Question) -> str:
        return "roles.yaml" if question.role_profile else f"questions/{question.section}.yaml"

    def _check_citations(self, file: str, item: str, cites: Iterable[str], sources: Iterable[str]) -> None:
        for cite in cites:
            if cite not in self.guide:
                raise self.fail(file, item, f"cites unknown guide section '{cite}'")
        for source in sources:
            if source not in self.source_ids:
                raise self.fail(file, item, f"names unknown source '{source}'")

    def _check_role_profile_question(self) -> None:
        question = self.questions.get(ROLE_PROFILE_QUESTION)
        file = "questions/role.yaml"
        if question is None or question.section != "role" or question.kind != "choice":
            raise self.fail(file, f"question '{ROLE_PROFILE_QUESTION}'", "the role section needs this choice question")
        expected = [role.id for role in self.roles] + [CUSTOM_PROFILE]
        found = [option.value for option in question.options]
        if sorted(found) != sorted(expected):
            missing = sorted(set(expected) - set(found)) or sorted(set(found) - set(expected))
            raise self.fail(
                file,
                f"question '{ROLE_PROFILE_QUESTION}'",
                f"options must be the role library's profiles plus '{CUSTOM_PROFILE}'; mismatch: {', '.join(missing)}",
            )

    def _check_rules(self) -> None:
        seen: set[str] = set()
        for rule in self.rules:
            file = "roles.yaml" if rule.role_profile else f"rules/{rule.stage}.yaml"
            item = f"rule '{rule.id}'"
            if rule.id in seen:
                raise self.fail(file, item, "duplicate rule id")
            seen.add(rule.id)
            self._check_citations(file, item, rule.cites, rule.sources)
            self._check_condition(file, item, rule.when)
            for example_id in rule.examples:
                if example_id not in self.examples:
                    raise self.fail(file, item, f"cites unknown example '{example_id}'")

    def _check_condition(self, file: str, item: str, condition: Condition) -> None:
        for test in tests(condition):
            question = self.questions.get(test.question)
            if question is None:
                raise self.fail(file, item, f"condition refers to unknown question '{test.question}'")
            problem = _misfit(test, question, self.manifest.scale.options)
            if problem:
                raise self.fail(file, item, problem)

    def _dependency_order(self) -> tuple[str, ...]:
        graph = graphlib.TopologicalSorter[str]()
        for qid, question in self.questions.items():
            depends = questions_named(question.show_when) if question.show_when is not None else set()
            graph.add(qid, *sorted(depends))
        try:
            ordered = list(graph.static_order())
        except graphlib.CycleError as error:
            cycle = " -> ".join(error.args[1])
            raise self.fail("questions", "show_when", f"conditions form a cycle: {cycle}") from None
        position = {qid: index for index, qid in enumerate(self.questions)}
        # Document order where dependencies allow, so results list questions as the wizard does.
        return tuple(sorted(ordered, key=lambda qid: _depth(qid, self.questions) * 10_000 + position[qid]))


def _depth(qid: str, questions: Mapping[str, Question]) -> int:
    show = questions[qid].show_when
    if show is None:
        return 0
    return 1 + max(_depth(dep, questions) for dep in questions_named(show))


def _misfit(test: Test, question: Question, scale: tuple[Option, ...]) -> str | None:
    """Say why a test cannot apply to its question, or None if it fits."""
    options = scale if question.kind == "scale" else question.options
    values = {option.value for option in options}
    operator, operand = test.operator, test.operand
    named = f"question '{question.id}'"
    if operator in ("lt", "lte", "gt", "gte") and question.kind != "number":
        return f"'{operator}' compares numbers but {named} is {question.kind}"
    if operator == "includes" and question.kind != "multi":
        return f"'includes' needs a multiple choice question, but {named} is {question.kind}"
    if operator in ("worse_than", "at_least"):
        scored = {option.value for option in options if option.score is not None}
        if operand not in scored:
            return f"'{operator}' needs a scored option of {named}, not '{operand}'"
    if operator in ("equals", "in", "not_in", "includes") and values:
        for value in operand if isinstance(operand, tuple) else (operand,):
            if value not in values:
                return f"'{value}' is not an option of {named}"
    return None


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
