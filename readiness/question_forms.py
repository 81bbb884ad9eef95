"""Build a fresh WTForms form class for one section's applicable questions, per request."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from datetime import date
from types import SimpleNamespace
from typing import Any

from cachetools import LRUCache
from wtforms import Field, HiddenField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from readiness.answers import TEXT_LIMIT
from readiness.forms import ServiceForm
from readiness.questionnaire import Questionnaire, options_of
from readiness.questionnaire_schema import Question
from readiness.services.answers import Entry

NOTE_LIMIT = 5000


class NHSDateField(Field):
    """A date typed as day, month and year boxes, kept exactly as typed when it is wrong."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parts = SimpleNamespace(day="", month="", year="")

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        self.process_errors = []
        self.data = data
        if isinstance(data, str) and data:
            typed = date.fromisoformat(data)
            self.parts = SimpleNamespace(day=str(typed.day), month=str(typed.month), year=str(typed.year))
        if formdata is not None:
            typed_parts = {part: formdata.get(f"{self.name}[{part}]", "").strip() for part in ("day", "month", "year")}
            self.parts = SimpleNamespace(**typed_parts)
            self.raw_data = list(typed_parts.values())
            self.data = None
            if any(typed_parts.values()):
                try:
                    self.data = date(int(self.parts.year), int(self.parts.month), int(self.parts.day)).isoformat()
                except ValueError:
                    self.process_errors.append(f"{self.label.text} must be a real date, like 1 4 2027")

    def _value(self) -> str:
        return self.data or ""


class NumberField(StringField):
    """A number typed as text, so a wrong entry is shown back exactly as typed."""

    def __init__(self, *args: Any, minimum: float | None = None, maximum: float | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.minimum, self.maximum = minimum, maximum
        self.number: float | int | None = None

    def pre_validate(self, form: Any) -> None:
        text = (self.data or "").strip().replace(",", "")
        self.number = None
        if not text:
            return
        try:
            value = float(text)
        except ValueError:
            raise ValidationError(f"{self.label.text} must be a number") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValidationError(f"{self.label.text} must be a number")
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(f"{self.label.text} must be {self.minimum:g} or more")
        if self.maximum is not None and value > self.maximum:
            raise ValidationError(f"{self.label.text} must be {self.maximum:g} or fewer")
        self.number = int(value) if value.is_integer() else value


def _link(form: Any, field: StringField) -> None:
    value = (field.data or "").strip()
    if value and not value.lower().startswith(("https://", "http://")):
        raise ValidationError("Enter a link that starts with https:// or http://")


class SectionForm(ServiceForm):
    seen = HiddenField()

    def questions(self) -> list[tuple[Question, Field, Field, Field]]:
        return [(q, self[f"q__{q.id}"], self[f"note__{q.id}"], self[f"link__{q.id}"]) for q in self.meta_questions]

    def entries(self) -> dict[str, Entry]:
        """Return what the page submitted for each question, normalised for saving."""
        entries = {}
        for question, value_field, note_field, link_field in self.questions():
            entries[question.id] = Entry(
                _value_of(question, value_field), note_field.data.strip(), link_field.data.strip()
            )
        return entries

    def seen_revisions(self) -> dict[str, int]:
        try:
            seen = json.loads(self.seen.data or "{}")
        except ValueError:
            return {}
        return {str(k): int(v) for k, v in seen.items() if isinstance(v, int)} if isinstance(seen, dict) else {}

    def keep_theirs(self) -> set[str]:
        return {
            name.removeprefix("resolve__")
            for name in self._fields
            if name.startswith("resolve__") and self[name].data == "theirs"
        }


def _value_of(question: Question, field: Field) -> Any:
    if question.kind == "number":
        return field.number
    if question.kind == "multi":
        return list(field.data or []) or None
    if question.kind in ("text",):
        return (field.data or "").strip() or None
    return field.data or None


# Form classes by (questionnaire, question ids, required, conflicts): a class depends on nothing else,
# and WTForms binds fresh fields to each form made from it. A page reuses its class instead of
# building some forty fields' definitions on every request.
_FORM_CLASSES: LRUCache[tuple[int, tuple[str, ...], bool, tuple[str, ...]], tuple[Questionnaire, type[SectionForm]]]
_FORM_CLASSES = LRUCache(maxsize=512)
_FORM_CLASSES_LOCK = threading.Lock()


def build_section_form(
    questionnaire: Questionnaire,
    questions: Iterable[Question],
    *,
    required: bool,
    conflicts: Iterable[str] = (),
) -> type[SectionForm]:
    """Return the form class for these questions; ``required`` enforces required answers."""
    questions = list(questions)
    conflicts = tuple(conflicts)
    key = (id(questionnaire), tuple(question.id for question in questions), required, conflicts)
    with _FORM_CLASSES_LOCK:
        found = _FORM_CLASSES.get(key)
    if found is not None and found[0] is questionnaire:  # the id of a questionnaire still alive
        return found[1]
    form_class = _new_section_form(questionnaire, questions, required=required, conflicts=conflicts)
    with _FORM_CLASSES_LOCK:
        _FORM_CLASSES[key] = (questionnaire, form_class)
    return form_class


def _new_section_form(
    questionnaire: Questionnaire, questions: list[Question], *, required: bool, conflicts: tuple[str, ...]
) -> type[SectionForm]:
    fields: dict[str, Any] = {"meta_questions": questions}
    for question in questions:
        fields[f"q__{question.id}"] = _value_field(questionnaire, question, required)
        fields[f"note__{question.id}"] = TextAreaField(
            "Note (optional)", validators=[Length(max=NOTE_LIMIT, message="Note must be 5,000 characters or fewer")]
        )
        fields[f"link__{question.id}"] = StringField(
            "Link to evidence (optional)",
            validators=[Length(max=2000, message="Link must be 2,000 characters or fewer"), _link],
        )
    for question_id in conflicts:
        fields[f"resolve__{question_id}"] = RadioField(
            "Which answer should be kept?",
            choices=[SelectChoice("mine", "Keep my answer"), SelectChoice("theirs", "Use their answer")],
            default="mine",
        )
    return type("DynamicSectionForm", (SectionForm,), fields)


def _value_field(questionnaire: Questionnaire, question: Question, required: bool) -> Field:
    must = [_required(question)] if required and question.required else [Optional()]
    label = question.text
    match question.kind:
        case "scale" | "choice":
            choices = [SelectChoice(o.value, o.label) for o in options_of(questionnaire, question)]
            return RadioField(label, choices=choices, validators=[*must, _one_of_the_options], validate_choice=False)
        case "multi":
            choices = [SelectChoice(o.value, o.label) for o in question.options]
            return SelectMultipleField(label, choices=choices, validators=must)
        case "number":
            return NumberField(label, minimum=question.minimum, maximum=question.maximum, validators=must)
        case "date":
            return NHSDateField(label, validators=must)
        case _:
            return TextAreaField(
                label,
                validators=[
                    *must,
                    Length(max=TEXT_LIMIT, message=f"Answer must be {TEXT_LIMIT:,} characters or fewer"),
                ],
            )


def _one_of_the_options(form: Any, field: Field) -> None:
    if field.data not in (None, "") and field.data not in {choice.value for choice in field.choices}:
        raise ValidationError(f"Select one of the options for: {field.label.text}")


def _required(question: Question) -> Any:
    verb = "Select" if question.kind in ("scale", "choice", "multi") else "Enter"
    message = f"{verb} an answer to: {question.text}"

    def check(form: Any, field: Field) -> None:
        # A date typed wrongly already carries its own error; only a blank answer needs this one.
        if field.data in (None, "", []) and not field.process_errors:
            raise ValidationError(message)

    check.field_flags = {"required": True}  # type: ignore[attr-defined]
    return check


def initial_data(questions: Iterable[Question], rows: Mapping[str, Entry]) -> dict[str, Any]:
    """Prefill a form from saved answers."""
    data: dict[str, Any] = {}
    for question in questions:
        entry = rows.get(question.id, Entry())
        value = entry.value
        if question.kind == "number" and value is not None:
            value = f"{value:g}" if isinstance(value, float) else str(value)
        data[f"q__{question.id}"] = value
        data[f"note__{question.id}"] = entry.note
        data[f"link__{question.id}"] = entry.link
    return data
