"""Access logs: one JSON (or text) line per request, no address and no question text unless asked."""

from __future__ import annotations

import io
import json
import re
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from bot.models import Answer
from bot.settings import get_settings
from bot.web import logs
from bot.web.app import create_app
from bot.web.service import ChatService

IP = "203.0.113.77"
QUESTION = "J'ai un eczéma sévère, puis-je faire des exosomes ?"
KEYS = {"time", "event", "method", "route", "status", "duration_ms"}


class FakeBot:
    kb = SimpleNamespace(sources={}, passages={}, documents={})

    def ask(self, question, history=None, id=None):
        return Answer(id=id, question=question, status="not_in_sources")


@pytest.fixture
def run():
    """run(fmt, **settings) -> (client, stream): the app with its access log captured."""
    opened = []

    def start(fmt: str = "json", **overrides):
        settings = get_settings().model_copy(update={"log_format": fmt, **overrides})
        client = TestClient(create_app(settings, ChatService(bot=FakeBot())), client=(IP, 41000))
        client.__enter__()
        opened.append(client)
        stream = io.StringIO()
        logs.configure_logging(fmt, stream)  # same handler the app installed, onto a buffer
        return client, stream

    yield start
    for c in opened:
        c.__exit__(None, None, None)
    logs.configure_logging("json")


def lines(stream: io.StringIO) -> list[str]:
    return [line for line in stream.getvalue().splitlines() if line.strip()]


def test_one_json_line_per_request_without_ip_or_question(run):
    client, stream = run("json")
    client.post(
        "/api/ask", json={"question": QUESTION, "history": [{"role": "user", "content": "mon dossier"}]}
    )
    client.get("/api/health/live")
    client.post("/api/ask", content=b"{", headers={"Content-Type": "application/json"})
    out = lines(stream)
    assert len(out) == 3
    rows = [json.loads(line) for line in out]
    for row in rows:
        assert set(row) >= KEYS and row["event"] == "request"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", row["time"])
        assert isinstance(row["duration_ms"], float) and row["duration_ms"] >= 0
        assert re.fullmatch(r"[0-9a-f]{12}", row["client"])
    assert [(r["method"], r["route"], r["status"]) for r in rows] == [
        ("POST", "/api/ask", 200),
        ("GET", "/api/health/live", 200),
        ("POST", "/api/ask", 400),
    ]
    assert rows[0]["answer_status"] == "not_in_sources" and "answer_status" not in rows[1]
    text = stream.getvalue()
    assert IP not in text and "eczéma" not in text and "dossier" not in text and "question" not in text
    assert len({r["client"] for r in rows}) == 1  # one client, one stable pseudonym


def test_questions_are_logged_only_when_asked_for(run):
    client, stream = run("json", log_questions=True)
    client.post("/api/ask", json={"question": QUESTION})
    (row,) = [json.loads(line) for line in lines(stream)]
    assert row["question"] == QUESTION and IP not in stream.getvalue()


def test_text_format(run):
    client, stream = run("text")
    client.post("/api/ask", json={"question": QUESTION})
    (line,) = lines(stream)
    assert re.fullmatch(
        r"\S+Z POST /api/ask 200 \d+\.\dms client=[0-9a-f]{12} answer_status=not_in_sources", line
    ), line


def test_route_is_the_template_never_the_raw_path_or_query(run):
    client, stream = run("json", admin_token="tok-123")
    client.get("/api/nothing/here?token=abc")
    client.get("/admin/insights?token=tok-123")
    rows = [json.loads(line) for line in lines(stream)]
    assert [r["route"] for r in rows] == ["/api/{rest:path}", "/admin/insights"]
    assert "tok-123" not in stream.getvalue() and "nothing" not in stream.getvalue()


def test_other_app_logs_become_json_too():
    import logging

    stream = io.StringIO()
    root = logging.getLogger()
    handler = logging.StreamHandler(stream)
    root.addHandler(handler)
    try:
        logs.configure_logging("json", io.StringIO())
        logging.getLogger("bot.test").warning("index %s", "slow")
    finally:
        root.removeHandler(handler)
        logs.configure_logging("json")
    row = json.loads(stream.getvalue())
    assert row["level"] == "warning" and row["message"] == "index slow" and row["logger"] == "bot.test"
