"""Everything the answerer knows, loaded once per process."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

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
    extra: dict = field(default_factory=dict)

    @property
    def sentence_base(self) -> np.ndarray:
        """Each sentence's similarity to the corpus centre: the part every question shares."""
        base = self.extra.get("_base")
        if base is None:
            centre = self.sentence_vecs.mean(axis=0)
            centre /= np.linalg.norm(centre) or 1.0
            base = self.extra["_base"] = self.sentence_vecs @ centre
        return base

    def sentence_scores(self, qvec: np.ndarray) -> np.ndarray:
        """Query-sentence similarity with the shared topical part removed (sharper ranking)."""
        return self.sentence_vecs @ qvec - CENTERING * self.sentence_base

    def sentence_tokens(self, i: int) -> frozenset[str]:
        """Content lemmas of sentence i, computed once."""
        cache = self.extra.get("_stoks")
        if cache is None:
            from bot.lang.text import content_tokens

            cache = self.extra["_stoks"] = [frozenset(content_tokens(s.text)) for s in self.sentences]
        return cache[i]

    def passage_tokens(self, pid: str) -> frozenset[str]:
        """Content lemmas of a passage with its headings, computed once."""
        cache = self.extra.get("_ptoks")
        if cache is None:
            from bot.lang.text import content_tokens

            cache = self.extra["_ptoks"] = {
                p.id: frozenset(content_tokens(" ".join(p.heading_path) + " " + p.text))
                for p in self.passages.values()
            }
        return cache[pid]

    def passage_row(self, pid: str) -> int:
        rows = self.extra.get("_rows")
        if rows is None:
            rows = self.extra["_rows"] = {p: i for i, p in enumerate(self.passage_order)}
        return rows[pid]
