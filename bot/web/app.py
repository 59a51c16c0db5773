"""The web app: REST API, the chat at / and its iframe variant at /embed, same-origin assets.

Everything is served from one origin and no page asks any other host for
anything: no CDN, no web font, no analytics. Errors are short JSON messages,
never stack traces.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Literal

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402
from fastapi import FastAPI, Request  # noqa: E402
from fastapi.exceptions import RequestValidationError  # noqa: E402
from fastapi.middleware.cors import CORSMiddleware  # noqa: E402
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response  # noqa: E402
from fastapi.routing import APIRoute  # noqa: E402
from fastapi.staticfiles import StaticFiles  # noqa: E402
from pydantic import BaseModel, ConfigDict, Field, StrictStr  # noqa: E402
from starlette.exceptions import HTTPException as StarletteHTTPException  # noqa: E402

from bot.errors import ConfigError  # noqa: E402
from bot.models import Answer, SourceProfile  # noqa: E402
from bot.settings import ROOT, Settings, get_settings  # noqa: E402
from bot.web.docs import api_docs_html  # noqa: E402
from bot.web.gradio_guard import GradioGuardMiddleware, bound_sessions  # noqa: E402
from bot.web.health import Health, check_health, check_ready  # noqa: E402
from bot.web.http import (  # noqa: E402
    BodyLimitMiddleware,
    HostMiddleware,
    SecurityHeadersMiddleware,
    answer_or_error,
    error_json,
    error_responses,
    origin_of,
    patch_openapi,
)
from bot.web.insights import open_store  # noqa: E402
from bot.web.insights import router as insights_router  # noqa: E402
from bot.web.logs import configure_logging  # noqa: E402
from bot.web.metrics import CONTENT_TYPE, Metrics, ObserveMiddleware, answer_hook, service_queue_depth  # noqa: E402
from bot.web.pages import router as pages_router  # noqa: E402
from bot.web.security import (  # noqa: E402
    DenyPathsMiddleware,
    RateLimitMiddleware,
    SafeJSONResponse,
    TrustedProxyMiddleware,
    client_key,
)
from bot.web.service import ChatService  # noqa: E402
from bot.web.ui import brand_css, build_ui, theme  # noqa: E402

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
EXAMPLE_PAGE = ROOT / "examples" / "pharmacy-page.html"
MAX_HISTORY_ITEMS = 40


class Turn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: Literal["user", "assistant"]
    content: StrictStr = Field(max_length=20_000)


class AskRequest(BaseModel):
    """A question, with the previous turns of the conversation for follow-up questions."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "question": "Les exosomes sont-ils bien tolérés ?",
                    "history": [],
                }
            ]
        },
    )
    question: StrictStr = Field(description="The user's question, as typed.")
    history: list[Turn] = Field(
        default_factory=list,
        max_length=MAX_HISTORY_ITEMS,
        description="Previous turns, oldest first: {role: user|assistant, content}.",
    )
    id: StrictStr | None = Field(None, max_length=200, description="Echoed back in the answer.")


def _field(loc: tuple) -> str:
    parts = [str(p) for p in loc if p != "body"]
    return ".".join(parts) or "body"


def create_app(settings: Settings | None = None, service: ChatService | None = None) -> FastAPI:
    """The whole app. `service` is replaced by one around a fake bot in unit tests."""
    settings = settings or get_settings()
    check_serving_settings(settings)
    service = service or ChatService()
    service.configure(
        batch_size=settings.embed_batch_size,
        max_wait_ms=settings.embed_batch_wait_ms,
        batch_tokens=settings.embed_batch_tokens,
        queue_tokens=settings.embed_queue_tokens,
    )

    app = FastAPI(
        title="Exosomes : ce que disent les sources — API",
        version="1.0",
        description=(
            "Answers about exosome treatments in aesthetic medicine, quoted verbatim from five fixed "
            "documents. Every answer follows the project's answer contract."
        ),
        docs_url=None,  # the default Swagger page loads its JS from a CDN; see GET /docs below
        redoc_url=None,
        default_response_class=SafeJSONResponse,  # "<" sent as \u003c: inert even if inlined in a page
        generate_unique_id_function=lambda route: route.name,  # operationId = the handler's name
    )
    app.state.service = service
    app.state.settings = settings
    # --- operations: metrics, access log, insights (each answer goes through the hooks) ----------
    configure_logging(settings.log_format)
    metrics = app.state.metrics = Metrics(service_queue_depth(service))
    insights = app.state.insights = open_store(settings)
    service.on_answer[:] = [answer_hook(metrics, settings.log_questions)]
    if insights is not None:
        service.on_answer.append(insights.record)

    # --- errors: short JSON, no traceback ---------------------------------
    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return error_json(400, "invalid_json", "The request body is not valid JSON.")
        details = [
            {"field": _field(tuple(e.get("loc", ()))), "problem": str(e.get("msg", ""))} for e in errors
        ]
        first = details[0] if details else {"field": "body", "problem": "invalid"}
        return error_json(
            422,
            "invalid_request",
            f"Invalid request: {first['field']}: {first['problem']}.",
            details=details,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        codes = {404: "not_found", 405: "method_not_allowed", 413: "too_large", 429: "rate_limited"}
        msg = exc.detail if isinstance(exc.detail, str) else "Request failed."
        return error_json(exc.status_code, codes.get(exc.status_code, "http_error"), msg)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        return error_json(500, "internal_error", "Internal error. Please try again later.")

    # --- REST API -----------------------------------------------------------
    @app.post(
        "/api/ask",
        response_model=Answer,
        summary="Answer a question",
        tags=["api"],
        operation_id="ask",
        responses=error_responses(400, 413, 422, 429, 500, 503),
    )
    def ask(body: AskRequest, request: Request) -> Answer:
        """The Answer JSON of the contract. Refusals and rejected input are answers too (HTTP 200)."""
        history = [t.model_dump() for t in body.history]
        return answer_or_error(
            lambda: service.ask(body.question, history=history, id=body.id, client=client_key(request.scope))
        )

    @app.get(
        "/api/health",
        response_model=Health,
        summary="Is the app ready?",
        tags=["api"],
        operation_id="health",
        responses={503: {"model": Health, "description": "Degraded: the search index does not answer"}},
    )
    async def health() -> Health:
        # its own thread, not the pool the answers wait in: a busy replica still says it is alive
        report = await asyncio.to_thread(check_health, service)
        if report.status == "degraded":
            return SafeJSONResponse(report.model_dump(), status_code=503)
        return report

    @app.get(
        "/api/health/live",
        summary="Is the process up? (never touches the model)",
        tags=["api"],
        operation_id="health_live",
    )
    async def live() -> dict:
        return {"status": "alive"}

    @app.get(
        "/api/health/ready",
        summary="Can this replica answer? 200 once the index is loaded and checked, else 503",
        tags=["api"],
        operation_id="health_ready",
        responses={503: {"description": "Loading, or the search index does not answer"}},
    )
    async def ready():
        report = check_ready(service)
        return SafeJSONResponse(report, status_code=200 if report["status"] == "ready" else 503)

    @app.get(
        "/api/sources",
        response_model=list[SourceProfile],
        summary="The five source documents and who speaks in each",
        tags=["api"],
        operation_id="sources",
    )
    def sources() -> list[SourceProfile]:
        return list(service.sources.values())

    @app.get(
        "/metrics",
        summary="Prometheus metrics (text exposition format)",
        tags=["ops"],
        operation_id="metrics",
        response_class=Response,
        responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format 0.0.4"}},
    )
    def metrics_endpoint() -> Response:
        return Response(metrics.exposition(), media_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})

    app.include_router(insights_router)  # /admin/insights(.csv): 404 unless BOT_ADMIN_TOKEN is set
    app.include_router(pages_router)  # /disagreements, /passages/{id}, /api/disagreements (before /api/*)
    app.include_router(__import__("bot.web.check_api", fromlist=["router"]).router)  # POST /api/check

    @app.api_route(
        "/api/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False
    )
    def api_not_found(rest: str, request: Request):
        methods = sorted(
            m
            for r in app.routes
            if isinstance(r, APIRoute) and r.path == f"/api/{rest}" and r.name != "api_not_found"
            for m in r.methods
        )
        if methods:
            msg = f"Method {request.method} not allowed here; use {', '.join(methods)}."
            return error_json(405, "method_not_allowed", msg, headers={"Allow": ", ".join(methods)})
        return error_json(404, "not_found", "No such API endpoint. See /docs.")

    # --- pages and assets ---------------------------------------------------
    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(api_docs_html(app.openapi()))

    @app.get("/embed", include_in_schema=False)
    def embed_slash(request: Request) -> RedirectResponse:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/embed/{query}", status_code=307)

    @app.get("/examples/pharmacy-page.html", include_in_schema=False)
    def example_page() -> FileResponse:
        if not EXAMPLE_PAGE.is_file():  # an installed package has no examples/ folder
            raise StarletteHTTPException(status_code=404)
        return FileResponse(EXAMPLE_PAGE, media_type="text/html")

    app.mount("/chat-static", StaticFiles(directory=STATIC_DIR), name="chat-static")

    # --- middleware (last added runs first) ---------------------------------
    app.add_middleware(
        RateLimitMiddleware,
        per_minute=settings.rate_limit_per_minute,
        paths=("/api/ask", "/api/check"),
        burst=settings.rate_limit_burst,
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.allowed_origins),
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type"],
        max_age=600,
    )
    demos: dict = {}  # filled below, before the first request builds the middleware stack
    app.add_middleware(GradioGuardMiddleware, demos=demos)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes, prefix="/")
    app.add_middleware(DenyPathsMiddleware)  # toolkit endpoints the chat never uses (uploads, ...)
    # inside the proxy middleware (it sees the real client), outside every middleware that refuses
    app.add_middleware(ObserveMiddleware, metrics=metrics, routes=app.router.routes)
    app.add_middleware(TrustedProxyMiddleware, trusted=list(settings.trusted_proxies))
    local = [f"{h}:{settings.port}" for h in (settings.host, "127.0.0.1", "localhost")]
    app.add_middleware(HostMiddleware, hosts=[*settings.public_hosts, *local])
    logo_origin = origin_of(settings.brand_logo)
    app.add_middleware(
        SecurityHeadersMiddleware,
        allowed_origins=list(settings.allowed_origins),
        extra_img=[logo_origin] if logo_origin else [],
    )

    # --- the chat: /embed first, / last (it catches every other path) ------
    common = {
        "theme": theme(),
        "css": brand_css(settings),
        "css_paths": [STATIC_DIR / "chat.css"],
        "js": _page_js(),
        "head": '<link rel="stylesheet" href="/chat-static/page.css">',
        "footer_links": [],
        "ssr_mode": False,
        "mcp_server": False,
        "show_error": False,
    }
    embed_ui = build_ui(service, settings, embed=True)
    bound_sessions(embed_ui, settings)
    gr.mount_gradio_app(app, embed_ui, path="/embed", **common)
    main_ui = build_ui(service, settings, embed=False)
    bound_sessions(main_ui, settings)
    gr.mount_gradio_app(app, main_ui, path="", **common)
    demos.update({"/embed": embed_ui, "": main_ui})
    patch_openapi(app)
    app.state.demos = demos
    return app


def check_serving_settings(settings: Settings) -> None:
    """Refuse, at start-up, settings that would open the app more than they say."""
    if any(o.strip() == "*" for o in settings.allowed_origins):
        raise ConfigError(
            "BOT_ALLOWED_ORIGINS must list the pharmacy sites, not '*': '*' would let every site "
            "embed the chat and call the API."
        )
    if settings.trust_proxy and not settings.trusted_proxies:
        raise ConfigError(
            "BOT_TRUST_PROXY=true needs BOT_TRUSTED_PROXIES, the addresses of your own proxies: "
            "X-Forwarded-For is read only from them."
        )


def _page_js() -> str:
    from bot.web.ui import PAGE_JS

    return PAGE_JS
