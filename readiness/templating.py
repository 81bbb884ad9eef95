"""Jinja set-up: our templates first, then the NHS.UK frontend macros; filters for formatting."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask
from jinja2 import (
    BaseLoader,
    ChainableUndefined,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    MemcachedBytecodeCache,
    PackageLoader,
    TemplateNotFound,
    Undefined,
)
from jinja2.runtime import Macro
from markupsafe import Markup

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
    # Templates never change while the app runs; debug mode (the development server) still reloads them.
    app.config.setdefault("TEMPLATES_AUTO_RELOAD", None)
    package = PackageLoader("nhsuk_frontend_jinja", "templates")
    # NHSUK_COMPONENT_CACHE=False renders every component through the package's macros (the tests compare).
    memoised = [MemoisedComponents(package)] if app.config.get("NHSUK_COMPONENT_CACHE", True) else []
    app.jinja_loader = ChoiceLoader([FileSystemLoader(ROOT / "templates"), *memoised, package])
    app.add_template_global(ComponentCache(lambda: app.jinja_env), COMPONENT_GLOBAL)
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

# Every NHS.UK component is a macro in nhsuk/components/<name>/macro.jinja that includes its
# template.jinja. The package's templates are the source of truth for the markup, but a page calls
# dozens of them, each costing 0.3 to 20 ms of Jinja for markup that depends only on its params. So
# each component's macro is answered from a cache of the package's markup, keyed by the params.
# tests/test_components.py checks that the markup is the package's own.
COMPONENT_GLOBAL = "nhsuk_component"
COMPONENT_MACRO = re.compile(r"nhsuk/components/([a-z-]+)/macro\.jinja")
MACRO_NAME = re.compile(r"{%-?\s*macro\s+(\w+)\s*\(")


class MemoisedComponents(BaseLoader):
    """Each NHS.UK component's macro, with the same name and signature, answered by ``ComponentCache``."""

    def __init__(self, package: BaseLoader) -> None:
        self.package = package

    def get_source(self, environment: Environment, template: str) -> tuple[str, str | None, Callable[[], bool]]:
        match = COMPONENT_MACRO.fullmatch(template)
        if match is None:
            raise TemplateNotFound(template)
        source, _, uptodate = self.package.get_source(environment, template)
        name = MACRO_NAME.search(source)
        if name is None:  # not the one-macro file this relies on: use the package's own
            raise TemplateNotFound(template)
        memoised = (
            f"{{% macro {name[1]}(params = {{}}) %}}"
            f'{{{{ {COMPONENT_GLOBAL}("{match[1]}", params, caller) }}}}'
            "{% endmacro %}"
        )
        return memoised, None, uptodate or (lambda: True)


class _NotFrozen(Exception):
    """A param the cache cannot key on (not plain data): render the component afresh."""


def _frozen(value: Any) -> Any:
    """A hashable key for params: plain data only, with markup, text, numbers and booleans kept apart."""
    if isinstance(value, Markup):
        return (Markup, str(value))
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, bool | int | float):
        return (type(value), value)
    if isinstance(value, Mapping):
        return (dict, tuple((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return (list, tuple(_frozen(item) for item in value))
    if isinstance(value, Undefined):
        return (Undefined,)
    raise _NotFrozen


class ComponentCache:
    """The markup of NHS.UK components by their params, rendered once by the package's templates."""

    def __init__(self, environment: Callable[[], Environment], budget: int = 16_000_000) -> None:
        self._environment = environment
        self._budget = budget  # characters of markup kept, least recently used dropped first (about 2 bytes each)
        self._kept = 0
        self._rendered: OrderedDict[Any, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def render(self, component: str, params: Any, body: Markup | None = None) -> Markup:
        """The package's own markup: its template.jinja, given what its macro gives it."""
        template = self._environment().get_template(f"nhsuk/components/{component}/template.jinja")
        # An autoescaped template's output is markup, as the macro's would be.
        if body is None:
            return Markup(template.render(params=params))  # noqa: S704  # nosec B704
        return Markup(template.render(params=params, caller=lambda: body))  # noqa: S704  # nosec B704

    def __call__(self, component: str, params: Any = None, caller: Any = None) -> Markup:
        if params is None or isinstance(params, Undefined):
            params = {}
        # A call block's body is rendered once, here, and is part of the key: the markup depends on it.
        body = Markup(caller()) if isinstance(caller, Macro) else None  # noqa: S704  # nosec B704
        try:
            key = (component, _frozen(params), body)
        except _NotFrozen:
            return self.render(component, params, body)
        with self._lock:
            markup = self._rendered.get(key)
            if markup is not None:
                self._rendered.move_to_end(key)
                return markup
        markup = self.render(component, params, body)
        with self._lock:
            if key not in self._rendered:
                self._rendered[key] = markup
                self._kept += _cost(key, markup)
            while self._kept > self._budget and self._rendered:
                self._kept -= _cost(*self._rendered.popitem(last=False))
        return markup


def _cost(key: tuple[str, Any, Markup | None], markup: Markup) -> int:
    return len(markup) + len(key[2] or "")


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
