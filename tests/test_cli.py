"""The command line: questions, score, validate, create-user and demo, as a user would run them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from readiness.extensions import db
from readiness.models import User
from readiness.services.catalogue import questionnaire
from tests.support.answers import best, worst


def test_questions_json_lists_every_question_with_scored_options(runner) -> None:
    result = runner.invoke(args=["questions", "--json"])
    assert result.exit_code == 0
    items = json.loads(result.output)
    assert {item["id"] for item in items} == set(questionnaire().questions)
    assert {item["stage"] for item in items} == {"role", "need", "governance", "stakeholders", "training", "evaluation"}
    scale = next(item for item in items if item["id"] == "need_patient_need")
    assert scale["kind"] == "scale"
    assert scale["options"] == [
        {"value": "yes", "label": "Yes", "score": 2},
        {"value": "partly", "label": "Partly", "score": 1},
        {"value": "no", "label": "No", "score": 0},
        {"value": "not_sure", "label": "Not sure", "score": None},
    ]
    assert all(set(item) >= {"id", "stage", "text", "kind"} for item in items)


def test_score_reads_standard_input_and_prints_the_documented_shape(runner) -> None:
    answers = json.dumps({"answers": worst(questionnaire())})
    result = runner.invoke(args=["score", "-"], input=answers)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["verdict"] == "not_ready"
    assert [stage["id"] for stage in data["stages"]] == ["need", "governance", "stakeholders", "training", "evaluation"]
    assert all(stage["rag"] == "red" for stage in data["stages"])
    risk = data["risks"][0]
    assert (
        set(risk) >= {"id", "severity", "stage", "title", "rationale", "citations"} and risk["severity"] == "critical"
    )
    action = next(a for a in data["actions"] if a["examples"])
    assert set(action) >= {"title", "priority", "examples"}
    assert set(action["examples"][0]) == {"organisation", "source", "quote", "quoted"}


def test_score_reads_a_file_and_ignores_answers_that_do_not_apply(runner, tmp_path: Path) -> None:
    good = best(questionnaire())
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"answers": good | {"governance_shared_governance": "no"}}))
    with_hidden = json.loads(runner.invoke(args=["score", str(path)]).stdout)
    path.write_text(json.dumps({"answers": good}))
    without = json.loads(runner.invoke(args=["score", str(path)]).stdout)
    assert with_hidden == without and without["verdict"] == "ready"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ('{"answers": {"no_such_question": "yes"}}', "no_such_question"),
        ('{"answers": {"need_patient_need": "maybe"}}', "need_patient_need"),
        ('{"answers": {"posts": "many"}}', "posts"),
        ('{"answers": {"planned_start": "2027-02-30"}}', "planned_start"),
        ('{"answers": {"need_patient_need": "yes",', "line 1"),
        ('["need_patient_need"]', '"answers"'),
    ],
)
def test_bad_score_input_exits_2_naming_the_problem_and_prints_nothing(runner, payload: str, message: str) -> None:
    result = runner.invoke(args=["score", "-"], input=payload)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr


def test_validate_passes_on_the_shipped_questionnaires(runner) -> None:
    result = runner.invoke(args=["validate"])
    assert result.exit_code == 0 and "valid" in result.output


def test_validate_names_file_item_and_problem(app, runner, tmp_path: Path) -> None:
    root = tmp_path / "questionnaires"
    shutil.copytree(Path(app.config["QUESTIONNAIRE_ROOT"]), root)
    rules = root / "2026.1" / "rules" / "need.yaml"
    rules.write_text(rules.read_text().replace("severity: critical", "severity: dire", 1))
    app.config["QUESTIONNAIRE_ROOT"] = root
    result = runner.invoke(args=["validate"])
    assert result.exit_code == 1
    assert "rules/need.yaml" in result.stderr and "severity" in result.stderr and "item 1" in result.stderr


def test_create_user_adds_a_user_with_a_role(runner) -> None:
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "Lead@Example.NHS.uk",
            "--name",
            "Lee Lead",
            "--organisation",
            "Northfield Trust",
            "--role",
            "project_lead",
            "--password",
            "a long password here",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "lead@example.nhs.uk"))
    assert user.has_role("project_lead") and user.check_password("a long password here")
    again = runner.invoke(
        args=[
            "create-user",
            "--email",
            "lead@example.nhs.uk",
            "--name",
            "x",
            "--organisation",
            "y",
            "--role",
            "project_lead",
            "--password",
            "a long password here",
        ]
    )
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_demo_creates_an_account_for_every_role(runner) -> None:
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    roles = {m.role for user in db.session.scalars(db.select(User)) for m in user.memberships}
    assert roles == {"project_lead", "board_member", "commissioner", "administrator"}
    assert all(user.is_demo for user in db.session.scalars(db.select(User)))
    assert runner.invoke(args=["demo"]).exit_code == 0  # loading twice is harmless


def test_coverage_prints_the_committed_coverage_document(runner) -> None:
    if not (Path(__file__).resolve().parent.parent.parent / "shared" / "seeds").exists():
        pytest.skip("the source documents are not beside the project")
    result = runner.invoke(args=["coverage"])
    assert result.exit_code == 0, result.output
    committed = Path(__file__).resolve().parent.parent / "docs" / "coverage.md"
    assert result.output == committed.read_text(encoding="utf-8")


def test_score_marks_quoted_rationales_and_credits_each_document(runner) -> None:
    result = runner.invoke(args=["score", "-"], input=json.dumps({"answers": worst(questionnaire())}))
    data = json.loads(result.stdout)
    quoted = [risk for risk in data["risks"] if risk["rationale_quoted"]]
    assert quoted and all(risk["credits"] for risk in data["risks"])
    assert all(any(c["source"] == "hee_guide" for c in risk["credits"]) for risk in quoted)
    assert all(action["examples"] or action["no_example_reason"] for action in data["actions"])
