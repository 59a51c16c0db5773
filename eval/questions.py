"""The evaluation question file: one annotated question per JSONL line.

The fields follow the answer contract's evaluation table. Loading validates
every line, so a typo in the set fails loudly instead of scoring silently.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, model_validator

Kind = Literal["factual", "disagreement", "out_of_scope", "unanswerable", "advice", "adversarial"]
ExpectStatus = Literal["answered", "refused", "rejected_input", "any"]
KINDS: tuple[str, ...] = ("factual", "disagreement", "out_of_scope", "unanswerable", "advice", "adversarial")
SOURCE_IDS = ("inserm", "dermatologue", "revue-dermato", "clinique", "praticienne-cheveux")
DEFAULT_QUESTIONS = Path(__file__).resolve().parent / "questions.jsonl"


class Question(BaseModel):
    """One annotated question. Only `question` is required: a bare file scores status-free metrics."""

    id: str = ""
    question: str
    kind: Kind = "factual"
    expect_status: ExpectStatus = "any"
    gold_sources: list[str] = Field(default_factory=list)
    terms: list[str] = Field(default_factory=list)
    expect_disagreement: bool | None = None
    sides: list[list[str]] = Field(default_factory=list)
    must_say_any: list[str] = Field(default_factory=list)
    forbid: list[str] = Field(default_factory=list)
    quote_terms: list[str] = Field(default_factory=list)
    history: list[dict] | None = None
    gold_sentences: list[str] = Field(default_factory=list)
    # how the question is written: standard, colloquial, typo, sms, long or followup
    style: str = "standard"
    near_miss: bool = False  # a tempting unanswerable question that shares words with the documents
    disagreement_on_topic: str | None = None  # the aspect a disagreement block should be about
    language: str | None = None
    note: str | None = None

    @property
    def is_near_miss(self) -> bool:
        return self.near_miss or (self.kind == "unanswerable" and self.expect_status == "refused")

    @property
    def is_colloquial(self) -> bool:
        return self.style in ("colloquial", "typo", "sms", "long") and self.expect_status == "answered"

    @model_validator(mode="after")
    def _check(self) -> Question:
        unknown = {s for s in self.gold_sources + [s for g in self.sides for s in g] if s not in SOURCE_IDS}
        if unknown:
            raise ValueError(f"unknown source ids {sorted(unknown)}")
        if self.expect_disagreement is True and len(self.sides) < 2:
            raise ValueError("expect_disagreement true needs at least two `sides` groups")
        return self


class QuestionFileError(ValueError):
    pass


def load_questions(path: str | Path = DEFAULT_QUESTIONS) -> list[Question]:
    """Read and validate a question file; errors name the line."""
    out: list[Question] = []
    seen: set[str] = set()
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                q = Question(**json.loads(line))
                q.id = q.id or f"line{n}"
            except (ValueError, ValidationError, TypeError) as exc:
                raise QuestionFileError(f"{path}:{n}: {exc}") from exc
            if q.id in seen:
                raise QuestionFileError(f"{path}:{n}: duplicate id {q.id!r}")
            seen.add(q.id)
            out.append(q)
    return out
