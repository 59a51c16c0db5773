"""The one bot shared by the web UI and the REST API of a running app.

The bot is loaded lazily (or eagerly by `app.py`, so that the first run shows
the index build) and questions are answered one at a time: the machine is
small and the core keeps caches that are not meant for concurrent writers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from bot.models import Answer, SourceProfile

log = logging.getLogger(__name__)


def _default_loader():
    from bot import load_bot

    return load_bot()


class ChatService:
    """Lazy, thread-safe access to the bot; `loader` is swapped for a fake in unit tests."""

    def __init__(self, loader: Callable[[], Any] | None = None, bot: Any = None):
        self._loader = loader or _default_loader
        self._bot: Any = bot
        self._load_lock = threading.Lock()
        self._ask_lock = threading.Lock()

    @property
    def bot(self) -> Any:
        if self._bot is None:
            with self._load_lock:
                if self._bot is None:
                    self._bot = self._loader()
        return self._bot

    @property
    def loaded(self) -> bool:
        return self._bot is not None

    @property
    def sources(self) -> Mapping[str, SourceProfile]:
        return self.bot.kb.sources

    @property
    def documents(self) -> Mapping[str, str]:
        return self.bot.kb.documents

    def ask(self, question: str, history: list[dict] | None = None, id: str | None = None) -> Answer:
        bot = self.bot
        with self._ask_lock:
            return bot.ask(question, history=history or None, id=id)


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
