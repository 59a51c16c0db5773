"""Protections of the public web app that are not about answering: rate limits, client identity, safe JSON.

The chat is put in front of the public by pharmacies, so one client must not be
able to exhaust the server for everybody else, and nothing a client sends may
end up as live markup in a page.
"""

from __future__ import annotations

import ipaddress
import json
import math
import re
import threading
import time
from collections.abc import Iterable
from typing import Any

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_TRACKED_CLIENTS = 50_000


def _dumps_safe(content: Any) -> bytes:
    """JSON with "<", ">" and "&" escaped, so a page that inlines it can never open a tag."""
    text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.encode("utf-8", "replace")


class SafeJSONResponse(JSONResponse):
    """application/json whose text is also safe to paste inside an HTML <script> block."""

    def render(self, content: Any) -> bytes:
        return _dumps_safe(content)


def client_key(scope: Scope, trust_proxy: bool = False) -> str:
    """Who is asking: the peer address, or the address our own proxy saw when `trust_proxy` is set.

    Only the right-most X-Forwarded-For entry is used: it is the one appended by
    the proxy in front of the app; entries to its left come from the client and
    can be forged. IPv6 clients are grouped by /64, the block one subscriber gets.
    """
    host = None
    if trust_proxy:
        for name, value in scope.get("headers", []):
            if name == b"x-forwarded-for":
                last = value.decode("latin-1").split(",")[-1].strip()
                if last:
                    host = last
    if host is None:
        client = scope.get("client")
        host = client[0] if client else "unknown"
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host[:64]
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class TokenBuckets:
    """Per-key token buckets: `burst` requests at once, then `per_minute` on average.

    `per_minute` <= 0 turns limiting off. `burst` <= 0 means a full minute's worth.
    """

    def __init__(self, per_minute: int, burst: int = 0, max_keys: int = MAX_TRACKED_CLIENTS):
        self.rate = per_minute / 60.0
        self.capacity = float(min(burst, per_minute) if burst > 0 else per_minute)
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last update)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0 and self.capacity >= 1

    def take(self, key: str, now: float | None = None, cost: float = 1.0) -> int:
        """Spends `cost` tokens; returns 0 when allowed, else the whole seconds to wait."""
        if not self.enabled:
            return 0
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            cost = min(cost, self.capacity)  # a costly request can always be made after a full refill
            if tokens < cost:
                self._buckets[key] = (tokens, now)
                return max(1, math.ceil((cost - tokens) / self.rate))
            self._buckets[key] = (tokens - cost, now)
            if len(self._buckets) > self.max_keys:
                self._forget_idle(now)
            return 0

    def _forget_idle(self, now: float) -> None:
        """Drops clients whose bucket has refilled: they are indistinguishable from new ones."""
        full_after = self.capacity / self.rate
        for k in [k for k, (_, last) in self._buckets.items() if now - last >= full_after]:
            del self._buckets[k]
        while len(self._buckets) > self.max_keys:  # still too many: forget the oldest
            del self._buckets[min(self._buckets, key=lambda k: self._buckets[k][1])]


# The chat's own endpoints that run work: same limit as /api/ask, under / and /embed/.
GRADIO_WORK = re.compile(r"^(?:/embed)?/gradio_api/(?:queue/join|run/[^/]+|call/[^/]+|api/[^/]+)/?$")
COST_CHARS = 250  # a question costs one request per started 250 characters
UI_EVENT_COST = 0.25  # a chat event that answers nothing (language switch, new chat, page load)


def question_cost(body: bytes) -> float:
    """What a request is charged: its question's length, in requests (see COST_CHARS)."""
    try:
        data = json.loads(body or b"null")
    except ValueError:
        return 1.0
    text = None
    if isinstance(data, dict) and isinstance(data.get("question"), str):
        text = data["question"]
    elif isinstance(data, dict) and isinstance(data.get("data"), list):
        found = [t["question"] for t in _turn_dicts(data["data"]) if isinstance(t.get("question"), str)]
        if not found:
            strings = [x for x in data["data"] if isinstance(x, str)]
            return (
                UI_EVENT_COST
                if all(len(x) < 40 for x in strings)
                else 1 + max(map(len, strings)) // COST_CHARS
            )
        if isinstance(data["data"][0], list) and data["data"][0] and data["data"][0][-1].get("answer"):
            return UI_EVENT_COST  # the last turn is answered already: nothing to embed
        text = found[-1]
    if text is None:
        return 1.0
    return float(1 + len(text) // COST_CHARS)


def _turn_dicts(items: list) -> list[dict]:
    return [t for x in items if isinstance(x, list) for t in x if isinstance(t, dict)]


class RateLimitMiddleware:
    """429 JSON with Retry-After once a client exceeds its budget on the limited paths.

    Only the methods that do work (POST by default) are counted, so CORS
    preflights and health checks are never refused. A request costs its
    question's length (`question_cost`), so long questions use the budget faster.
    """

    def __init__(
        self,
        app: ASGIApp,
        per_minute: int,
        burst: int = 0,
        paths: Iterable[str] = ("/api/ask",),
        methods: Iterable[str] = ("POST",),
        trust_proxy: bool = False,
        pattern: re.Pattern[str] | None = GRADIO_WORK,
    ):
        self.app = app
        self.buckets = TokenBuckets(per_minute, burst)
        self.paths = frozenset(p.rstrip("/") or "/" for p in paths)
        self.methods = frozenset(m.upper() for m in methods)
        self.trust_proxy = trust_proxy
        self.pattern = pattern

    def _limited(self, path: str) -> bool:
        return (path.rstrip("/") or "/") in self.paths or bool(self.pattern and self.pattern.match(path))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and self.buckets.enabled
            and scope["method"] in self.methods
            and self._limited(scope["path"])
        ):
            body, receive = await read_body(receive)
            wait = self.buckets.take(client_key(scope, self.trust_proxy), cost=question_cost(body))
            if wait:
                response = SafeJSONResponse(
                    {"error": "rate_limited", "message": "Too many questions; please wait a moment."},
                    status_code=429,
                    headers={"Retry-After": str(wait)},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def read_body(receive: Receive, max_bytes: int | None = None) -> tuple[bytes | None, Receive]:
    """The whole request body, and a `receive` that replays it; None when it grows past `max_bytes`."""
    chunks = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            return None, receive
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def _networks(entries: Iterable[str]) -> tuple[list, set[str]]:
    nets, names = [], set()
    for e in entries:
        try:
            nets.append(ipaddress.ip_network(e.strip(), strict=False))
        except ValueError:
            names.add(e.strip())
    return nets, names


class TrustedProxyMiddleware:
    """Reads X-Forwarded-For and X-Forwarded-Proto only when the TCP peer is one of our proxies.

    The client is the right-most forwarded address that is not itself a trusted
    proxy; anything further left was written by the client and is ignored.
    """

    def __init__(self, app: ASGIApp, trusted: Iterable[str]):
        self.app = app
        self.nets, self.names = _networks(trusted)

    def trusted(self, host: str) -> bool:
        if host in self.names:
            return True
        try:
            ip = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return False
        return any(ip in n for n in self.nets)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        peer = scope.get("client")
        if (
            scope["type"] in ("http", "websocket")
            and peer
            and (self.nets or self.names)
            and self.trusted(peer[0])
        ):
            headers = dict(scope.get("headers", []))
            fwd = [h.strip() for h in headers.get(b"x-forwarded-for", b"").decode("latin-1").split(",")]
            hops = [h for h in fwd if h]
            client = peer[0]
            while hops:
                client = hops.pop()
                if not self.trusted(client):
                    break
            proto = headers.get(b"x-forwarded-proto", b"").decode("latin-1").split(",")[0].strip().lower()
            scope = dict(scope, client=(client[:64], 0))
            if proto in ("http", "https"):
                ws = {"http": "ws", "https": "wss"}[proto]
                scope["scheme"] = proto if scope["type"] == "http" else ws
        await self.app(scope, receive, send)


# Endpoints of the chat toolkit that this chat never uses: file uploads (they would let anyone store
# files on the server), media streaming and recording, the dev reloader, URL proxying, run history,
# the in-browser code editor and the monitoring dashboard. They answer 404 whatever their mount point.
UNUSED_UI_ROUTES = re.compile(
    r"(?:^|/)gradio_api/(?:upload|upload_progress|process_recording|dev/|proxy=|run-history|stream/"
    r"|vibe-|undo-vibe-edit)|^(?:/embed)?/monitoring(?:/|$)"
)


class DenyPathsMiddleware:
    """404 JSON for every path matching `pattern`, before any handler sees the request."""

    def __init__(self, app: ASGIApp, pattern: re.Pattern[str] = UNUSED_UI_ROUTES):
        self.app = app
        self.pattern = pattern

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.pattern.search(scope["path"]):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            response = SafeJSONResponse({"error": "not_found", "message": "Not found."}, status_code=404)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
