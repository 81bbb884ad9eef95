"""The OpenAPI description of the read-only JSON API. Pure data.

Every object lists all its fields as required (a field with nothing to say is null, never left out) and allows no
others, so a field added to a response without being described here fails the tests that check responses against
this document.
"""

from __future__ import annotations

from typing import Any

from readiness.action_plan import PRIORITY_LABELS
from readiness.reports import DECISION_LABELS, STATUS_LABELS
from readiness.role_card import FACT_LABELS

STAGES = ["need", "governance", "stakeholders", "training", "evaluation"]


def _object(description: str, **properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }


def _text(description: str = "", *, nullable: bool = False, **more: Any) -> dict[str, Any]:
    described = {"description": description} if description else {}
    return {"type": ["string", "null"] if nullable else "string", **described, **more}


def _list(of: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": f"#/components/schemas/{of}"}}


_TIMESTAMP = "RFC 3339 date and time in UTC, with its offset, e.g. 2027-04-01T09:30:00+00:00"

SCHEMAS: dict[str, dict[str, Any]] = {
    "Stage": _object(
        "A stage of the guide's cycle, scored 0 to 100 and rated red, amber or green.",
        id=_text(enum=STAGES),
        title=_text(),
        score={"type": "integer", "minimum": 0, "maximum": 100},
        rag=_text(enum=["red", "amber", "green"]),
    ),
    "Risk": _object(
        "A risk rule the answers triggered.",
        id=_text(),
        severity=_text(enum=["critical", "high", "medium", "low"]),
        stage=_text(enum=STAGES),
        title=_text(),
        rationale=_text(),
        rationale_quoted={"type": "boolean", "description": "True when the rationale is quoted word for word"},
        rationale_caution={
            "type": "boolean",
            "description": "True when the quoted rationale is a caution of the guide, not a 'Risk:' paragraph",
        },
        partly={
            "type": "boolean",
            "description": "True when only 'Partly' answers raised it, so it has the rule's lower severity",
        },
        advice=_text(),
        who_when={
            "type": "array",
            "items": {"type": "string"},
            "description": "Who acts on it and when, e.g. 'Clinical lead, before launch'",
        },
        citations={
            "type": "array",
            "items": {"type": "string"},
            "description": "The documents it draws on, as text; the guide's sections when it draws on the guide",
        },
        credits=_list("Credit"),
    ),
    "Credit": _object(
        "A document an item draws on.",
        source=_text("The source's id, e.g. hee_guide"),
        cite_as=_text("How the source is cited"),
        sections={
            "type": "array",
            "items": {"type": "string"},
            "description": "The guide's sections it draws on; empty for other documents",
        },
    ),
    "Fact": _object(
        "One fact of a role profile, with the verbatim quotes that support it.",
        name=_text(enum=list(FACT_LABELS)),
        label=_text(),
        value=_text("'Not stated in the sources.' where they are silent"),
        stated={"type": "boolean", "description": "False where the sources are silent"},
        quotes={"type": "array", "items": {"type": "string"}, "description": "Verbatim from the profile's source"},
    ),
    "RoleCard": _object(
        "What the sources say about the role profile the assessment chose.",
        id=_text(),
        title=_text(),
        source=_text("The source's id"),
        cite_as=_text(),
        facts=_list("Fact"),
    ),
    "Example": _object(
        "A real example from the source documents, quoted word for word.",
        organisation=_text(),
        source=_text(),
        quote=_text(),
        quoted={"type": "boolean", "description": "Always true: examples are quoted word for word"},
    ),
    "Action": _object(
        "An action that answers a risk, with cited examples.",
        key=_text("Stable across versions, so tracking carries over to a reassessment"),
        title=_text(),
        priority=_text(enum=[label.lower() for label in PRIORITY_LABELS.values()]),
        owner=_text("The suggested owner"),
        timing=_text(enum=["before_launch", "first_3_months", "ongoing"]),
        stage=_text(enum=STAGES),
        risk=_text("The id of the risk it answers"),
        credits=_list("Credit"),
        examples=_list("Example"),
        no_example_reason=_text("Why no example fits, where none is cited", nullable=True),
    ),
    "Unknown": _object(
        "A question not answered or answered 'Not sure': a gap, never a strength.",
        question=_text(),
        stage=_text(enum=["role", *STAGES]),
        answer=_text("'not_sure', or null when unanswered", nullable=True),
    ),
    "Report": _object(
        "A scored report.",
        questionnaire_version=_text(),
        role_profile={
            "oneOf": [{"$ref": "#/components/schemas/RoleCard"}, {"type": "null"}],
            "description": "The role profile card; null for a custom role",
        },
        verdict=_text(enum=["ready", "ready_with_conditions", "not_ready"]),
        stages=_list("Stage"),
        risks=_list("Risk"),
        actions=_list("Action"),
        unknowns=_list("Unknown"),
    ),
    "Links": _object(
        "Where to find the version in the API and the web app.",
        self=_text(),
        report=_text(),
        plan=_text(),
        html=_text("The readiness report page"),
        pdf=_text("The board pack"),
    ),
    "Version": _object(
        "A version of an assessment: a draft, or a frozen submitted snapshot.",
        assessment_id={"type": "integer"},
        number={"type": "integer", "minimum": 1},
        state=_text(enum=["draft", "submitted"]),
        questionnaire_version=_text(),
        submitted_at=_text(_TIMESTAMP, nullable=True, format="date-time"),
        digest=_text("SHA-256 of the frozen snapshot; null for a draft", nullable=True),
        integrity=_text(
            "Whether the snapshot still matches its digest and the stored verdict, scores and evidence figures "
            "match the snapshot; null for a draft",
            nullable=True,
            enum=["verified", "altered", None],
        ),
        altered_because={
            "type": "array",
            "items": {"type": "string"},
            "description": "Why the version is altered, in words; empty unless altered",
        },
        links={"$ref": "#/components/schemas/Links"},
    ),
    "Decision": _object(
        "A board decision; a later one supersedes it, and both stay in the history.",
        decision=_text(enum=list(DECISION_LABELS)),
        conditions=_text("One condition a line; empty unless approved with conditions"),
        comments=_text(),
        recorded_by=_text("The name of the person who recorded it"),
        recorded_at=_text(_TIMESTAMP, format="date-time"),
    ),
    "Assessment": _object(
        "An assessment of a new role, with its versions.",
        id={"type": "integer"},
        title=_text(),
        organisation=_text(),
        versions=_list("Version"),
    ),
    "AssessmentList": _object("The assessments you work on.", assessments=_list("Assessment")),
    "TrackedAction": _object(
        "An action of the plan with the lead's tracking.",
        key=_text(),
        title=_text(),
        owner=_text("Who the lead made responsible; empty until set"),
        due_date=_text(
            "When it is due, as YYYY-MM-DD: the lead's date, else counted from the planned start by the"
            " action's timing (before launch: by the start; first three months: within three months of it)",
            nullable=True,
            format="date",
        ),
        due_from_planned_start={
            "type": "boolean",
            "description": "True when the due date is counted from the planned start rather than set by the lead",
        },
        status=_text(enum=list(STATUS_LABELS)),
        notes=_text(),
        overdue={"type": "boolean"},
    ),
    "Plan": _object("The action plan and its tracking.", actions=_list("TrackedAction")),
    "Error": _object(
        "What went wrong.",
        error=_object("The HTTP status and its reason.", status={"type": "integer"}, message=_text()),
    ),
}
_SHARE = {
    "type": ["integer", "null"],
    "minimum": 0,
    "maximum": 100,
    "description": "Percentage of answered questions with evidence; null when none is answered",
}
SCHEMAS |= {
    "EvidenceStage": _object(
        "How many of a stage's answered questions are backed by evidence (a link or an uploaded file).",
        id=_text(enum=STAGES),
        title=_text(),
        answered={"type": "integer", "minimum": 0, "description": "Answered, not counting 'Not sure'"},
        evidenced={"type": "integer", "minimum": 0, "description": "Answered and backed by a link or a file"},
        share=_SHARE,
    ),
    "StaleEvidence": _object(
        "Evidence given longer ago than the stale age: still evidence, due to be refreshed.",
        question=_text("The question it backs"),
        stage=_text(enum=STAGES),
        kind=_text(enum=["link", "file"]),
        label=_text("The link, or the uploaded file's name"),
        given=_text("The day it was given, as YYYY-MM-DD", format="date"),
        age_days={"type": "integer", "minimum": 0},
    ),
    "UnevidencedClaim": _object(
        "A 'Yes' to a question that a critical or high risk tests, with no evidence behind it.",
        question=_text(),
        stage=_text(enum=STAGES),
        severity=_text("The most severe of the risks the answer keeps out", enum=["critical", "high"]),
        risks={"type": "array", "items": {"type": "string"}, "description": "The ids of those risks"},
    ),
    "Evidence": _object(
        "The organisation's own evidence, measured. A submitted version is measured from its frozen snapshot; "
        "staleness is judged as of the day asked.",
        as_of=_text("The day staleness is judged at, as YYYY-MM-DD", format="date"),
        stale_after_days={"type": "integer", "minimum": 0, "description": "Evidence older than this is stale"},
        answered={"type": "integer", "minimum": 0},
        evidenced={"type": "integer", "minimum": 0},
        share=_SHARE,
        stages=_list("EvidenceStage"),
        stale=_list("StaleEvidence"),
        claimed_not_evidenced=_list("UnevidencedClaim"),
    ),
}
# A version's report also measures the evidence behind its answers.
SCHEMAS["VersionReport"] = _object(
    "A version's scored report, with the evidence behind its answers.",
    **SCHEMAS["Report"]["properties"],
    evidence={"$ref": "#/components/schemas/Evidence"},
)
# One version on its own also carries the board's decisions, newest first.
SCHEMAS["VersionWithDecisions"] = _object(
    "A version with the board's decisions, newest first.",
    **SCHEMAS["Version"]["properties"],
    decisions=_list("Decision"),
)

ENDPOINTS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "/assessments",
        "listAssessments",
        "List the assessments you work on, each with its latest version.",
        "AssessmentList",
        "",
    ),
    ("/assessments/{assessment_id}", "getAssessment", "An assessment and all its versions.", "Assessment", "a"),
    (
        "/assessments/{assessment_id}/versions/{number}",
        "getVersion",
        "One version: its state, snapshot digest and the board's decisions, newest first.",
        "VersionWithDecisions",
        "av",
    ),
    (
        "/assessments/{assessment_id}/versions/{number}/report",
        "getReport",
        "The version's scored report: the same JSON as `flask --app app score` prints for its answers "
        "(a submitted version is scored from its frozen snapshot), with `evidence`: how much of it is evidenced.",
        "VersionReport",
        "av",
    ),
    (
        "/assessments/{assessment_id}/versions/{number}/plan",
        "getPlan",
        "The action plan with the lead's owners, due dates, status and notes.",
        "Plan",
        "av",
    ),
)
PARAMETERS = {
    "a": {"name": "assessment_id", "in": "path", "required": True, "schema": {"type": "integer"}},
    "v": {"name": "number", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}},
}


def _response(description: str, schema: str) -> dict[str, Any]:
    body = {"schema": {"$ref": f"#/components/schemas/{schema}"}}
    return {"description": description, "content": {"application/json": body}}


def openapi(base: str, cookie: str = "session") -> dict[str, Any]:
    """Describe the API in OpenAPI 3.1, with paths under ``base``, signed in by the session ``cookie``."""
    paths = {}
    for path, operation, summary, schema, params in ENDPOINTS:
        responses = {"200": _response("OK", schema), "401": _response("Not signed in", "Error")}
        if params:
            responses["404"] = _response("Not found, or not yours to see", "Error")
        paths[path] = {
            "get": {
                "operationId": operation,
                "summary": summary,
                "parameters": [PARAMETERS[p] for p in params],
                "responses": responses,
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Role readiness API",
            "version": "1",
            "description": "Read-only. Sign in to the web app first: the API uses the same session cookie "
            "and shows only what the same person may see in the pages.",
        },
        "servers": [{"url": base}],
        "security": [{"session": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": cookie}},
            "schemas": SCHEMAS,
        },
    }


def fields_in_words(spec: dict[str, Any]) -> dict[str, list[tuple[str, str, str]]]:
    """List each schema's fields as (name, type in words, description), for the docs page."""
    return {
        name: [(field, type_in_words(of), of.get("description", "")) for field, of in schema["properties"].items()]
        for name, schema in spec["components"]["schemas"].items()
    }


def type_in_words(schema: dict[str, Any]) -> str:
    """Say a field's type for people: 'integer', 'string or null (date-time)', 'list of Action', 'one of: a, b'."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    if schema.get("type") == "array":
        return f"list of {type_in_words(schema['items'])}"
    types = schema.get("type", "any")
    words = " or ".join(types) if isinstance(types, list) else types
    if "format" in schema:
        words += f" ({schema['format']})"
    if "enum" in schema:
        words += ", one of: " + ", ".join("null" if value is None else str(value) for value in schema["enum"])
    return words
