"""Input checks: what the bot accepts as a question, and the answer to input it rejects.

Anything a user sends is treated as plain text: control characters and lone
surrogates are removed, markup is never interpreted, and instructions inside
a question have no effect because answers are only ever quotes. The messages
themselves live in the catalogue (`bot.render.messages`).
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass
from typing import Any

from bot.lang.text import detect_language
from bot.models import Answer, Statement
from bot.render.messages import message


@dataclass
class Checked:
    text: str  # cleaned question used for retrieval
    display: str  # what the Answer echoes back (cleaned, bounded)
    lang: str
    error: str | None = None


_CTRL = re.compile(
    r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]"
)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_TAG = re.compile(r"<[^>]{0,200}>")


def clean_text(value: str) -> str:
    """Drop lone surrogates and control characters; fold whitespace."""
    value = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace").replace("\ufffd", "")
    value = unicodedata.normalize("NFC", value)
    value = _ANSI.sub(" ", value)
    value = _CTRL.sub(" ", value)
    return re.sub(r"\s+", " ", value).strip()


def check_question(question: Any, max_chars: int) -> Checked:
    if isinstance(question, bytes):
        try:
            question = question.decode("utf-8")
        except UnicodeDecodeError:
            return Checked("", "", "fr", message("not_text", "fr"))
    if not isinstance(question, str):
        return Checked("", "", "fr", message("not_text", "fr"))
    raw_len = len(question)
    if raw_len > max_chars * 4:  # do not even clean a huge payload
        return Checked("", "", "fr", message("too_long", "fr", n=raw_len, max=max_chars))
    text = clean_text(question)
    lang = detect_language(text) if text else "fr"
    display = text[:max_chars]
    if not text:
        return Checked("", "", lang, message("empty", lang))
    if len(text) > max_chars:
        return Checked("", display, lang, message("too_long", lang, n=len(text), max=max_chars))
    searchable = _TAG.sub(" ", text)
    if not re.search(r"[^\W\d_]{2,}", searchable):
        return Checked("", display, lang, message("no_words", lang))
    return Checked(searchable.strip() or text, display, lang)


def previous_question(history: Any, max_turns: int) -> str | None:
    """The last user turn of a conversation, if the history is usable."""
    if not isinstance(history, list):
        return None
    for turn in reversed(history[-2 * max(1, max_turns) :]):
        content = None
        if isinstance(turn, dict) and turn.get("role") == "user":
            content = turn.get("content")
        elif isinstance(turn, (list, tuple)) and turn and isinstance(turn[0], str):
            content = turn[0]  # (user, assistant) pairs
        if isinstance(content, str):
            text = clean_text(content)
            if text and len(text) <= 4000:
                return _TAG.sub(" ", text).strip() or None
    return None


def rejected(qid: str | None, display: str, error: str, lang: str, t0: float) -> Answer:
    return Answer(
        id=qid,
        question=display,
        language="en" if lang == "en" else "fr",
        status="rejected_input",
        answer_markdown=error,
        statements=[Statement(kind="framing", text=error, section="refusal")],
        error=error,
        timings_ms={"total": round((time.perf_counter() - t0) * 1000, 2)},
    )
