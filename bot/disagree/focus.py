"""Keep a disagreement only when it is about what the answer quotes, and never quote a sentence twice.

The detector finds conflicts on the aspects a question touches. Touching is
decided from the question alone, so a question on hair prices could bring an
allergy block along. The answer's own quotes say what the question is about:
a disagreement is kept when one of the sentences that answer the question is
itself a sentence of that disagreement's aspect (a reading of the aspect, a
value of the measure, or one of the disagreement's positions). When the
question *is* the disputed point, the side-by-side carries the quotes: the
answer does not repeat them above it.
"""

from __future__ import annotations

from bot.lang.text import normalize
from bot.models import Disagreement


def aspect_rows(kb, dx, d: Disagreement) -> set[int]:
    """Sentences (rows of kb.sentences) that speak to the disagreement's aspect."""
    rows = {i for i, _ in dx.readings.get(d.aspect or "", [])}
    rows |= {i for i, _ in dx.values.get(d.aspect or "", [])}
    if d.aspect == "statut_legal":
        rows |= {i for i, _ in dx.origins}
    for p in d.positions:
        rows |= position_rows(kb, p.passage_id, p.quote)
    return rows


def position_rows(kb, passage_id: str, quote: str) -> set[int]:
    q = normalize(quote)
    return {
        i
        for i in kb.passage_sentences.get(passage_id, [])
        if q in normalize(kb.sentences[i].text) or normalize(kb.sentences[i].text) in q
    }


def on_topic(kb, dx, disagreements: list[Disagreement], answer_rows: list[int]) -> list[Disagreement]:
    """The disagreements whose aspect one of the answer's own sentences speaks to."""
    rows = set(answer_rows)
    return [d for d in disagreements if rows & aspect_rows(kb, dx, d)]


def shown_in_blocks(kb, disagreements: list[Disagreement]) -> set[int]:
    """Sentences the disagreement blocks quote: the answer need not quote them again."""
    out: set[int] = set()
    for d in disagreements:
        for p in d.positions:
            out |= position_rows(kb, p.passage_id, p.quote)
    return out


def without_repeats(disagreements: list[Disagreement]) -> list[Disagreement]:
    """No sentence quoted twice: a block that would quote again what an earlier block shows is left out
    (dropping only its repeated side would leave a summary naming a source it no longer quotes)."""
    seen: set[str] = set()
    out = []
    for d in disagreements:
        quotes = {normalize(p.quote) for p in d.positions}
        if quotes & seen:
            continue
        seen |= quotes
        out.append(d)
    return out


def answering(kb, disagreements: list[Disagreement], cands: list[int], p, min_p: float) -> list[Disagreement]:
    """The blocks the relevance model reads as answering the question (p >= min_p): one side of a
    disagreement between sources, both sides of a document contradicting itself (one relevant side
    alone is that document's answer, and its other sentence a tangent)."""
    prob = dict(zip(cands, [float(x) for x in p], strict=True))

    def side(q) -> float:
        return max((prob.get(i, 0.0) for i in position_rows(kb, q.passage_id, q.quote)), default=0.0)

    keep = []
    for d in disagreements:
        sides = [side(q) for q in d.positions]
        need = min if d.self_contradiction else max
        if sides and need(sides) >= min_p:
            keep.append(d)
    return keep
