"""docs/coverage.md is generated from the data and the guide, and regenerates identically."""

from __future__ import annotations

from pathlib import Path

import pytest

from readiness.coverage import coverage_markdown, split_guide
from readiness.questionnaire import load_catalogue

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
CURRENT = load_catalogue(ROOT / "questionnaires").current


def guide_text() -> str:
    source = next(s for s in CURRENT.manifest.sources if s.id == "hee_guide")
    path = SEEDS / source.file
    if not path.exists():
        pytest.skip(f"the source documents are not beside the project ({SEEDS} is absent)")
    return path.read_text(encoding="utf-8")


def test_the_coverage_document_regenerates_identically() -> None:
    expected = coverage_markdown(CURRENT, guide_text())
    found = (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
    assert found == expected, "docs/coverage.md is stale: run flask --app app coverage --write docs/coverage.md"


def test_every_section_of_the_guide_has_advice_and_every_risk_and_example_is_carried() -> None:
    text = coverage_markdown(CURRENT, guide_text())
    sections = split_guide(CURRENT, guide_text())
    assert len(sections) == len(CURRENT.manifest.guide_sections)
    assert all(section.advice for section in sections)
    assert sum(len(section.risks) for section in sections) >= 12
    assert "Carried by: no rule" not in text
    assert "not in the library" not in text
