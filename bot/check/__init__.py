"""Check a claim against the five documents: source by source, soutient / contredit / nuance / ne dit rien.

`check(bot, text)` splits the claim into parts (`split`), labels each source
on each part with the verbatim sentence that shows it (`label`) and frames the
rows without a verdict of its own (`compose`). Offline, no model beyond the
bot's own embedder: a few milliseconds per claim.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from bot import disagree
from bot.answer import guard, scope
from bot.answer.pipeline import _clean_id, _ms
from bot.check.compose import compose
from bot.check.label import NUANCE, SILENT, SUPPORT, Label, gate, label_part, speaks, thresholds
from bot.check.split import GENERAL, Part, split
from bot.lang.text import detect_language
from bot.models import Answer
from bot.render.messages import message

log = logging.getLogger(__name__)
__all__ = ["Part", "check"]


def check(bot, text: Any, id: Any = None) -> Answer:
    """The claim's check as an Answer (status, statements, citations, checks); never raises for bad input."""
    t0 = time.perf_counter()
    qid = _clean_id(id)
    checked = guard.check_question(text, bot.settings.max_question_chars)
    if checked.error:
        return guard.rejected(qid, checked.display, checked.error, checked.lang, t0)
    q = checked.text
    lang = detect_language(q)
    try:
        return _check(bot, qid, checked.display, q, lang, t0)
    except Exception:  # a bug must not show a stack trace to the user
        log.exception("check failed")
        return guard.rejected(qid, checked.display, message("internal", lang), lang, t0)


def read(bot, q: str, lang: str):
    """Everything the labels are decided from, before any threshold: the gate's inputs and each part's reading."""
    u = bot._understand(q, lang, None)
    parts = split(bot, q, u.qvec)
    rel = disagree.relevance(bot.kb, bot._dx, q, u.qvec)
    raw = [label_part(bot, p, q, rel) for p in parts]
    return u, parts, raw, speaks(bot.kb, u.scored)


def decide(kb, q: str, parts: list[Part], raw: list[dict[str, Label]], speak, th) -> list[tuple[Part, dict]]:
    """The parts at least one source speaks to, each with its gated labels.

    A source whose best sentence for the claim passes `thresholds.fallback` but that speaks to none of
    the parts gets "nuance" with that sentence ("soutient" above `thresholds.agrees`: the relevance
    model reads the sentence as saying what the claim says), on the claim's first stance part, or on a
    part for the claim as a whole when it has none: the claim is more specific than the stance cues.
    """
    gated = [gate(lab, speak, th, p) for p, lab in zip(parts, raw, strict=True)]
    if th.get("fallback"):
        said = {sid for lab in gated for sid, x in lab.items() if x.label != SILENT}
        agrees = th.get("agrees", 1.01)
        extra = {
            sid: Label(SUPPORT if p >= agrees else NUANCE, row, None, p)
            for sid, (p, row) in speak.items()
            if sid not in said and p >= th["fallback"]
        }
        k = next((k for k, p in enumerate(parts) if p.kind == "stance"), None)
        if extra and k is not None:
            gated[k] = {**gated[k], **extra}
        elif extra:
            general = {sid: extra.get(sid, Label(SILENT)) for sid in kb.sources}
            parts, gated = [*parts, Part(GENERAL, q, "general")], [*gated, general]
    return [
        (p, lab) for p, lab in zip(parts, gated, strict=True) if any(x.label != SILENT for x in lab.values())
    ]


def _check(bot, qid, display, q, lang, t0) -> Answer:
    t = time.perf_counter()
    u, parts, raw, speak = read(bot, q, lang)
    timings = u.timings
    kept = decide(bot.kb, q, parts, raw, speak, thresholds())
    timings["check"] = _ms(t)
    if not kept:
        on_topic = scope.in_domain(q) or scope.needs_referral(q) or bool(parts)
        status = "not_in_sources" if on_topic else "out_of_scope"
        return bot._refusal(qid, display, lang, status, u.qvec, q, u.hits, timings, t0)
    statements, citations, checks = compose(bot.kb, [p for p, _ in kept], [lab for _, lab in kept], lang)
    answer = bot._finish(
        qid, display, lang, "answered", q, statements, u.hits, timings, t0, citations=citations
    )
    answer.checks = checks
    answer.timings_ms["total"] = _ms(t0)
    return answer
