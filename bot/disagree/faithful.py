"""Does a disagreement's summary add anything to its quotes?

A summary names who says what. Beyond its positions' quotes it may only use
reporting and connective words (bot/lang/fr/reporting_words.txt), the sources'
names and kinds, and, for a block the detector writes, its aspect and stance
labels. English summaries frame French quotes: they are checked on their
numbers and on the sources they name. The tests and `python -m eval` use this
one check.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.lang import data
from bot.lang.text import content_tokens, fold, normalize
from bot.models import Disagreement

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
# a quote may spell a number out ("entre cinq et sept séances", "espacées d'un mois")
_SPELLED = {"un": "1", "une": "1", "deux": "2", "trois": "3", "quatre": "4", "cinq": "5", "six": "6"}
_SPELLED |= {"sept": "7", "huit": "8", "neuf": "9", "dix": "10", "douze": "12", "quinze": "15", "vingt": "20"}
# the sentence the detector writes around its groups (bot/disagree/summary.py)
_DETECTOR_FRAME = "Les sources donnent des valeurs différentes pour ; ne disent pas la même chose sur"


@lru_cache(maxsize=1)
def allowed() -> frozenset[str]:
    """Reporting words and the sources' names and kinds."""
    from bot.settings import get_settings
    from bot.store.corpus import load_sources

    words = data._words(data.HERE / "fr" / "reporting_words.txt")
    out = {t for w in words for t in content_tokens(w)} | set(content_tokens(_DETECTOR_FRAME))
    for s in load_sources(get_settings().corpus_dir).values():
        for text in (s.short_name_fr, s.kind_label_fr, s.short_name_en, s.kind_label_en):
            out |= set(content_tokens(text))
    return frozenset(out)


def numbers(text: str, quote: bool = False) -> set[str]:
    """The numbers a text states, in digits or spelled out in French ("un" counts in a quote only:
    a summary's "un effet" is an article)."""
    text = normalize(text)
    words = re.findall(r"[a-zé]+", fold(text).replace("'", " "))
    spelled = {_SPELLED[w] for w in words if w in _SPELLED and (quote or w not in ("un", "une"))}
    return {n.replace(",", ".") for n in _NUMBER.findall(text)} | spelled


def quoted_numbers(quotes: list[str]) -> set[str]:
    return set().union(*(numbers(q, quote=True) for q in quotes))


def named(text: str) -> set[str]:
    """The sources a summary names, as a reader names them (bot/lang/sources.yaml)."""
    ft = fold(text.replace("’", "'"))
    return {sid for sid, pat in data.source_names().items() if re.search(pat, ft)}


def added_facts(summary: str, quotes: list[str], framing: set[str] = frozenset()) -> list[str]:
    """What the French summary says that none of its quotes says: numbers and content words."""
    said = {t for q in quotes for t in content_tokens(q)} | {fold(t) for q in quotes for t in q.split()}
    words = [t for t in content_tokens(summary) if not t[0].isdigit()]  # numbers: checked below
    extra = [t for t in words if t not in said and t not in allowed() and t not in framing]
    extra += [f"number {n}" for n in sorted(numbers(summary) - quoted_numbers(quotes))]
    return extra


def framing(d: Disagreement) -> set[str]:
    """What a detector block is framed with: its aspect's names and its positions' stance labels."""
    from bot.disagree import stance

    texts = [d.topic] + [p.stance for p in d.positions]
    a = data.aspects().get(d.aspect or "")
    if a:
        texts += [a.topic_fr or "", a.about_fr or ""]
    asp = stance.ASPECT_BY_KEY.get(d.aspect or "")
    if asp:
        texts += [asp.labels_fr[c] for c in (stance.POS, stance.NEG, stance.MIXED)]
    return {t for x in texts for t in content_tokens(x)}


def problems(d: Disagreement, lang: str) -> list[str]:
    """Everything the summary says beyond its quotes (empty: faithful)."""
    quotes = [p.quote for p in d.positions]
    out = [f"names {sorted(n)}" for n in [named(d.summary) - {p.source_id for p in d.positions}] if n]
    out += [f"number {n}" for n in sorted(numbers(d.summary) - quoted_numbers(quotes))]
    if lang == "fr":
        out += [x for x in added_facts(d.summary, quotes, framing(d)) if not x.startswith("number")]
    return out
