"""Prometheus metrics and the per-request observer (metrics + one access-log line).

Each app has its own CollectorRegistry, so several apps in one process (tests,
workers) never share or collide on counters. Labels are bounded: routes are
the app's route templates, never raw paths, so a scanner cannot blow up the
series count.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.web import logs

disable_created_metrics()  # no `_created` twin of every counter: half the lines, nothing lost
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
REFUSED = ("not_in_sources", "out_of_scope")

# The current HTTP request's notes (answer status, question) written by the answer hook; a dict
# object, so a worker thread that copies the context still writes into the request's own dict.
REQUEST: contextvars.ContextVar[dict | None] = contextvars.ContextVar("bot_request", default=None)


class Metrics:
    """The app's counters, histograms and gauges, and their text exposition."""

    def __init__(self, queue_depth: Callable[[], tuple[int, int]] | None = None):
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "exobot_http_requests_total",
            "HTTP requests, by route template, method and status code.",
            ["route", "method", "status"],
            registry=r,
        )
        self.latency = Histogram(
            "exobot_http_request_duration_seconds",
            "Time to the end of the response, by route template.",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.answers = Counter(
            "exobot_answers_total", "Answers given (API and chat), by status.", ["status"], registry=r
        )
        self.answer_latency = Histogram(
            "exobot_answer_duration_seconds",
            "Time the bot took to answer (its own timings_ms.total).",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.refusals = Counter(
            "exobot_refusals_total",
            "Questions refused: not_in_sources (on topic, not covered) or out_of_scope.",
            ["reason"],
            registry=r,
        )
        self.disagreements = Counter(
            "exobot_disagreements_shown_total", "Disagreement blocks shown in answers.", registry=r
        )
        self.answers_with_disagreement = Counter(
            "exobot_answers_with_disagreement_total",
            "Answers that showed at least one disagreement.",
            registry=r,
        )
        self.rate_limited = Counter(
            "exobot_rate_limited_total",
            "Requests refused with 429, by route template.",
            ["route"],
            registry=r,
        )
        self.overloaded = Counter(
            "exobot_unavailable_total", "Requests answered 503 (busy or index down).", ["route"], registry=r
        )
        depth = queue_depth or (lambda: (0, 0))
        Gauge(
            "exobot_embed_queue_tokens",
            "Tokens waiting for the embedding worker (the queue that turns into 503 when full).",
            registry=r,
        ).set_function(lambda: depth()[0])
        Gauge(
            "exobot_embed_queue_requests",
            "Questions waiting for the embedding worker.",
            registry=r,
        ).set_function(lambda: depth()[1])

    def observe_answer(self, answer: Any) -> None:
        status = str(getattr(answer, "status", "unknown"))
        self.answers.labels(status).inc()
        if status in REFUSED:
            self.refusals.labels(status).inc()
        shown = len(getattr(answer, "disagreements", None) or [])
        if shown:
            self.disagreements.inc(shown)
            self.answers_with_disagreement.inc()
        total = (getattr(answer, "timings_ms", None) or {}).get("total")
        if isinstance(total, int | float):
            self.answer_latency.observe(total / 1000)

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route).observe(seconds)
        if status == 429:
            self.rate_limited.labels(route).inc()
        elif status == 503:
            self.overloaded.labels(route).inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def service_queue_depth(service: Any) -> Callable[[], tuple[int, int]]:
    """Reads the batcher's queue without loading the bot (0 while it is not loaded)."""

    def depth() -> tuple[int, int]:
        b = getattr(service, "batcher", None)
        if b is None:
            return 0, 0
        return int(b.queued_tokens), int(getattr(b, "queued_requests", 0))

    return depth


def route_label(routes: list, scope: Scope) -> str:
    """The route template a request matched ("/passages/{passage_id:path}"), or a bounded mount label."""
    for route in routes:
        try:
            match, _ = route.matches(scope)
        except Exception:  # noqa: BLE001 - a route that cannot read this scope does not match it
            continue
        if match == Match.NONE:
            continue
        inner = getattr(route, "original_router", None)  # FastAPI's wrapper of an included router
        if inner is not None:
            prefix = getattr(getattr(route, "include_context", None), "prefix", "") or ""
            sub = dict(scope, path=scope["path"][len(prefix) :]) if prefix else scope
            label = route_label(inner.routes, sub)
            return prefix + label if label != "other" else label
        if isinstance(route, Mount):
            base = route.path or ""
            rest = scope["path"][len(base) :]
            return f"{base}/gradio_api/*" if rest.startswith("/gradio_api/") else f"{base}/*"
        return getattr(route, "path", "other")
    return "other"


class ObserveMiddleware:
    """Times every HTTP request, counts it by route and status, and writes its access-log line."""

    def __init__(self, app: ASGIApp, metrics: Metrics, routes: list, log_client: bool = True):
        self.app = app
        self.metrics = metrics
        self.routes = routes  # the app router's live list: routes added later are seen too
        self.log_client = log_client

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        notes: dict = {}
        token = REQUEST.set(notes)
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            REQUEST.reset(token)
            seconds = time.perf_counter() - t0
            route = route_label(self.routes, scope)
            self.metrics.observe_request(route, scope["method"], status, seconds)
            notes["done"] = True
            logs.log_request(
                method=scope["method"],
                route=route,
                status=status,
                duration_ms=seconds * 1000,
                client=logs.client_hash(scope) if self.log_client else None,
                answer_status=notes.get("answer_status"),
                question=notes.get("question"),
            )


def answer_hook(metrics: Metrics, log_questions: bool) -> Callable[[Any], None]:
    """Called with every answer the service gives: metrics, and the request's log notes."""

    def hook(answer: Any) -> None:
        metrics.observe_answer(answer)
        notes = REQUEST.get()
        question = getattr(answer, "question", None) if log_questions else None
        if notes is not None and not notes.get("done"):
            notes["answer_status"] = str(answer.status)
            if question is not None:
                notes["question"] = question
        else:  # a chat answer, computed by the UI's queue after its HTTP request has ended
            logs.log_answer(str(answer.status), question)

    return hook
