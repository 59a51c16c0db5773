"""The pharmacy's brand: its colour (checked for contrast at start-up) and its contact details.

An accent colour that white text cannot be read on, or that cannot be read on
white, would make citation numbers, buttons and links unreadable: the app
refuses it at start-up with a message that says what to change.
"""

from __future__ import annotations

import re

from bot.errors import ConfigError
from bot.settings import Settings

DEFAULT_COLOR = "#0f766e"
MIN_CONTRAST = 4.5  # WCAG 2.x AA, normal text


def _luminance(color: str) -> float:
    h = color.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    chans = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in chans]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two hex colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def checked_brand_color(settings: Settings) -> str:
    """BOT_BRAND_COLOR if it is a hex colour readable with white (text on it, and it on white)."""
    color = (settings.brand_color or "").strip() or DEFAULT_COLOR
    if not re.fullmatch(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?", color):
        raise ConfigError(f"BOT_BRAND_COLOR={color!r} is not a CSS hex colour such as {DEFAULT_COLOR}.")
    ratio = contrast(color, "#ffffff")
    if ratio < MIN_CONTRAST:
        raise ConfigError(
            f"BOT_BRAND_COLOR={color} is too light: white text on it (citation numbers, buttons) and "
            f"links in it on white have a contrast of {ratio:.2f}:1, below the {MIN_CONTRAST}:1 that WCAG AA "
            f"requires. Choose a darker shade (the default is {DEFAULT_COLOR})."
        )
    return color


def pharmacy(settings: Settings) -> dict[str, str] | None:
    """The pharmacy's contact as the renderer takes it, or None when no pharmacy is named."""
    name = (settings.pharmacy_name or "").strip()
    if not name:
        return None
    return {
        "name": name,
        "phone": (settings.pharmacy_phone or "").strip(),
        "hours": (settings.pharmacy_hours or "").strip(),
        "url": (settings.pharmacy_url or "").strip(),
    }
