"""Text helpers shared by indexing, retrieval and answer checks.

The verbatim check used by tests and the evaluation must be the same function
the composer relies on. The word lists (stop words, language votes) are data
files, loaded by `bot.lang.data`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import simplemma
import snowballstemmer

from bot.lang import data

_STEM = snowballstemmer.stemmer("french")

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
    }
)


def normalize(text: str) -> str:
    """Whitespace and typographic-quote normalisation used for every verbatim check."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip()


def is_verbatim(quote: str, passage: str) -> bool:
    q = normalize(quote)
    return bool(q) and q in normalize(passage)


def fold(text: str) -> str:
    """Lower-case and strip accents: for matching terms, not for display."""
    nfkd = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in nfkd if not unicodedata.combining(c))


# --- sentences -------------------------------------------------------------

# A sentence ends at . ! ? or … followed by space and an upper-case letter,
# a digit, a quote or a bullet. Abbreviations common in the corpus are protected.
_ABBREV = re.compile(
    r"\b(?:fig|Dr|cf|vs|env|al|p|J|Int|Med|Sci|Clin|Cell|Dermatol|Cosmet|Biol)\.$", re.IGNORECASE
)
_END = re.compile(r"[.!?…]+[\"»”)]*\s+(?=[A-ZÀ-ÖØ-Þ0-9«\"“(–-])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences of `text`; spans are verbatim slices.

    Block-level Markdown (list items, table rows, headings) always ends a sentence.
    """
    spans: list[tuple[int, int]] = []
    for line_start, line in _lines(text):
        line_end = line_start + len(line)
        pos = line_start + _markup_prefix_len(line)
        if not line.lstrip().startswith("|"):
            for m in _END.finditer(text, pos, line_end):
                if _ABBREV.search(text[pos : m.start() + 1]):
                    continue  # "fig. 2", "Dr. X": not an end of sentence
                _add_span(spans, text, pos, m.end())
                pos = m.end()
        _add_span(spans, text, pos, line_end)
    return spans


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


_PREFIX = re.compile(r"^\s*(?:#{1,6}\s+|[-*•–]\s+|\d+\.\s+|>\s+)?")


def _markup_prefix_len(line: str) -> int:
    return _PREFIX.match(line).end()


def _add_span(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    seg = text[start:end]
    left = len(seg) - len(seg.lstrip())
    right = len(seg.rstrip())
    if right - left >= 2 and re.search(r"\w", seg):
        spans.append((start + left, start + right))


# --- tokens ------------------------------------------------------------------

STOPWORDS = data.stop_words()  # French and English, from fr/ and en/stop_words.txt

_WORD = re.compile(r"[0-9]+(?:[.,][0-9]+)?|[^\W\d_]+(?:-[^\W\d_]+)*|€", re.UNICODE)


@lru_cache(maxsize=50_000)
def lemma(word: str) -> str:
    w = word.lower()
    try:
        lem = simplemma.lemmatize(w, lang=("fr", "en"))
    except Exception:  # simplemma can reject odd tokens; the folded word still matches
        lem = w
    return fold(_STEM.stemWord(lem))


def word_ngrams(text: str) -> tuple[frozenset, frozenset]:
    """The text's consecutive word pairs and triples, accents and case folded, function words kept
    ("après l'injection" and "à domicile" are phrases, not two words)."""
    w = re.findall(r"\w+", fold(text.lower()))
    return frozenset(zip(w, w[1:], strict=False)), frozenset(zip(w, w[1:], w[2:], strict=False))


def content_tokens(text: str) -> list[str]:
    """Lemmatised, accent-folded content words: the BM25 vocabulary."""
    text = text.replace("’", "'")
    out = []
    for m in _WORD.finditer(text):
        w = m.group(0).lower()
        for part in re.split(r"['-]", w):
            if not part or part in STOPWORDS or fold(part) in STOPWORDS:
                continue
            if len(part) == 1 and not part.isdigit() and part != "€":
                continue
            out.append(lemma(part))
    return out


# --- language ------------------------------------------------------------------

_EN = data.detect_words("en")
_FR = data.detect_words("fr")


def detect_language(text: str) -> str:
    """Tiny stop-word vote: French unless the question is clearly English."""
    words = re.findall(r"[a-zà-ÿ']+", text.lower().replace("’", "'"))
    en = sum(w in _EN for w in words)
    fr = sum(w in _FR for w in words) + 2 * len(re.findall(r"[éèêàùçœ]", text.lower()))
    return "en" if en > fr else "fr"


def merge_spans(spans) -> list[tuple[int, int]]:
    """Sorted, non-overlapping [start, end) spans: overlapping or touching ones are joined."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
