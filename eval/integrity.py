"""The answer's integrity: quotes verbatim in their passages, citations that are slices of the cleaned
documents, statements supported by their citations, cited passages that bear on the question.

Text matching follows the answer contract: verbatim checks use the same whitespace and typographic-quote
normalisation as the bot (`bot.lang.text`); term checks also ignore case and accents.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.lang.text import content_tokens, fold, normalize
from bot.lang.text import is_verbatim as verbatim_in  # the contract's test, the same function the bot uses
from bot.models import Answer
from eval.questions import Question

MIN_SHARED_LEMMAS = 2  # citation precision: lexical overlap that makes a gold-source passage relevant


# --- text helpers ----------------------------------------------------------------


def folded(text: str) -> str:
    """Case-, accent- and whitespace-insensitive form for term matching."""
    return fold(normalize(text))


def contains_term(text: str, term: str) -> bool:
    t = folded(term)
    return bool(t) and t in folded(text)


def source_of(passage_id: str) -> str:
    return passage_id.split("#", 1)[0]


def visible_text(a: Answer) -> str:
    """Everything the user reads: the markdown, the statements and any error message."""
    parts = [a.answer_markdown or "", *(s.text for s in a.statements), a.error or ""]
    return "\n".join(parts)


def _passage_texts(a: Answer, passages: Mapping[str, str] | None) -> dict[str, str]:
    texts = dict(passages or {})
    texts.update({c.passage_id: c.text for c in a.citations})  # what the answer itself shows
    return texts


# --- integrity checks -----------------------------------------------------------------


def quote_checks(a: Answer, passages: Mapping[str, str] | None = None) -> list[bool]:
    """One result per `quote` statement: verbatim inside at least one of its cited passages."""
    texts = _passage_texts(a, passages)
    return [
        any(verbatim_in(s.text, texts.get(pid, "")) for pid in s.citations)
        for s in a.statements
        if s.kind == "quote"
    ]


def position_checks(a: Answer, passages: Mapping[str, str] | None = None) -> list[bool]:
    """One result per disagreement position: its quote is verbatim in its own passage."""
    texts = _passage_texts(a, passages)
    return [
        source_of(p.passage_id) == p.source_id and verbatim_in(p.quote, texts.get(p.passage_id, ""))
        for d in a.disagreements
        for p in d.positions
    ]


def provenance_checks(a: Answer, documents: Mapping[str, str]) -> list[bool]:
    """One result per citation: its text is the slice [start:end] of its source's cleaned document."""
    out = []
    for c in a.citations:
        doc = documents.get(c.source_id)
        ok = (
            doc is not None
            and source_of(c.passage_id) == c.source_id
            and 0 <= c.start < c.end <= len(doc)
            and normalize(doc[c.start : c.end]) == normalize(c.text)
            and bool(normalize(c.text))
        )
        out.append(ok)
    return out


def faithfulness_checks(a: Answer, passages: Mapping[str, str] | None = None) -> list[bool]:
    """One result per non-framing statement: supported by its citations.

    A quote is supported when it is verbatim in a cited passage. A paraphrase
    is supported only when the answer marks it as verified (a `verified`
    attribute set by the bot's support check) and it carries citations;
    otherwise it counts as unsupported.
    """
    texts = _passage_texts(a, passages)
    out = []
    for s in a.statements:
        if s.kind == "framing":
            continue
        if s.kind == "quote":
            out.append(any(verbatim_in(s.text, texts.get(pid, "")) for pid in s.citations))
        else:
            out.append(bool(getattr(s, "verified", False)) and bool(s.citations))
    return out


def citation_relevance(q: Question, a: Answer) -> list[bool]:
    """One result per cited passage: does it bear on the question?

    A passage bears on the question when it contains one of the question's
    gold terms, or when it belongs to a gold source and shares at least
    MIN_SHARED_LEMMAS content lemmas with the question. Scored only on
    answered questions that have gold terms.
    """
    if q.expect_status != "answered" or not q.terms or a.status != "answered":
        return []
    qlemmas = set(content_tokens(q.question))
    out = []
    for c in a.citations:
        if any(contains_term(c.text, t) for t in q.terms):
            out.append(True)
            continue
        shared = qlemmas & set(content_tokens(c.text))
        out.append(c.source_id in q.gold_sources and len(shared) >= MIN_SHARED_LEMMAS)
    return out
