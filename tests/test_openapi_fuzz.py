"""A bounded schemathesis run over the whole OpenAPI, as a network admin, on both databases.

Every operation is called with generated valid and invalid inputs; the run fails on any 5xx
and on any response whose body or content type does not match the schema. It is bounded
(a few examples per operation, derandomized, no example database, no shrinking, no
deadline) so it stays well under a minute per backend; set JARNAMA_FUZZ_EXAMPLES for a
deeper run.

The schema is loaded once, at collection, from an app that never touches a database, so
each operation is its own test; the calls go to the `app` fixture, which shares the test's
rolled-back transaction (and so the admin key made in it). schemathesis's own pytest loader
(`schemathesis.pytest.from_fixture`) is not used: with pytest 9 it fails on a removed private
attribute (`Function._nodeid`), so the cases are drawn through its Hypothesis strategies.
"""

from __future__ import annotations

import os
from typing import Any

import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from jarnama.app import create_app
from jarnama.config import Settings
from tests import factories

FUZZ_EXAMPLES = int(os.environ.get("JARNAMA_FUZZ_EXAMPLES", "10"))
CHECKS = {
    "enabled": False,
    "not_a_server_error": {"enabled": True},
    "response_schema_conformance": {"enabled": True},
    "content_type_conformance": {"enabled": True},
}
METHODS = ("get", "put", "post", "delete", "patch")


def _load_schema() -> Any:
    """The OpenAPI of an app built without a database (the schema does not depend on data)."""
    settings = Settings(_env_file=None, environment="test", database={"url": "sqlite://"})
    openapi = create_app(settings).openapi()
    return schemathesis.openapi.from_dict(
        openapi, config=schemathesis.Config.from_dict({"checks": CHECKS})
    )


SCHEMA = _load_schema()
OPERATIONS = [
    pytest.param(method.upper(), path, id=f"{method.upper()} {path}")
    for path, item in sorted(SCHEMA.raw_schema["paths"].items())
    for method in METHODS
    if method in item
]


def _has_inputs(operation: Any) -> bool:
    definition = operation.definition.raw
    return bool(definition.get("parameters") or definition.get("requestBody"))


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_operation_answers_without_server_error_and_as_documented(
    app: FastAPI, session: Session, method: str, path: str
) -> None:
    admin = factories.network_admin(session)
    operation = SCHEMA[path][method]
    cases = operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE)
    if _has_inputs(operation):
        negative = operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE)
        cases = st.one_of(cases, negative)

    @hypothesis.settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=cases)
    def call(case: Any) -> None:
        case.call_and_validate(app=app, headers=admin.headers)

    call()
