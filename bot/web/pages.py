"""The page of all disagreements, one passage in its document, and the same map as JSON.

Routes of the main app (included by `bot.web.app`, so its CSP, security
headers and limits apply). The map is the reviewed evidence map resolved
against the corpus (`bot.disagree.validate_claims`), read once per bot.
Passages are looked up by id in the loaded corpus only: no file path is ever
built from the URL.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import Field

from bot.disagree import validate_claims
from bot.errors import EvidenceMapInvalid, IndexUnavailable
from bot.models import Disagreement
from bot.render.disagreements import (
    MapItem,
    map_items,
    render_map_page,
    render_not_found,
    render_passage_page,
)
from bot.render.messages import lang_of
from bot.render.page_brand import HEX_RE, PageBrand
from bot.render.sources_page import render_sources_page
from bot.web.brand import checked_brand_color, pharmacy
from bot.web.http import error_json
from bot.web.ui import logo_url, page_title

log = logging.getLogger(__name__)

router = APIRouter()
_lock = threading.Lock()
MAX_ID_CHARS = 120


class MapDisagreement(Disagreement):
    """A disagreement of the contract, with the id of its evidence-map entry."""

    id: str = Field(description="The entry's id in corpus/claims.yaml.")
    self_contradiction: bool = Field(False, description="Every position quotes the same document.")


def _claims(request: Request) -> list:
    """The resolved evidence map of the app's bot, computed once and kept on the app."""
    service = request.app.state.service
    state = request.app.state
    bot = service.bot
    cached = getattr(state, "evidence_map", None)
    if cached is not None and cached[0] is bot:
        return cached[1]
    with _lock:
        claims = validate_claims(bot.kb)
        state.evidence_map = (bot, claims)
    return claims


def _items(request: Request, lang: str) -> list[MapItem]:
    return map_items(_claims(request), request.app.state.service.sources, lang)


def _brand(request: Request, lang: str) -> PageBrand:
    """The chat's header on every page: title in the reader's language, colour, logo, pharmacy."""
    settings = request.app.state.settings
    ph = pharmacy(settings)
    return PageBrand(
        title=page_title(settings, lang),
        color=checked_brand_color(settings),
        logo=logo_url(settings),
        offered_by=ph["name"] if ph else None,
    )


@router.get("/disagreements", include_in_schema=False)
def disagreements_page(request: Request, lang: str | None = None) -> HTMLResponse:
    """The whole map, server-rendered; an unknown `lang` falls back to French, as in the chat."""
    lang = lang_of(lang)
    try:
        items = _items(request, lang)
    except (EvidenceMapInvalid, IndexUnavailable, OSError):
        log.exception("disagreements page: evidence map unavailable")
        html = render_map_page([], {}, lang, _brand(request, lang), error=True)
        return HTMLResponse(html, status_code=503, headers={"Retry-After": "5"})
    return HTMLResponse(
        render_map_page(items, request.app.state.service.sources, lang, _brand(request, lang))
    )


@router.get("/passages/{passage_id:path}", include_in_schema=False)
def passage_page(request: Request, passage_id: str, lang: str | None = None, entry: str | None = None):
    """One passage inside its document, the map's quotes in it highlighted; 404 page for any other id."""
    lang = lang_of(lang)
    kb = request.app.state.service.bot.kb
    passage = kb.passages.get(passage_id) if len(passage_id) <= MAX_ID_CHARS else None
    if passage is None:
        return HTMLResponse(render_not_found(lang, _brand(request, lang)), status_code=404)
    try:
        claims = _claims(request)
    except (EvidenceMapInvalid, OSError):
        claims = []
    chosen = [c for c in claims if c.id == entry] or claims
    quotes = [p.quote for c in chosen for p in c.positions if p.passage_id == passage.id]
    if not quotes:  # the entry asked for has no quote here: show every map quote of this passage
        quotes = [p.quote for c in claims for p in c.positions if p.passage_id == passage.id]
    html = render_passage_page(
        passage,
        kb.documents.get(passage.source_id),
        quotes,
        request.app.state.service.sources,
        lang,
        _brand(request, lang),
        entry if any(c.id == entry for c in claims) else None,
    )
    return HTMLResponse(html)


@router.get(
    "/api/disagreements",
    response_model=list[MapDisagreement],
    operation_id="list_disagreements",
    summary="Every reviewed disagreement between the five documents",
    tags=["api"],
    responses={
        422: {"description": "Unknown language"},
        503: {"description": "The evidence map could not be loaded"},
    },
)
def api_disagreements(
    request: Request,
    lang: Literal["fr", "en"] = Query("fr", description="Language of topics, summaries and stances."),
) -> list[MapDisagreement]:
    """The whole evidence map in the contract's `disagreements` shape: topic, neutral summary and
    positions (source, passage id, stance, verbatim quote in French, source label and kind), with the
    entry's aspect, `origin` "evidence_map", its id and whether one document contradicts itself.
    Each quote is verbatim inside the text of its `passage_id`; `/passages/{passage_id}` shows it in
    its document. Entries where a document contradicts itself come with `self_contradiction: true`."""
    try:
        items = _items(request, lang)
    except (EvidenceMapInvalid, IndexUnavailable, OSError):
        log.exception("api/disagreements: evidence map unavailable")
        return error_json(
            503,
            "map_unavailable",
            "The map of disagreements could not be loaded. Please try again in a moment.",
            headers={"Retry-After": "5"},
        )
    return [
        MapDisagreement(
            **{**i.disagreement.model_dump(), "id": i.id, "self_contradiction": i.self_contradiction}
        )
        for i in items
    ]


@router.api_route("/api/disagreements", methods=["POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
def api_disagreements_other(request: Request):
    """405 as the app's other endpoints say it (the app's catch-all cannot see an included router)."""
    msg = f"Method {request.method} not allowed here; use GET."
    return error_json(405, "method_not_allowed", msg, headers={"Allow": "GET"})


# --- the five documents and the one-line widget (issue 13) ------------------------------------------

WIDGET_JS = Path(__file__).resolve().parent / "static" / "widget.js"


def _raw_texts(request: Request) -> dict[str, str]:
    """Each source's raw original, read once: the file named in sources.yaml, under corpus/raw."""
    state = request.app.state
    cached = getattr(state, "raw_texts", None)
    if cached is not None:
        return cached
    raw_dir = Path(request.app.state.settings.corpus_dir) / "raw"
    out: dict[str, str] = {}
    for sid, prof in request.app.state.service.sources.items():
        path = raw_dir / Path(prof.file).name  # a bare file name from our own profile, never from the URL
        try:
            out[sid] = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            log.warning("raw original of %s not found", sid)
    state.raw_texts = out
    return out


@router.get("/sources", include_in_schema=False)
def sources_page(request: Request, lang: str | None = None) -> HTMLResponse:
    """The five documents: profile, cleaned text (the one quoted) and raw original."""
    lang = lang_of(lang)
    service = request.app.state.service
    html = render_sources_page(
        service.sources, service.documents, _raw_texts(request), lang, _brand(request, lang)
    )
    return HTMLResponse(html)


WIDGET_DEFAULT = re.compile(r"var brand = '#[0-9a-fA-F]{3,6}';")


def widget_source(color: str) -> str:
    """widget.js with `color` (a hex colour, checked again here) as the button's default colour."""
    if not HEX_RE.fullmatch(color):
        raise ValueError(f"not a hex colour: {color!r}")
    text = WIDGET_JS.read_text(encoding="utf-8")
    out, n = WIDGET_DEFAULT.subn(f"var brand = '{color}';", text, count=1)
    if n != 1:  # the script was edited without its marker: the colour would silently stay teal
        raise RuntimeError("widget.js has lost its `var brand = '#...';` line")
    return out


@router.get("/widget.js", include_in_schema=False)
def widget_js(request: Request) -> Response:
    """The floating chat button a pharmacy adds with one <script> line (see docs/embed.md).

    Its colour defaults to the server's BOT_BRAND_COLOR, so the button and the chat it opens
    match; a `data-color` on the script tag still overrides it.
    """
    state = request.app.state
    color = checked_brand_color(state.settings)
    cached = getattr(state, "widget_js", None)
    if cached is None or cached[0] != color:
        cached = state.widget_js = (color, widget_source(color))
    return Response(cached[1], media_type="text/javascript", headers={"Cache-Control": "public, max-age=300"})
