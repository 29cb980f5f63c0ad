"""Schemathesis against the API's own OpenAPI document, served by the application (WSGI).

Every operation the document describes is called with generated parameters, valid and
invalid, with a working token: no server error, and every answer (status, content type,
headers, body) is one the document allows.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS

from tests.conftest import sized

pytestmark = pytest.mark.slow

EXAMPLES = {GenerationMode.POSITIVE: sized(20, 40), GenerationMode.NEGATIVE: sized(12, 25)}
# Schemathesis's checks that a single call can answer: no 5xx, the status, content type,
# headers and body the document declares, and the token really needed. Not
# negative_data_rejection: like the dashboard, the API reads an empty or space-padded filter
# ("language=", "channel= web") as absent or trimmed, where the document's enums say 400.
CHECK_NAMES = {
    "not_a_server_error", "status_code_conformance", "content_type_conformance",
    "response_headers_conformance", "response_schema_conformance", "ignored_auth",
}


@pytest.fixture
def token(app, runner, demo_returns) -> str:
    # demo_returns: figures to describe, some large enough to show, some suppressed
    outcome = runner.invoke(args=["api-tokens", "add", "schemathesis"])
    assert outcome.exit_code == 0, outcome.output
    return outcome.stdout.strip()


def test_the_api_answers_as_its_openapi_document_says(app, token, numbers):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert "GET /api/v1/results" in {op.label for op in operations}
    checks = [check for check in CHECKS.get_all() if check.__name__ in CHECK_NAMES]
    assert len(checks) == len(CHECK_NAMES)
    calls: dict[str, int] = {}
    statuses: dict[int, int] = {}

    def explore(operation, mode: GenerationMode, examples: int) -> None:
        @settings(max_examples=examples, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def call(case):
            # Identity: answers are Brotli-compressed for clients that accept it, and the
            # WSGI transport would otherwise hand compressed bytes to the checks.
            response = case.call(headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"})
            assert response.status_code < 500, (case.query, response.status_code)
            case.validate_response(response, checks=checks, headers={"Authorization": "Bearer …"})
            calls[operation.label] = calls.get(operation.label, 0) + 1
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        call()

    for operation in operations:
        for mode, examples in EXAMPLES.items():
            if mode is GenerationMode.NEGATIVE and not operation.query:
                continue  # nothing to get wrong
            explore(operation, mode, examples)

    numbers(f"{sum(calls.values())} calls {calls}; statuses {dict(sorted(statuses.items()))}; "
            f"checks: {', '.join(sorted(c.__name__ for c in checks))}")
