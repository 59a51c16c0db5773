"""HTTP plumbing of the web app: JSON errors, security headers and the request body size limit."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.web.security import read_body

log = logging.getLogger(__name__)

ORIGIN_RE = re.compile(r"^https?://[A-Za-z0-9.\-]+(?::\d{1,5})?$")


def error_json(status: int, code: str, message: str, headers: dict | None = None, **extra) -> JSONResponse:
    """The one error shape of the API: {"error": code, "message": text, ...}."""
    return JSONResponse({"error": code, "message": message, **extra}, status_code=status, headers=headers)


def answer_or_error(call, what: str = "ask"):
    """Run one answering call; a full queue or a lost index is a 503 with Retry-After, a bug a clean 500."""
    from bot.errors import IndexUnavailable
    from bot.store.batcher import Overloaded

    try:
        return call()
    except Overloaded as exc:
        return error_json(
            503,
            "overloaded",
            "The server is busy. Please try again in a moment.",
            headers={"Retry-After": str(exc.retry_after)},
        )
    except IndexUnavailable:
        log.warning("%s: vector store unavailable", what)
        return error_json(
            503,
            "index_unavailable",
            "The search index is unavailable right now. Please try again in a moment.",
            headers={"Retry-After": "5"},
        )
    except Exception:  # a surface boundary: logged, answered cleanly
        log.exception("%s failed", what)
        return error_json(
            500, "internal_error", "The question could not be answered. Please try again later."
        )


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
        body, replay = await read_body(receive, self.max_bytes)
        if body is None:
            await self._too_large(scope, receive, send)
            return
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


# ------------------------------------------------------------------ OpenAPI: the error shape
class ErrorDetail(BaseModel):
    field: str = Field(description="Dotted path of the offending field, e.g. `history.0.role`, or `body`.")
    problem: str = Field(description="What is wrong with it.")


class ErrorResponse(BaseModel):
    """The one JSON shape of every 4xx/5xx answer of the API (see `error_json`)."""

    error: str = Field(
        description="Stable machine code: invalid_json, invalid_request, too_large, not_found, "
        "method_not_allowed, unauthorized, rate_limited, overloaded, index_unavailable, internal_error."
    )
    message: str = Field(description="A short sentence for a person; never a stack trace.")
    details: list[ErrorDetail] | None = Field(
        None, description="For invalid_request (422): every field that failed validation."
    )


RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 1},
    }
}
ERROR_TEXT = {
    400: "The body is not valid JSON (`invalid_json`).",
    401: "Missing or wrong token (`unauthorized`).",
    404: "No such resource (`not_found`).",
    413: "The body is larger than BOT_MAX_BODY_BYTES (`too_large`).",
    422: "Wrong fields or types (`invalid_request`, with `details`).",
    429: "Too many requests from this client (`rate_limited`); retry after Retry-After seconds.",
    500: "Unexpected failure (`internal_error`).",
    503: "Busy (`overloaded`) or search index unavailable (`index_unavailable`); retry after Retry-After seconds.",
}


def error_responses(*codes: int) -> dict:
    """`responses=` for a route: each code with the ErrorResponse schema, Retry-After on 429 and 503."""
    out: dict = {}
    for code in codes:
        entry: dict = {"model": ErrorResponse, "description": ERROR_TEXT.get(code, "Error.")}
        if code in (429, 503):
            entry["headers"] = RETRY_AFTER
        out[code] = entry
    return out


def patch_openapi(app) -> None:
    """Every operation's 422 documents the real error shape, not FastAPI's default validation schema."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is not None:
            return app.openapi_schema
        spec = build()
        ref = {"$ref": "#/components/schemas/ErrorResponse"}
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        if "ErrorResponse" not in schemas:
            schemas["ErrorResponse"] = ErrorResponse.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
            schemas.update(schemas["ErrorResponse"].pop("$defs", {}))
        for ops in spec.get("paths", {}).values():
            for op in ops.values():
                resp = op.get("responses", {}).get("422")
                if resp is not None:
                    resp["description"] = ERROR_TEXT[422]
                    resp["content"] = {"application/json": {"schema": ref}}
        for name in ("HTTPValidationError", "ValidationError"):
            used = name in str(spec.get("paths"))
            if not used:
                schemas.pop(name, None)
        app.openapi_schema = spec
        return spec

    app.openapi = openapi
