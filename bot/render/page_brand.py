"""The pharmacy's look on the pages outside the chat (/disagreements, /passages/..., /sources).

The same accent (`--brand`, from BOT_BRAND_COLOR), logo (BOT_BRAND_LOGO), title
and "offered by" line as the chat's header, so a reader who follows a link from
the chat stays on the pharmacy's pages. The values are checked again here
(hex colour, same-origin or http(s) logo): nothing reaches the page unescaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.render.context import esc
from bot.render.messages import message

DEFAULT_COLOR = "#0f766e"
DEFAULT_LOGO = "/chat-static/logo.svg"
HEX_RE = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")
LOGO_RE = re.compile(r"(/(?!/)|https?://)[^\s\"'<>]*")


@dataclass(frozen=True)
class PageBrand:
    """Who offers the pages: title, accent colour, logo URL, and the pharmacy's name (or None)."""

    title: str
    color: str = DEFAULT_COLOR
    logo: str = DEFAULT_LOGO
    offered_by: str | None = None


def as_brand(brand: str | PageBrand) -> PageBrand:
    """A bare title (the older call) is the default look under that title."""
    return brand if isinstance(brand, PageBrand) else PageBrand(title=str(brand))


def brand_style(brand: PageBrand) -> str:
    """The `--brand` variable on :root, after the stylesheets so that it wins over their fallback."""
    color = brand.color if HEX_RE.fullmatch(brand.color or "") else DEFAULT_COLOR
    return f"<style>:root {{ --brand: {color}; }}</style>"


def brand_link_html(brand: PageBrand, lang: str, href: str, cls: str) -> str:
    """The header's logo and title, linking back to the chat, with "offered by" when a pharmacy is named."""
    logo = brand.logo if LOGO_RE.fullmatch(brand.logo or "") else DEFAULT_LOGO
    by = (
        f'<span class="brand-by">{esc(message("offered_by", lang, name=brand.offered_by))}</span>'
        if brand.offered_by
        else ""
    )
    return (
        f'<a class="{cls}" href="{esc(href)}">'
        f'<img class="brand-logo" src="{esc(logo)}" alt="" width="32" height="32">'
        f'<span class="page-brand-text"><span class="page-brand-title">{esc(brand.title)}</span>{by}</span></a>'
    )
