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
from bot.check.label import SILENT, label_part
from bot.check.split import Part, split
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


def _check(bot, qid, display, q, lang, t0) -> Answer:
    u = bot._understand(q, lang, None)
    timings = u.timings
    t = time.perf_counter()
    parts = split(bot, q, u.qvec)
    rel = disagree.relevance(bot.kb, bot._dx, q, u.qvec)
    labelled = [label_part(bot, p, q, rel) for p in parts]
    kept = [
        (p, lab)
        for p, lab in zip(parts, labelled, strict=True)
        if any(x.label != SILENT for x in lab.values())
    ]
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
