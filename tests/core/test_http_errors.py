"""The HTTP edge: out-of-range numbers answer 400, and OpenAPI documents the real error body."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy.exc import DataError

from jarnama.core.http import install_error_handlers


class Thing(BaseModel):
    name: str


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/things/{thing_id}", responses={404: {"description": "No such thing."}})
    def get_thing(thing_id: int) -> Thing:
        if thing_id > 2**63 - 1:
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        if thing_id < 0:
            raise DataError("SELECT", {}, Exception("integer out of range"))
        return Thing(name="x")

    @app.post("/things")
    def create_thing(thing: Thing) -> Thing:
        return thing

    return app


def test_numbers_no_column_can_hold_are_a_400_not_a_500() -> None:
    client = TestClient(_app())
    for thing_id in (2**64, -1):
        response = client.get(f"/things/{thing_id}")
        assert response.status_code == 400
        assert response.json() == {
            "error": "invalid_input",
            "detail": "a number in the request is out of range",
            "field": None,
        }


def test_openapi_documents_the_error_body_that_is_sent() -> None:
    app = _app()
    schema = app.openapi()
    components = schema["components"]["schemas"]
    assert "HTTPValidationError" not in components
    assert set(components["ErrorBody"]["required"]) == {"error", "detail", "field"}
    error_ref = {"$ref": "#/components/schemas/ErrorBody"}
    create = schema["paths"]["/things"]["post"]["responses"]
    assert create["422"]["content"]["application/json"]["schema"] == error_ref
    get = schema["paths"]["/things/{thing_id}"]["get"]["responses"]
    assert get["404"]["content"]["application/json"]["schema"] == error_ref
    assert get["400"]["content"]["application/json"]["schema"] == error_ref
    # What is documented is what is sent.
    body = TestClient(app).post("/things", json={"name": 5}).json()
    assert set(body) == {"error", "detail", "field"}
    assert app.openapi() is schema  # built once
