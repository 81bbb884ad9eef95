"""The pinned locks hold every package production needs, so the README's install gives a working service."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock: str) -> dict[str, str]:
    found = {}
    for line in (ROOT / lock).read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, _, version = line.partition("==")
            found[canonical(name)] = version.strip()
    return found


def runtime_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(text) for text in project["dependencies"]]


def needed(requirements: list[Requirement]) -> set[str]:
    """The runtime requirements and everything they pull in, as installed here (extras followed)."""
    seen: set[str] = set()
    queue = [(requirement, set(requirement.extras)) for requirement in requirements]
    while queue:
        requirement, extras = queue.pop()
        name = canonical(requirement.name)
        key = name + "[" + ",".join(sorted(extras)) + "]"
        if key in seen:
            continue
        seen.add(key)
        for text in metadata.requires(requirement.name) or []:
            child = Requirement(text)
            if child.marker is None or any(child.marker.evaluate({"extra": e}) for e in extras | {""}):
                queue.append((child, set(child.extras)))
    return {key.split("[")[0] for key in seen}


def test_production_packages_are_declared_and_pinned() -> None:
    declared = {canonical(r.name) for r in runtime_requirements()}
    # gunicorn serves; redis is the limiter's (and sessions') shared store; brotli lets Flask-Compress use it.
    for package in ("gunicorn", "redis", "flask-compress", "brotli", "psycopg-binary"):
        assert package in pins("requirements.lock"), f"{package} is not pinned in requirements.lock"
    assert {"gunicorn", "redis", "flask-compress"} <= declared


def test_every_runtime_dependency_is_pinned_in_both_locks() -> None:
    runtime, test = pins("requirements.lock"), pins("requirements-test.lock")
    for name in sorted(needed(runtime_requirements())):
        assert name in runtime, f"{name} is needed at run time but not pinned in requirements.lock"
        assert test.get(name) == runtime[name], f"{name}: requirements-test.lock pins {test.get(name)}"
