"""Hybrid retrieval: dense search in Chroma plus BM25 on French lemmas, fused by rank.

Dense search finds paraphrases and English questions; BM25 finds rare exact
words (a table entry, a product name). Reciprocal-rank fusion needs no score
calibration between the two.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from chromadb.api.models.Collection import Collection

from bot.errors import IndexUnavailable
from bot.models import Passage
from bot.store.index import STORE_ERRORS
from bot.store.kb import KB

# Rank-fusion weights: the closest sentence is the strongest signal with a small
# embedding model; whole-passage vectors blur a passage's several topics.
W_SENTENCE = 0.7
W_LEXICAL = 1.3
W_PASSAGE = 1.0


@dataclass
class Hit:
    passage: Passage
    score: float  # fused score used for ranking
    dense: float  # cosine similarity of the query to the passage
    lexical: float  # BM25 score (0 when no shared lemma)


class Retriever:
    """Ranks passages for a question; the BM25 index and the row maps are the KB's own."""

    def __init__(self, kb: KB, store: Collection, candidates: int = 24, rrf_k: int = 60):
        self.kb = kb
        self.store = store  # the passages collection (chromadb's public Collection API)
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.order = kb.passage_order
        self.bm25 = kb.bm25
        self.vocab = kb.vocab
        self._sentence_rows = kb.sentence_passage_rows

    def dense_ranked(self, qvec: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Nearest passages from the vector store (a real query to Chroma).

        Only ids and distances are fetched: the passage texts are already in memory.
        """
        try:
            res = self.store.query(query_embeddings=[qvec.tolist()], n_results=k, include=["distances"])
        except STORE_ERRORS as exc:  # connection refused, server gone, collection dropped
            raise IndexUnavailable(str(exc)) from exc
        return [(pid, 1.0 - float(d)) for pid, d in zip(res["ids"][0], res["distances"][0], strict=True)]

    def sentence_max(self, sims: np.ndarray) -> np.ndarray:
        """Per passage, the best score among its sentences."""
        out = np.full(len(self.order), -1.0, dtype=np.float32)
        np.maximum.at(out, self._sentence_rows, sims)
        return out

    def lexical_scores(self, tokens: list[str]) -> np.ndarray:
        known = [t for t in tokens if t in self.vocab]
        if not known:
            return np.zeros(len(self.order))
        return self.bm25.get_scores(known)

    def search(self, qvec: np.ndarray, tokens: list[str], mode: str = "hybrid", top_k: int = 6) -> list[Hit]:
        dense_all = np.maximum(self.kb.passage_vecs @ qvec, self.sentence_max(self.kb.sentence_vecs @ qvec))
        sharp = self.sentence_max(self.kb.sentence_scores(qvec))
        lex_all = self.lexical_scores(tokens)
        fused: dict[str, float] = {}
        if mode in ("hybrid", "dense"):
            for rank, (pid, _) in enumerate(self.dense_ranked(qvec, self.candidates)):
                fused[pid] = fused.get(pid, 0.0) + W_PASSAGE / (self.rrf_k + rank + 1)
            # best single sentence: a short exact answer inside a long passage
            order = np.argsort(-sharp)[: self.candidates]
            for rank, i in enumerate(order):
                pid = self.order[i]
                fused[pid] = fused.get(pid, 0.0) + W_SENTENCE / (self.rrf_k + rank + 1)
        if mode in ("hybrid", "bm25"):
            order = np.argsort(-lex_all)[: self.candidates]
            for rank, i in enumerate(order):
                if lex_all[i] <= 0:
                    break
                pid = self.order[i]
                fused[pid] = fused.get(pid, 0.0) + W_LEXICAL / (self.rrf_k + rank + 1)
        ranked = sorted(fused.items(), key=lambda kv: -kv[1])
        hits = []
        for pid, score in ranked:
            row = self.kb.passage_row(pid)
            hits.append(Hit(self.kb.passages[pid], score, float(dense_all[row]), float(lex_all[row])))
        return _diversify(hits, top_k)


def _diversify(hits: list[Hit], top_k: int, extra: int = 3, margin: float = 0.03) -> list[Hit]:
    """Keep the top_k, then add the best passage of each source left out when it is nearly as close.

    Answers and disagreement detection need to see every source that speaks to
    the question, not only the one whose wording matches best.
    """
    kept = hits[:top_k]
    if not kept:
        return kept
    best = max(h.dense for h in kept)
    seen = {h.passage.source_id for h in kept}
    for h in hits[top_k:]:
        if extra <= 0:
            break
        if h.passage.source_id not in seen and h.dense >= best - margin:
            kept.append(h)
            seen.add(h.passage.source_id)
            extra -= 1
    return kept
