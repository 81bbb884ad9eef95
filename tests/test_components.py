"""The NHS.UK components come out exactly as the package's own macros make them.

Pages call each component's macro as ``nhsuk_frontend_jinja`` ships it, but the app answers those
macros from a cache of the package's markup keyed by the params (``readiness.templating``). These
tests render each component both ways, and whole pages with the cache on and off, and compare the
markup, so a change to the cache or an upgrade of nhsuk-frontend-jinja cannot drift silently.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from jinja2 import ChainableUndefined, Environment, PackageLoader
from markupsafe import Markup

from readiness.extensions import db
from readiness.models import User
from readiness.templating import ComponentCache
from tests.conftest import make_app
from tests.support.crawl import Page, crawl, load_demo

ITEMS = [{"href": "/a", "text": "First"}, {"href": "/b", "text": "Second & more", "current": True}]
# (component folder, macro, params): each component the app's templates call, as they call it.
COMPONENTS: list[tuple[str, str, Any]] = [
    (
        "header",
        "header",
        {
            "service": {"text": "Role readiness", "href": "/"},
            "account": {
                "items": [
                    {"text": "Demo <Lead>", "icon": True},
                    {"href": "/notifications/", "html": Markup('Notifications <span class="app-count">2</span>')},
                    {"href": "/sign-out", "text": "Sign out"},
                ]
            },
            "navigation": {"items": ITEMS},
        },
    ),
    (
        "header",
        "header",
        {"service": {"text": "Role readiness", "href": "/"}, "account": None, "navigation": {"items": []}},
    ),
    ("header", "header", {}),
    (
        "footer",
        "footer",
        {"meta": {"items": ITEMS}, "copyright": {"text": "Role readiness"}},
    ),
    ("skip-link", "skipLink", {"href": "#maincontent", "text": "Skip to main content"}),
    ("back-link", "backLink", {"href": "/assessments/", "text": "Your assessments"}),
    (
        "task-list",
        "taskList",
        {
            "idPrefix": "sections",
            "items": [
                {
                    "title": {"text": "About the role"},
                    "href": "/assessments/1/v/1/section/role",
                    "hint": "3 of 11 answered, 1 gap",
                    "status": {"tag": {"text": "In progress", "classes": "nhsuk-tag--blue"}},
                },
                {"title": {"text": "Need"}, "href": None, "hint": "11 of 11 answered", "status": {"text": "Completed"}},
            ],
        },
    ),
    (
        "error-summary",
        "errorSummary",
        {"titleText": "There is a problem", "errorList": [{"text": "Enter a title", "href": "#title"}]},
    ),
    (
        "summary-list",
        "summaryList",
        {
            "rows": [
                {"key": {"text": "Band"}, "value": {"text": "Band 4"}},
                {
                    "key": {"text": "Posts"},
                    "value": {"html": Markup("<strong>6</strong>")},
                    "actions": {"items": [{"href": "/change", "text": "Change", "visuallyHiddenText": "posts"}]},
                },
            ]
        },
    ),
    ("warning-callout", "warningCallout", {"heading": "Important", "html": Markup("<p>Read this.</p>")}),
    ("tag", "tag", {"text": "Not started", "classes": "nhsuk-tag--grey"}),
    ("inset-text", "insetText", {"html": Markup("<p>Saved.</p>")}),
    ("panel", "panel", {"titleText": "Submitted", "text": "Version 2 is with the board."}),
    ("button", "button", {"text": "Save and continue", "preventDoubleClick": True}),
    ("pagination", "pagination", {"previous": {"href": "?page=1"}, "next": {"href": "?page=3"}}),
    (
        "radios",
        "radios",
        {
            "name": "verdict",
            "idPrefix": "verdict",
            "fieldset": {"legend": {"text": "Decision", "size": "m"}},
            "errorMessage": {"text": "Choose a decision"},
            "items": [
                {"value": "approved", "text": "Approve", "checked": True},
                {"value": "rejected", "text": "Reject"},
            ],
        },
    ),
    (
        "checkboxes",
        "checkboxes",
        {
            "name": "roles",
            "idPrefix": "roles",
            "fieldset": {"legend": {"text": "Roles"}},
            "items": [{"value": "lead", "text": "Project lead", "checked": True}, {"value": "board", "text": "Board"}],
        },
    ),
    (
        "input",
        "input",
        {"label": {"text": "Email address"}, "id": "email", "name": "email", "type": "email", "value": "a@b.c"},
    ),
    ("textarea", "textarea", {"label": {"text": "Note"}, "id": "note", "name": "note", "value": "<b>typed</b>"}),
    (
        "select",
        "select",
        {
            "label": {"text": "Organisation"},
            "id": "org",
            "name": "org",
            "items": [{"value": 1, "text": "A", "selected": True}],
        },
    ),
    (
        "date-input",
        "dateInput",
        {
            "id": "start",
            "namePrefix": "start",
            "fieldset": {"legend": {"text": "Start date"}},
            "items": [{"name": "day", "value": "1"}],
        },
    ),
    ("password-input", "passwordInput", {"label": {"text": "Password"}, "id": "password", "name": "password"}),
    ("file-upload", "fileUpload", {"label": {"text": "Document"}, "id": "file", "name": "file"}),
]


def _normalised(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def _call(macro: str, folder: str, caller_body: str | None = None) -> str:
    source = f'{{% from "nhsuk/components/{folder}/macro.jinja" import {macro} %}}'
    if caller_body is None:
        return source + f"{{{{ {macro}(params) }}}}"
    return source + f"{{% call {macro}(params) %}}{caller_body}{{% endcall %}}"


@pytest.fixture(scope="module")
def package() -> Environment:
    """The package's macros alone, set up as the app sets up Jinja."""
    return Environment(
        loader=PackageLoader("nhsuk_frontend_jinja", "templates"), autoescape=True, undefined=ChainableUndefined
    )


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Environment:
    app = make_app("sqlite://", tmp_path_factory.mktemp("instance"))
    return app.jinja_env


@pytest.mark.parametrize(
    ("folder", "macro", "params"), COMPONENTS, ids=[f"{c[1]}-{i}" for i, c in enumerate(COMPONENTS)]
)
def test_each_component_is_the_package_markup(
    package: Environment, service: Environment, folder: str, macro: str, params: Any
) -> None:
    expected = _normalised(package.from_string(_call(macro, folder)).render(params=params))
    template = service.from_string(_call(macro, folder))
    assert expected  # the component printed something, so the comparison means something
    assert _normalised(template.render(params=params)) == expected  # rendered, then stored
    assert _normalised(template.render(params=params)) == expected  # from the cache


def test_text_and_markup_params_are_kept_apart(package: Environment, service: Environment) -> None:
    """The same characters as text are escaped and as markup are not: the cache must not mix them up."""
    rendered = []
    for params in ({"text": Markup("<b>x</b>")}, {"text": "<b>x</b>"}, {"text": Markup("<b>x</b>")}):
        expected = package.from_string(_call("tag", "tag")).render(params=params)
        rendered.append(service.from_string(_call("tag", "tag")).render(params=params))
        assert _normalised(rendered[-1]) == _normalised(expected)
    assert "<b>x</b>" in rendered[0] and "&lt;b&gt;x" in rendered[1] and rendered[0] == rendered[2]


def test_a_component_with_a_call_block_renders_its_body_each_time(package: Environment, service: Environment) -> None:
    params = {"text": "Why we ask"}
    for body in ("<p>First</p>", "<p>Second</p>"):
        expected = package.from_string(_call("details", "details", body)).render(params=params)
        actual = service.from_string(_call("details", "details", body)).render(params=params)
        assert _normalised(actual) == _normalised(expected)
        assert body in actual


VARYING = re.compile(r'(nonce="|name="csrf_token" type="hidden" value=")[^"]*"')


def test_pages_are_the_same_with_and_without_the_cache(app: Flask, database_url: str, tmp_path: Path) -> None:
    """Every page the demo project lead reaches, rendered by the cache and by the package's macros."""
    load_demo(app)
    plain = make_app(database_url, tmp_path / "plain", WTF_CSRF_ENABLED=False, NHSUK_COMPONENT_CACHE=False)
    lead = db.session.scalar(db.select(User).where(User.email == "lead@demo.example"))
    clients = [app.test_client(), plain.test_client()]
    for client in clients:
        with client.session_transaction() as session:
            session["_user_id"] = str(lead.id)
            session["epoch"] = lead.session_epoch

    def fetch(path: str) -> Page:
        cached, uncached = (client.get(path, follow_redirects=True) for client in clients)
        if cached.mimetype != "text/html":
            return Page(path, cached.status_code, None)
        assert VARYING.sub(r"\1", cached.text) == VARYING.sub(r"\1", uncached.text), path
        return Page(path, cached.status_code, cached.text)

    seen = crawl(fetch, ["/"], lambda page: None)
    assert any("/section/" in path for path in seen) and any(path.endswith("/results") for path in seen)


def test_the_cache_keeps_within_its_budget_and_renders_what_it_cannot_key(service: Environment) -> None:
    cache = ComponentCache(lambda: service, budget=1_000)
    for number in range(20):
        markup = cache("back-link", {"href": f"/page/{number}", "text": "Back"})
        assert f'href="/page/{number}"' in markup
        assert cache._kept <= 1_000

    class Link:  # not plain data: the cache cannot key on it, so it renders each time
        href = "/object"
        text = "Back"

    assert 'href="/object"' in cache("back-link", Link())
