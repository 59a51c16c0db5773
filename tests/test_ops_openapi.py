"""The OpenAPI schema is a real reference: described fields, the error shape, named operations, Retry-After."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from bot.models import Answer, Citation, Disagreement, Position, Statement
from bot.settings import get_settings
from bot.web.app import create_app
from bot.web.http import ErrorResponse
from bot.web.service import ChatService

NAMED = {
    ("post", "/api/ask"): "ask",
    ("get", "/api/health"): "health",
    ("get", "/api/health/live"): "health_live",
    ("get", "/api/health/ready"): "health_ready",
    ("get", "/api/sources"): "sources",
    ("get", "/metrics"): "metrics",
}


class FakeBot:
    kb = SimpleNamespace(sources={}, passages={}, documents={})

    def ask(self, question, history=None, id=None):
        return Answer(id=id, question=question, status="not_in_sources")


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(get_settings(), ChatService(bot=FakeBot())), client=("127.0.0.1", 5000)) as c:
        yield c


@pytest.fixture(scope="module")
def spec(client):
    return client.get("/openapi.json").json()


@pytest.mark.parametrize("model", [Answer, Citation, Statement, Disagreement, Position])
def test_every_field_of_the_contract_models_is_described(spec, model):
    schema = spec["components"]["schemas"][model.__name__]
    assert set(schema["properties"]) == set(model.model_fields)
    missing = [name for name, prop in schema["properties"].items() if not prop.get("description", "").strip()]
    assert not missing, f"{model.__name__}: {missing}"
    assert schema.get("description")


def test_operation_ids_are_the_names_set(spec):
    ops = {(m, p): op["operationId"] for p, item in spec["paths"].items() for m, op in item.items()}
    for key, name in NAMED.items():
        assert ops[key] == name
    ids = list(ops.values())
    assert len(ids) == len(set(ids))
    assert not [i for i in ids if i.endswith(("_get", "_post")) or "_api_" in i], ids


def test_error_schema_is_declared_and_matches_what_the_api_sends(client, spec):
    assert set(spec["components"]["schemas"]["ErrorResponse"]["required"]) == {"error", "message"}
    ref = "#/components/schemas/ErrorResponse"
    responses = spec["paths"]["/api/ask"]["post"]["responses"]
    for code in ("400", "413", "422", "429", "503"):
        assert responses[code]["content"]["application/json"]["schema"]["$ref"] == ref, code
    for code in ("429", "503"):
        header = responses[code]["headers"]["Retry-After"]
        assert header["schema"]["type"] == "integer" and header["description"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for item in spec["paths"].values():  # every documented 422 is the real shape
        for op in item.values():
            if "422" in op["responses"]:
                assert op["responses"]["422"]["content"]["application/json"]["schema"]["$ref"] == ref
    bad = [
        client.post("/api/ask", content=b"{", headers={"Content-Type": "application/json"}),
        client.post("/api/ask", json={"question": 3}),
        client.post("/api/ask", content=b"x" * 70_000, headers={"Content-Type": "application/json"}),
    ]
    assert [r.status_code for r in bad] == [400, 422, 413]
    for r in bad:
        ErrorResponse.model_validate(r.json())
    assert bad[1].json()["details"][0]["field"] == "question"


def test_docs_page_shows_the_descriptions(client):
    page = client.get("/docs").text
    assert "ErrorResponse" in page and "Retry-After" in page
    assert Citation.model_fields["text"].description.split(";")[0] in page
