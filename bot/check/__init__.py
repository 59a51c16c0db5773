"""Check a claim against the five documents: source by source, soutient / contredit / nuance / ne dit rien.

`check(bot, text)` splits the claim into parts (`split`), reads each source
on each part (`label`), chooses each source's label by a fitted model over
those readings (`model`), and frames the rows without a verdict of its own
(`compose`). Offline, no model beyond the
bot's own embedder: a few milliseconds per claim.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from bot import disagree
from bot.answer import guard, scope
from bot.answer.pipeline import _clean_id, _ms
from bot.check.compose import compose, nearest
from bot.check.label import SILENT, Label, label_part, speaks
from bot.check.model import LABELS, SoftmaxModel, features, model
from bot.check.split import GENERAL, Part, split
from bot.lang.text import detect_language
from bot.models import Answer
from bot.render.messages import message

log = logging.getLogger(__name__)
__all__ = ["Part", "Reading", "check", "decide", "predict", "read"]


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


@dataclass
class Reading:
    """Everything the labels are decided from: the parts, each source's readings, its best sentence
    for the claim by the relevance model, and the model's features of each (claim, source) pair."""

    u: Any
    parts: list[Part]
    raw: list[dict[str, Label]]
    speak: dict[str, tuple[float, int]]
    sources: list[str]
    X: np.ndarray


def read(bot, q: str, lang: str) -> Reading:
    u = bot._understand(q, lang, None)
    parts = split(bot, q, u.qvec)
    rel = disagree.relevance(bot.kb, bot._dx, q, u.qvec)
    raw = [label_part(bot, p, q, rel) for p in parts]
    sp = speaks(bot.kb, u.scored)
    sids, X = features(bot, q, parts, raw, sp, u.qvec, rel)
    return Reading(u, parts, raw, sp, sids, X)


def alone(r: Reading) -> dict[str, str]:
    """The readings' own label per source (the first part it speaks to): the check without a model."""
    first: dict[str, str] = {}
    for lab in r.raw:
        for sid, x in lab.items():
            if x.label != SILENT:
                first.setdefault(sid, x.label)
    return {sid: first.get(sid, SILENT) for sid in r.sources}


def predict(r: Reading, m: SoftmaxModel | None = None) -> dict[str, str]:
    """One label per source: the fitted model's most probable (the readings alone before one is fitted)."""
    m = m or model()
    if m is None:
        return alone(r)
    P = m.proba(r.X)
    return {sid: LABELS[int(k)] for sid, k in zip(r.sources, P.argmax(axis=1), strict=True)}


def decide(kb, q: str, r: Reading, chosen: dict[str, str]) -> list[tuple[Part, dict]]:
    """The parts at least one source speaks to, each source's label placed on one part with its quote.

    A source goes on the first part its readings speak to, with that reading's sentence and value when
    the model agrees with the reading, else with its best sentence for the claim (the relevance model's);
    one the readings miss but the model reads as speaking goes on the claim's first stance part, or on a
    part for the claim as a whole, with that best sentence.
    """
    parts = list(r.parts)
    placed = [{sid: Label(SILENT) for sid in kb.sources} for _ in parts]
    extra: dict[str, Label] = {}
    for sid, lab in chosen.items():
        if lab == SILENT:
            continue
        k = next((k for k, raw in enumerate(r.raw) if raw[sid].label != SILENT), None)
        p, best = r.speak.get(sid, (0.0, -1))
        if k is not None and (r.raw[k][sid].label == lab or best < 0):
            x = r.raw[k][sid]
            # the part's stated value frames the label only when the reading gives that same label
            placed[k][sid] = Label(lab, x.row, x.value if x.label == lab else None, x.rel)
        elif k is not None:  # the model reads the source otherwise than the part's cues: its best sentence
            placed[k][sid] = Label(lab, best, None, p)
        elif best >= 0:
            extra[sid] = Label(lab, best, None, p)
    if extra:
        k = next((k for k, p in enumerate(parts) if p.kind == "stance"), None)
        if k is not None:
            placed[k].update(extra)
        else:
            parts.append(Part(GENERAL, q, "general"))
            placed.append({sid: extra.get(sid, Label(SILENT)) for sid in kb.sources})
    return [
        (p, lab) for p, lab in zip(parts, placed, strict=True) if any(x.label != SILENT for x in lab.values())
    ]


def _check(bot, qid, display, q, lang, t0) -> Answer:
    t = time.perf_counter()
    r = read(bot, q, lang)
    u = r.u
    timings = u.timings
    kept = decide(bot.kb, q, r, predict(r))
    timings["check"] = _ms(t)
    if not kept:
        # the answer-or-refuse decision of `ask`, on the same reading: a refusal only when it refuses too
        ok = u.scored is not None and bot.scorer.model is not None
        chosen = bot._choose(u.scored, refuse=bot.settings.refusal, situation=u.situation) if ok else []
        if not chosen:
            on_topic = scope.in_domain(q) or scope.needs_referral(q) or bool(r.parts)
            status = "not_in_sources" if on_topic else "out_of_scope"
            return bot._refusal(qid, display, lang, status, u.qvec, q, u.hits, timings, t0)
        parts = r.parts or [Part(GENERAL, q, "general")]
        statements, citations, checks = nearest(bot.kb, parts, chosen, lang, u.scored.query.atype)
    else:
        statements, citations, checks = compose(bot.kb, [p for p, _ in kept], [lab for _, lab in kept], lang)
    answer = bot._finish(
        qid, display, lang, "answered", q, statements, u.hits, timings, t0, citations=citations
    )
    answer.checks = checks
    answer.timings_ms["total"] = _ms(t0)
    return answer
