"""Malformed input never gets a 500: schemathesis generates requests from the OpenAPI schema (valid and
invalid bodies, query strings, path values) against the real service on loopback."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis.errors import Unsatisfiable
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from api_server import serve
from assistant.api.app import create_app
from assistant.api.services import Services
from index.embedder import HashingEmbedder
from test_api import settings  # noqa: F401  (the module-scoped tiny-corpus settings fixture)


@pytest.fixture(scope="module")
def base_url(settings):  # noqa: F811
    with serve(create_app(settings, Services(settings, HashingEmbedder()))) as url:
        yield url


def _operations(base_url: str):
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_from_the_schema_gets_a_server_error(base_url, mode):
    operations = _operations(base_url)
    assert {op.path for op in operations} >= {"/api/ask", "/api/feedback", "/api/search", "/api/indicators"}
    exercised = set()
    for operation in operations:
        @given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            response = case.call(base_url=base_url, timeout=30)
            case.validate_response(response, checks=[not_a_server_error])

        try:
            check()
        except Unsatisfiable:
            continue  # nothing to make invalid (an operation without parameters, in negative mode)
        exercised.add(operation.path)
    assert exercised >= {"/api/ask", "/api/feedback", "/api/search", "/api/indicators"}
