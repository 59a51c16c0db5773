"""Everything the answerer knows, loaded once per process.

The tables derived from the corpus (token sets, idf, row maps, the BM25
index) are computed here, once, the first time they are read, so that the
retriever, the composer and the disagreement detector share them instead of
each building its own copy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from rank_bm25 import BM25Okapi

from bot.models import Passage, SourceProfile
from bot.store.embed import Embedder

CENTERING = 0.5


@dataclass
class Sentence:
    """A sentence of a passage; `text` is the verbatim slice passage.text[start:end]."""

    passage_id: str
    source_id: str
    text: str
    start: int
    end: int


@dataclass
class KB:
    sources: dict[str, SourceProfile]
    passages: dict[str, Passage]
    documents: dict[str, str]
    sentences: list[Sentence]
    sentence_vecs: np.ndarray  # (N, d), L2-normalised, row i <-> sentences[i]
    passage_sentences: dict[str, list[int]]
    passage_vecs: np.ndarray  # (P, d), row order = passage_order
    passage_order: list[str]
    embedder: Embedder
    fingerprint: str = ""
    extra: dict = field(default_factory=dict)  # where the corpus and the index live (corpus_dir, index_dir)

    # --- vectors ---------------------------------------------------------------------------

    @cached_property
    def sentence_base(self) -> np.ndarray:
        """Each sentence's similarity to the corpus centre: the part every question shares."""
        centre = self.sentence_vecs.mean(axis=0)
        centre /= np.linalg.norm(centre) or 1.0
        return self.sentence_vecs @ centre

    def sentence_scores(self, qvec: np.ndarray) -> np.ndarray:
        """Query-sentence similarity with the shared topical part removed (sharper ranking)."""
        return self.sentence_vecs @ qvec - CENTERING * self.sentence_base

    # --- row maps --------------------------------------------------------------------------

    @cached_property
    def passage_rows(self) -> dict[str, int]:
        """Passage id -> its row in passage_vecs (and in the BM25 index)."""
        return {pid: i for i, pid in enumerate(self.passage_order)}

    @cached_property
    def sentence_passage_rows(self) -> np.ndarray:
        """(N,) row of each sentence's passage in passage_vecs."""
        rows = self.passage_rows
        return np.array([rows[s.passage_id] for s in self.sentences], dtype=np.int64)

    def passage_row(self, pid: str) -> int:
        return self.passage_rows[pid]

    # --- tokens ----------------------------------------------------------------------------

    @cached_property
    def sentence_token_sets(self) -> list[frozenset[str]]:
        """Content lemmas of each sentence."""
        from bot.lang.text import content_tokens

        return [frozenset(content_tokens(s.text)) for s in self.sentences]

    def sentence_tokens(self, i: int) -> frozenset[str]:
        """Content lemmas of sentence i."""
        return self.sentence_token_sets[i]

    @cached_property
    def passage_token_lists(self) -> list[list[str]]:
        """Content lemmas of each passage with its headings, in passage_order (what BM25 indexes)."""
        from bot.lang.text import content_tokens

        out = []
        for pid in self.passage_order:
            p = self.passages[pid]
            out.append(content_tokens(" ".join(p.heading_path) + " " + p.text))
        return out

    @cached_property
    def _passage_token_sets(self) -> dict[str, frozenset[str]]:
        return {
            pid: frozenset(t) for pid, t in zip(self.passage_order, self.passage_token_lists, strict=True)
        }

    def passage_tokens(self, pid: str) -> frozenset[str]:
        """Content lemmas of a passage with its headings."""
        return self._passage_token_sets[pid]

    # --- word weights ------------------------------------------------------------------------

    @cached_property
    def bm25(self) -> BM25Okapi:
        """BM25 over the passages (rows in passage_order)."""
        return BM25Okapi(self.passage_token_lists)

    @cached_property
    def vocab(self) -> frozenset[str]:
        """Every lemma of the passages."""
        return frozenset(t for toks in self.passage_token_lists for t in toks)

    @cached_property
    def idf(self) -> dict[str, float]:
        """BM25 idf of each passage lemma: how rare a word is across passages."""
        return {t: float(self.bm25.idf.get(t, 0.0)) for t in self.vocab}

    @cached_property
    def sentence_idf(self) -> dict[str, float]:
        """log((N + 1) / df) over sentences: how rare a word is across sentences (disagreement relevance)."""
        n = len(self.sentences)
        df: dict[str, int] = {}
        for toks in self.sentence_token_sets:
            for w in toks:
                df[w] = df.get(w, 0) + 1
        return {w: math.log((n + 1) / c) for w, c in df.items()}
