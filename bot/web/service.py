"""The one bot shared by the web UI and the REST API of a running app.

The bot is loaded lazily (or eagerly by `app.py`, so that the first run shows
the index build). The core keeps caches that are not meant for concurrent
writers, so answering holds one lock, except while a request waits for its
query embedding: then the others reach the embedding worker too, which embeds
them in one batch (`bot.store.batcher`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from bot.models import Answer, SourceProfile
from bot.store.batcher import BatchingEmbedder, Overloaded, as_client, yielding

log = logging.getLogger(__name__)


def _default_loader():
    from bot import load_bot

    return load_bot()


class ChatService:
    """Lazy, thread-safe access to the bot; `loader` is swapped for a fake in unit tests."""

    def __init__(
        self, loader: Callable[[], Any] | None = None, bot: Any = None, batching: dict | None = None
    ):
        self._loader = loader or _default_loader
        self._batching = batching
        self._bot: Any = None
        self._load_lock = threading.Lock()
        self._ask_lock = threading.Lock()
        self.batcher: BatchingEmbedder | None = None
        self.on_answer: list[Callable[[Answer], None]] = []  # metrics, logs, insights (bot.web.app)
        if bot is not None:
            self._bot = self._install(bot)

    def _install(self, bot: Any) -> Any:
        """Route the bot's query embeddings through one batching worker (unchanged pipeline)."""
        inner = getattr(bot, "embedder", None)
        if isinstance(inner, BatchingEmbedder):
            self.batcher = inner
        elif inner is not None and hasattr(inner, "queries") and hasattr(inner, "_cache"):
            self.batcher = BatchingEmbedder(inner, **(self._batching or {}))
            bot.embedder = self.batcher
            kb = getattr(bot, "kb", None)
            if kb is not None and getattr(kb, "embedder", None) is inner:
                kb.embedder = self.batcher
        return bot

    @property
    def bot(self) -> Any:
        if self._bot is None:
            with self._load_lock:
                if self._bot is None:
                    self._bot = self._install(self._loader())
        return self._bot

    def configure(self, **batching) -> None:
        """Batching settings of the app (before the bot loads, or re-made around the loaded one)."""
        self._batching = batching
        if self.batcher is not None:
            b = self.batcher
            b.batch_size, b.max_wait = max(1, batching["batch_size"]), batching["max_wait_ms"] / 1000
            b.batch_tokens, b.queue_tokens = batching["batch_tokens"], batching["queue_tokens"]

    @property
    def loaded(self) -> bool:
        return self._bot is not None

    @property
    def sources(self) -> Mapping[str, SourceProfile]:
        return self.bot.kb.sources

    @property
    def documents(self) -> Mapping[str, str]:
        return self.bot.kb.documents

    def run(self, fn: Callable[[Any], Any], text: Any, client: str = "local") -> Any:
        """One answering request: admitted by its text's cost (`Overloaded`, a 503, when the embedding
        queue is full), clients interleaved at the embedding worker, one bot call at a time."""
        bot = self.bot
        b = self.batcher
        if b is not None and isinstance(text, str) and b.queued_tokens:
            cost = b.cost(text[:4000])
            if b.queued_tokens + cost > b.queue_tokens:
                b.stats["rejected"] += 1
                raise Overloaded(b.retry_after())
        with as_client(client), yielding(self._ask_lock):
            return fn(bot)

    def ask(
        self, question: str, history: list[dict] | None = None, id: str | None = None, client: str = "local"
    ) -> Answer:
        answer = self.run(lambda bot: bot.ask(question, history=history or None, id=id), question, client)
        for hook in self.on_answer:
            try:
                hook(answer)
            except Exception:  # noqa: BLE001 - observing must never cost the user the answer
                log.exception("answer hook failed")
        return answer


def history_of(turns: list[dict]) -> list[dict]:
    """Chat turns -> the `history` the core reads: user questions and the text shown for each answer."""
    out: list[dict] = []
    for tr in turns:
        ans = tr.get("answer")
        if not ans:
            continue
        out.append({"role": "user", "content": tr.get("question", "")})
        out.append({"role": "assistant", "content": ans.get("answer_markdown", "")})
    return out
