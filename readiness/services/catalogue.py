"""The questionnaire catalogue, loaded and validated once at start-up."""

from __future__ import annotations

from flask import Flask, current_app

from readiness.questionnaire import Catalogue, Questionnaire, load_catalogue

KEY = "readiness.catalogue"


def init_app(app: Flask) -> None:
    app.extensions[KEY] = load_catalogue(app.config["QUESTIONNAIRE_ROOT"])


def catalogue() -> Catalogue:
    return current_app.extensions[KEY]


def questionnaire(version: str | None = None) -> Questionnaire:
    """Return the named questionnaire version, or the current one."""
    found = catalogue()
    return found.current if version is None else found.get(version)
