"""Fuzzing from the contract: schemathesis reads /api/openapi.json of a live tinyapp and
sends generated requests, valid and invalid, to every operation over real HTTP.

Every answer must be documented: no 5xx, a status code the operation lists, the
declared content type, a body that matches the response schema. Runs on SQLite and
PostgreSQL; TINYAPP_FUZZ_EXAMPLES raises the number of cases per operation and mode.
"""

import os
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.slow

# Not negative_data_rejection: tinyapp deliberately trims text, reads an empty query
# value as "not given" and the last of repeated ones, which no OpenAPI schema can say;
# that check then flags valid behaviour at random. (It found one real bug first: a
# flag accepted 0.0 as false. Fixed in schemas/fields.py.)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
EXAMPLES = int(os.environ.get("TINYAPP_FUZZ_EXAMPLES", "0")) or None
PER_MODE = {GenerationMode.POSITIVE: EXAMPLES or 12, GenerationMode.NEGATIVE: EXAMPLES or 8}
MINIMUM_CASES = 1000  # per engine

# Operations that can take the fuzzer's own rights away; it is given them back after each.
SELF_HARM = {"PATCH /api/v1/users/{user_id}", "DELETE /api/v1/tokens/{token_id}"}


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"], indirect=True)
def test_every_generated_request_gets_a_documented_answer(engine, live):
    schema = schemathesis.openapi.from_url(f"{live.url}/api/openapi.json")
    sent, findings = 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode, examples in PER_MODE.items():
            try:
                sent += _fuzz(operation, mode, examples, live)
            except FailureGroup as failures:
                findings.append(f"{operation.label} ({mode.value}): {failures}")
    print(f"schemathesis on {engine}: {sent} requests, {len(findings)} findings")
    assert not findings, "\n\n".join(findings)
    assert sent >= MINIMUM_CASES


def _fuzz(operation, mode: GenerationMode, examples: int, live) -> int:
    """Send up to `examples` generated cases to one operation; return how many were sent."""
    sent = 0

    @settings(max_examples=examples, deadline=timedelta(seconds=10), database=None,
              phases=[Phase.explicit, Phase.generate, Phase.shrink],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def one_case(case):
        nonlocal sent
        response = case.call(base_url=live.url, headers=live.headers, timeout=30)
        sent += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=live.headers)
        finally:
            if operation.label in SELF_HARM:
                live.restore_admin()

    one_case()
    return sent
