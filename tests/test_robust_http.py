"""HTTP protections of the public app: body and question limits, rate limits, headers, paths.

Integration tests run the real app (real bot, real Gradio mount) in a TestClient;
the token buckets and client identification also get small unit tests.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import secrets
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Mount

from bot.settings import get_settings
from bot.web.app import create_app
from bot.web.security import RateLimitMiddleware, TokenBuckets, client_key
from bot.web.service import ChatService

ROOT = Path(__file__).resolve().parent.parent
PHARMACY = "https://pharmacie-exemple.example"
ASK = {"question": "Les exosomes sont-ils bien tolérés ?"}


def make_client(bot, **overrides) -> TestClient:
    s = get_settings().model_copy(update={"allowed_origins": [PHARMACY], **overrides})
    return TestClient(create_app(s, ChatService(bot=bot)), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client(bot):
    with make_client(bot, rate_limit_per_minute=0) as c:
        yield c


def assert_json_error(r, status: int) -> dict:
    assert r.status_code == status, r.text[:200]
    assert r.headers["content-type"].startswith("application/json")
    assert "Traceback" not in r.text
    body = r.json()
    assert body["error"] and body["message"]
    return body


# ------------------------------------------------------------------ body size


def test_body_limit_with_content_length(bot):
    with make_client(bot, max_body_bytes=300, rate_limit_per_minute=0) as c:
        assert c.post("/api/ask", json=ASK).status_code == 200
        assert_json_error(c.post("/api/ask", json={"question": "x" * 400}), 413)


def test_body_limit_with_chunked_body_and_no_content_length(bot):
    sent = []

    def chunks():
        for _ in range(200):
            sent.append(1)
            yield b" " * 1000

    with make_client(bot, max_body_bytes=5000, rate_limit_per_minute=0) as c:
        r = c.post("/api/ask", content=chunks(), headers={"Content-Type": "application/json"})
        assert "content-length" not in r.request.headers
        assert r.request.headers["transfer-encoding"] == "chunked"
        assert_json_error(r, 413)


def test_body_limit_covers_the_chat_ui_endpoints_too(client):
    limit = get_settings().max_body_bytes
    r = client.post(
        "/gradio_api/queue/join",
        content=b'{"data": ["' + b"a" * (limit + 10) + b'"]}',
        headers={"Content-Type": "application/json"},
    )
    assert_json_error(r, 413)


def test_question_limit_is_enforced_with_a_clear_message(client):
    limit = get_settings().max_question_chars
    r = client.post("/api/ask", json={"question": "exosomes " * (limit // 9 + 5)})
    assert r.status_code == 200 and r.json()["status"] == "rejected_input"
    assert str(limit) in r.json()["error"]


# ------------------------------------------------------------------ rate limit


def test_token_buckets_allow_a_burst_then_the_pace():
    b = TokenBuckets(per_minute=60, burst=3)
    assert [b.take("a", now=0.0) for _ in range(4)] == [0, 0, 0, 1]
    assert b.take("b", now=0.0) == 0  # another client is not affected
    assert b.take("a", now=1.0) == 0  # one token a second comes back
    assert b.take("a", now=1.0) == 1


def test_token_buckets_retry_after_is_the_real_wait():
    b = TokenBuckets(per_minute=2, burst=0)  # a whole minute's worth: 2 at once
    assert [b.take("a", now=0.0) for _ in range(2)] == [0, 0]
    assert b.take("a", now=0.0) == 30
    assert b.take("a", now=29.5) == 1
    assert b.take("a", now=30.0) == 0


def test_token_buckets_forget_idle_clients():
    b = TokenBuckets(per_minute=60, burst=5, max_keys=100)
    for i in range(1000):
        b.take(f"c{i}", now=float(i))
    assert len(b._buckets) <= 101


def test_client_key_ignores_forwarded_for_unless_trusted():
    scope = {"client": ("10.0.0.9", 5000), "headers": [(b"x-forwarded-for", b"6.6.6.6, 203.0.113.7")]}
    assert client_key(scope, trust_proxy=False) == "10.0.0.9"
    # behind our proxy: the right-most entry is the one our proxy appended; the rest is client-made
    assert client_key(scope, trust_proxy=True) == "203.0.113.7"
    v6 = {"client": ("2001:db8:1:2:3:4:5:6", 1), "headers": []}
    v6b = {"client": ("2001:db8:1:2:ffff::1", 1), "headers": []}
    assert client_key(v6) == client_key(v6b) == "2001:db8:1:2::/64"
    assert client_key({"client": ("::ffff:192.0.2.1", 1), "headers": []}) == "192.0.2.1"


def test_rate_limit_is_429_json_with_retry_after_per_client(bot):
    with make_client(bot, rate_limit_per_minute=6, rate_limit_burst=2) as c:
        codes = [c.post("/api/ask", json=ASK).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        r = c.post("/api/ask", json=ASK)
        assert_json_error(r, 429)
        assert 1 <= int(r.headers["retry-after"]) <= 10
        assert r.headers["content-security-policy"].count("frame-ancestors") == 1
        # not counted: reading, health checks and CORS preflights
        assert c.get("/api/health").status_code == 200
        pre = {"Origin": PHARMACY, "Access-Control-Request-Method": "POST"}
        assert c.options("/api/ask", headers=pre).status_code == 200
        # the 429 can be read by an embedding pharmacy page (CORS headers present)
        r = c.post("/api/ask", json=ASK, headers={"Origin": PHARMACY})
        assert r.status_code == 429 and r.headers["access-control-allow-origin"] == PHARMACY


def test_forwarded_for_is_used_only_when_trusted(bot):
    def burst(c, ip):
        return [c.post("/api/ask", json=ASK, headers={"X-Forwarded-For": ip}).status_code for _ in range(2)]

    trusted = {"trust_proxy": True, "trusted_proxies": ["testclient"]}  # TestClient's peer is our proxy
    with make_client(bot, rate_limit_per_minute=1, rate_limit_burst=1, **trusted) as c:
        assert burst(c, "198.51.100.1") == [200, 429]
        assert burst(c, "198.51.100.2") == [200, 429]  # a different client behind the proxy
        spoofed = "198.51.100.3, 198.51.100.2"  # the client forged the left part; the proxy appended .2
        assert burst(c, spoofed) == [429, 429]
    with make_client(bot, rate_limit_per_minute=1, rate_limit_burst=1) as c:
        assert burst(c, "198.51.100.1") == [200, 429]
        assert burst(c, "198.51.100.2") == [429, 429]  # not trusted: everyone is the TCP peer


def test_rate_limit_middleware_is_asgi_and_only_counts_work():
    calls = []

    async def app(scope, receive, send):
        calls.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    mw = RateLimitMiddleware(app, per_minute=1, burst=1)

    async def call(method, path):
        sent = []

        async def send(m):
            sent.append(m)

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        scope = {"type": "http", "method": method, "path": path, "headers": [], "client": ("1.2.3.4", 1)}
        await mw(scope, receive, send)
        return sent[0]["status"], dict(sent[0]["headers"])

    async def run():
        return [
            await call("POST", "/api/ask"),
            await call("POST", "/api/ask/"),
            await call("GET", "/api/ask"),
        ]

    (s1, _), (s2, h2), (s3, _) = _run_in_fresh_loop(run)
    assert (s1, s2, s3) == (200, 429, 200)
    assert int(h2[b"retry-after"]) >= 1 and h2[b"content-type"].startswith(b"application/json")


# ------------------------------------------------------------------ headers

HEADER_PATHS = [
    ("GET", "/"),
    ("GET", "/embed/"),
    ("GET", "/api/health"),
    ("GET", "/api/sources"),
    ("GET", "/docs"),
    ("GET", "/openapi.json"),
    ("GET", "/config"),
    ("GET", "/gradio_api/info"),
    ("GET", "/chat-static/chat.css"),
    ("GET", "/favicon.ico"),
    ("GET", "/examples/pharmacy-page.html"),
    ("GET", "/no-such-page"),
    ("GET", "/api/no-such-endpoint"),
    ("GET", "/api/ask"),
    ("POST", "/api/ask"),
    ("GET", "/gradio_api/file=/etc/passwd"),
    ("POST", "/gradio_api/upload"),
]


@pytest.mark.parametrize("method,path", HEADER_PATHS, ids=[f"{m} {p}" for m, p in HEADER_PATHS])
def test_security_headers_on_every_response(client, method, path):
    r = client.request(method, path, json=ASK if method == "POST" else None)
    csp = r.headers.get_list("content-security-policy")
    assert len(csp) == 1, csp  # one policy: two headers would both apply, the strictest winning
    directives = {d.split()[0]: d.split()[1:] for d in csp[0].split("; ")}
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'self'", PHARMACY]
    assert directives["object-src"] == ["'none'"]
    assert r.headers.get_list("x-content-type-options") == ["nosniff"]
    assert len(r.headers.get_list("referrer-policy")) == 1
    # X-Frame-Options would forbid the pharmacy's iframe that frame-ancestors allows
    assert "x-frame-options" not in r.headers


def test_security_headers_on_413_and_422(client):
    for r in (
        client.post("/api/ask", content=b"x" * 100_000, headers={"Content-Type": "application/json"}),
        client.post("/api/ask", json={"question": 3}),
    ):
        assert r.status_code in (413, 422)
        assert len(r.headers.get_list("content-security-policy")) == 1
        assert r.headers["x-content-type-options"] == "nosniff"


def test_api_json_escapes_markup(client):
    q = '<script>alert(1)</script><img src=x onerror=alert(1)> exosomes "tolérés" & peau ?'
    r = client.post("/api/ask", json={"question": q, "id": "</script><b>"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert "<" not in r.text and ">" not in r.text and "&" not in r.text
    assert r.json()["id"] == "</script><b>" and "<script>" in r.json()["question"]


# ------------------------------------------------------------------ unused toolkit endpoints


@pytest.mark.parametrize(
    "method,path",
    [
        ("POST", "/gradio_api/upload"),
        ("POST", "/embed/gradio_api/upload"),
        ("GET", "/gradio_api/upload_progress"),
        ("POST", "/gradio_api/process_recording"),
        ("GET", "/gradio_api/dev/reload"),
        ("GET", "/gradio_api/proxy=http://127.0.0.1:9/"),
        ("POST", "/gradio_api/vibe-edit"),
        ("GET", "/monitoring"),
        ("GET", "/embed/monitoring/summary"),
    ],
)
def test_unused_ui_endpoints_are_404(client, method, path):
    files = {"files": ("x.html", b"<script>alert(1)</script>", "text/html")} if "upload" in path else None
    r = client.request(method, path, files=files)
    assert_json_error(r, 404)


def test_chat_ui_endpoints_still_work(client):
    assert client.get("/config").status_code == 200
    assert client.get("/gradio_api/info").status_code == 200
    assert client.get("/embed/config").status_code == 200


# ------------------------------------------------------------------ paths

SECRET = secrets.token_hex(16)


@pytest.fixture(scope="module")
def targets(tmp_path_factory):
    """Files a traversal could aim at, each with a string that proves it was read."""
    secret = tmp_path_factory.mktemp("private") / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    return {
        "/etc/passwd": "root:",
        str(ROOT / "bot" / "settings.py"): "class Settings(BaseSettings)",
        str(ROOT / "pyproject.toml"): "exosome-bot",
        str(secret): SECRET,
    }


def traversals(target: str) -> list[str]:
    rel = target.lstrip("/")
    up = "../" * 12
    return [
        up.replace("..", "%2e%2e") + rel,
        up.replace("/", "%2f") + rel.replace("/", "%2f"),
        up.replace("../", "%2e%2e%2f") + rel,
        up.replace("/", "%5c") + rel.replace("/", "%5c"),
        up.replace("..", "%252e%252e").replace("/", "%252f") + rel,
        target,
        "%2f" + rel.replace("/", "%2f"),
        "/" + target,
        up.replace("/", "%c0%af") + rel,
    ]


def route_prefixes(app) -> list[str]:
    """Every mounted static folder and every route with a path parameter, as URL prefixes."""
    out: set[str] = set()

    def walk(routes, prefix: str) -> None:
        for r in routes:
            if isinstance(r, Mount):
                if getattr(r.app, "routes", None) is not None:
                    walk(r.app.routes, prefix + r.path)
                else:
                    out.add(prefix + r.path + "/")
                continue
            inner = getattr(r, "original_router", None)
            if inner is not None:
                walk(inner.routes, prefix)
                continue
            path = getattr(r, "path", "")
            if "{" in path and "GET" in (getattr(r, "methods", None) or {"GET"}):
                out.add(prefix + path.split("{", 1)[0])

    walk(app.routes, "")
    return sorted(out)


def test_route_discovery_sees_the_file_routes(client):
    prefixes = route_prefixes(client.app)
    for expected in ("/chat-static/", "/gradio_api/file=", "/assets/", "/embed/gradio_api/file="):
        assert expected in prefixes, prefixes


def test_no_path_from_a_request_reaches_the_file_system(client, targets):
    prefixes = route_prefixes(client.app) + ["/", "/examples/", "/docs/", "/api/"]
    checked = 0
    for prefix in prefixes:
        for target, proof in targets.items():
            for payload in traversals(target):
                with client.stream("GET", prefix + payload) as r:
                    checked += 1
                    assert r.status_code != 500, (prefix, payload)
                    if "text/event-stream" in r.headers.get("content-type", ""):
                        continue  # a live event stream (heartbeat), never a file
                    assert proof not in r.read().decode("utf-8", "replace"), f"{prefix}{payload} -> {target}"
    assert checked > 300


def test_static_files_are_still_served(client):
    r = client.get("/chat-static/chat.css")
    assert r.status_code == 200 and "text/css" in r.headers["content-type"]
    assert client.get("/chat-static/%2e%2e/settings.py").status_code == 404


def test_openapi_documents_the_limits(client):
    spec = client.get("/openapi.json").json()
    responses = spec["paths"]["/api/ask"]["post"]["responses"]
    assert {"413", "422", "429", "503"} <= set(responses)


def _run_in_fresh_loop(make_coro):
    """Run a coroutine on its own loop in a worker thread (a browser test may own this thread's loop)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make_coro())).result()
