"""Whether a question leans on the previous turn.

History is read only for an elliptical follow-up that cannot stand alone
("Et pour le visage ?", "ça coûte combien ?", "and the price?"). A question
with a subject of its own, and above all a personal health question
(pregnancy, illness, medication), is answered on its own, so that nothing of
an earlier turn (its quotes, its referral, its disagreement block) carries
over by itself.
"""

from __future__ import annotations

from bot.answer.scope import DOMAIN, needs_referral
from bot.answer.vocab import GENERIC
from bot.lang import data
from bot.lang.text import fold


def has_subject(question: str) -> bool:
    """The question names what it is about: a domain word that is more than an aspect, or a health situation."""
    _, aspect_only, _ = data.conversation()
    f = fold(question)
    return needs_referral(question) or any(w in f for w in DOMAIN if w not in aspect_only)


def is_elliptical(question: str, tokens: list[str]) -> bool:
    """True for a short follow-up that only makes sense with the previous turn."""
    if needs_referral(question):
        return False  # a personal health question is always answered on its own
    leading, _, most = data.conversation()
    focus = [t for t in dict.fromkeys(tokens) if t not in GENERIC]
    if len(focus) > most:
        return False
    return bool(leading.search(question)) or not has_subject(question)
