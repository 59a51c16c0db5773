"""The REST API and HTTP layer: contract shape with the real bot, JSON errors, CSP and CORS headers."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from bot.lang.text import is_verbatim
from bot.models import Answer
from bot.settings import get_settings
from bot.web.app import create_app
from bot.web.service import ChatService

PHARMACY = "https://pharmacie-des-tilleuls.example"
CLIENT = ("127.0.0.1", 50000)  # a real IPv4 peer, as behind uvicorn
CONTRACT_KEYS = {"id", "question", "language", "status", "answer_markdown", "statements", "citations"}
CONTRACT_KEYS |= {"disagreements", "timings_ms"}


@pytest.fixture(scope="module")
def client(bot):
    settings = get_settings().model_copy(update={"allowed_origins": [PHARMACY, "javascript:alert(1)"]})
    with TestClient(create_app(settings, ChatService(bot=bot)), client=CLIENT) as c:
        yield c


class FakeBot:
    """Stands in for the core where a test needs it to fail or to record its inputs."""

    def __init__(self, fail: bool = False):
        self.fail = fail
        self.calls: list[tuple] = []
        self.kb = SimpleNamespace(sources={}, passages={}, documents={})

    def ask(self, question, history=None, id=None):
        self.calls.append((question, history, id))
        if self.fail:
            raise RuntimeError("secret internal detail")
        return Answer(id=id, question=question, status="not_in_sources")


def fake_client(bot: FakeBot, **overrides) -> TestClient:
    settings = get_settings().model_copy(update=overrides)
    return TestClient(
        create_app(settings, ChatService(bot=bot)), raise_server_exceptions=False, client=CLIENT
    )


def assert_clean_error(r, status: int):
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert isinstance(body.get("error"), str) and isinstance(body.get("message"), str) and body["message"]
    assert "Traceback" not in r.text and 'File "' not in r.text


def test_ask_returns_the_answer_contract(client, bot):
    r = client.post("/api/ask", json={"question": "Les exosomes sont-ils bien tolérés ?", "id": "q1"})
    assert r.status_code == 200
    data = r.json()
    assert set(data) >= CONTRACT_KEYS
    ans = Answer.model_validate(data)
    assert ans.id == "q1" and ans.status == "answered" and ans.citations
    by_id = {c.passage_id: c for c in ans.citations}
    for st in ans.statements:
        if st.kind == "quote":
            assert any(is_verbatim(st.text, by_id[p].text) for p in st.citations)
    for c in ans.citations:
        doc = bot.kb.documents[c.source_id]
        assert c.text.strip()[:40] in doc[c.start : c.end] or is_verbatim(c.text, doc[c.start : c.end])


def test_follow_up_uses_the_history(client):
    history = [
        {"role": "user", "content": "Les exosomes sont-ils efficaces pour la peau ?"},
        {"role": "assistant", "content": "Selon l'Inserm : …"},
    ]
    r = client.post("/api/ask", json={"question": "Et pour les cheveux ?", "history": history})
    assert r.status_code == 200
    ans = Answer.model_validate(r.json())
    assert ans.status == "answered"
    cited = " ".join(c.text.lower() for c in ans.citations)
    assert "cheveu" in cited or "capillaire" in cited


def test_history_reaches_the_core():
    fake = FakeBot()
    history = [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]
    r = fake_client(fake).post("/api/ask", json={"question": "Et ?", "history": history, "id": "7"})
    assert r.status_code == 200 and r.json()["id"] == "7"
    assert fake.calls == [("Et ?", history, "7")]


def test_rejected_input_is_an_answer_not_an_http_error(client):
    r = client.post("/api/ask", json={"question": "   "})
    assert r.status_code == 200
    data = r.json()
    assert data["status"] == "rejected_input" and data["error"]


def test_health_and_sources(client):
    h = client.get("/api/health").json()
    assert h["status"] == "ok" and h["sources"] == 5 and h["passages"] > 5
    r = client.get("/api/sources")
    assert r.status_code == 200
    ids = {s["id"] for s in r.json()}
    assert ids == {"inserm", "dermatologue", "revue-dermato", "clinique", "praticienne-cheveux"}
    assert all(s["kind_label_fr"] and s["short_name_fr"] for s in r.json())


def test_bad_json_is_a_clear_400(client):
    r = client.post("/api/ask", content=b'{"question": ', headers={"Content-Type": "application/json"})
    assert_clean_error(r, 400)
    assert "JSON" in r.json()["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"question": 42},
        {"question": ["a"]},
        {},
        {"question": "ok", "history": "not a list"},
        {"question": "ok", "history": [{"role": "system", "content": "x"}]},
        {"question": "ok", "history": [{"role": "user", "content": 3}]},
        {"question": "ok", "id": {"x": 1}},
    ],
)
def test_wrong_types_are_422_with_the_field_named(client, body):
    r = client.post("/api/ask", json=body)
    assert_clean_error(r, 422)
    assert r.json()["details"] and r.json()["details"][0]["field"]


def test_body_not_an_object_is_422(client):
    r = client.post("/api/ask", content=b'"just a string"', headers={"Content-Type": "application/json"})
    assert_clean_error(r, 422)


def test_too_large_body_is_413():
    c = fake_client(FakeBot(), max_body_bytes=200)
    r = c.post("/api/ask", json={"question": "x" * 500})
    assert_clean_error(r, 413)


def test_crash_in_the_core_is_a_500_without_details():
    r = fake_client(FakeBot(fail=True)).post("/api/ask", json={"question": "Les exosomes ?"})
    assert_clean_error(r, 500)
    assert "secret internal detail" not in r.text


def test_rate_limit_is_429_with_retry_after():
    c = fake_client(FakeBot(), rate_limit_per_minute=2)
    codes = [c.post("/api/ask", json={"question": "q"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    r = c.post("/api/ask", json={"question": "q"})
    assert_clean_error(r, 429)
    assert int(r.headers["retry-after"]) >= 1


def test_unknown_api_path_and_wrong_method_are_json(client):
    assert_clean_error(client.get("/api/nothing-here"), 404)
    assert_clean_error(client.get("/api/ask"), 405)


@pytest.mark.parametrize("path", ["/", "/embed/", "/api/health", "/docs"])
def test_csp_frame_ancestors_lists_self_and_allowed_sites_only(client, path):
    r = client.get(path)
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split("; ")}
    assert directives["frame-ancestors"] == ["'self'", PHARMACY]
    assert directives["default-src"] == ["'self'"] and directives["connect-src"] == ["'self'"]


def test_cors_allows_listed_sites_only(client):
    pre = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    ok = client.options("/api/ask", headers={"Origin": PHARMACY, **pre})
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == PHARMACY
    bad = client.options("/api/ask", headers={"Origin": "https://evil.example", **pre})
    assert bad.headers.get("access-control-allow-origin") != "https://evil.example"
    r = client.get("/api/health", headers={"Origin": PHARMACY})
    assert r.headers["access-control-allow-origin"] == PHARMACY


def test_docs_page_is_self_contained(client):
    r = client.get("/docs")
    assert r.status_code == 200 and "/api/ask" in r.text and "/openapi.json" in r.text
    assert "<script" not in r.text and "<link" not in r.text
    spec = client.get("/openapi.json").json()
    assert {"/api/ask", "/api/health", "/api/sources"} <= set(spec["paths"])


def test_example_page_and_embed_redirect(client):
    r = client.get("/examples/pharmacy-page.html")
    assert r.status_code == 200 and 'src="/widget.js"' in r.text  # the one-line widget opens /embed/
    assert client.get("/widget.js").status_code == 200
    r = client.get("/embed?lang=en", follow_redirects=False)
    assert r.status_code in (307, 308) and r.headers["location"] == "/embed/?lang=en"


def test_pages_reference_no_other_host(client):
    for path in ("/", "/embed/"):
        html = client.get(path).text
        for attr in ("src=", "href="):
            for chunk in html.split(attr)[1:]:
                url = chunk[1:].split(chunk[0])[0] if chunk[:1] in "\"'" else chunk.split()[0]
                assert not url.startswith(("http://", "https://", "//")), url
    config = client.get("/config").json()
    assert "fonts.googleapis" not in json.dumps(config)
