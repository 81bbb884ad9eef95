"""Jinja set-up: our templates first, then the NHS.UK frontend macros; filters for formatting."""

from __future__ import annotations

from typing import Any

from flask import Flask
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, MemcachedBytecodeCache, PackageLoader

from readiness.config import ROOT
from readiness.formatting import answer_text, citations, format_date, format_datetime


def init_app(app: Flask) -> None:
    # The NHS.UK macros are .jinja files, which Flask would not autoescape: escape everything.
    app.jinja_options = {
        **app.jinja_options,
        "undefined": ChainableUndefined,
        "autoescape": True,
        "bytecode_cache": _COMPILED,
    }
    app.jinja_loader = ChoiceLoader(
        [FileSystemLoader(ROOT / "templates"), PackageLoader("nhsuk_frontend_jinja", "templates")]
    )
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_global(form_error_list)
    app.add_template_global(choice_items)
    app.add_template_global(answer_text)
    app.add_template_global(citations)
    app.add_template_global(app.view_functions, "endpoints")


class _ProcessCache(dict[str, bytes]):
    """Compiled templates shared by every app in the process (the NHS.UK macros are slow to compile)."""

    def set(self, key: str, value: bytes, timeout: int | None = None) -> None:
        self[key] = value


_COMPILED = MemcachedBytecodeCache(_ProcessCache())  # type: ignore[arg-type]


def form_error_list(form: Any) -> list[dict[str, str]]:
    """List a form's errors for the error summary, each linking to its field (first error only)."""
    items = []
    for field in form:
        if field.errors:
            anchor = field.id + ("-day" if field.type == "NHSDateField" else "")
            items.append({"text": field.errors[0], "href": f"#{anchor}"})
    return items


def choice_items(field: Any, state: str = "checked") -> list[dict[str, Any]]:
    """Turn a choice field's options into NHS.UK macro items, marking the chosen ones."""
    return [{"value": value, "text": label, state: chosen} for value, label, chosen, _ in field.iter_choices()]
