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
    """One sentence of the answer, of one kind (quote, paraphrase, framing), with the passages it cites."""

    kind: StatementKind = Field(
        description="`quote`: verbatim text of a cited passage; `paraphrase`: reworded, checked against its "
        "citations; `framing`: connective words with no claim of their own."
    )
    text: str = Field(description="What the reader sees. For a quote, verbatim inside a cited passage.")
    citations: list[str] = Field(
        default_factory=list, description="Passage ids (`<source_id>#<n>`) this statement quotes or rests on."
    )
    # where the statement belongs on screen: the answer itself, the disagreement block,
    # the referral note, or a refusal
    section: Literal["answer", "disagreement", "referral", "refusal"] = Field(
        "answer",
        description="Where it belongs on screen: the answer, the disagreement block, the referral or a refusal.",
    )
    # for a quote: [start, end) character offsets into `text` of the span that answers the question
    # (an amount, a duration, a name); the text itself stays verbatim
    highlight: list[tuple[int, int]] = Field(
        default_factory=list,
        description="For a quote: [start, end) character offsets into `text` of the span that answers the question.",
    )


class Citation(BaseModel):
    """A cited passage: its whole text as stored in the index, and where it sits in its document."""

    passage_id: str = Field(description="`<source_id>#<n>`, stable while the document text does not change.")
    source_id: str = Field(
        description="One of the five source ids (inserm, dermatologue, revue-dermato, ...)."
    )
    source_title: str = Field(description="Title of the source document.")
    text: str = Field(description="The whole passage, verbatim as stored in the index; never summarised.")
    start: int = Field(description="Character offset of the passage start in the cleaned document.")
    end: int = Field(description="Character offset of the passage end in the cleaned document.")
    score: float = Field(description="Retrieval score (higher is closer to the question); for ordering only.")
    heading_path: list[str] = Field(
        default_factory=list, description="Headings above the passage in its document, outermost first."
    )
    source_kind: str | None = Field(
        None, description="Kind of source, in the answer's language (e.g. public research institute)."
    )
    source_label: str | None = Field(None, description='How the answer names the source, e.g. "l\'Inserm".')
    source_date: str | None = Field(None, description="Publication date or year of the source, when known.")
    marker: int | None = Field(None, description="The [n] shown for this citation in answer_markdown.")
    highlights: list[str] = Field(
        default_factory=list, description="Sentences of this passage that the answer quotes (to highlight)."
    )


class Position(BaseModel):
    """What one source says in a disagreement, in its own words."""

    source_id: str = Field(description="The source taking this position.")
    passage_id: str = Field(description="The passage the quote comes from.")
    stance: str = Field(description="Its stance on the topic, e.g. rassurant, prudent, favorable, réservé.")
    quote: str = Field(description="Verbatim text inside the passage `passage_id`.")
    source_label: str | None = Field(None, description="How the answer names the source.")
    source_kind: str | None = Field(None, description="Kind of source, in the answer's language.")


class Disagreement(BaseModel):
    """A real disagreement among the cited sources: who says what, each in its own words."""

    topic: str = Field(description='What the sources disagree about, e.g. "tolérance et sécurité".')
    summary: str = Field(description="One neutral sentence saying who says what.")
    positions: list[Position] = Field(description="One entry per side, at least two sources or passages.")
    aspect: str | None = Field(None, description="Machine name of the aspect (e.g. safety, duration, price).")
    origin: Literal["detector", "evidence_map"] | None = Field(
        None, description="Found by the detector at answer time, or taken from the reviewed evidence map."
    )
    self_contradiction: bool = Field(
        False, description="Every position quotes the same document: it contradicts itself."
    )


class CheckRow(BaseModel):
    """What one source says on one part of a checked claim: a label and the verbatim quote that shows it."""

    source_id: str
    label: Literal["soutient", "contredit", "nuance", "ne dit rien"]
    passage_id: str | None = None
    quote: str | None = None  # verbatim sentence of the passage; None for "ne dit rien"
    value: str | None = None  # for a quantity: the source's own value ("trois à six mois")
    source_label: str | None = None  # the source's kind, e.g. "clinique qui propose ce soin"
    sells_treatment: bool = False


class Check(BaseModel):
    """One checkable part of a claim (an aspect, or a quantity it states) and one row per source."""

    aspect: str
    part: str  # the words of the claim this part is about
    topic: str = ""
    claim_value: str | None = None  # for a quantity: the claim's own value ("3 mois")
    rows: list[CheckRow] = Field(default_factory=list)


class Answer(BaseModel):
    """The answer contract: what every surface (CLI, Python, REST, web UI, evaluation) returns."""

    id: str | None = Field(None, description="The request's id, echoed back.")
    question: str = Field(description="The question as received.")
    language: Literal["fr", "en"] = Field(
        "fr", description="Language of the answer's own words (quotes stay French)."
    )
    status: Status = Field(
        description="answered; not_in_sources (on topic, the documents do not say); out_of_scope; "
        "rejected_input (empty, too long, not text: see `error`)."
    )
    answer_markdown: str = Field(
        "", description="What the chat shows, as Markdown with [n] citation markers."
    )
    statements: list[Statement] = Field(
        default_factory=list, description="The answer sentence by sentence, each with its kind."
    )
    citations: list[Citation] = Field(default_factory=list, description="The passages cited, each in full.")
    disagreements: list[Disagreement] = Field(
        default_factory=list,
        description="Real disagreements among the cited sources; empty when they agree or only one speaks.",
    )
    timings_ms: dict[str, float] = Field(
        default_factory=dict, description="Time spent per step, in ms; `total` always."
    )
    error: str | None = Field(None, description="For rejected_input: a clear message for the user.")
    suggestions: list[str] = Field(
        default_factory=list, description="Questions the documents do answer, offered after a refusal."
    )
    referral: bool = Field(
        False, description="The answer ends by referring the reader to a pharmacist or doctor."
    )
    retrieved: list[str] = Field(default_factory=list, description="Passage ids retrieved, best first.")
    checks: list[Check] = Field(
        default_factory=list,
        description="For POST /api/check: the claim's checkable parts, one row per source.",
    )
