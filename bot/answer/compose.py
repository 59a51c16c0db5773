"""Extractive answers: pick the sentences that answer, quote them verbatim, cite them.

The result is statements and citations only; `bot.render` turns them into
Markdown or HTML. Framing strings, taken from the message catalogue, are the
only words the bot writes itself; they name who speaks and never carry a claim
about exosomes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.answer.lexicon import covered
from bot.answer.retrieve import Hit
from bot.answer.usable import usable
from bot.answer.vocab import GENERIC
from bot.models import Citation, Disagreement, SourceProfile, Statement
from bot.render.context import block_title_key
from bot.render.messages import message
from bot.store.kb import KB

LEXICAL_WEIGHT = 0.08  # share of the question's (idf-weighted) specific words found in the sentence
IDF_POWER = 1.0  # rare words carry the question's focus
WINDOW = 0.05  # quotes within this score distance of the best one are kept
OTHER_VOICES = 2  # extra quotes allowed to bring in sources not yet heard


@dataclass
class Pick:
    idx: int  # row in kb.sentences
    score: float
    hit: Hit
    overlap: float = 0.0


def pick_sentences(
    kb: KB,
    hits: list[Hit],
    qvec: np.ndarray,
    qtokens: list[str],
    max_quotes: int,
    per_source: int,
    window: float | None = None,
) -> list[Pick]:
    """Best sentences of the retrieved passages, a few per source, in relevance order.

    Relevance mixes the embedding similarity with how much of the question's
    specific vocabulary (rare words count more; lexicon notions count as their
    document words) the sentence contains. A sentence that is itself a
    question never answers.
    """
    window = WINDOW if window is None else window
    idf = kb.idf
    focus = [t for t in dict.fromkeys(qtokens) if t not in GENERIC]
    weights = {t: idf.get(t, 0.0) ** IDF_POWER for t in focus}
    total = sum(weights.values()) or 1.0
    sims = kb.sentence_scores(qvec)
    cands: list[Pick] = []
    for rank, h in enumerate(hits):
        for i in kb.passage_sentences.get(h.passage.id, []):
            if not usable(kb, i):
                continue
            toks = kb.sentence_tokens(i)
            overlap = sum(w for t, w in weights.items() if covered(t, toks)) / total
            score = float(sims[i]) + LEXICAL_WEIGHT * overlap - 0.002 * rank
            cands.append(Pick(i, score, h, overlap))
    if not cands:
        return []
    cands.sort(key=lambda c: -c.score)
    best = cands[0].score
    chosen: list[Pick] = []
    count: dict[str, int] = {}
    for c in cands:
        if c.score < best - window or len(chosen) >= max_quotes:
            break
        sid = kb.sentences[c.idx].source_id
        if count.get(sid, 0) >= per_source:
            continue
        chosen.append(c)
        count[sid] = count.get(sid, 0) + 1
    # other voices: the best sentence of each source not yet quoted, when it is
    # nearly as close and shares the question's specific words
    for c in cands:
        if len(chosen) >= max_quotes + OTHER_VOICES or c.score < best - 2 * window:
            break
        sid = kb.sentences[c.idx].source_id
        if sid not in count and c.overlap >= 0.5:
            chosen.append(c)
            count[sid] = 1
    return chosen


def source_framing(src: SourceProfile, lang: str) -> str:
    """The line above a source's quotes, e.g. « Selon l'Inserm (…, 2025) : »: who speaks, never a claim."""
    year = f", {src.year}" if src.year else ""
    return message("according_to", lang, name=src.name(lang), about=src.kind_label(lang) + year)


class Citations:
    """Numbered citations in order of first use."""

    def __init__(self, kb: KB, lang: str = "fr"):
        self.kb = kb
        self.lang = lang
        self.items: dict[str, Citation] = {}

    def cite(self, pid: str, score: float, highlight: str | None = None) -> int:
        if pid not in self.items:
            p = self.kb.passages[pid]
            src = self.kb.sources[p.source_id]
            self.items[pid] = Citation(
                passage_id=pid,
                source_id=p.source_id,
                source_title=src.title,
                text=p.text,
                start=p.start,
                end=p.end,
                score=round(float(score), 4),
                heading_path=p.heading_path,
                source_kind=src.kind,
                source_label=src.kind_label(self.lang),
                source_date=src.date or src.year,
                marker=len(self.items) + 1,
            )
        c = self.items[pid]
        if highlight and highlight not in c.highlights:
            c.highlights.append(highlight)
        return c.marker

    def list(self) -> list[Citation]:
        return list(self.items.values())


def compose_quotes(kb: KB, picks: list[Pick], lang: str, cites: Citations) -> list[Statement]:
    """Quotes grouped by source (sources in relevance order, sentences in document order)."""
    by_source: dict[str, list[Pick]] = {}
    for p in picks:
        by_source.setdefault(kb.sentences[p.idx].source_id, []).append(p)
    statements: list[Statement] = []
    for sid, group in by_source.items():
        statements.append(Statement(kind="framing", text=source_framing(kb.sources[sid], lang)))
        group.sort(
            key=lambda p: (kb.passages[kb.sentences[p.idx].passage_id].start, kb.sentences[p.idx].start)
        )
        for p in group:
            s = kb.sentences[p.idx]
            cites.cite(s.passage_id, p.hit.score, s.text)
            statements.append(Statement(kind="quote", text=s.text, citations=[s.passage_id]))
    return statements


def compose_ranked(
    kb: KB, ranked: list[tuple[int, float]], lang: str, cites: Citations, spans
) -> list[Statement]:
    """Answer-first quotes: the best sentence first, then the others in relevance order.

    A source's framing line is repeated only when the speaker changes. `spans(text)`
    gives the answering spans to highlight inside each quote.
    """
    statements: list[Statement] = []
    last = None
    for i, p in ranked:
        s = kb.sentences[i]
        if s.source_id != last:
            statements.append(Statement(kind="framing", text=source_framing(kb.sources[s.source_id], lang)))
            last = s.source_id
        cites.cite(s.passage_id, p, s.text)
        statements.append(
            Statement(kind="quote", text=s.text, citations=[s.passage_id], highlight=spans(s.text))
        )
    return statements


def compose_disagreements(
    kb: KB, disagreements: list[Disagreement], lang: str, cites: Citations
) -> list[Statement]:
    """Each disagreement as statements: its topic, then every side's label and verbatim quote."""
    if not disagreements:
        return []
    title = message(block_title_key(disagreements), lang)
    statements = [Statement(kind="framing", text=title, section="disagreement")]
    for d in disagreements:
        # the statement names the topic only; the summary (who says what) stays in the
        # disagreement itself, so that no statement carries a claim that is not a quote
        topic = message("disagree_on", lang, topic=d.topic)
        statements.append(Statement(kind="framing", text=topic, section="disagreement"))
        for pos in d.positions:
            src = kb.sources[pos.source_id]
            name = src.name(lang)
            who = f"{name[:1].upper()}{name[1:]} ({src.kind_label(lang)}) — {pos.stance}"
            cites.cite(pos.passage_id, 0.0, pos.quote)
            statements.append(
                Statement(kind="framing", text=message("position", lang, who=who), section="disagreement")
            )
            statements.append(
                Statement(kind="quote", text=pos.quote, citations=[pos.passage_id], section="disagreement")
            )
    return statements
