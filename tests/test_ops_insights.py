"""Insights for the pharmacist: what is stored (and what never is), retention, the token, the CSV."""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from bot.models import Answer, Disagreement, Position
from bot.settings import get_settings
from bot.web.app import create_app
from bot.web.insights import CSV_COLUMNS, InsightStore, default_path, normalise
from bot.web.service import ChatService

IP = "198.51.100.23"
TOKEN = "pharma-token-9f3"
HISTORY = [{"role": "user", "content": "Mon fils a un psoriasis"}, {"role": "assistant", "content": "…"}]


class FakeBot:
    """Answers a fixed status per question, as the core would, with a disagreement for tolerance."""

    kb = SimpleNamespace(sources={}, passages={}, documents={})

    def ask(self, question, history=None, id=None):
        if not question.strip():
            return Answer(question=question, status="rejected_input", error="Empty question.")
        if "tolér" in question:
            pos = [
                Position(source_id=s, passage_id=f"{s}#1", stance="x", quote="q")
                for s in ("inserm", "clinique")
            ]
            dis = [Disagreement(topic="tolérance", summary="s", positions=pos, aspect="safety")]
            return Answer(question=question, status="answered", disagreements=dis, language="fr")
        if "soleil" in question:
            return Answer(question=question, status="not_in_sources", language="fr")
        return Answer(question=question, status="out_of_scope", language="en")


def app_client(tmp_path, **overrides) -> TestClient:
    settings = get_settings().model_copy(
        update={"insights": True, "insights_path": tmp_path / "i.sqlite3", "admin_token": TOKEN, **overrides}
    )
    return TestClient(create_app(settings, ChatService(bot=FakeBot())), client=(IP, 40000))


def rows(path) -> list[dict]:
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in db.execute("SELECT * FROM outcomes ORDER BY id")]
    finally:
        db.close()


def test_stores_outcomes_and_text_only_for_uncovered_questions(tmp_path):
    with app_client(tmp_path) as c:
        for q in (
            "Les exosomes sont-ils bien tolérés ?",
            "Puis-je aller au soleil après ?",
            "Who won the cup?",
        ):
            assert c.post("/api/ask", json={"question": q, "history": HISTORY}).status_code == 200
        c.post("/api/ask", json={"question": ""}, headers={"X-Forwarded-For": "192.0.2.9"})
    got = rows(tmp_path / "i.sqlite3")
    assert set(got[0]) == {"id", "time", "day", "status", "aspect", "language", "question", "norm"}
    assert [(r["status"], r["aspect"], r["language"]) for r in got] == [
        ("answered", "safety", "fr"),
        ("not_in_sources", None, "fr"),
        ("out_of_scope", None, "en"),
        ("rejected_input", None, "fr"),
    ]
    assert got[0]["question"] is None and got[0]["norm"] is None  # answered: no text
    assert got[1]["question"] == "Puis-je aller au soleil après ?"
    assert got[2]["question"] == "Who won the cup?"
    assert got[3]["question"] is None  # rejected input: never stored
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    for secret in (IP, "192.0.2.9", "psoriasis", "tolérés"):
        assert secret.encode() not in raw, secret


def test_off_by_default_writes_nothing(tmp_path):
    with app_client(tmp_path, insights=False) as c:
        c.post("/api/ask", json={"question": "Puis-je aller au soleil ?"})
        assert c.get("/admin/insights", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert not any(tmp_path.iterdir())
    assert get_settings().model_fields["insights"].default is False


def test_default_path_is_a_user_data_folder_not_the_index(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    path = default_path()
    assert path.parent == tmp_path / "exosome-bot"
    index = get_settings().index_dir.resolve()
    assert index not in path.resolve().parents


def test_retention_drops_old_rows_on_write(tmp_path):
    store = InsightStore(tmp_path / "r.sqlite3", days=30)
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    ans = Answer(question="Puis-je bronzer ?", status="not_in_sources")
    store.record(ans, now=now - timedelta(days=45))
    store.record(ans, now=now - timedelta(days=29))
    assert len(rows(tmp_path / "r.sqlite3")) == 2
    store.record(ans, now=now)
    kept = rows(tmp_path / "r.sqlite3")
    assert [r["day"] for r in kept] == ["2026-01-31", "2026-03-01"]
    store.close()


@pytest.mark.parametrize(
    ("token_setting", "headers", "query", "status"),
    [
        (None, {"Authorization": "Bearer anything"}, "", 404),
        ("", {}, "?token=", 404),
        (TOKEN, {}, "", 401),
        (TOKEN, {"Authorization": "Bearer wrong"}, "", 401),
        (TOKEN, {}, "?token=wrong", 401),
        (TOKEN, {"Authorization": f"Basic {TOKEN}"}, "", 401),
        (TOKEN, {"Authorization": f"Bearer {TOKEN}"}, "", 200),
        (TOKEN, {}, f"?token={TOKEN}", 200),
    ],
)
def test_token_rules(tmp_path, token_setting, headers, query, status):
    with app_client(tmp_path, admin_token=token_setting) as c:
        for path in ("/admin/insights", "/admin/insights.csv"):
            r = c.get(path + query, headers=headers)
            assert r.status_code == status, (path, r.text)
            if status == 401:
                assert r.headers["www-authenticate"] == "Bearer" and r.json()["error"] == "unauthorized"
            if status == 200:
                assert r.headers["cache-control"] == "no-store"


def test_page_counts_groups_and_escapes(tmp_path):
    with app_client(tmp_path) as c:
        for q in (
            "Puis-je aller au SOLEIL ?",
            "puis-je  aller au soleil",
            "<script>alert(1)</script> soleil ?",
        ):
            c.post("/api/ask", json={"question": q})
        c.post("/api/ask", json={"question": "Les exosomes sont-ils bien tolérés ?"})
        page = c.get(f"/admin/insights?token={TOKEN}").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Total : 4 questions" in page
    # the two wordings of the sun question are one row, asked twice
    assert page.count("aller au") == 1 and "<td class='n'>2</td>" in page
    assert "santé" in page and f"/admin/insights.csv?token={TOKEN}" in page
    assert (
        normalise("Puis-je aller au SOLEIL ?")
        == normalise("puis-je  aller au soleil")
        == "puis je aller au soleil"
    )


def test_csv_export(tmp_path):
    with app_client(tmp_path) as c:
        c.post("/api/ask", json={"question": '=HYPERLINK("http://x") soleil'})
        c.post("/api/ask", json={"question": "Les exosomes sont-ils bien tolérés ?"})
        r = c.get("/admin/insights.csv", headers={"Authorization": f"Bearer {TOKEN}"})
    assert (
        r.headers["content-type"].startswith("text/csv") and "attachment" in r.headers["content-disposition"]
    )
    table = list(csv.DictReader(io.StringIO(r.text)))
    assert tuple(table[0]) == CSV_COLUMNS
    assert [t["status"] for t in table] == ["not_in_sources", "answered"]
    assert table[0]["question"].startswith("'=HYPERLINK")  # never a live formula in a spreadsheet
    assert table[1]["question"] == "" and table[1]["aspect"] == "safety"
    assert IP not in r.text
