"""Where a citation sits: its number, the quoted spans of its passage, the passage in its document.

Shared by the Markdown and HTML renderings. Every string that leaves this
module as HTML goes through `esc`; spans are found on normalised text so that
whitespace and quote style never hide a quote.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from bot.lang.text import merge_spans, normalize
from bot.models import Answer
from bot.render.messages import message

CONTEXT_CHARS = 700  # document text shown on each side of a passage in "voir dans le document"


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def markers(answer: Answer) -> dict[str, int]:
    """passage id -> the number shown for it; the core's markers when it gives them."""
    out: dict[str, int] = {}
    used = {c.marker for c in answer.citations if c.marker is not None}
    nxt = 1
    for c in answer.citations:
        if c.marker is not None:
            out.setdefault(c.passage_id, c.marker)
            continue
        while nxt in used:
            nxt += 1
        out.setdefault(c.passage_id, nxt)
        used.add(nxt)
    return out


# --- highlighting ----------------------------------------------------------


def _normalized_with_map(text: str) -> tuple[str, list[int]]:
    """`text` normalised like `bot.lang.text.normalize`, with the original index of every kept char."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        mapped = normalize(ch) or " "
        if mapped == " " and (not out or out[-1] == " "):
            continue
        for m in mapped:
            out.append(m)
            index.append(i)
    return "".join(out), index


def find_spans(text: str, needles: Iterable[str]) -> list[tuple[int, int]]:
    """Spans of `text` that hold each needle, ignoring whitespace and quote style; merged and sorted."""
    norm, index = _normalized_with_map(text)
    spans: list[tuple[int, int]] = []
    for needle in needles:
        n = normalize(needle or "")
        if not n:
            continue
        pos = norm.find(n)
        while pos >= 0:
            spans.append((index[pos], index[pos + len(n) - 1] + 1))
            pos = norm.find(n, pos + len(n))
    return merge_spans(spans)


def marked(text: str, spans: list[tuple[int, int]], cls: str = "hl") -> str:
    """Escaped `text` with each span wrapped in <mark class=cls>."""
    out: list[str] = []
    pos = 0
    for s, e in spans:
        out.append(esc(text[pos:s]))
        out.append(f'<mark class="{cls}">{esc(text[s:e])}</mark>')
        pos = e
    out.append(esc(text[pos:]))
    return "".join(out)


# --- the passage in its document --------------------------------------------


def doc_text_html(text: str) -> str:
    """Escaped document text; its '#' heading lines are shown as headings, not as raw marks."""
    out = []
    for line in text.split("\n"):
        m = re.match(r"^\s{0,3}#{1,6}\s+(.*)$", line)
        out.append(f'<span class="doc-h">{esc(m.group(1))}</span>' if m else esc(line))
    return "\n".join(out)


def document_context(doc: str, start: int, end: int, width: int = CONTEXT_CHARS) -> tuple[str, str, str]:
    """Text before the passage, the passage, text after: cut at line or sentence ends."""
    start, end = max(0, min(start, len(doc))), max(0, min(end, len(doc)))
    lo = max(0, start - width)
    before = doc[lo:start]
    if lo > 0:
        cut = max(before.find("\n"), -1)
        if cut < 0:
            m = re.search(r"[.!?…]\s", before)
            cut = m.end() - 1 if m else -1
        before = ("…" if cut < 0 else "") + before[cut + 1 :]
    hi = min(len(doc), end + width)
    after = doc[end:hi]
    if hi < len(doc):
        cut = after.rfind("\n")
        if cut <= 0:
            ends = [m.end() for m in re.finditer(r"[.!?…]\s", after)]
            cut = ends[-1] if ends else -1
        after = after[:cut] + "\n…" if cut > 0 else after + "…"
    return before, doc[start:end], after


def in_document_html(
    doc: str | None, text: str, start: int, end: int, quoted: list[str], title: str, lang: str
) -> str:
    """The collapsible "show in the document" view of a passage, or "" when its offsets do not fit."""
    if not doc or not 0 <= start < end <= len(doc):
        return ""
    before, middle, after = document_context(doc, start, end)
    if normalize(middle) != normalize(text):
        middle = text
    mid_html = marked(middle, find_spans(middle, quoted), "hl")
    return (
        f'<details class="in-doc"><summary>{esc(message("in_doc", lang))}</summary>'
        f'<div class="doc-view" role="region" aria-label="{esc(message("in_doc_intro", lang))}">'
        f'<p class="doc-title">{esc(title)}</p>'
        f'<div class="doc-text">{doc_text_html(before)}<span class="in-doc-passage">{mid_html}</span>'
        f"{doc_text_html(after)}</div></div></details>"
    )


def highlight_pieces(text: str, spans) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is_answer_span) for a quote's `highlight`; bad spans are skipped."""
    out, at = [], 0
    for start, end in spans:
        if start < at or end > len(text):
            continue
        out += [(text[at:start], False), (text[start:end], True)]
        at = end
    return [*out, (text[at:], False)]


def leads_with_disagreement(answer: Answer) -> bool:
    """The question is the disputed point: the side-by-side comes before the other quotes."""
    first = next((st for st in answer.statements if st.kind == "quote"), None)
    return first is not None and first.section == "disagreement"


def block_title_key(disagreements) -> str:
    """The block's heading: sources that disagree, or one document at odds with itself."""
    if disagreements and all(getattr(d, "self_contradiction", False) for d in disagreements):
        return "self_contradiction_title"
    return "disagree_title"


# --- the passage in place (popover, bottom sheet, source list) ----------------------------------


def layered(text: str, quotes: list[tuple[int, int]], answers: list[tuple[int, int]]) -> str:
    """Escaped `text`: quoted spans in <mark class="hl">, answering spans inside them in <strong>."""
    flags = [0] * len(text)
    for s, e in quotes:
        for i in range(max(0, s), min(e, len(text))):
            flags[i] |= 1
    for s, e in answers:
        for i in range(max(0, s), min(e, len(text))):
            if flags[i]:
                flags[i] |= 2
    out: list[str] = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and flags[j] == flags[i]:
            j += 1
        piece = esc(text[i:j])
        if flags[i] & 2:
            piece = f'<strong class="answer-span">{piece}</strong>'
        out.append((piece, flags[i] & 1))
        i = j
    html_out, open_mark = [], False
    for piece, in_mark in out:
        if in_mark and not open_mark:
            html_out.append('<mark class="hl">')
        elif not in_mark and open_mark:
            html_out.append("</mark>")
        open_mark = bool(in_mark)
        html_out.append(piece)
    return "".join(html_out) + ("</mark>" if open_mark else "")


def passage_view_html(
    doc: str | None, text: str, start: int, end: int, quoted: list[str], answers: list[str], lang: str
) -> str:
    """The passage once, inside its document's context when the offsets fit: the quotes marked,
    the answering words in bold. A keyboard-reachable region (it scrolls), its text in French."""
    before = after = ""
    middle = text
    if doc and 0 <= start < end <= len(doc):
        b, m, a = document_context(doc, start, end, width=360)
        if normalize(m) == normalize(text):
            before, middle, after = b, m, a
    body = layered(middle, find_spans(middle, quoted), find_spans(middle, answers))
    return (
        f'<div class="doc-text passage-view" tabindex="0" role="region" lang="fr" '
        f'aria-label="{esc(message("in_doc_intro", lang))}">{doc_text_html(before)}'
        f'<span class="in-doc-passage">{body}</span>{doc_text_html(after)}</div>'
    )
