"""Whether a question leans on the previous turn.

History is read only for an elliptical follow-up that cannot stand alone
("Et pour le visage ?", "ça coûte combien ?", "and the price?"). A question
with a subject of its own, and above all a personal health question
(pregnancy, illness, medication), is answered on its own, so that nothing of
an earlier turn (its quotes, its referral, its disagreement block) carries
over by itself.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from bot.answer.scope import DOMAIN, needs_referral
from bot.answer.vocab import GENERIC
from bot.errors import LanguageDataError
from bot.lang.text import fold

DATA = Path(__file__).resolve().parent.parent / "lang" / "conversation.yaml"


class Rules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    leading: list[str]
    aspect_only: list[str]
    max_focus_words: int


@lru_cache(maxsize=1)
def rules() -> tuple[re.Pattern, frozenset[str], int]:
    try:
        r = Rules(**yaml.safe_load(DATA.read_text(encoding="utf-8")))
        leading = re.compile(rf"^\W*({'|'.join(r.leading)})\b", re.IGNORECASE)
    except Exception as exc:  # a bad pattern or field: name the file
        raise LanguageDataError(f"lang/{DATA.name}: {exc}") from exc
    unknown = [w for w in r.aspect_only if w not in DOMAIN]
    if unknown:
        raise LanguageDataError(f"lang/{DATA.name}: aspect_only entries not in domain.txt: {unknown}")
    return leading, frozenset(r.aspect_only), r.max_focus_words


def has_subject(question: str) -> bool:
    """The question names what it is about: a domain word that is more than an aspect, or a health situation."""
    _, aspect_only, _ = rules()
    f = fold(question)
    return needs_referral(question) or any(w in f for w in DOMAIN if w not in aspect_only)


def is_elliptical(question: str, tokens: list[str]) -> bool:
    """True for a short follow-up that only makes sense with the previous turn."""
    if needs_referral(question):
        return False  # a personal health question is always answered on its own
    leading, _, most = rules()
    focus = [t for t in dict.fromkeys(tokens) if t not in GENERIC]
    if len(focus) > most:
        return False
    return bool(leading.search(question)) or not has_subject(question)
