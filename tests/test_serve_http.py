"""Every endpoint behind the same protections: the chat's Gradio events, health, proxies, the Host header.

Real bot, real model, real Chroma, the real app through Starlette's TestClient.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from bot.settings import Settings
from bot.web.app import create_app
from bot.web.gradio_guard import cap_turns
from bot.web.service import ChatService

Q = "Les exosomes sont-ils bien tolérés ?"


def make(bot, **overrides) -> TestClient:
    settings = Settings(**overrides)
    return TestClient(create_app(settings, ChatService(bot=bot)))


def fn_index(client: TestClient, name: str, prefix: str = "") -> int:
    demo = client.app.state.demos[prefix]
    return next(i for i, f in demo.fns.items() if getattr(f.fn, "__name__", "") == name)


def event(client, name, data, session="s1", prefix=""):
    body = {"data": data, "fn_index": fn_index(client, name, prefix), "session_hash": session}
    return client.post(
        f"{prefix}/gradio_api/run/predict",
        content=json.dumps(body),
        headers={"content-type": "application/json"},
    )


def test_gradio_events_share_the_rate_limit_of_the_api(bot):
    with make(bot, rate_limit_per_minute=2, rate_limit_burst=2) as c:
        codes = [event(c, "start_turn", [Q * 20, [], "fr", False]).status_code for _ in range(3)]
        assert codes[-1] == 429 and 500 not in codes  # a 1,000-character question costs 5 requests
        r = c.post("/api/ask", json={"question": Q})
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        json.dumps({"data": [], "fn_index": 9999, "session_hash": "x"}),
        json.dumps({"data": ["a"], "fn_index": 0, "session_hash": "x"}),
        json.dumps({"fn_index": 0}),
        json.dumps([1, 2]),
    ],
)
def test_malformed_gradio_events_are_422_with_one_log_line(bot, body, caplog):
    with make(bot) as c:
        for path in ("/gradio_api/run/predict", "/gradio_api/queue/join", "/embed/gradio_api/queue/join"):
            caplog.clear()
            r = c.post(path, content=body, headers={"content-type": "application/json"})
            assert r.status_code == 422, (path, r.text)
            lines = [rec for rec in caplog.records if rec.levelname in ("WARNING", "ERROR")]
            assert len(lines) == 1 and not any(rec.exc_info for rec in lines)


def session_turns(client, session: str, prefix: str = "") -> list:
    """The turns Gradio keeps for a session, server side."""
    demo = client.app.state.demos[prefix]
    sid = next(b._id for b in demo.blocks.values() if b.__class__.__name__ == "State" and b.value == [])
    return demo.state_holder.session_data[session].state_data[sid]


def test_a_lone_surrogate_never_breaks_the_session(bot):
    with make(bot) as c:
        raw = '{"data": ["exosomes \\ud800 tol\\u00e9rance", null, "fr", false], "fn_index": %d, "session_hash": "s"}'
        r = c.post(
            "/gradio_api/run/predict",
            content=raw % fn_index(c, "start_turn"),
            headers={"content-type": "application/json"},
        )
        assert r.status_code == 200, r.text
        assert session_turns(c, "s")[-1]["question"] == "exosomes  tolérance"
        r = event(c, "finish_turn", [None, "fr"], session="s")
        assert r.status_code == 200 and session_turns(c, "s")[-1]["answer"]["status"]
        assert event(c, "start_turn", [Q, None, "fr", False], session="s").status_code == 200
        assert len(session_turns(c, "s")) == 2


def test_session_history_is_capped_in_turns_and_bytes(bot):
    turns = [{"question": f"q{i}", "answer": {"answer_markdown": "x" * 1000}} for i in range(50)]
    assert [t["question"] for t in cap_turns(turns, 30, 10**9)] == [f"q{i}" for i in range(20, 50)]
    assert len(json.dumps(cap_turns(turns, 30, 5_000))) <= 5_000
    assert cap_turns(turns[:1], 30, 10)[0]["question"] == "q0"  # the newest turn is always kept
    with make(bot, session_max_turns=3, session_capacity=5, session_ttl_seconds=60) as c:
        for i in range(6):
            assert (
                event(c, "start_turn", [f"question {i}", None, "fr", False], session="cap").status_code == 200
            )
        assert [t["question"] for t in session_turns(c, "cap")] == ["question 3", "question 4", "question 5"]
        for i in range(8):  # a flood of sessions: only the newest 5 are kept
            event(c, "start_turn", [Q, None, "fr", False], session=f"flood{i}")
        demo = c.app.state.demos[""]
        assert len(demo.state_holder.session_data) <= 5 and "flood7" in demo.state_holder.session_data


def test_live_and_ready(bot):
    with make(bot) as c:
        assert c.get("/api/health/live").json() == {"status": "alive"}
        r = c.get("/api/health/ready")
        assert r.status_code == 200 and r.json()["status"] == "ready"
        assert c.get("/api/health").json()["status"] == "ok"
    loading = ChatService(loader=lambda: bot)  # not loaded yet: not ready, and asking for it loads nothing
    with TestClient(create_app(Settings(), loading)) as c:
        r = c.get("/api/health/ready")
        assert r.status_code == 503 and r.json()["status"] == "loading"
        assert c.get("/api/health/live").status_code == 200 and not loading.loaded
    bot._index_ok = False
    try:
        with make(bot) as c:
            assert c.get("/api/health/ready").status_code == 503
    finally:
        bot._index_ok = True


def test_forwarded_headers_only_from_trusted_proxies(bot):
    fwd = {"x-forwarded-for": "198.51.100.1"}
    with make(bot, rate_limit_per_minute=1, rate_limit_burst=1) as c:  # peer "testclient" not trusted
        assert c.post("/api/ask", json={"question": Q}, headers=fwd).status_code == 200
        other = {"x-forwarded-for": "198.51.100.2"}
        assert c.post("/api/ask", json={"question": Q}, headers=other).status_code == 429
    with make(bot, rate_limit_per_minute=1, rate_limit_burst=1, trusted_proxies=["testclient"]) as c:
        assert c.post("/api/ask", json={"question": Q}, headers=fwd).status_code == 200
        other = {"x-forwarded-for": "203.0.113.9, 198.51.100.2"}  # the left entry is the client's own
        assert c.post("/api/ask", json={"question": Q}, headers=other).status_code == 200
        assert c.post("/api/ask", json={"question": Q}, headers=fwd).status_code == 429
    with pytest.raises(ValueError, match="BOT_TRUSTED_PROXIES"):
        create_app(Settings(trust_proxy=True), ChatService(bot=bot))


def test_host_header_is_never_reflected(bot):
    with make(bot) as c:
        for path in ("/config", "/", "/embed/", "/embed/config"):
            for h in ({"host": "evil.example"}, {"x-forwarded-host": "evil.example"}):
                r = c.get(path, headers=h)
                assert r.status_code == 200 and "evil.example" not in r.text, (path, h)
    with make(bot, public_hosts=["chat.pharmacie.example"]) as c:
        assert "chat.pharmacie.example" in c.get("/config", headers={"host": "chat.pharmacie.example"}).text


def test_star_origin_is_refused_at_start(bot):
    with pytest.raises(ValueError, match="not '\\*'"):
        create_app(Settings(allowed_origins=["*"]), ChatService(bot=bot))
