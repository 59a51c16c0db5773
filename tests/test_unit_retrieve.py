"""Rank fusion of the retriever on the fixture KB: dense (in-memory collection), sentence and BM25 lists."""

from __future__ import annotations

import numpy as np
import pytest

from bot.answer.retrieve import Hit, Retriever, _diversify
from bot.lang.text import content_tokens

pytestmark = pytest.mark.unit


def _search(retriever, kb, question: str, **kw) -> list[Hit]:
    return retriever.search(kb.embedder.query(question), content_tokens(question), **kw)


def test_rare_exact_words_bring_their_passage_first(fixture_retriever, fixture_kb):
    hits = _search(fixture_retriever, fixture_kb, "Combien de vues sur Tiktok ?")
    assert hits[0].passage.id == "inserm#2"  # the only passage naming Tiktok
    assert hits[0].lexical > 0
    assert all(h.lexical == 0 for h in hits[1:] if "Tiktok" not in h.passage.text)


def test_scores_are_sorted_and_each_passage_appears_once(fixture_retriever, fixture_kb):
    hits = _search(fixture_retriever, fixture_kb, "exosomes bactériens Escherichia coli")
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    ids = [h.passage.id for h in hits]
    assert len(ids) == len(set(ids))
    assert ids[0] == "clinique#5"


def test_bm25_mode_keeps_only_passages_sharing_a_lemma(fixture_retriever, fixture_kb):
    hits = _search(fixture_retriever, fixture_kb, "Combien de vues sur Tiktok ?", mode="bm25")
    assert [h.passage.id for h in hits] == ["inserm#2"]


def test_unknown_words_give_bm25_nothing_and_dense_still_ranks(fixture_retriever, fixture_kb):
    assert _search(fixture_retriever, fixture_kb, "zorglub quantique", mode="bm25") == []
    dense = _search(fixture_retriever, fixture_kb, "exosomes vésicules", mode="dense", top_k=3)
    assert len(dense) >= 3


def test_hybrid_adds_the_lexical_vote_to_the_dense_ones(fixture_retriever, fixture_kb):
    """A passage found by both lists scores higher in hybrid mode than in dense mode alone."""
    q = "Combien de vues sur Tiktok ?"
    dense = {h.passage.id: h.score for h in _search(fixture_retriever, fixture_kb, q, mode="dense", top_k=20)}
    hybrid = {h.passage.id: h.score for h in _search(fixture_retriever, fixture_kb, q, top_k=20)}
    assert hybrid["inserm#2"] > dense["inserm#2"]
    others = [pid for pid in dense if pid != "inserm#2"]
    assert others and all(hybrid[pid] == pytest.approx(dense[pid]) for pid in others)


def test_dense_ranked_asks_the_collection(fixture_kb, fixture_store):
    """The dense list is the collection's answer, read as similarity = 1 - cosine distance."""
    retriever = Retriever(fixture_kb, fixture_store, candidates=5, rrf_k=10)
    qvec = fixture_kb.passage_vecs[fixture_kb.passage_row("clinique#3")]
    ranked = retriever.dense_ranked(qvec, 5)
    assert len(ranked) == 5
    assert ranked[0][0] == "clinique#3"
    assert ranked[0][1] == pytest.approx(1.0, abs=1e-5)
    sims = [s for _, s in ranked]
    assert sims == sorted(sims, reverse=True)


def test_sentence_max_is_the_best_sentence_per_passage(fixture_retriever, fixture_kb):
    kb = fixture_kb
    sims = np.arange(len(kb.sentences), dtype=np.float32)
    best = fixture_retriever.sentence_max(sims)
    for pid, rows in kb.passage_sentences.items():
        assert best[kb.passage_row(pid)] == max(rows)


def test_diversify_adds_a_missing_source_only_when_nearly_as_close(fixture_kb):
    p = fixture_kb.passages
    hits = [
        Hit(p["inserm#1"], 0.9, 0.80, 0.0),
        Hit(p["inserm#2"], 0.8, 0.79, 0.0),
        Hit(p["clinique#1"], 0.7, 0.78, 0.0),
    ]
    assert [h.passage.id for h in _diversify(hits, 2)] == ["inserm#1", "inserm#2", "clinique#1"]
    far = hits[:2] + [Hit(p["clinique#1"], 0.7, 0.60, 0.0)]
    assert [h.passage.id for h in _diversify(far, 2)] == ["inserm#1", "inserm#2"]
    assert _diversify([], 3) == []
