"""Fuzzing from the contract: schemathesis reads /api/openapi.json of a live tinyapp and
sends generated requests, valid and invalid, to every operation over real HTTP.

Every check schemathesis has (``--checks all``): no 5xx; a status code, content type,
headers and body as documented; every request the document allows is accepted
(positive_data_acceptance) and every one it forbids is refused (negative_data_rejection),
so the document states every rule the server enforces. Runs on SQLite, PostgreSQL and
MariaDB; TINYAPP_FUZZ_EXAMPLES raises the number of cases per operation and mode.
"""

import os
from datetime import timedelta

import pytest
import schemathesis
import schemathesis.specs.openapi.checks  # noqa: F401 - registers the OpenAPI checks
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS as REGISTERED
from schemathesis.core.failures import FailureGroup

pytestmark = pytest.mark.slow

CHECKS = REGISTERED.get_all()  # every check there is, as `--checks all`
assert len(CHECKS) >= 14, [check.__name__ for check in CHECKS]
EXAMPLES = int(os.environ.get("TINYAPP_FUZZ_EXAMPLES", "0")) or None
PER_MODE = {GenerationMode.POSITIVE: EXAMPLES or 12, GenerationMode.NEGATIVE: EXAMPLES or 8}
MINIMUM_CASES = 1000  # per engine

# Operations that can take the fuzzer's own rights away; it is given them back after each.
SELF_HARM = {"PATCH /api/v1/users/{user_id}", "DELETE /api/v1/tokens/{token_id}"}


@pytest.mark.parametrize("engine", ["sqlite", "postgresql", "mysql"], indirect=True)
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
        # The fuzzer's own credentials replace whatever was generated for them, on the
        # case itself: schemathesis then checks the request as sent (a case whose only
        # "violation" was an Authorization header replaced here is a valid one).
        case.headers = {**(case.headers or {}), **live.headers}
        response = case.call(base_url=live.url, timeout=30)
        sent += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=live.headers)
        finally:
            if operation.label in SELF_HARM:
                live.restore_admin()

    one_case()
    return sent
