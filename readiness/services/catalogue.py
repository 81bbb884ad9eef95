"""The questionnaire catalogue, loaded and validated once at start-up."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app

from readiness.questionnaire import Catalogue, Questionnaire, load_catalogue

KEY = "readiness.catalogue"


def init_app(app: Flask) -> None:
    app.extensions[KEY] = _load(Path(app.config["QUESTIONNAIRE_ROOT"]).resolve())


@lru_cache(maxsize=4)
def _load(root: Path) -> Catalogue:
    """Load once per process: published questionnaire versions never change while it runs."""
    return load_catalogue(root)


def catalogue() -> Catalogue:
    return current_app.extensions[KEY]


def questionnaire(version: str | None = None) -> Questionnaire:
    """Return the named questionnaire version, or the current one."""
    found = catalogue()
    return found.current if version is None else found.get(version)
