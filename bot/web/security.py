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
from starlette.types import ASGIApp, Receive, Scope, Send

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

    def take(self, key: str, now: float | None = None) -> int:
        """Spends one token; returns 0 when allowed, else the whole seconds to wait."""
        if not self.enabled:
            return 0
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return max(1, math.ceil((1.0 - tokens) / self.rate))
            self._buckets[key] = (tokens - 1.0, now)
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


class RateLimitMiddleware:
    """429 JSON with Retry-After once a client exceeds its budget on the limited paths.

    Only the methods that do work (POST by default) are counted, so CORS
    preflights and health checks are never refused.
    """

    def __init__(
        self,
        app: ASGIApp,
        per_minute: int,
        burst: int = 0,
        paths: Iterable[str] = ("/api/ask",),
        methods: Iterable[str] = ("POST",),
        trust_proxy: bool = False,
    ):
        self.app = app
        self.buckets = TokenBuckets(per_minute, burst)
        self.paths = frozenset(p.rstrip("/") or "/" for p in paths)
        self.methods = frozenset(m.upper() for m in methods)
        self.trust_proxy = trust_proxy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and self.buckets.enabled
            and scope["method"] in self.methods
            and (scope["path"].rstrip("/") or "/") in self.paths
        ):
            wait = self.buckets.take(client_key(scope, self.trust_proxy))
            if wait:
                response = SafeJSONResponse(
                    {"error": "rate_limited", "message": "Too many questions; please wait a moment."},
                    status_code=429,
                    headers={"Retry-After": str(wait)},
                )
                await response(scope, receive, send)
                return
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
