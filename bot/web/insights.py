"""What the pharmacist learns from the chat (BOT_INSIGHTS=true): the outcome of each question, in SQLite.

Stored per question: time, status, the first disagreement's aspect, language.
The question's text is kept only when the documents did not cover it
(not_in_sources, out_of_scope): that is the list the pharmacist wants, the
questions to answer in person. Never stored: an address, a client id, the
history, the text of an answered or rejected question. Rows older than
BOT_INSIGHTS_DAYS are deleted on each write.
"""

from __future__ import annotations

import csv
import hmac
import io
import os
import re
import sqlite3
import sys
import threading
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.web.http import error_json

UNCOVERED = ("not_in_sources", "out_of_scope")
MAX_TEXT = 1000
CSV_COLUMNS = ("time", "day", "status", "aspect", "language", "question")

SCHEMA = """
CREATE TABLE IF NOT EXISTS outcomes (
  id INTEGER PRIMARY KEY,
  time TEXT NOT NULL,      -- UTC, ISO 8601
  day TEXT NOT NULL,       -- UTC date, YYYY-MM-DD
  status TEXT NOT NULL,
  aspect TEXT,
  language TEXT,
  question TEXT,           -- only for refused / not-covered questions
  norm TEXT                -- the question, normalised for grouping
);
CREATE INDEX IF NOT EXISTS outcomes_time ON outcomes(time);
"""


def default_path() -> Path:
    """A user data folder: serving never writes into the index or the checkout."""
    if sys.platform == "win32":
        base = os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "exosome-bot" / "insights.sqlite3"


def normalise(text: str) -> str:
    """Case, accents, punctuation and spacing removed, so retypings of one question group together."""
    s = unicodedata.normalize("NFKD", text.casefold())
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = re.sub(r"[^\w]+", " ", s)
    return " ".join(s.split())


class InsightStore:
    """One SQLite file, written by the answering threads (one lock), read by the admin page."""

    def __init__(self, path: Path, days: int = 90):
        self.path = Path(path)
        self.days = max(1, int(days))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def record(self, answer: Any, now: datetime | None = None) -> None:
        """Stores one answer's outcome (and the text only when uncovered), then drops expired rows."""
        now = now or datetime.now(UTC)
        status = str(answer.status)
        disagreements = getattr(answer, "disagreements", None) or []
        aspect = getattr(disagreements[0], "aspect", None) if disagreements else None
        text = None
        if status in UNCOVERED and isinstance(answer.question, str) and answer.question.strip():
            text = " ".join(answer.question.split())[:MAX_TEXT]
        row = (
            now.isoformat(timespec="seconds"),
            now.date().isoformat(),
            status,
            aspect,
            getattr(answer, "language", None),
            text,
            normalise(text) if text else None,
        )
        cutoff = (now - timedelta(days=self.days)).isoformat(timespec="seconds")
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute(
                "INSERT INTO outcomes(time, day, status, aspect, language, question, norm) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            self._db.execute("DELETE FROM outcomes WHERE time < ?", (cutoff,))
            self._db.execute("COMMIT")

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def counts_by_day(self) -> list[tuple[str, str, int]]:
        """(day, status, count), newest day first."""
        return self._rows(
            "SELECT day, status, COUNT(*) FROM outcomes GROUP BY day, status ORDER BY day DESC, status"
        )

    def counts_by_status(self) -> dict[str, int]:
        return dict(self._rows("SELECT status, COUNT(*) FROM outcomes GROUP BY status"))

    def top_uncovered(self, limit: int = 25) -> list[tuple[str, int, str]]:
        """(one wording as asked, times asked, last day), most asked first."""
        return self._rows(
            "SELECT MIN(question), COUNT(*), MAX(day) FROM outcomes WHERE norm IS NOT NULL "
            "GROUP BY norm ORDER BY COUNT(*) DESC, MAX(time) DESC LIMIT ?",
            (limit,),
        )

    def top_aspects(self, limit: int = 10) -> list[tuple[str, int]]:
        return self._rows(
            "SELECT aspect, COUNT(*) FROM outcomes WHERE aspect IS NOT NULL "
            "GROUP BY aspect ORDER BY COUNT(*) DESC LIMIT ?",
            (limit,),
        )

    def csv(self) -> str:
        """Every stored row, oldest first, in CSV_COLUMNS order."""
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(CSV_COLUMNS)
        for row in self._rows(f"SELECT {', '.join(CSV_COLUMNS)} FROM outcomes ORDER BY time, id"):
            w.writerow([_csv_safe(v) for v in row])
        return out.getvalue()

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _csv_safe(value: Any) -> Any:
    """A cell a spreadsheet would run as a formula ("=", "+", "-", "@") is quoted with a leading '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def open_store(settings: Any) -> InsightStore | None:
    """The store when BOT_INSIGHTS=true, else None (nothing is written anywhere)."""
    if not getattr(settings, "insights", False):
        return None
    return InsightStore(settings.insights_path or default_path(), settings.insights_days)


# ---------------------------------------------------------------- /admin/insights
def _token_ok(request: Request, expected: str) -> bool:
    auth = request.headers.get("authorization", "")
    given = auth[7:].strip() if auth[:7].lower() == "bearer " else request.query_params.get("token", "")
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def _guard(request: Request) -> Response | None:
    """No token configured: the page does not exist (404). Wrong or missing token: 401."""
    token = getattr(request.app.state.settings, "admin_token", None)
    if not token:
        return error_json(404, "not_found", "Not found.")
    if not _token_ok(request, token):
        return error_json(
            401, "unauthorized", "A valid admin token is required.", headers={"WWW-Authenticate": "Bearer"}
        )
    return None


PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
router = APIRouter()


@router.get("/admin/insights", include_in_schema=False)
def insights_page(request: Request) -> Response:
    refused = _guard(request)
    if refused is not None:
        return refused
    from bot.render.insights import render_insights_page

    store: InsightStore | None = getattr(request.app.state, "insights", None)
    settings = request.app.state.settings
    via_query = "token" in request.query_params and not request.headers.get("authorization")
    href = "/admin/insights.csv" + (
        f"?{urlencode({'token': request.query_params['token']})}" if via_query else ""
    )
    html = render_insights_page(
        enabled=store is not None,
        by_status=store.counts_by_status() if store else {},
        by_day=store.counts_by_day() if store else [],
        uncovered=store.top_uncovered() if store else [],
        aspects=store.top_aspects() if store else [],
        days=settings.insights_days,
        csv_href=href,
    )
    return HTMLResponse(html, headers=PRIVATE)


@router.get("/admin/insights.csv", include_in_schema=False)
def insights_csv(request: Request) -> Response:
    refused = _guard(request)
    if refused is not None:
        return refused
    store: InsightStore | None = getattr(request.app.state, "insights", None)
    body = store.csv() if store else ",".join(CSV_COLUMNS) + "\r\n"
    headers = {**PRIVATE, "Content-Disposition": 'attachment; filename="insights.csv"'}
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
