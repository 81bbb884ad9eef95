"""Command-line interface: ``flask --app app <command>``."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from readiness.answers import AnswerError, check_answers
from readiness.cli_accounts import (
    add_role,
    create_user,
    deactivate_user,
    demo,
    list_users,
    reactivate_user,
    remove_role,
)
from readiness.models.accounts import utcnow
from readiness.questionnaire import QuestionnaireError, load_catalogue, options_of
from readiness.reports_json import result_json
from readiness.scoring import score
from readiness.services.catalogue import questionnaire as current_questionnaire


def init_app(app: Flask) -> None:
    for command in (
        questions,
        score_command,
        validate,
        create_user,
        deactivate_user,
        reactivate_user,
        add_role,
        remove_role,
        list_users,
        demo,
        export_command,
        import_command,
        send_reminders,
        measure_evidence,
    ):
        app.cli.add_command(command)


def fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


@click.command("questions")
@click.option("--json", "as_json", is_flag=True, help="Print every question as JSON.")
@with_appcontext
def questions(as_json: bool) -> None:
    """List every question of the current questionnaire version."""
    questionnaire = current_questionnaire()
    items = []
    for section in questionnaire.sections:
        for question in section.questions:
            item: dict[str, Any] = {
                "id": question.id,
                "stage": section.id,
                "text": question.text,
                "kind": question.kind,
            }
            if question.kind in ("scale", "choice", "multi"):
                item["options"] = [
                    {"value": o.value, "label": o.label, "score": o.score} for o in options_of(questionnaire, question)
                ]
            if question.role_profile:
                item["role_profile"] = question.role_profile
            items.append(item)
    if as_json:
        click.echo(json.dumps(items, indent=2, ensure_ascii=False))
        return
    for item in items:
        click.echo(f"{item['stage']:<13} {item['id']:<50} {item['text']}")


@click.command("score")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@with_appcontext
def score_command(file: Any) -> None:
    """Score FILE ('-' for standard input): {"answers": {question_id: value, ...}}."""
    try:
        data = json.load(file)
    except json.JSONDecodeError as error:
        fail(f"the input is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}")
    except UnicodeDecodeError:
        fail("the input is not UTF-8 text")
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        fail('the input must be an object with an "answers" object, like {"answers": {"need_patient_need": "yes"}}')
    questionnaire = current_questionnaire()
    try:
        answers = check_answers(questionnaire, data["answers"])
    except AnswerError as error:
        fail(str(error))
    click.echo(json.dumps(result_json(score(questionnaire, answers)), indent=2, ensure_ascii=False))


@click.command("validate")
@with_appcontext
def validate() -> None:
    """Check every questionnaire file; exit non-zero naming the first problem."""
    root = Path(current_app.config["QUESTIONNAIRE_ROOT"])
    try:
        catalogue = load_catalogue(root)
    except QuestionnaireError as error:
        click.echo(f"Invalid: {error}", err=True)
        sys.exit(1)
    for version, questionnaire in sorted(catalogue.versions.items()):
        click.echo(
            f"Version {version}: {len(questionnaire.questions)} questions, {len(questionnaire.rules)} rules, "
            f"{len(questionnaire.examples)} examples, {len(questionnaire.roles)} role profiles: valid"
        )


@click.command("send-reminders")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Remind as if it were this day (YYYY-MM-DD); the default is today (UTC).",
)
@with_appcontext
def send_reminders(today: datetime | None) -> None:
    """Tell each assessment's team of tracked actions overdue or due within 7 days. Safe to run again: run it daily."""
    from readiness.services import reminders

    day = today.date() if today else utcnow().date()
    told = reminders.send_reminders(day)
    noun = "reminder" if told == 1 else "reminders"
    click.echo(f"{told} new {noun} of actions overdue or due by {day + reminders.DUE_SOON}.")


@click.command("measure-evidence")
@with_appcontext
def measure_evidence() -> None:
    """Measure the evidence of bids submitted before evidence was measured, so portfolios can filter on it."""
    from readiness.services import completeness

    measured = completeness.measure_unmeasured(utcnow().date())
    click.echo(f"Measured the evidence of {measured} submitted {'version' if measured == 1 else 'versions'}.")


@click.command("export")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--with-passwords", is_flag=True, help="Include password hashes (otherwise people set new passwords).")
@with_appcontext
def export_command(target: Path, with_passwords: bool) -> None:
    """Write every organisation, user, assessment, answer, evidence file and audit event to TARGET (.zip)."""
    from readiness.extensions import db
    from readiness.portability import export

    counts = export(db.session, current_app.config["UPLOAD_FOLDER"], target, with_passwords=with_passwords)
    click.echo(f"Exported {sum(counts.values())} rows from {len(counts)} tables to {target}.")


@click.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(source: Path) -> None:
    """Load an export into this instance's empty database."""
    from readiness.extensions import db
    from readiness.portability import ImportRefused, import_archive

    try:
        counts = import_archive(db.session, current_app.config["UPLOAD_FOLDER"], source)
    except ImportRefused as error:
        db.session.rollback()
        fail(str(error))
    click.echo(f"Imported {sum(counts.values())} rows into {len(counts)} tables from {source}.")
