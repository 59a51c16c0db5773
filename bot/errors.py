"""The project's own exceptions, so that callers catch what they mean and nothing else.

Surfaces (the CLI, the REST API, the web UI, `Bot.ask`) catch `BotError` to
answer cleanly; a bug elsewhere still shows as a bug.
"""

from __future__ import annotations


class BotError(Exception):
    """Base of every error the bot raises on purpose."""


class IndexUnavailable(BotError, RuntimeError):
    """The vector store cannot be reached (e.g. the Chroma server is down) or its index is incomplete."""


class CorpusNotFound(BotError, FileNotFoundError):
    """The corpus folder (sources.yaml, clean/, claims.yaml) is not where the settings say."""

    def __init__(self, folder, missing: str = "sources.yaml"):
        self.folder = folder
        super().__init__(
            f"corpus not found: {folder} has no {missing}. Set BOT_CORPUS_DIR to the folder that holds "
            "sources.yaml, clean/ and claims.yaml."
        )


class EvidenceMapInvalid(BotError, ValueError):
    """An entry of the evidence map (claims.yaml) is malformed or does not match the corpus."""

    def __init__(self, where: str, problem: str):
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}")


class LanguageDataError(BotError, ValueError):
    """A language data file is malformed (a bad regex, a missing field); names the file and the entry."""


class ConfigError(BotError, ValueError):
    """A setting the app refuses at start-up (an unreadable brand colour, '*' in BOT_ALLOWED_ORIGINS, ...).

    The message says which setting and what to change: `exobot serve` prints it as one line, no traceback.
    """
