"""The OpenAPI description of the read-only JSON API. Pure data."""

from __future__ import annotations

from typing import Any

_STAGE = {
    "type": "object",
    "required": ["id", "title", "score", "rag"],
    "properties": {
        "id": {"type": "string", "enum": ["need", "governance", "stakeholders", "training", "evaluation"]},
        "title": {"type": "string"},
        "score": {"type": "integer", "minimum": 0, "maximum": 100},
        "rag": {"type": "string", "enum": ["red", "amber", "green"]},
    },
}
_RISK = {
    "type": "object",
    "required": ["id", "severity", "stage", "title", "rationale", "citations"],
    "properties": {
        "id": {"type": "string"},
        "severity": {"type": "string", "enum": ["critical", "high", "medium", "low"]},
        "stage": {"type": "string"},
        "title": {"type": "string"},
        "rationale": {"type": "string"},
        "advice": {"type": "string"},
        "citations": {"type": "array", "items": {"type": "string"}},
    },
}
_EXAMPLE = {
    "type": "object",
    "required": ["organisation", "source", "quote"],
    "properties": {"organisation": {"type": "string"}, "source": {"type": "string"}, "quote": {"type": "string"}},
}
_ACTION = {
    "type": "object",
    "required": ["key", "title", "priority", "examples"],
    "properties": {
        "key": {"type": "string"},
        "title": {"type": "string"},
        "priority": {"type": "string", "enum": ["urgent", "high", "medium", "low"]},
        "owner": {"type": "string"},
        "timing": {"type": "string", "enum": ["before_launch", "first_3_months", "ongoing"]},
        "stage": {"type": "string"},
        "risk": {"type": "string"},
        "examples": {"type": "array", "items": {"$ref": "#/components/schemas/Example"}},
    },
}
_REPORT = {
    "type": "object",
    "required": ["verdict", "stages", "risks", "actions"],
    "properties": {
        "questionnaire_version": {"type": "string"},
        "verdict": {"type": "string", "enum": ["ready", "ready_with_conditions", "not_ready"]},
        "stages": {"type": "array", "items": {"$ref": "#/components/schemas/Stage"}},
        "risks": {"type": "array", "items": {"$ref": "#/components/schemas/Risk"}},
        "actions": {"type": "array", "items": {"$ref": "#/components/schemas/Action"}},
        "unknowns": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "question": {"type": "string"},
                    "stage": {"type": "string"},
                    "answer": {"type": ["string", "null"]},
                },
            },
        },
    },
}
_VERSION = {
    "type": "object",
    "required": ["assessment_id", "number", "state"],
    "properties": {
        "assessment_id": {"type": "integer"},
        "number": {"type": "integer"},
        "state": {"type": "string", "enum": ["draft", "submitted"]},
        "questionnaire_version": {"type": "string"},
        "submitted_at": {"type": ["string", "null"], "format": "date-time"},
        "digest": {"type": ["string", "null"], "description": "SHA-256 of the frozen snapshot"},
        "links": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
_ASSESSMENT = {
    "type": "object",
    "required": ["id", "title", "organisation", "versions"],
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "organisation": {"type": "string"},
        "versions": {"type": "array", "items": {"$ref": "#/components/schemas/Version"}},
    },
}
_ERROR = {
    "type": "object",
    "properties": {
        "error": {"type": "object", "properties": {"status": {"type": "integer"}, "message": {"type": "string"}}}
    },
}
_PLAN = {
    "type": "object",
    "properties": {
        "actions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "key": {"type": "string"},
                    "title": {"type": "string"},
                    "owner": {"type": "string"},
                    "due_date": {"type": ["string", "null"], "format": "date"},
                    "status": {"type": "string", "enum": ["not_started", "in_progress", "done"]},
                    "notes": {"type": "string"},
                    "overdue": {"type": "boolean"},
                },
            },
        }
    },
}

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
        "Version",
        "av",
    ),
    (
        "/assessments/{assessment_id}/versions/{number}/report",
        "getReport",
        "The version's scored report: the same JSON as `flask --app app score` prints for its answers "
        "(a submitted version is scored from its frozen snapshot).",
        "Report",
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


def openapi(base: str) -> dict[str, Any]:
    """Describe the API in OpenAPI 3.1, with paths under ``base``."""
    parameters = {
        "a": {"name": "assessment_id", "in": "path", "required": True, "schema": {"type": "integer"}},
        "v": {"name": "number", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}},
    }
    paths = {}
    for path, operation, summary, schema, params in ENDPOINTS:
        paths[path] = {
            "get": {
                "operationId": operation,
                "summary": summary,
                "parameters": [parameters[p] for p in params],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
                    },
                    "401": {
                        "description": "Not signed in",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                    "404": {
                        "description": "Not found, or not yours to see",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                },
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
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "session"}},
            "schemas": {
                "Stage": _STAGE,
                "Risk": _RISK,
                "Example": _EXAMPLE,
                "Action": _ACTION,
                "Report": _REPORT,
                "Version": _VERSION,
                "Assessment": _ASSESSMENT,
                "Error": _ERROR,
                "Plan": _PLAN,
                "AssessmentList": {
                    "type": "object",
                    "properties": {
                        "assessments": {"type": "array", "items": {"$ref": "#/components/schemas/Assessment"}}
                    },
                },
            },
        },
    }
