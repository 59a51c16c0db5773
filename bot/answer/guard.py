"""Input checks and the bot's own fixed sentences (refusals, referral, errors).

Anything a user sends is treated as plain text: control characters and lone
surrogates are removed, markup is never interpreted, and instructions inside
a question have no effect because answers are only ever quotes.
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass
from typing import Any

from bot.lang.text import detect_language
from bot.models import Answer, Statement

MESSAGES = {
    "empty": {
        "fr": "Votre question est vide. Écrivez une question sur les exosomes (peau, cheveux).",
        "en": "Your question is empty. Please type a question about exosomes (skin, hair).",
    },
    "too_long": {
        "fr": "Votre question est trop longue ({n} caractères, maximum {max}). Raccourcissez-la.",
        "en": "Your question is too long ({n} characters, maximum {max}). Please shorten it.",
    },
    "not_text": {
        "fr": "La question doit être du texte.",
        "en": "The question must be text.",
    },
    "no_words": {
        "fr": "Je n'ai trouvé aucun mot dans votre message. Écrivez une question en toutes lettres.",
        "en": "I found no words in your message. Please type a question in words.",
    },
    "internal": {
        "fr": "Une erreur interne est survenue. Réessayez dans un instant.",
        "en": "An internal error occurred. Please try again in a moment.",
    },
    "not_in_sources": {
        "fr": "Les cinq documents que je consulte ne répondent pas à cette question.",
        "en": "The five documents I rely on do not answer this question.",
    },
    "out_of_scope": {
        "fr": "Je ne peux répondre qu'aux questions sur les exosomes en médecine esthétique (peau, cheveux).",
        "en": "I can only answer questions about exosomes in aesthetic medicine (skin, hair).",
    },
    "coverage": {
        "fr": (
            "Je cite cinq documents : un article de l'Inserm (institut public de recherche), "
            "un article d'une dermatologue publié sur un site de cosmétiques, une revue médicale "
            "de dermatologie, la page d'une clinique et l'article d'une praticienne "
            "spécialiste des cheveux. Ils parlent de ce que sont les exosomes, de leurs effets "
            "annoncés sur la peau et les cheveux, des risques, de la réglementation, des séances et des prix."
        ),
        "en": (
            "I quote five French documents: an article by Inserm (public research institute), "
            "an article by a dermatologist on a cosmetics retail site, a dermatology journal review, "
            "a clinic's page and a hair-loss practitioner's article. They cover what exosomes are, "
            "their claimed effects on skin and hair, risks, regulation, sessions and prices."
        ),
    },
    "referral": {
        "fr": (
            "Ceci n'est pas un avis médical personnalisé : pour votre situation (grossesse, maladie, "
            "traitement en cours), parlez-en à votre pharmacien ou à votre médecin."
        ),
        "en": (
            "This is not personal medical advice: for your own situation (pregnancy, illness, "
            "medication), please talk to your pharmacist or doctor."
        ),
    },
}


def message(key: str, lang: str, **kw) -> str:
    text = MESSAGES[key]["en" if lang == "en" else "fr"]
    return text.format(**kw) if kw else text


@dataclass
class Checked:
    text: str  # cleaned question used for retrieval
    display: str  # what the Answer echoes back (cleaned, bounded)
    lang: str
    error: str | None = None


_CTRL = re.compile(
    r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]"
)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_TAG = re.compile(r"<[^>]{0,200}>")


def clean_text(value: str) -> str:
    """Drop lone surrogates and control characters; fold whitespace."""
    value = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace").replace("\ufffd", "")
    value = unicodedata.normalize("NFC", value)
    value = _ANSI.sub(" ", value)
    value = _CTRL.sub(" ", value)
    return re.sub(r"\s+", " ", value).strip()


def check_question(question: Any, max_chars: int) -> Checked:
    if isinstance(question, bytes):
        try:
            question = question.decode("utf-8")
        except UnicodeDecodeError:
            return Checked("", "", "fr", message("not_text", "fr"))
    if not isinstance(question, str):
        return Checked("", "", "fr", message("not_text", "fr"))
    raw_len = len(question)
    if raw_len > max_chars * 4:  # do not even clean a huge payload
        return Checked("", "", "fr", message("too_long", "fr", n=raw_len, max=max_chars))
    text = clean_text(question)
    lang = detect_language(text) if text else "fr"
    display = text[:max_chars]
    if not text:
        return Checked("", "", lang, message("empty", lang))
    if len(text) > max_chars:
        return Checked("", display, lang, message("too_long", lang, n=len(text), max=max_chars))
    searchable = _TAG.sub(" ", text)
    if not re.search(r"[^\W\d_]{2,}", searchable):
        return Checked("", display, lang, message("no_words", lang))
    return Checked(searchable.strip() or text, display, lang)


def previous_question(history: Any, max_turns: int) -> str | None:
    """The last user turn of a conversation, if the history is usable."""
    if not isinstance(history, list):
        return None
    for turn in reversed(history[-2 * max(1, max_turns) :]):
        content = None
        if isinstance(turn, dict) and turn.get("role") == "user":
            content = turn.get("content")
        elif isinstance(turn, (list, tuple)) and turn and isinstance(turn[0], str):
            content = turn[0]  # (user, assistant) pairs
        if isinstance(content, str):
            text = clean_text(content)
            if text and len(text) <= 4000:
                return _TAG.sub(" ", text).strip() or None
    return None


def rejected(qid: str | None, display: str, error: str, lang: str, t0: float) -> Answer:
    return Answer(
        id=qid,
        question=display,
        language="en" if lang == "en" else "fr",
        status="rejected_input",
        answer_markdown=error,
        statements=[Statement(kind="framing", text=error, section="refusal")],
        error=error,
        timings_ms={"total": round((time.perf_counter() - t0) * 1000, 2)},
    )
