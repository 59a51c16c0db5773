"""The page "Où les sources divergent": the whole evidence map, and one passage shown in its document.

Server-rendered HTML that reads without JavaScript, in the chat's look (it
reuses the chat's stylesheet and badges). Every string goes through `esc`;
quotes are the map's verbatim quotes, always marked `lang="fr"`, whatever the
language of the framing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote as url_quote

from bot.lang.text import fold
from bot.models import Disagreement, Passage, Position, SourceProfile
from bot.render.context import esc, find_spans, in_document_html, marked
from bot.render.html import ICONS, badge, source_name
from bot.render.messages import message
from bot.render.page_brand import PageBrand, as_brand, brand_link_html, brand_style

PAGE_PATH = "/disagreements"
STYLESHEETS = ("/chat-static/chat.css", "/chat-static/disagreements.css")


@dataclass
class MapItem:
    """One entry of the evidence map, in the contract's disagreement shape, for one language."""

    id: str
    disagreement: Disagreement
    self_contradiction: bool = False


def is_self_contradiction(claim) -> bool:
    """Flagged in the map (`self_contradiction: true`), or all its positions quote one document."""
    return (
        bool(getattr(claim, "self_contradiction", False)) or len({p.source_id for p in claim.positions}) == 1
    )


def map_items(claims: Iterable, sources: Mapping[str, SourceProfile], lang: str) -> list[MapItem]:
    """Resolved map entries (`bot.disagree.validate_claims`) -> contract disagreements, in `lang`."""
    en = lang == "en"
    out = []
    for c in claims:
        positions = []
        for p in c.positions:
            src = sources.get(p.source_id)
            positions.append(
                Position(
                    source_id=p.source_id,
                    passage_id=p.passage_id,
                    stance=p.stance_en if en else p.stance_fr,
                    quote=p.quote,
                    source_label=(src.name(lang) if src else p.source_id),
                    source_kind=(src.kind_label(lang) if src else None),
                )
            )
        itself = is_self_contradiction(c)
        extra = {"self_contradiction": itself} if "self_contradiction" in Disagreement.model_fields else {}
        d = Disagreement(
            topic=c.topic_en if en else c.topic_fr,
            summary=c.summary_en if en else c.summary_fr,
            positions=positions,
            aspect=c.aspect,
            origin="evidence_map",
            **extra,
        )
        out.append(MapItem(c.id, d, itself))
    return out


# --- links ----------------------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text or "").lower()).strip("-")[:80]


def topic_anchor(topic: str) -> str:
    """The id of a topic's section on the page: the chat links straight to it."""
    return f"t-{_slug(topic)}"


def page_href(lang: str, anchor: str | None = None) -> str:
    return PAGE_PATH + ("?lang=en" if lang == "en" else "") + (f"#{anchor}" if anchor else "")


def href_for(d: Disagreement, lang: str) -> str:
    """Where a chat block's "see all" link leads: its map section, else its aspect's first section."""
    if d.origin == "evidence_map" and d.topic:
        return page_href(lang, topic_anchor(d.topic))
    if d.aspect:
        return page_href(lang, f"aspect-{_slug(d.aspect)}")
    return page_href(lang)


def passage_href(passage_id: str, lang: str, entry: str | None = None) -> str:
    query = [f"entry={url_quote(entry, safe='')}"] if entry else []
    if lang == "en":
        query.append("lang=en")
    return f"/passages/{url_quote(passage_id, safe='')}" + (f"?{'&'.join(query)}" if query else "")


def see_all_html(d: Disagreement, lang: str) -> str:
    """The link under every disagreement block of the chat."""
    return (
        f'<p class="dis-all"><a class="dis-all-link" href="{esc(href_for(d, lang))}">'
        f"{esc(message('map_see_all', lang))}</a></p>"
    )


# --- the page shell -------------------------------------------------------------------------------


def _shell(title: str, body: str, lang: str, brand: str | PageBrand, other_href: str) -> str:
    """The page around `body`, in the pharmacy's look: its colour, logo, title and name (as the chat)."""
    look = as_brand(brand)
    css = "".join(f'<link rel="stylesheet" href="{esc(h)}">' for h in STYLESHEETS) + brand_style(look)
    chat = "/?lang=en" if lang == "en" else "/"
    other = "fr" if lang == "en" else "en"
    return (
        f'<!doctype html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} — {esc(look.title)}</title>{css}</head>"
        f'<body class="dmap-body"><div class="dmap-page">'
        f'<header class="dmap-top">{brand_link_html(look, lang, chat, "dmap-brand")}'
        f'<a class="dmap-lang" href="{esc(other_href)}" hreflang="{other}" lang="{other}">'
        f"{esc(message('other_lang', lang))}</a></header>"
        f'<main class="chat dmap" lang="{esc(lang)}">{body}</main>'
        f'<footer class="dmap-foot"><p class="med-note">{ICONS["info"]} {esc(message("disclaimer", lang))}</p>'
        f'<p><a href="{esc(chat)}">{esc(message("map_back_chat", lang))}</a></p></footer>'
        "</div></body></html>"
    )


# --- the map --------------------------------------------------------------------------------------


def _position_html(p: Position, entry_id: str, sources: Mapping[str, SourceProfile], lang: str) -> str:
    prof = sources.get(p.source_id)
    name = source_name(p.source_id, p.source_label, sources, lang)
    stance = f'<span class="stance">{esc(p.stance)}</span>' if p.stance else ""
    interest = f'<p class="pos-interest">{esc(prof.interest(lang))}</p>' if prof else ""
    return (
        f'<li class="position"><div class="pos-head"><strong class="src-name">{esc(name)}</strong>'
        f"{badge(p.source_id, sources, lang, p.source_kind)}{stance}</div>{interest}"
        f'<q class="quote" lang="fr">{esc(p.quote)}</q>'
        f'<p class="pos-link"><a href="{esc(passage_href(p.passage_id, lang, entry_id))}">'
        f'{esc(message("map_open_passage", lang))}</a> <span class="pid">{esc(p.passage_id)}</span></p></li>'
    )


def _entry_html(item: MapItem, sources, lang: str, aspect_anchor: str | None) -> str:
    d = item.disagreement
    anchor = f'<span class="anchor" id="{esc(aspect_anchor)}"></span>' if aspect_anchor else ""
    hid = f"h-{_slug(item.id)}"
    positions = "".join(_position_html(p, item.id, sources, lang) for p in d.positions)
    cls = "disagree dmap-entry" + (" dmap-self" if item.self_contradiction else "")
    return (
        f'{anchor}<section class="{cls}" id="{esc(topic_anchor(d.topic))}" aria-labelledby="{hid}" '
        f'data-entry="{esc(item.id)}" data-aspect="{esc(d.aspect or "")}">'
        f'<h3 class="dis-title" id="{hid}">{ICONS["scale"]} {esc(d.topic)}</h3>'
        f'<p class="dis-summary">{esc(d.summary)}</p><ul class="positions">{positions}</ul></section>'
    )


def _group_html(title: str, intro: str, items: list[MapItem], sources, lang: str, seen: set[str], gid: str):
    if not items:
        return ""
    toc = "".join(
        f'<li><a href="#{esc(topic_anchor(i.disagreement.topic))}">{esc(i.disagreement.topic)}</a></li>'
        for i in items
    )
    parts = []
    for i in items:
        aspect = f"aspect-{_slug(i.disagreement.aspect or '')}"
        parts.append(_entry_html(i, sources, lang, None if aspect in seen else aspect))
        seen.add(aspect)
    return (
        f'<section class="dmap-group" aria-labelledby="{gid}"><h2 class="dmap-h2" id="{gid}">{esc(title)}</h2>'
        f'<p class="dmap-intro">{esc(intro)}</p>'
        f'<nav class="dmap-toc" aria-label="{esc(message("map_toc", lang))}"><ul>{toc}</ul></nav>'
        f"{''.join(parts)}</section>"
    )


def render_map_page(
    items: list[MapItem],
    sources: Mapping[str, SourceProfile],
    lang: str,
    brand: str | PageBrand,
    error: bool = False,
) -> str:
    """The whole map: between documents first, then the documents that contradict themselves."""
    title = message("map_title", lang)
    between = [i for i in items if not i.self_contradiction]
    itself = [i for i in items if i.self_contradiction]
    head = (
        f'<h1 class="dmap-title">{ICONS["scale"]} {esc(title)}</h1>'
        f'<p class="dmap-lead">{esc(message("map_intro", lang, n=len(between)))}</p>'
        f'<p class="dmap-note">{esc(message("map_quotes_note", lang))}</p>'
    )
    if error:
        body = f'<div class="notice notice-warn" role="alert"><p>{esc(message("map_unavailable", lang))}</p></div>'
    elif not items:
        body = f'<p class="dmap-empty">{esc(message("map_empty", lang))}</p>'
    else:
        seen: set[str] = set()
        body = _group_html(
            message("map_between", lang),
            message("map_between_intro", lang),
            between,
            sources,
            lang,
            seen,
            "g-between",
        ) + _group_html(
            message("map_self", lang), message("map_self_intro", lang), itself, sources, lang, seen, "g-self"
        )
    other = page_href("fr" if lang == "en" else "en")
    return _shell(title, head + body, lang, brand, other)


# --- one passage in its document ---------------------------------------------------------------


def render_passage_page(
    passage: Passage,
    document: str | None,
    quotes: list[str],
    sources: Mapping[str, SourceProfile],
    lang: str,
    brand: str | PageBrand,
    entry: str | None = None,
) -> str:
    """The passage, its quoted sentences highlighted, and the passage inside its document (open)."""
    prof = sources.get(passage.source_id)
    name = source_name(passage.source_id, None, sources, lang)
    named = prof.name(lang) if prof else passage.source_id  # "l'Inserm" inside a sentence
    title = prof.title if prof else passage.source_id
    heading = " › ".join(h for h in passage.heading_path if h)
    interest = f'<p class="pos-interest">{esc(prof.interest(lang))}</p>' if prof else ""
    url = prof.url if prof and prof.url and re.match(r"^https?://[^\s\"'<>]+$", prof.url) else ""
    original = (
        f' · <a href="{esc(url)}" rel="noopener noreferrer">{esc(message("passage_original", lang))}</a>'
        if url
        else ""
    )
    in_doc = in_document_html(document, passage.text, passage.start, passage.end, quotes, title, lang)
    in_doc = in_doc.replace('<details class="in-doc">', '<details class="in-doc" open>', 1).replace(
        '<div class="doc-text">', '<div class="doc-text" lang="fr">', 1
    )
    back = page_href(lang, None)
    body = (
        f'<p class="dmap-crumb"><a href="{esc(back)}">{esc(message("passage_back", lang))}</a></p>'
        f'<h1 class="dmap-title">{esc(message("passage_title", lang, name=named))}</h1>'
        f'<div class="pos-head"><strong class="src-name">{esc(name)}</strong>'
        f"{badge(passage.source_id, sources, lang)}</div>{interest}"
        f'<p class="cite-meta"><span class="doc-title" lang="fr">{esc(title)}</span>{original}</p>'
        + (f'<p class="heading" lang="fr">{esc(heading)}</p>' if heading else "")
        + f'<blockquote class="passage" lang="fr" id="passage" data-passage="{esc(passage.id)}">'
        f"{marked(passage.text, find_spans(passage.text, quotes))}</blockquote>"
        f'<div class="dmap-doc">{in_doc}</div>'
    )
    other = passage_href(passage.id, "fr" if lang == "en" else "en", entry)
    return _shell(message("passage_title", lang, name=named), body, lang, brand, other)


def render_not_found(lang: str, brand: str | PageBrand) -> str:
    body = (
        f'<h1 class="dmap-title">{esc(message("passage_not_found", lang))}</h1>'
        f'<p><a href="{esc(page_href(lang))}">{esc(message("passage_back", lang))}</a></p>'
    )
    return _shell(
        message("passage_not_found", lang), body, lang, brand, page_href("fr" if lang == "en" else "en")
    )
