"""Structured JSON logs carry the request id of the request that wrote them."""

from __future__ import annotations

import io
import json
import logging

import pytest
from fastapi.testclient import TestClient

from jarnama.core.logging import JsonFormatter, request_id_var


def test_json_formatter_includes_request_id_and_extras() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("jarnama.test.json")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    token = request_id_var.set("req-42")
    try:
        logger.info("charged %s tiyn", 1500, extra={"campaign_id": 7})
    finally:
        request_id_var.reset(token)
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert line["msg"] == "charged 1500 tiyn"
    assert line["request_id"] == "req-42"
    assert line["campaign_id"] == 7
    assert line["level"] == "info"
    assert line["ts"].endswith("Z")


def test_access_log_line_per_request(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="jarnama.http"):
        client.get("/healthz", headers={"X-Request-ID": "trace-1"})
    records = [r for r in caplog.records if r.name == "jarnama.http"]
    assert records, "no access log line written"
    formatted = json.loads(JsonFormatter().format(records[-1]))
    assert formatted["status"] == 200
    assert formatted["route"] == "/healthz"
