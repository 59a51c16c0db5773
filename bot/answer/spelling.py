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
TYPO_SIMILARITY = 0.8  # ... of a document word this close (difflib ratio)
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
        if word in sms:  # lower-case only: a capitalised "Pr" stays a title
            return sms[word]
        return self._fix(word, lang)

    @lru_cache(maxsize=20_000)  # noqa: B019 (one speller per bot, kept for the process)
    def _fix(self, word: str, lang: str) -> str:
        low = word.lower()
        f = fold(low)
        if len(f) < 4 or f in self.words or low in STOPWORDS or "'" in word or "’" in word:
            return word
        m = _ELIDED.match(low)
        if lang == "fr" and m:
            head, rest = word[: m.end()], word[m.end() :]
            if fold(rest.lower()) in self.words or rest.lower() in STOPWORDS:
                return f"{head}'{rest}"
        if zipf_frequency(low, lang) >= TYPO_ZIPF:
            return word  # a real word of general language that the documents happen not to use
        close = difflib.get_close_matches(f, self.by_letter.get(f[0], []), n=1, cutoff=TYPO_SIMILARITY)
        return self.words[close[0]] if close else word
