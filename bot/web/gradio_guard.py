"""The chat's own endpoints behind the protections of /api/ask, and bounded chat sessions.

Gradio answers a malformed event (unknown `fn_index`, wrong number of inputs,
a lone surrogate) with a 500 and a long traceback, and a lone surrogate kept in
a session's state breaks that chat until it is reset. Here every event is
checked before Gradio sees it: a bad one gets a 422 and one log line. The
session state of the chat (its turns) is capped in turns and bytes, expires,
and the number of sessions kept is bounded.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from typing import Any

import gradio as gr
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.store.batcher import as_client
from bot.web.security import SafeJSONResponse, client_key, read_body

log = logging.getLogger(__name__)
EVENT_PATH = re.compile(r"^(?P<prefix>(?:/embed)?)/gradio_api/(?:queue/join|run/predict)/?$")
SURROGATE = re.compile("[\ud800-\udfff]")


def clean(value: Any) -> Any:
    """The same value with lone surrogates dropped from every string (they cannot be encoded)."""
    if isinstance(value, str):
        return SURROGATE.sub("", value)
    if isinstance(value, list):
        return [clean(v) for v in value]
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    return value


class GradioGuardMiddleware:
    """422 + one log line for a malformed chat event; lone surrogates removed from valid ones."""

    def __init__(self, app: ASGIApp, demos: dict[str, gr.Blocks]):
        self.app = app
        self.demos = demos  # mount prefix ("" or "/embed") -> Blocks

    def problem(self, prefix: str, body: bytes) -> tuple[str | None, bytes]:
        try:
            event = json.loads(body)
        except ValueError:
            return "body is not JSON", body
        if not isinstance(event, dict) or not isinstance(event.get("data"), list):
            return "no data list", body
        demo = self.demos.get(prefix)
        fn_index = event.get("fn_index")
        if demo is None or type(fn_index) is not int or fn_index not in demo.fns:
            return f"unknown fn_index {str(fn_index)[:20]!r}", body
        fn = demo.fns[fn_index]
        if len(event["data"]) != len(fn.inputs):
            return f"{len(event['data'])} inputs for {len(fn.inputs)}", body
        sh = event.get("session_hash")
        if sh is not None and (not isinstance(sh, str) or len(sh) > 64):
            return "bad session_hash", body
        cleaned = clean(event)
        if cleaned != event:
            body = json.dumps(cleaned, ensure_ascii=False).encode("utf-8")
        return None, body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        m = EVENT_PATH.match(scope["path"]) if scope["type"] == "http" else None
        if not m or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body, receive = await read_body(receive)
        why, body = self.problem(m["prefix"], body)
        if why:
            log.warning("chat event refused from %s: %s", client_key(scope), why)
            response = SafeJSONResponse(
                {"error": "invalid_request", "message": "Invalid chat event."}, status_code=422
            )
            await response(scope, receive, send)
            return
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await self.app(dict(scope, headers=headers), replay, send)


def cap_turns(turns: Any, max_turns: int, max_bytes: int) -> Any:
    """The last `max_turns` turns, fewer if their JSON passes `max_bytes` (the newest is always kept)."""
    if not isinstance(turns, list):
        return turns
    turns = turns[-max_turns:] if max_turns > 0 else turns
    while len(turns) > 1 and len(json.dumps(turns, ensure_ascii=False, default=str)) > max_bytes:
        turns = turns[1:]
    return turns


def bound_sessions(demo: gr.Blocks, settings) -> None:
    """Caps every list-valued State the chat keeps, gives it a lifetime, and bounds the sessions kept."""
    demo.state_session_capacity = settings.session_capacity
    lists = {b._id for b in demo.blocks.values() if isinstance(b, gr.State) and isinstance(b.value, list)}
    for b in demo.blocks.values():
        if isinstance(b, gr.State):
            b.time_to_live = settings.session_ttl_seconds
    for fn in demo.fns.values():
        if fn.fn is None:
            continue
        slots = [i for i, o in enumerate(fn.outputs) if o._id in lists]
        fn.fn = _wrapped(fn.fn, slots, settings)


def _client_of(request) -> str:
    """The client of a chat event, as the rate limit sees it (proxies already resolved)."""
    try:
        scope = getattr(getattr(request, "request", None), "scope", None)
        if scope:
            return client_key(scope)
        host = getattr(getattr(request, "client", None), "host", None)
        return client_key({"client": (host, 0), "headers": []}) if host else "chat"
    except Exception:  # noqa: BLE001 - fairness only: an unknown client shares one key
        return "chat"


def _wrapped(f, slots: list[int], settings):
    @functools.wraps(f)
    def run(*args, **kwargs):
        with as_client(_client_of(gr.context.LocalContext.request.get(None))):
            out = f(*args, **kwargs)
        if not slots:
            return out
        single = not isinstance(out, tuple)
        items = [out] if single else list(out)
        for i in slots:
            if i < len(items):
                items[i] = cap_turns(items[i], settings.session_max_turns, settings.session_max_bytes)
        return items[0] if single else tuple(items)

    return run
