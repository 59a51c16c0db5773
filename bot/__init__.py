"""Evidence-aware answers about exosome treatments, quoted from five fixed documents.

from bot import load_bot
load_bot().ask("Les exosomes sont-ils bien tolérés ?")
"""

from __future__ import annotations

import os
from threading import Lock

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # busy-waiting threads starve a loaded 2-core host
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from bot.models import Answer
from bot.settings import Settings, get_settings

__all__ = ["Answer", "Settings", "load_bot"]

_bots: dict[str, object] = {}
_lock = Lock()


def load_bot(settings: Settings | None = None, progress: bool = True):
    """The process-wide bot for these settings; the first call loads (or builds) the index."""
    from bot.answer.pipeline import Bot

    settings = settings or get_settings()
    key = settings.model_dump_json()
    with _lock:
        bot = _bots.get(key)
        if bot is None:
            bot = _bots[key] = Bot(settings, progress=progress)
    return bot
