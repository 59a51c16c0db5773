"""What kind of answer a question asks for (an amount, a duration, a name...) and where a sentence holds one.

The patterns are data (`bot/lang/answer_types.yaml`); the relevance model uses the match as a
feature, and the answer marks the matching span of a quote (`highlight`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, field_validator

from bot.errors import LanguageDataError
from bot.lang.text import STOPWORDS, merge_spans

TYPES_FILE = Path(__file__).resolve().parent.parent / "lang" / "answer_types.yaml"


class AnswerType(BaseModel):
    name: str
    question: list[re.Pattern]
    sentence: list[re.Pattern]

    @field_validator("question", "sentence", mode="before")
    @classmethod
    def _compile(cls, v):
        return [re.compile(p) for p in v]


@lru_cache(maxsize=1)
def answer_types() -> tuple[AnswerType, ...]:
    data = yaml.safe_load(TYPES_FILE.read_text(encoding="utf-8"))
    try:
        return tuple(AnswerType(**t) for t in data["types"])
    except (ValueError, TypeError, KeyError, re.error) as exc:  # a bad regex or a missing field
        raise LanguageDataError(f"lang/{TYPES_FILE.name}: {exc}") from exc


def question_type(folded_question: str) -> AnswerType | None:
    for t in answer_types():
        if any(p.search(folded_question) for p in t.question):
            return t
    return None


def answer_spans(text: str, atype: AnswerType | None) -> list[tuple[int, int]]:
    """Character spans of `text` that hold the kind of answer asked for (for `highlight`)."""
    if atype is None:
        return []
    # a span that is only a function word ("Il" opening a sentence, "Les") holds no answer
    return merge_spans(
        m.span()
        for p in atype.sentence
        for m in p.finditer(text)
        if m.end() > m.start() and m.group(0).strip().lower() not in STOPWORDS
    )
