"""POST /api/check: a claim checked source by source, as an Answer with its `checks`.

Included by `bot.web.app`, so the body limit, the rate limit (the same budget
as /api/ask), the security headers and the JSON error handlers apply.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from bot.check import check
from bot.models import Answer
from bot.web.http import answer_or_error
from bot.web.security import client_key

log = logging.getLogger(__name__)
router = APIRouter()


class CheckRequest(BaseModel):
    """A claim, as met in an advert, a post or a clinic page."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={"examples": [{"claim": "Les exosomes régénèrent la peau sans aucun risque"}]},
    )
    claim: StrictStr = Field(description="The claim to check, as pasted.")
    id: StrictStr | None = Field(None, max_length=200, description="Echoed back in the answer.")


@router.post(
    "/api/check",
    response_model=Answer,
    operation_id="check_claim",
    summary="Check a claim source by source",
    tags=["api"],
    responses={
        400: {"description": "Body is not JSON"},
        413: {"description": "Body too large"},
        422: {"description": "Wrong fields or types"},
        429: {"description": "Too many requests"},
        503: {"description": "Busy, or search index unavailable (retry after Retry-After seconds)"},
    },
)
def check_claim(body: CheckRequest, request: Request) -> Answer:
    """For each part of the claim (an aspect, a quantity), one row per source: soutient, contredit,
    nuance or ne dit rien, with the verbatim quote that shows it. No verdict of the bot's own.
    Refusals and rejected input are answers too (HTTP 200)."""
    service = request.app.state.service
    return answer_or_error(
        lambda: service.run(
            lambda bot: check(bot, body.claim, id=body.id), body.claim, client_key(request.scope)
        ),
        "check",
    )
