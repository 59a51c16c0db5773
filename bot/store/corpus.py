"""The five documents: metadata, cleaned text, and their split into passages.

Passages follow the document structure (headings, paragraphs, list items,
table rows) and never cross a heading, so that a citation always sits under
one heading a reader can find again.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.errors import CorpusNotFound
from bot.models import Passage, SourceProfile

CHUNKER_VERSION = "3"
MIN_WORDS = 40
MAX_WORDS = 150


def load_sources(corpus_dir: Path) -> dict[str, SourceProfile]:
    path = Path(corpus_dir) / "sources.yaml"
    if not path.is_file():
        raise CorpusNotFound(corpus_dir)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = data["sources"] if isinstance(data, dict) else data
    return {s["id"]: SourceProfile(**s) for s in items}


def load_documents(corpus_dir: Path, source_ids) -> dict[str, str]:
    """Cleaned text per source id: the text that passage offsets index."""
    out = {}
    for sid in source_ids:
        path = Path(corpus_dir) / "clean" / f"{sid}.md"
        if not path.is_file():
            raise CorpusNotFound(corpus_dir, f"clean/{sid}.md")
        out[sid] = path.read_text(encoding="utf-8")
    return out


def corpus_hash(documents: dict[str, str]) -> str:
    h = hashlib.sha256(CHUNKER_VERSION.encode())
    for sid in sorted(documents):
        h.update(sid.encode() + b"\0" + documents[sid].encode() + b"\0")
    return h.hexdigest()


@dataclass
class _Unit:
    """One block of a section: a paragraph, a list item or a table row."""

    start: int
    end: int
    words: int


_HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")
_TABLE_SEP = re.compile(r"^\|?\s*:?-{2,}")


def _word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _sections(doc: str):
    """Yield (heading_path, units) per section, in document order."""
    path: list[tuple[int, str]] = []
    units: list[_Unit] = []
    header: str | None = None
    pos = 0
    for line in doc.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        stripped = line.strip()
        m = _HEADING.match(stripped)
        if m:
            if units:
                yield [t for lvl, t in path if lvl > 1], units
                units = []
            level = len(m.group(1))
            path = [(lvl, t) for lvl, t in path if lvl < level] + [(level, m.group(2))]
            header = None
            continue
        if not stripped:
            header = None
            continue
        if stripped.startswith("|"):
            if _TABLE_SEP.match(stripped.replace(" ", "")):
                continue
            if header is None:
                header = stripped
                units.append(_Unit(start, end, _word_count(line)))
            else:
                units.append(_Unit(start, end, _word_count(line)))
            continue
        header = None
        units.append(_Unit(start, end, _word_count(line)))
    if units:
        yield [t for lvl, t in path if lvl > 1], units


def _split_long(doc: str, unit: _Unit) -> list[_Unit]:
    """Cut a paragraph longer than MAX_WORDS at sentence ends."""
    from bot.lang.text import split_sentences

    text = doc[unit.start : unit.end]
    pieces: list[_Unit] = []
    cur_start, cur_words, prev_end = None, 0, 0
    for s, e in split_sentences(text):
        w = _word_count(text[s:e])
        if cur_start is not None and cur_words + w > MAX_WORDS * 0.8:
            pieces.append(_Unit(unit.start + cur_start, unit.start + prev_end, cur_words))
            cur_start, cur_words = None, 0
        if cur_start is None:
            cur_start = s
        cur_words += w
        prev_end = e
    if cur_start is not None:
        pieces.append(_Unit(unit.start + cur_start, unit.start + prev_end, cur_words))
    return pieces or [unit]


def split_passages(source_id: str, doc: str) -> list[Passage]:
    passages: list[Passage] = []
    for heading_path, units in _sections(doc):
        flat: list[_Unit] = []
        for u in units:
            flat.extend(_split_long(doc, u) if u.words > MAX_WORDS else [u])
        group: list[_Unit] = []
        words = 0
        for u in flat:
            if group and words >= MIN_WORDS and words + u.words > MAX_WORDS:
                passages.append(_make(source_id, doc, heading_path, group, len(passages) + 1))
                group, words = [], 0
            group.append(u)
            words += u.words
        if group:
            # a short tail joins the previous passage of the same section when it fits
            if passages and words < MIN_WORDS // 2 and _same_section(passages[-1], heading_path):
                prev = passages.pop()
                merged = _Unit(prev.start, group[-1].end, 0)
                passages.append(_make(source_id, doc, heading_path, [merged], prev.n))
            else:
                passages.append(_make(source_id, doc, heading_path, group, len(passages) + 1))
    return passages


def _same_section(p: Passage, heading_path: list[str]) -> bool:
    return p.heading_path == heading_path


def _make(source_id: str, doc: str, heading_path: list[str], group: list[_Unit], n: int) -> Passage:
    start, end = group[0].start, group[-1].end
    return Passage(
        id=f"{source_id}#{n}",
        source_id=source_id,
        n=n,
        heading_path=list(heading_path),
        text=doc[start:end],
        start=start,
        end=end,
    )


def table_header_for(doc: str, passage: Passage) -> str | None:
    """The header row of the table a passage's rows belong to (for embedding context only)."""
    if not passage.text.lstrip().startswith("|"):
        return None
    before = doc[: passage.start].rstrip("\n").split("\n")
    header = None
    for line in reversed(before):
        s = line.strip()
        if not s.startswith("|"):
            break
        header = s
    return header if header and not _TABLE_SEP.match(header.replace(" ", "")) else None


def embedding_text(title: str, doc: str, p: Passage) -> str:
    """What is embedded for a passage: its place in the document, then its text."""
    parts = [title, *p.heading_path]
    head = table_header_for(doc, p)
    body = p.text if head is None else f"{head}\n{p.text}"
    return " > ".join(parts) + "\n" + body
