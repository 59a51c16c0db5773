"""The evidence map `corpus/claims.yaml`: reviewed disagreements a pharmacist can edit.

Typed by the pydantic models below and checked in one place, `validate_claims`:
the file's shape (`load_claims`), then every quote against the corpus. The JSON
Schema next to the file (`claims.schema.json`, for editors) is written from the
same models: `make schema` rewrites it, and a test checks that the written one
is current.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.disagree import quantities as qty
from bot.disagree import stance as st
from bot.errors import EvidenceMapInvalid
from bot.lang import data as lang
from bot.lang.text import normalize
from bot.models import Disagreement, Position

SCHEMA_NAME = "claims.schema.json"
# every aspect with a file in bot/lang/aspects/ (an aspect only the map knows needs no stance cues)
KNOWN_ASPECTS = tuple(sorted({a.key for a in st.ASPECTS} | set(qty.MEASURES) | set(lang.aspects())))


class MapPosition(BaseModel):
    """One side of a disagreement: a source, its stance in a few words, and its verbatim quote."""

    model_config = ConfigDict(extra="forbid")

    source_id: str = Field(min_length=1, description="One of the ids of corpus/sources.yaml.")
    stance_fr: str = Field(min_length=1, description="The stance in a few French words.")
    stance_en: str = Field(min_length=1, description="The same stance in English.")
    quote: str = Field(
        min_length=1,
        description="Copied verbatim from corpus/clean/<source_id>.md, inside one passage "
        "(spaces and the shape of quote marks may differ).",
    )


class MapEntry(BaseModel):
    """A reviewed disagreement between the documents; it describes the documents, never a question."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, description="Unique, short, lower case.")
    aspect: str = Field(
        description="What the disagreement is about; replaces the detector's finding on that aspect.",
        json_schema_extra={"enum": list(KNOWN_ASPECTS)},
    )
    topic_fr: str = Field(min_length=1)
    topic_en: str = Field(min_length=1)
    summary_fr: str = Field(min_length=1, description="One neutral sentence: who says what, no winner.")
    summary_en: str = Field(min_length=1)
    positions: list[MapPosition] = Field(
        description="At least two sources; with self_contradiction, two or more quotes of one source."
    )
    self_contradiction: bool = Field(
        default=False,
        description="One document says both things: every position quotes the same source.",
    )

    @field_validator("aspect")
    @classmethod
    def _known_aspect(cls, v: str) -> str:
        if v not in KNOWN_ASPECTS:
            raise ValueError(f"unknown aspect '{v}' (known: {list(KNOWN_ASPECTS)})")
        return v

    @model_validator(mode="after")
    def _two_sides(self) -> MapEntry:
        sources = {p.source_id for p in self.positions}
        if not self.self_contradiction and len(sources) < 2:
            raise ValueError("a disagreement needs positions from at least two sources")
        if self.self_contradiction:
            if len(sources) != 1:
                raise ValueError("a self-contradiction quotes one source only")
            if len({normalize(p.quote) for p in self.positions}) < 2:
                raise ValueError("a self-contradiction needs two different quotes of its source")
        return self


EvidenceMap = TypeAdapter(list[MapEntry])


@dataclass
class ClaimPosition:
    source_id: str
    passage_id: str
    quote: str  # as written in the passage (the map may differ in spaces or quote marks)
    stance_fr: str
    stance_en: str
    sentences: list[int]  # indices in kb.sentences of the sentences the quote covers


@dataclass
class Claim:
    """An entry of the evidence map, resolved against the corpus."""

    id: str
    aspect: str
    topic_fr: str
    topic_en: str
    summary_fr: str
    summary_en: str
    positions: list[ClaimPosition]
    self_contradiction: bool = False
    vecs: np.ndarray | None = field(default=None, repr=False)  # "topic: summary" embedded, fr and en


def claims_path(kb=None) -> Path:
    extra = getattr(kb, "extra", None) or {}
    corpus_dir = extra.get("corpus_dir")
    if corpus_dir is None:
        from bot.settings import get_settings

        corpus_dir = get_settings().corpus_dir
    return Path(corpus_dir) / "claims.yaml"


def load_claims(path: Path | None = None) -> list[MapEntry]:
    """The entries of the map, checked for shape; a corpus without a map has none."""
    path = path or claims_path()
    if not path.exists():  # a corpus without an evidence map: the detectors alone
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        raise EvidenceMapInvalid(path.name, f"not valid YAML ({exc})") from exc
    if not isinstance(data, list):
        raise EvidenceMapInvalid(path.name, "expected a list of disagreements")
    entries, seen = [], set()
    for n, raw in enumerate(data):
        eid = str(raw.get("id") or f"#{n + 1}") if isinstance(raw, dict) else f"#{n + 1}"
        where = f"{path.name} entry '{eid}'"
        if not isinstance(raw, dict):
            raise EvidenceMapInvalid(where, "expected a mapping with id, aspect, topic_fr, ...")
        try:
            entry = MapEntry.model_validate(raw)
        except ValidationError as exc:
            raise EvidenceMapInvalid(where, _problem(exc)) from exc
        if entry.id in seen:
            raise EvidenceMapInvalid(where, "duplicate id")
        seen.add(entry.id)
        entries.append(entry)
    return entries


def _problem(exc: ValidationError) -> str:
    """The first error of an entry, said the way an editor of the file reads it."""
    err = exc.errors()[0]
    loc = list(err["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] == "positions" and isinstance(loc[1], int):
        where = f"position {loc[1] + 1}: "
        loc = loc[2:]
    key = ".".join(str(x) for x in loc)
    if err["type"] == "missing" or (err["type"] == "string_too_short" and key):
        return f"{where}missing '{key}'"
    if err["type"] == "extra_forbidden":
        return f"{where}unknown field '{key}'"
    msg = str(err["msg"]).removeprefix("Value error, ")
    return f"{where}{key}: {msg}" if key and err["type"] != "value_error" else f"{where}{msg}"


def validate_claims(kb, path: Path | None = None) -> list[Claim]:
    """The map's entries checked against the corpus, with passages and sentences resolved.

    Every quote must appear verbatim (after whitespace and typographic-quote
    normalisation) in its source's cleaned document and inside one passage.
    Raises EvidenceMapInvalid naming the offending entry otherwise.
    """
    path = path or claims_path(kb)
    by_source: dict[str, list] = {}
    for q in sorted(kb.passages.values(), key=lambda q: q.n):
        by_source.setdefault(q.source_id, []).append(q)
    claims = []
    for e in load_claims(path):
        where = f"{path.name} entry '{e.id}'"
        positions = []
        for k, p in enumerate(e.positions):
            pw = f"{where}, position {k + 1} ({p.source_id})"
            if p.source_id not in kb.sources:
                raise EvidenceMapInvalid(pw, f"unknown source_id '{p.source_id}'")
            quote = normalize(p.quote)
            if quote not in normalize(kb.documents[p.source_id]):
                raise EvidenceMapInvalid(pw, f"quote not found verbatim in the cleaned document: «{p.quote}»")
            pid = next((q.id for q in by_source.get(p.source_id, []) if quote in normalize(q.text)), None)
            if pid is None:
                raise EvidenceMapInvalid(pw, f"quote runs across two passages, cut it to one: «{p.quote}»")
            sentences = [
                i
                for i in kb.passage_sentences.get(pid, [])
                if normalize(kb.sentences[i].text) in quote or quote in normalize(kb.sentences[i].text)
            ]
            verbatim = _verbatim(kb.passages[pid].text, p.quote)
            positions.append(ClaimPosition(p.source_id, pid, verbatim, p.stance_fr, p.stance_en, sentences))
        texts = (e.topic_fr, e.topic_en, e.summary_fr, e.summary_en)
        claims.append(Claim(e.id, e.aspect, *texts, positions, self_contradiction=e.self_contradiction))
    return claims


def _verbatim(text: str, quote: str) -> str:
    """The quote as it is written in the passage (the map may differ in spaces or quote marks)."""
    if quote in text:
        return quote
    words = [re.escape(w) for w in normalize(quote).split(" ")]
    m = re.search(r"\s+".join(words), _typo(text))
    return text[m.start() : m.end()] if m else quote


def _typo(text: str) -> str:
    """Same length as text, typographic quotes and dashes made plain (for locating a map quote)."""
    table = str.maketrans({"’": "'", "‘": "'", "«": '"', "»": '"', "“": '"', "”": '"', "–": "-", "—": "-"})
    return text.translate(table)


# --- the JSON Schema, for editors ----------------------------------------------------------


def json_schema() -> dict:
    schema = EvidenceMap.json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Evidence map (claims.yaml)"
    return schema


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema(folder: Path | None = None) -> Path:
    path = Path(folder) / SCHEMA_NAME if folder else claims_path().with_name(SCHEMA_NAME)
    path.write_text(schema_text(), encoding="utf-8")
    return path


def map_entry(kb, c, lang: str) -> Disagreement:
    """A reviewed evidence-map entry as the contract's Disagreement."""
    en = lang == "en"
    positions = [
        Position(
            source_id=p.source_id,
            passage_id=p.passage_id,
            stance=p.stance_en if en else p.stance_fr,
            quote=p.quote,
            source_label=kb.sources[p.source_id].name(lang),
            source_kind=kb.sources[p.source_id].kind_label(lang),
        )
        for p in c.positions
    ]
    return Disagreement(
        topic=c.topic_en if en else c.topic_fr,
        summary=c.summary_en if en else c.summary_fr,
        positions=positions,
        aspect=c.aspect,
        origin="evidence_map",
        self_contradiction=c.self_contradiction,
    )


# a map entry whose own topic and summary are this close to the question (cosine, query mode) is about
# what was asked; chosen by cross-validation on the training questions (eval/train_disagree.jsonl and the
# labelled questions of eval/train.jsonl), never on the evaluation sets
ENTRY_FIT = 0.89


def entry_fit(c, qvec) -> float:
    """How close the question is to the entry's own words ("topic : summary", French and English)."""
    if qvec is None or c.vecs is None or not c.vecs.size:
        return 0.0
    return float((c.vecs @ np.asarray(qvec, dtype=np.float32)).max())


def entries_answering(
    kb, dx, prob: dict[int, float], threshold: float, lang: str, qvec=None, fit=None, question: str = ""
):
    """Map entries the question is about: two of their positions are sentences that answer it (by the
    relevance model), or the question is closest to this entry's topic and summary, by at least `fit`.

    The question is then the disputed point itself, whatever aspect its words suggest. Self-contradictions
    come only through the first rule: their summaries name one source, a question rarely fits them.
    A question about one source's own words ("que dit l'Inserm") gets no entry by closeness.
    """
    from bot.disagree.detect import _one_source_named  # detect imports this module

    fit = ENTRY_FIT if fit is None else fit
    out = []
    for c in dx.claims:
        hits = [max((prob.get(i, 0.0) for i in p.sentences), default=0.0) for p in c.positions]
        if sum(h >= threshold for h in hits) >= 2:
            out.append((1.0 + sorted(hits)[-2], map_entry(kb, c, lang)))
    if qvec is not None and not (question and _one_source_named(question, dx)):
        fits = [(entry_fit(c, qvec), c) for c in dx.claims if not c.self_contradiction]
        best, c = max(fits, key=lambda fc: fc[0], default=(0.0, None))
        if c is not None and best >= fit and all(d.topic not in (c.topic_fr, c.topic_en) for _, d in out):
            out.append((best, map_entry(kb, c, lang)))
    out.sort(key=lambda x: -x[0])
    return [d for _, d in out]
