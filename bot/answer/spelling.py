"""Read a colloquial question in the documents' spelling before it is searched.

People write "linserm", "dexosomes" or "jpeux" (an elided article without its
apostrophe), "rembourssé" or "temprature" (a misspelt word the documents use)
and "cb", "koi", "pr" (chat spellings). Each such word is unknown to the
documents, so it weakens retrieval and makes the question look like it names
something the documents never discuss. Only words the documents never use are
touched, and a word is changed only into a document word, a stop word or the
standard spelling listed in `bot/lang/<lang>/sms.txt`. The question shown to
the reader is never changed.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from wordfreq import zipf_frequency

from bot.lang import data
from bot.lang.text import STOPWORDS, fold

TYPO_ZIPF = 3.0  # a word rarer than this in general language may be a misspelling...
TYPO_SIMILARITY = 0.8  # ... of a document word this close (difflib ratio)...
# ... that one edit turns into it (a deleted, added, changed or swapped letter) when the word is itself
# listed in general language ("cellulite" is not a misspelt "cellule"), two when it is not
LISTED_EDITS, UNLISTED_EDITS = 1, 2
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# an elided article or pronoun glued to the next word: l', d', j', m', n', s', t', c', qu'
_ELIDED = re.compile(r"(?i)^(qu|[ldjmnstc])(?=[a-zà-ÿ]{3,}$)")


class Speller:
    """The documents' vocabulary, and the repair of one question against it."""

    def __init__(self, documents: dict[str, str]):
        words: dict[str, str] = {}
        for text in documents.values():
            for w in _WORD.findall(text):
                for part in re.split(r"['’-]", w):
                    if len(part) >= 3:
                        words.setdefault(fold(part.lower()), part.lower())
        self.words = words  # folded -> the documents' own spelling
        self.by_letter: dict[str, list[str]] = {}
        for f in words:
            if len(f) >= 4:
                self.by_letter.setdefault(f[0], []).append(f)
        for lang in ("fr", "en"):  # load the word-frequency lists now, not in the first question's time
            zipf_frequency("exosome", lang)

    def repair(self, text: str, lang: str) -> str:
        """The question with its chat spellings, glued elisions and misspelt document words repaired."""
        sms = data.sms_spellings(lang if lang in ("fr", "en") else "fr")
        return _WORD.sub(lambda m: self._word(m.group(0), lang, sms), text)

    def _word(self, word: str, lang: str, sms: dict[str, str]) -> str:
        if word in sms:  # a capitalised two-letter "Pr" stays a title; "Cest" opening a question does not
            return sms[word]
        if len(word) > 2 and word[0].isupper() and word[1:].islower() and word.lower() in sms:
            out = sms[word.lower()]
            return out[0].upper() + out[1:]
        return self._fix(word, lang)

    @lru_cache(maxsize=20_000)  # noqa: B019 (one speller per bot, kept for the process)
    def _fix(self, word: str, lang: str) -> str:
        low = word.lower()
        f = fold(low)
        if len(f) < 4 or f in self.words or low in STOPWORDS or "'" in word or "’" in word:
            return word
        z = zipf_frequency(low, lang)
        if z >= TYPO_ZIPF:
            return word  # a real word of general language ("centre", "cils") that the documents do not use
        m = _ELIDED.match(low)
        if lang == "fr" and m:
            head, rest = word[: m.end()], word[m.end() :]
            if fold(rest.lower()) in self.words or rest.lower() in STOPWORDS:
                return f"{head}'{rest}"
        close = misspelling_of(f, z, self.by_letter)
        return self.words[close] if close else word


def misspelling_of(folded: str, zipf: float, by_letter: dict[str, list[str]]) -> str | None:
    """The document word (folded, from `by_letter`) that a word is a misspelling of, or None.

    A word common in general language is never a misspelling; a rarer one is, of a close document word
    a single edit away when the word is itself listed in general language ("raport", "capilaire"), two
    edits when it is not ("efficasses"): "cellulite" stays itself, not "cellule"."""
    if zipf >= TYPO_ZIPF or not folded:
        return None
    close = difflib.get_close_matches(folded, by_letter.get(folded[0], []), n=3, cutoff=TYPO_SIMILARITY)
    if not close:
        return None
    best = min(close, key=lambda c: edits(folded, c))  # ties keep difflib's order (closest first)
    allowed = LISTED_EDITS if zipf > 0 or len(folded) <= 5 else UNLISTED_EDITS
    return best if edits(folded, best) <= allowed else None


def edits(a: str, b: str) -> int:
    """Edit distance with adjacent swaps (optimal string alignment): "coprs" is one edit from "corps"."""
    if abs(len(a) - len(b)) > UNLISTED_EDITS:
        return UNLISTED_EDITS + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]
