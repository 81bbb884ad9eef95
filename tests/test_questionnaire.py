"""The questionnaire content: structure, citations, verbatim quotes and validation messages."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from readiness.questionnaire import QuestionnaireError, load, load_catalogue
from readiness.questionnaire_schema import STAGE_IDS

ROOT = Path(__file__).resolve().parent.parent
VERSION = ROOT / "questionnaires" / "2026.2"
SEEDS = ROOT.parent / "shared" / "seeds"
Q = load(VERSION)


def squash(text: str) -> str:
    """Remove whitespace, and fold typographic quotes and dashes, as extraction mangles them."""
    text = text.translate(
        str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
    )
    return re.sub(r"\s+", "", text)


def seed_text(source_id: str) -> str:
    source = next(s for s in Q.manifest.sources if s.id == source_id)
    path = SEEDS / source.file
    if not path.exists():
        pytest.skip(f"the source documents are not beside the project ({SEEDS} is absent)")
    return squash(path.read_text(encoding="utf-8"))


def test_sections_are_role_then_the_five_stages_in_order() -> None:
    assert [s.id for s in Q.sections] == ["role", *STAGE_IDS]
    assert not Q.sections[0].info.scored


@pytest.mark.parametrize("stage", STAGE_IDS)
def test_every_stage_has_at_least_six_general_questions(stage: str) -> None:
    general = [q for q in Q.section(stage).questions if q.role_profile is None]
    assert len(general) >= 6


def test_question_count_is_in_the_expected_range() -> None:
    general = [q for q in Q.questions.values() if q.role_profile is None]
    assert 40 <= len(general) <= 70


def test_every_guide_section_named_exists_in_the_guide() -> None:
    guide = seed_text("hee_guide")
    for section in Q.manifest.guide_sections:
        assert squash(section.title) in guide, section.title


def test_every_question_and_rule_cites_a_guide_section() -> None:
    known = {s.id for s in Q.manifest.guide_sections}
    for item in [*Q.questions.values(), *Q.rules]:
        assert item.cites and set(item.cites) <= known, item.id


def test_every_example_quote_is_verbatim_in_its_source() -> None:
    for example in Q.examples.values():
        assert squash(example.quote) in seed_text(example.source), f"{example.id} is not verbatim"


def test_every_role_profile_fact_quote_is_verbatim_in_its_source() -> None:
    for role in Q.roles.values():
        for quote in role.evidence:
            assert squash(quote) in seed_text(role.source), f"{role.id}: {quote[:60]}"


def test_quoted_rationales_are_the_guides_risk_text() -> None:
    guide = seed_text("hee_guide")
    quoted = [rule for rule in Q.rules if rule.rationale_quoted]
    assert len(quoted) >= 10
    for rule in quoted:
        assert squash(rule.rationale) in guide, rule.id


def test_every_risk_paragraph_of_the_guide_has_a_rule() -> None:
    text = (
        (SEEDS / "002_941ca75de0fd3c0b.txt").read_text(encoding="utf-8") if SEEDS.exists() else pytest.skip("no seeds")
    )
    risks = [squash(match) for match in re.findall(r"Risk: (.+)", text)]
    quoted = [squash(rule.rationale) for rule in Q.rules if rule.rationale_quoted]
    for risk in risks:
        assert any(risk[:60] in rationale or rationale[:60] in risk for rationale in quoted), risk[:80]


def test_every_guide_example_is_in_the_library() -> None:
    organisations = " ".join(e.organisation + " " + e.quote for e in Q.examples.values())
    for name in [
        "St George",
        "SECAmb",
        "Torbay",
        "Bradford",
        "Liverpool Heart",
        "Nottingham",
        "sight loss",
        "Buurtzorg",
        "Taunton",
        "Sheffield",
        "Fisher",
        "Birmingham",
        "Haxby",
    ]:
        assert name.lower() in organisations.lower(), name


def test_every_role_in_the_product_has_a_profile() -> None:
    expected = {
        "clinical_pharmacist",
        "pharmacy_technician",
        "mental_health_practitioner",
        "nursing_associate",
        "first_contact_practitioner",
        "advanced_practitioner",
        "physiotherapist",
        "paramedic",
        "podiatrist",
        "occupational_therapist",
        "dietitian",
        "physician_associate",
        "social_prescribing_link_worker",
        "care_coordinator",
        "health_wellbeing_coach",
        "assistant_practitioner",
        "health_social_care_practitioner",
        "care_navigator_level_1",
        "care_navigator_level_2",
        "care_navigator_level_3",
        "care_navigator_level_4",
    }
    assert expected <= set(Q.roles)


def test_conditional_questions_depend_on_context() -> None:
    across = [q for q in Q.questions.values() if q.show_when and "across_organisations" in str(q.show_when)]
    trainee = [q for q in Q.questions.values() if q.show_when and "trainee_posts" in str(q.show_when)]
    assert len(across) >= 3 and trainee


def test_the_catalogue_makes_the_newest_version_current() -> None:
    catalogue = load_catalogue(ROOT / "questionnaires")
    assert catalogue.current.version == "2026.2"
    assert "2026.1" in catalogue.versions  # assessments begun on it keep it


# A copy of the questionnaire broken in one place must be refused naming file, item and problem.
BREAKAGES = [
    (
        "rules/need.yaml",
        lambda d: (
            d["rules"][0]["when"].update({"question": "no_such_question"})
            if "question" in d["rules"][0]["when"]
            else d["rules"][0].update({"when": {"question": "no_such_question", "worse_than": "yes"}})
        ),
        "unknown question 'no_such_question'",
    ),
    ("rules/need.yaml", lambda d: d["rules"][0].update({"severity": "catastrophic"}), "severity"),
    (
        "questions/role.yaml",
        lambda d: d["questions"][5].update({"show_when": {"question": "setting", "equals": "moon"}}),
        "'moon' is not an option",
    ),
    ("questions/need.yaml", lambda d: d["questions"][0].update({"kind": "slider"}), "kind"),
    ("examples/hee_guide.yaml", lambda d: d["examples"][0].pop("quote"), "quote"),
    (
        "questions/role.yaml",
        lambda d: (
            d["questions"][0].update({"show_when": {"question": "planned_start", "answered": True}})
            or d["questions"][-1].update({"show_when": {"question": "role_title", "answered": True}})
        ),
        "cycle",
    ),
    (
        "rules/need.yaml",
        lambda d: d["rules"][0].update({"when": "need_patient_need == 'no'"}),
        "condition must be a mapping",
    ),
]


@pytest.mark.parametrize(("file", "breakage", "message"), BREAKAGES)
def test_a_broken_file_is_refused_naming_file_item_and_problem(
    tmp_path: Path, file: str, breakage, message: str
) -> None:
    copy = tmp_path / "2026.2"
    shutil.copytree(VERSION, copy)
    path = copy / file
    data = yaml.safe_load(path.read_text())
    breakage(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(QuestionnaireError) as error:
        load(copy)
    text = str(error.value)
    assert message in text
    assert str(copy) in text
