"""Which sentences can answer a question on their own: not captions, bibliography, table headers,
questions or fragments. Shared by the relevance model and the rules baseline."""

from __future__ import annotations

import re

from bot.lang import data
from bot.store.kb import KB

MIN_SENTENCE_CHARS = 25
CAPTION = re.compile(r"^(Fig\.|Tableau [IVX]+\s*:)|\(image d.illustration\)\.?\s*$")
REFERENCE_HEADINGS = re.compile(r"(?i)^\s*(bibliographie|références|references|sources)\b")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def usable(kb: KB, i: int) -> bool:
    """A caption labels, a bibliography entry names a study, a table's first row names columns: none
    of them answers anything."""
    s = kb.sentences[i]
    p = kb.passages[s.passage_id]
    if any(REFERENCE_HEADINGS.match(x) for x in p.heading_path):
        return False
    t = s.text.rstrip()
    return not (len(t) < MIN_SENTENCE_CHARS or t.endswith("?") or CAPTION.search(t) or table_header(kb, s))


def table_header(kb: KB, s) -> bool:
    """The first row of a table names columns; it answers nothing on its own."""
    if not s.text.startswith("|"):
        return False
    p = kb.passages[s.passage_id]
    at = p.start + s.start
    prev_line = kb.documents[p.source_id][:at].rstrip("\n").rsplit("\n", 1)[-1].strip()
    return not prev_line.startswith("|")


def refers_back(text: str) -> bool:
    """The sentence opens with a word that refers back ("Il", "Ces", "Donc"): unclear read alone."""
    words = " ".join(_WORD.findall(text[:60].lower())[:3])
    return any(words == a or words.startswith(a + " ") for a in data.anaphora())
