"""The answer contract and the corpus types, defined once for every surface.

The JSON shape follows the project's answer contract: fields may be added,
never renamed or dropped.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Status = Literal["answered", "not_in_sources", "out_of_scope", "rejected_input"]
StatementKind = Literal["quote", "paraphrase", "framing"]


class SourceProfile(BaseModel):
    """Who speaks in a document: shown beside every citation and position."""

    id: str
    file: str
    raw_sha256: str | None = None
    title: str
    publisher: str
    author: str | None = None
    date: str | None = None
    year: str | None = None
    url: str | None = None
    kind: str  # public_institute | journal_review | dermatologist_retail | clinic | practitioner
    kind_label_fr: str
    kind_label_en: str
    short_name_fr: str
    short_name_en: str
    commercial_interest_fr: str
    commercial_interest_en: str
    sells_treatment: bool = False
    cites_studies: bool = False

    # the profile's wording in the reader's language (French for any language but English)
    def name(self, lang: str) -> str:
        """How a sentence names the source, e.g. "l'Inserm" / "Inserm"."""
        return self.short_name_en if lang == "en" else self.short_name_fr

    def kind_label(self, lang: str) -> str:
        """What kind of source it is, e.g. "institut public de recherche"."""
        return self.kind_label_en if lang == "en" else self.kind_label_fr

    def interest(self, lang: str) -> str:
        """Its commercial interest in the treatment, as the profile states it."""
        return self.commercial_interest_en if lang == "en" else self.commercial_interest_fr


class Passage(BaseModel):
    """A contiguous span of a cleaned document: the unit that is indexed and cited."""

    id: str  # "<source_id>#<n>"
    source_id: str
    n: int
    heading_path: list[str] = Field(default_factory=list)
    text: str
    start: int
    end: int


class Statement(BaseModel):
    kind: StatementKind
    text: str
    citations: list[str] = Field(default_factory=list)
    # where the statement belongs on screen: the answer itself, the disagreement block,
    # the referral note, or a refusal
    section: Literal["answer", "disagreement", "referral", "refusal"] = "answer"
    # for a quote: [start, end) character offsets into `text` of the span that answers the question
    # (an amount, a duration, a name); the text itself stays verbatim
    highlight: list[tuple[int, int]] = Field(default_factory=list)


class Citation(BaseModel):
    passage_id: str
    source_id: str
    source_title: str
    text: str
    start: int
    end: int
    score: float
    heading_path: list[str] = Field(default_factory=list)
    source_kind: str | None = None
    source_label: str | None = None
    source_date: str | None = None
    marker: int | None = None  # the [n] shown in answer_markdown
    highlights: list[str] = Field(default_factory=list)  # quoted sentences


class Position(BaseModel):
    source_id: str
    passage_id: str
    stance: str
    quote: str
    source_label: str | None = None
    source_kind: str | None = None


class Disagreement(BaseModel):
    topic: str
    summary: str
    positions: list[Position]
    aspect: str | None = None
    origin: Literal["detector", "evidence_map"] | None = None
    self_contradiction: bool = False  # every position quotes the same document: it contradicts itself


class Answer(BaseModel):
    id: str | None = None
    question: str
    language: Literal["fr", "en"] = "fr"
    status: Status
    answer_markdown: str = ""
    statements: list[Statement] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    disagreements: list[Disagreement] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)
    error: str | None = None
    suggestions: list[str] = Field(default_factory=list)
    referral: bool = False
    retrieved: list[str] = Field(default_factory=list)  # passage ids, best first
