"""Consumer words mapped to the documents' own vocabulary, for lexical search.

People say "dangereux" or "safe" where the documents say "risques",
"tolérance" or "effets secondaires"; they say "ça coûte" where a document
gives a price in €. Each entry maps everyday (or English) words to the words
the five documents use for the same notion. It describes the documents'
vocabulary, not any particular question. The word lists are data files:
`bot/lang/lexicon.yaml` (notions) and `bot/lang/en/lexicon.yaml` (English words).
"""

from __future__ import annotations

from functools import lru_cache

from bot.lang import data
from bot.lang.text import content_tokens


@lru_cache(maxsize=1)
def _index() -> list[tuple[frozenset[str], list[str]]]:
    pairs = data.lexicon()  # the notions (lexicon.yaml), then the English words (en/lexicon.yaml)
    return [(frozenset(content_tokens(triggers)), content_tokens(words)) for triggers, words in pairs]


def expand(tokens: list[str]) -> list[str]:
    """Query lemmas plus the documents' words for the notions the query names."""
    have = set(tokens)
    extra: list[str] = []
    for triggers, words in _index():
        if have & triggers:
            extra.extend(w for w in words if w not in have)
    return tokens + list(dict.fromkeys(extra))


def covered(token: str, text_tokens: set[str]) -> bool:
    """A query lemma is covered by a text that has it or the documents' word for its notion."""
    if token in text_tokens:
        return True
    return any(token in triggers and text_tokens.intersection(words) for triggers, words in _index())


def maps_to_documents(token: str, vocab: set[str]) -> bool:
    """True when an everyday word names a notion the documents discuss in their own words."""
    return any(token in triggers and vocab.intersection(words) for triggers, words in _index())
