"""Access logs: one line per request, JSON (to ship) or text (to read), without personal data by default.

A line has the time, method, route template (never the raw path or query, which
may hold a token), status, duration and the answer's status. The client is a
keyed hash whose key is drawn at start-up, so lines of one process can be told
apart but never traced back to an address. Question text is left out unless
BOT_LOG_QUESTIONS=true: a question can contain health information.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import sys
from datetime import UTC, datetime
from typing import IO, Any

from starlette.types import Scope

ACCESS = logging.getLogger("bot.access")
_KEY = secrets.token_bytes(16)
_MARK = "_bot_access_handler"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def client_hash(scope: Scope) -> str | None:
    """12 hex characters of a keyed hash of the client address (the proxy-corrected one)."""
    from bot.web.security import client_key

    key = client_key(scope)
    if key == "unknown":
        return None
    return hmac.new(_KEY, key.encode(), hashlib.sha256).hexdigest()[:12]


class JsonFormatter(logging.Formatter):
    """One JSON object per line; an access record's fields are kept as they are."""

    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", None)
        if fields is None:
            fields = {"time": _now(), "level": record.levelname.lower(), "logger": record.name}
            fields["message"] = record.getMessage()
            if record.exc_info:
                fields["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


class TextFormatter(logging.Formatter):
    """`time METHOD route status duration key=value…`, for a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        f = getattr(record, "fields", None)
        if f is None:
            return f"{_now()} {record.levelname} {record.name}: {record.getMessage()}"
        if f.get("event") == "answer":
            head = f"{f['time']} answer"
        else:
            head = f"{f['time']} {f['method']} {f['route']} {f['status']} {f['duration_ms']}ms"
        rest = " ".join(
            f"{k}={json.dumps(v, ensure_ascii=False) if k == 'question' else v}"
            for k, v in f.items()
            if k not in ("time", "method", "route", "status", "duration_ms", "event") and v is not None
        )
        return f"{head} {rest}".rstrip()


def configure_logging(fmt: str = "json", stream: IO[str] | None = None) -> logging.Handler:
    """Installs the access-log handler (replacing an earlier one), to stderr unless `stream` is given.

    In JSON mode the root logger's plain stream handlers get the JSON formatter too,
    so the app's warnings ship in the same shape.
    """
    formatter: logging.Formatter = JsonFormatter() if fmt == "json" else TextFormatter()
    for h in list(ACCESS.handlers):
        if getattr(h, _MARK, False):
            ACCESS.removeHandler(h)
    handler = logging.StreamHandler(stream or sys.stderr)
    setattr(handler, _MARK, True)
    handler.setFormatter(formatter)
    ACCESS.addHandler(handler)
    ACCESS.setLevel(logging.INFO)
    ACCESS.propagate = False
    if fmt == "json":
        for h in logging.getLogger().handlers:
            if type(h) is logging.StreamHandler:
                h.setFormatter(formatter)
    return handler


def log_request(
    method: str,
    route: str,
    status: int,
    duration_ms: float,
    client: str | None,
    answer_status: str | None = None,
    question: str | None = None,
) -> None:
    fields: dict[str, Any] = {
        "time": _now(),
        "event": "request",
        "method": method,
        "route": route,
        "status": status,
        "duration_ms": round(duration_ms, 1),
    }
    if client:
        fields["client"] = client
    if answer_status:
        fields["answer_status"] = answer_status
    if question is not None:
        fields["question"] = question
    ACCESS.info("request", extra={"fields": fields})


def log_answer(answer_status: str, question: str | None = None) -> None:
    """A chat answer: the UI computes it after the HTTP request that asked has ended."""
    fields: dict[str, Any] = {"time": _now(), "event": "answer", "surface": "chat"}
    fields["answer_status"] = answer_status
    if question is not None:
        fields["question"] = question
    ACCESS.info("answer", extra={"fields": fields})
