"""The page of the five documents (/sources): who speaks in each, its cleaned text and its original.

A reader can check every quote against the whole document, and see who
publishes it and with what commercial interest. Everything is escaped; the
document texts stay French and are marked so.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.models import SourceProfile
from bot.render.context import doc_text_html, esc
from bot.render.html import ICONS, badge, format_date, source_name
from bot.render.messages import message
from bot.render.page_brand import PageBrand, as_brand, brand_link_html, brand_style

STYLESHEETS = ("/chat-static/chat.css", "/chat-static/sources.css")


def _row(label: str, value: str | None, fr: bool = False) -> str:
    if not value:
        return ""
    lang = ' lang="fr"' if fr else ""
    return f"<dt>{esc(label)}</dt><dd{lang}>{esc(value)}</dd>"


def _text_block(sid: str, key: str, body_html: str, lang: str) -> str:
    label = message(key, lang)
    return (
        f'<details class="src-doc"><summary>{esc(label)}</summary>'
        f'<div class="src-text" id="{esc(sid)}-{key}" tabindex="0" role="region" lang="fr" '
        f'aria-label="{esc(label)}">{body_html}</div></details>'
    )


def _source_html(prof: SourceProfile, clean: str | None, raw: str | None, lang: str) -> str:
    fr = lang != "fr"
    date = format_date(prof.date or prof.year, lang) or message("no_date", lang)
    rows = "".join(
        [
            _row(message("src_kind", lang), prof.kind_label(lang)),
            _row(message("src_interest", lang), prof.interest(lang)),
            _row(message("src_date", lang), date),
            _row(message("src_author", lang), prof.author, fr)
            or _row(message("src_author", lang), message("src_no_author", lang)),
            _row(message("src_publisher", lang), prof.publisher, fr),
        ]
    )
    texts = ""
    if clean:
        texts += _text_block(prof.id, "src_clean", doc_text_html(clean), lang)
    if raw:
        texts += _text_block(prof.id, "src_raw", esc(raw), lang)
    name = source_name(prof.id, None, {prof.id: prof}, lang)
    fr_attr = ' lang="fr"' if fr else ""
    return (
        f'<section class="src-card" id="src-{esc(prof.id)}" aria-labelledby="src-{esc(prof.id)}-h">'
        f'<h2 id="src-{esc(prof.id)}-h"><span{fr_attr}>'
        f"{esc(prof.title)}</span></h2>"
        f'<p class="src-who"><strong>{esc(name)}</strong> {badge(prof.id, {prof.id: prof}, lang)}</p>'
        f'<dl class="src-profile">{rows}</dl>{texts}</section>'
    )


def render_sources_page(
    sources: Mapping[str, SourceProfile],
    documents: Mapping[str, str],
    raws: Mapping[str, str],
    lang: str,
    brand: str | PageBrand,
    color: str | None = None,
) -> str:
    """The whole page: a contents list, then one card per document, in the pharmacy's look."""
    look = as_brand(brand)
    if color:  # the older call: a bare title and the colour
        look = PageBrand(look.title, color, look.logo, look.offered_by)
    css = "".join(f'<link rel="stylesheet" href="{esc(h)}">' for h in STYLESHEETS) + brand_style(look)
    chat = "/?lang=en" if lang == "en" else "/"
    other = "fr" if lang == "en" else "en"
    other_href = "/sources" if lang == "en" else "/sources?lang=en"
    title = message("sources_title", lang)
    toc = "".join(
        f'<li><a href="#src-{esc(sid)}">{esc(source_name(sid, None, sources, lang))}</a></li>'
        for sid in sources
    )
    cards = "".join(_source_html(p, documents.get(sid), raws.get(sid), lang) for sid, p in sources.items())
    return (
        f'<!doctype html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} — {esc(look.title)}</title>{css}</head>"
        f'<body class="src-body"><div class="src-page">'
        f'<header class="src-top">{brand_link_html(look, lang, chat, "src-brand")}'
        f'<a class="src-lang" href="{esc(other_href)}" hreflang="{other}" lang="{other}">'
        f"{esc(message('other_lang', lang))}</a></header>"
        f'<main class="chat src-main" lang="{esc(lang)}"><h1>{esc(title)}</h1>'
        f'<p class="src-intro">{esc(message("sources_intro", lang))}</p>'
        f'<nav aria-label="{esc(message("src_contents", lang))}"><ul class="src-toc">{toc}</ul></nav>'
        f"{cards}</main>"
        f'<footer class="src-foot"><p class="med-note">{ICONS["info"]} {esc(message("disclaimer", lang))}</p>'
        f'<p><a href="{esc(chat)}">{esc(message("map_back_chat", lang))}</a></p></footer>'
        "</div></body></html>"
    )
