"""What GET /api/health, /api/health/live and /api/health/ready report, so a load balancer can route around a replica that cannot answer.

`degraded` means the app runs but its vector store (the Chroma server) does not
answer: questions get a 503 until it is back, and the app reconnects by itself.
"""

from __future__ import annotations

import sys
from typing import Any, Literal

from pydantic import BaseModel, Field


class Health(BaseModel):
    status: Literal["ok", "loading", "degraded"]
    sources: int
    passages: int
    index: Literal["ok", "loading", "unavailable"] = Field(
        "loading", description="Whether the vector store answers."
    )
    index_built: bool = Field(False, description="This process built the index when it started.")
    torch_loaded: bool = Field(False, description="torch is imported (it should not be on the default path).")


def check_health(service: Any) -> Health:
    """Loaded or not, and a real round trip to the vector store when loaded."""
    torch_loaded = "torch" in sys.modules
    if not service.loaded:
        return Health(status="loading", sources=0, passages=0, torch_loaded=torch_loaded)
    bot = service.bot
    kb = bot.kb
    check = getattr(bot, "check_index", None)
    ok = check() if check is not None else True
    stores = getattr(bot, "stores", None)
    return Health(
        status="ok" if ok else "degraded",
        sources=len(kb.sources),
        passages=len(kb.passages),
        index="ok" if ok else "unavailable",
        index_built=bool(getattr(stores, "built", False)),
        torch_loaded=torch_loaded,
    )


def check_ready(service: Any) -> dict:
    """Ready = loaded, its index checked at start, and no failure of the vector store since.

    Reads flags only (no model, no store call), so it answers at once under any load."""
    if not service.loaded:
        return {"status": "loading"}
    bot = service.bot
    if getattr(bot, "_index_ok", True) is False:
        return {"status": "degraded", "index": "unavailable"}
    b = getattr(service, "batcher", None)
    return {"status": "ready", "queued_tokens": b.queued_tokens if b is not None else 0}
