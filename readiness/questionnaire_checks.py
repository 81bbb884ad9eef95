"""Cross-reference checks of a loaded questionnaire: every id named exists, and conditions fit."""

from __future__ import annotations

import graphlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from readiness.conditions import Condition, Test, questions_named, tests
from readiness.questionnaire_schema import (
    Example,
    Manifest,
    Option,
    Question,
    QuestionnaireError,
    RoleProfile,
    Rule,
    Section,
)

ROLE_PROFILE_QUESTION = "role_profile"
CUSTOM_PROFILE = "custom"


class CrossReferences:
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
