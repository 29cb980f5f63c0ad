"""The OpenAPI 3.1 description of the JSON API, served at /api/v1/openapi.json.

The response schemas are JSON Schema 2020-12 (as OpenAPI 3.1 is) and describe
`QuestionnaireResults.to_dict()` and `Breakdown.to_dict()` field by field, including the
promise that matters most: a suppressed figure is null, never a number. tests/test_api.py
validates real answers of the API against them.
"""

from __future__ import annotations

from typing import Any

from .. import questionnaires
from ..models import CHANNELS, LANGUAGES
from ..results.query import GROUPINGS

REF = "#/components/schemas/"


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


PERCENT = {"type": "integer", "minimum": 0, "maximum": 100}
COUNT = {"type": "integer", "minimum": 0}
CODES = {"type": "array", "items": {"type": "string"}}

SCHEMAS: dict[str, Any] = {
    "Period": {
        "type": "object",
        "description": "A reporting period: business year (April to March), quarter, month or range of days.",
        "required": ["code", "label", "kind", "first_day", "last_day", "start", "end"],
        "additionalProperties": False,
        "properties": {
            "code": {"type": "string", "description": "Plain form the period parameter accepts, e.g. 2011-12."},
            "label": {"type": "string", "description": "As people write it, e.g. 2011–12 (en dash)."},
            "kind": {"enum": ["year", "quarter", "month", "range"]},
            "first_day": {"type": "string", "format": "date"},
            "last_day": {"type": "string", "format": "date"},
            "start": {"type": "string", "format": "date-time", "description": "First instant, UTC."},
            "end": {"type": "string", "format": "date-time", "description": "First instant after the period, UTC."},
        },
    },
    "Filters": {
        "type": "object",
        "description": "The filters the figures were made with; null where not filtered.",
        "required": ["period", "programme", "region", "organisation", "inspection", "channel",
                     "language", "equality"],
        "additionalProperties": False,
        "properties": {
            "period": _nullable({"$ref": REF + "Period"}),
            "programme": _nullable({"type": "string"}),
            "region": _nullable({"type": "string"}),
            "organisation": _nullable({"type": "string"}),
            "inspection": _nullable({"type": "string"}),
            "channel": _nullable({"enum": list(CHANNELS)}),
            "language": _nullable({"enum": list(LANGUAGES)}),
            "equality": {"type": "object", "additionalProperties": {"type": "string"},
                         "description": "'About you' question → answer the responses gave."},
            "group": {
                "type": "object",
                "description": "In a breakdown's group: the grouping and this group's key.",
                "required": ["by", "key"],
                "additionalProperties": False,
                "properties": {"by": {"type": "string"}, "key": _nullable({"type": "string"})},
            },
        },
    },
    "Option": {
        "type": "object",
        "required": ["option", "count", "percent"],
        "additionalProperties": False,
        "properties": {
            "option": {"type": "string", "description": "Answer code."},
            "count": COUNT,
            "percent": _nullable({**PERCENT, "description":
                                  "Whole per cent, rounded half up: of n (single choice) or of all mentions (multiple choice)."}),
        },
    },
    "Question": {
        "type": "object",
        "description": "One question's figures. When suppressed, every figure is null or empty.",
        "required": ["code", "kind", "suppressed", "n", "positive_percent", "positive_options",
                     "beside_percent", "beside_options", "distribution", "exclusions", "mentions",
                     "previous_percent", "change_points"],
        "additionalProperties": False,
        "properties": {
            "code": {"type": "string"},
            "kind": {"enum": ["single", "multiple", "text"]},
            "suppressed": {"type": "boolean", "description": "Too few answers to show any figure."},
            "n": _nullable({**COUNT, "description":
                            "Answers the percentages are over (skips and excluded answers left out); for free text, the number of comments."}),
            "positive_percent": _nullable({**PERCENT, "description": "Share of n giving a positive answer."}),
            "positive_options": {**CODES, "description": "Answer codes counted as positive."},
            "beside_percent": _nullable({**PERCENT, "description": "Share giving the next box, where the scale reports it."}),
            "beside_options": CODES,
            "distribution": {"type": "array", "items": {"$ref": REF + "Option"}},
            "exclusions": {"type": "object", "additionalProperties": COUNT,
                           "description": "Answers out of n: excluded options (don't know), skipped, not asked."},
            "mentions": _nullable({**COUNT, "description": "Multiple choice: all options chosen, added up."}),
            "previous_percent": _nullable(PERCENT),
            "change_points": _nullable({"type": "integer", "minimum": -100, "maximum": 100,
                                        "description": "Change from the previous period, in percentage points."}),
        },
        "if": {"properties": {"suppressed": {"const": True}}},
        "then": {"properties": {
            "n": {"type": "null"}, "positive_percent": {"type": "null"},
            "beside_percent": {"type": "null"}, "mentions": {"type": "null"},
            "distribution": {"maxItems": 0}, "exclusions": {"maxProperties": 0},
        }},
    },
    "Previous": {
        "type": "object",
        "required": ["filters", "suppressed", "responses"],
        "additionalProperties": False,
        "properties": {
            "filters": {"$ref": REF + "Filters"},
            "suppressed": {"type": "boolean"},
            "responses": _nullable(COUNT),
        },
    },
    "QuestionnaireResults": {
        "type": "object",
        "description": "Every question's figures for the responses the filters select.",
        "required": ["questionnaire", "filters", "threshold", "suppressed", "responses",
                     "questions", "previous"],
        "additionalProperties": False,
        "properties": {
            "questionnaire": {"type": "string"},
            "filters": {"$ref": REF + "Filters"},
            "threshold": {"type": "integer", "minimum": 1,
                          "description": "Figures over fewer answers than this are suppressed."},
            "suppressed": {"type": "boolean", "description": "Too few responses to show any figure."},
            "responses": _nullable(COUNT),
            "questions": {"type": "array", "items": {"$ref": REF + "Question"}},
            "previous": _nullable({"$ref": REF + "Previous"}),
        },
        "if": {"properties": {"suppressed": {"const": True}}},
        "then": {"properties": {
            "responses": {"type": "null"},
            "questions": {"items": {"properties": {"suppressed": {"const": True}}}},
        }},
    },
    "Group": {
        "type": "object",
        "required": ["key", "results"],
        "additionalProperties": False,
        "properties": {
            "key": _nullable({"type": "string"}),
            "results": {"$ref": REF + "QuestionnaireResults"},
        },
    },
    "Breakdown": {
        "type": "object",
        "description": "Results split into groups that add up to the total (with `by`).",
        "required": ["questionnaire", "by", "total", "groups"],
        "additionalProperties": False,
        "properties": {
            "questionnaire": {"type": "string"},
            "by": {"type": "string"},
            "total": {"$ref": REF + "QuestionnaireResults"},
            "groups": {"type": "array", "items": {"$ref": REF + "Group"}},
        },
    },
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "additionalProperties": False,
        "properties": {
            "error": {"type": "string", "description": "HTTP status name."},
            "message": {"type": "string", "description": "What was wrong, in plain English."},
        },
    },
}


def _query(name: str, description: str, schema: dict[str, Any], example: str | None = None,
           required: bool = False, **extra: Any) -> dict[str, Any]:
    parameter = {"name": name, "in": "query", "required": required, "description": description,
                 "schema": schema, **extra}
    if example is not None:
        parameter["example"] = example
    return parameter


def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": REF + "Error"}}}}


def openapi_document() -> dict[str, Any]:
    """Return the OpenAPI 3.1 document for the results API."""
    codes = [q.code for q in questionnaires.ALL]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "HM Inspectorate of Probation feedback: results API",
            "version": "1",
            "description": (
                "The satisfaction figures of the inspectorate's questionnaires, exactly as "
                "`feedback results --json` prints them. A percentage over fewer answers than "
                "the questionnaire's threshold is suppressed: null, never a number. Tokens are "
                "made with `feedback api-tokens add NAME`."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerToken": []}],
        "paths": {
            "/api/v1/results": {
                "get": {
                    "operationId": "getResults",
                    "summary": "A questionnaire's figures for a period, place, channel or language",
                    "parameters": [
                        _query("questionnaire", "Questionnaire code.", {"enum": codes},
                               "post-inspection-evaluation", required=True),
                        _query("period", "Business year (2011-12), quarter (2011-12-Q1), month "
                               "(2011-06, or month:2011-12) or range of days (2011-04-01..2011-06-30). "
                               "Default: all time.", {"type": "string"}, "2011-12"),
                        _query("programme", "Programme code.", {"type": "string"}, "OMI2"),
                        _query("region", "Region code.", {"type": "string"}, "wales"),
                        _query("organisation", "Organisation code.", {"type": "string"}),
                        _query("inspection", "Inspection code.", {"type": "string"}),
                        _query("channel", "How responses arrived.", {"enum": list(CHANNELS)}),
                        _query("language", "Language responses were given in.", {"enum": list(LANGUAGES)}),
                        _query("equality", "Only responses with this 'About you' answer, "
                               "QUESTION=VALUE (repeatable).",
                               {"type": "array", "items": {"type": "string", "pattern": "^about_[^=]+=.+$"}},
                               style="form", explode=True),
                        _query("by", "Break the results down into groups: "
                               f"{', '.join(GROUPINGS)} (quarter and month need a period) "
                               "or an 'About you' question code.", {"type": "string"}, "region"),
                    ],
                    "responses": {
                        "200": {
                            "description": "The figures; a Breakdown when `by` is given.",
                            "content": {"application/json": {"schema": {"oneOf": [
                                {"$ref": REF + "QuestionnaireResults"},
                                {"$ref": REF + "Breakdown"},
                            ]}}},
                        },
                        "400": _error("A parameter the API cannot use (an unknown questionnaire, "
                                      "a period it cannot read, an unknown grouping)."),
                        "401": {
                            **_error("No token, or one that is wrong, revoked or expired."),
                            "headers": {"WWW-Authenticate": {"schema": {"type": "string"},
                                                             "description": "Bearer challenge."}},
                        },
                        "429": _error("Too many requests: slow down."),
                    },
                },
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": {"description": "The OpenAPI document.",
                                          "content": {"application/json": {}}}},
                },
            },
        },
        "components": {
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from `feedback api-tokens add NAME`.",
                },
            },
            "schemas": SCHEMAS,
        },
    }
