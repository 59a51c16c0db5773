"""HTTP plumbing of the web app: JSON errors, security headers and the request body size limit."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ORIGIN_RE = re.compile(r"^https?://[A-Za-z0-9.\-]+(?::\d{1,5})?$")


def error_json(status: int, code: str, message: str, headers: dict | None = None, **extra) -> JSONResponse:
    """The one error shape of the API: {"error": code, "message": text, ...}."""
    return JSONResponse({"error": code, "message": message, **extra}, status_code=status, headers=headers)


def clean_origins(origins: list[str]) -> list[str]:
    """Only well-formed scheme://host[:port] origins reach a header."""
    return [o.rstrip("/") for o in origins if ORIGIN_RE.match(o.rstrip("/"))]


def content_security_policy(allowed_origins: list[str], extra_img: list[str] | None = None) -> str:
    """Every resource from this origin only; framing by this origin and the allowed pharmacy sites."""
    ancestors = " ".join(["'self'", *clean_origins(allowed_origins)])
    img = " ".join(["'self'", "data:", "blob:", *clean_origins(extra_img or [])])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline' 'unsafe-eval'",  # Gradio's page config and HTML templates
            "style-src 'self' 'unsafe-inline'",
            f"img-src {img}",
            "font-src 'self' data:",
            "connect-src 'self'",
            "media-src 'self' data: blob:",
            "worker-src 'self' blob:",
            "frame-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
        ]
    )


def origin_of(url: str | None) -> str | None:
    if not url or not url.startswith(("http://", "https://")):
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class SecurityHeadersMiddleware:
    """Adds the CSP (with frame-ancestors) and a few safe defaults to every HTTP response."""

    def __init__(self, app: ASGIApp, allowed_origins: list[str], extra_img: list[str] | None = None):
        self.app = app
        self.headers = [
            (b"content-security-policy", content_security_policy(allowed_origins, extra_img).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimitMiddleware:
    """Refuses request bodies larger than `max_bytes` under `prefix` with a 413 JSON error."""

    def __init__(self, app: ASGIApp, max_bytes: int, prefix: str = "/api/"):
        self.app = app
        self.max_bytes = max_bytes
        self.prefix = prefix

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_json(413, "too_large", f"Request body larger than {self.max_bytes} bytes.")
        await response(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix) or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    if int(value) > self.max_bytes:
                        await self._too_large(scope, receive, send)
                        return
                except ValueError:
                    pass
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
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

        await self.app(scope, replay, send)


class HostMiddleware:
    """The Host header is never reflected: one that is not ours is replaced before Gradio builds URLs from it.

    X-Forwarded-Host is dropped unless it is one of ours too (Gradio prefers it to Host)."""

    def __init__(self, app: ASGIApp, hosts: list[str]):
        self.app = app
        self.hosts = {h.lower().encode() for h in hosts if h}
        self.canonical = hosts[0].encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            headers = []
            for k, v in scope.get("headers", []):
                if k == b"host":
                    v = v if v.lower() in self.hosts else self.canonical
                elif k == b"x-forwarded-host" and v.lower() not in self.hosts:
                    continue
                headers.append((k, v))
            if not any(k == b"host" for k, _ in headers):
                headers.append((b"host", self.canonical))
            scope = dict(scope, headers=headers)
        await self.app(scope, receive, send)
