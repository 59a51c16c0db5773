"""Keep a disagreement only when it is about what the answer quotes, and never quote a sentence twice.

The detector finds conflicts on the aspects a question touches. Touching is
decided from the question alone, so a question on hair prices could bring an
allergy block along. The answer's own quotes say what the question is about:
a disagreement is kept when one of the sentences that answer the question is
itself a sentence of that disagreement's aspect (a reading of the aspect, a
value of the measure, or one of the disagreement's positions). When the
question *is* the disputed point, the side-by-side carries the quotes: the
answer does not repeat them above it.

`select` is the rule the answer path applies, in ranks and cosines rather than in the relevance model's
probabilities (whose scale moves each time the model is refitted): a block needs one side among the
model's best-ranked sentences and the question close to its entry's own words (or, when no block has
such a side, the question very close to the entry), and when several aspects pass, only the aspects the
question is closest to are shown.
"""

from __future__ import annotations

import numpy as np

from bot.lang.text import normalize
from bot.models import Disagreement

# --- chosen by 5-fold cross-validation (3 seeds) on the training questions only (eval/train_disagree.jsonl
# and the expect_disagreement questions of eval/train.jsonl, train2.jsonl, train3.jsonl), by the F1 of
# disagreement precision and recall (ASPECT_MARGIN set by the share of blocks on the asked aspect);
# re-checked with eval/train_disagree2.jsonl and train_disagree3.jsonl (478 questions) by
# `python -m eval.disagree_train`: cuts chosen in each fold do no better on the held-out folds than
# these; see docs/disagreements.md ---
SIDE_TOP_K = 12  # one side of a block between sources is among the relevance model's 12 best sentences
SELF_TOP_K = 3  # both sides of a document contradicting itself are among its 3 best
MIN_FIT = 0.83  # ... and the question's cosine to the entry's "topic : summary" (query mode) is at least this
# an entry between sources this close to the question is the point asked, wherever its sides rank (the same
# cut as evidence_map.ENTRY_FIT; the cross-validation chose 0.89 out of 0.88-0.91 and "never")
HIGH_FIT = 0.89
ASPECT_MARGIN = 0.01  # aspects whose best entry is this much less close than the closest one are left out


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


def _claim_of(dx, d: Disagreement):
    """The map entry a block was made from (None for a detector block)."""
    for c in dx.claims:
        same_kind = c.aspect == d.aspect and c.self_contradiction == d.self_contradiction
        if same_kind and (d.summary in (c.summary_fr, c.summary_en) or d.topic in (c.topic_fr, c.topic_en)):
            return c
    return None


def _fits(dx, qvec) -> dict[str, float]:
    """Closeness of the question to each entry's own words, by entry id."""
    q = np.asarray(qvec, dtype=np.float32)
    return {c.id: float((c.vecs @ q).max()) for c in dx.claims if c.vecs is not None and c.vecs.size}


def select(kb, dx, blocks: list[Disagreement], rows: list[int], scored, use_map: bool, qvec=None):
    """The blocks on the point the question asks, best first, no quote twice.

    `blocks` are the detector's and the map's candidates, `rows` the answer's own sentences and the
    relevance model's best ones (used only without a fitted model, by `on_topic`), `scored` the model's
    reading of every candidate sentence."""
    pool = list(blocks)
    if scored is None or not len(scored.p):
        return without_repeats(_one_per_aspect(on_topic(kb, dx, pool, rows)))
    rank = {i: k for k, (i, _) in enumerate(scored.ranked(), start=1)}

    def side(p) -> int:
        return min((rank.get(i, 10**6) for i in position_rows(kb, p.passage_id, p.quote)), default=10**6)

    def ranked(d) -> bool:
        sides = [side(p) for p in d.positions]
        return bool(sides) and (
            max(sides) <= SELF_TOP_K if d.self_contradiction else min(sides) <= SIDE_TOP_K
        )

    if not (use_map and dx.claims and qvec is not None):
        return without_repeats(_one_per_aspect([d for d in pool if ranked(d)]))
    fits = _fits(dx, qvec)
    by_aspect: dict[str, float] = {}
    for c in dx.claims:
        by_aspect[c.aspect] = max(by_aspect.get(c.aspect, -1.0), fits.get(c.id, -1.0))

    def fit(d) -> float:  # a detector block is as close as the closest entry on its aspect
        c = _claim_of(dx, d)
        return fits.get(c.id, -1.0) if c is not None else by_aspect.get(d.aspect or "", -1.0)

    # a detector block on an aspect the map has no entry for has no words to be close to: its rank decides
    unmapped = [d for d in pool if d.aspect not in by_aspect and ranked(d)]

    # a block with a best-ranked side on the question's point first; closeness alone only when there is none
    # (a generic entry, "is it proven?", is close to many questions whose best sentences are elsewhere)
    keep = [d for d in pool if ranked(d) and fit(d) >= MIN_FIT]
    keep = keep or [d for d in pool if not d.self_contradiction and fit(d) >= HIGH_FIT]
    if not keep:
        return without_repeats(_one_per_aspect(unmapped))
    best = max(by_aspect.get(d.aspect or "", -1.0) for d in keep)
    keep = [d for d in keep if by_aspect.get(d.aspect or "", -1.0) >= best - ASPECT_MARGIN]
    keep.sort(key=lambda d: (-by_aspect.get(d.aspect or "", -1.0), d.self_contradiction, -fit(d)))
    return without_repeats(_one_per_aspect(keep + unmapped))


def _one_per_aspect(blocks: list[Disagreement]) -> list[Disagreement]:
    """One block between sources and one self-contradiction per aspect: the first, among those that
    passed the rule (so a candidate that fails it never hides another one on the same aspect)."""
    have: set[tuple[str | None, bool]] = set()
    out = []
    for d in blocks:
        if (d.aspect, d.self_contradiction) not in have:
            have.add((d.aspect, d.self_contradiction))
            out.append(d)
    return out
