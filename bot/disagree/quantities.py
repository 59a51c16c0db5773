"""Quantities stated in the documents: sizes, session counts, intervals, delays, prices, temperatures.

Two sources that give a different value for the same measure disagree; the
same value is agreement. A number only counts when its unit *and* its context
say which measure it is: "3 mois minimum" of a food supplement is not a
treatment duration, "1 à 2 séances" inside a price list is not the protocol.
French numbers in words ("entre cinq et sept", "trois à six mois") are read too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.lang.text import fold

# --- numbers ------------------------------------------------------------------

_WORDS = {
    "zero": 0,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "vingt": 20,
    "vingts": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "cent": 100,
    "cents": 100,
    "mille": 1000,
}
_WORD_ALT = "|".join(sorted(_WORDS, key=len, reverse=True))
# "cinq", "vingt-quatre", "cent cinquante", "trente et un"
_NUM_WORDS = rf"(?:{_WORD_ALT})(?:(?:-|\s+)(?:{_WORD_ALT})|(?:\s+et\s+|-et-)(?:un|une|onze)\b)*"
_NUM_DIGITS = r"\d{1,3}(?:[  ]\d{3})+(?![\d,.])|\d+(?:[.,]\d+)?"
NUM = rf"(?:{_NUM_DIGITS}|\b{_NUM_WORDS}\b)"


def words_to_number(text: str) -> float | None:
    """French number words to a value: "cinq" -> 5, "quatre-vingt-dix" -> 90, "cent cinquante" -> 150."""
    parts = [p for p in re.split(r"[-\s]+", fold(text).strip()) if p and p != "et"]
    if not parts or any(p not in _WORDS for p in parts):
        return None
    total, current, prev = 0, 0, None
    for p in parts:
        v = _WORDS[p]
        if v == 100:
            current = (current or 1) * 100
        elif v == 1000:
            total += (current or 1) * 1000
            current = 0
        elif v == 20 and prev == 4:  # quatre-vingt(s)
            current += 80 - 4
        else:  # units, tens, and "soixante-dix" = 60 + 10
            current += v
        prev = v
    return float(total + current)


def parse_number(text: str) -> float | None:
    """A digit string ("3 500", "2,5") or French number words to a float."""
    t = text.strip()
    if re.fullmatch(_NUM_DIGITS, t):
        return float(re.sub(r"[  ]", "", t).replace(",", "."))
    return words_to_number(t)


# --- units --------------------------------------------------------------------

_UNITS = [
    ("nm", r"nm\b|nanom[eè]tres?\b"),
    ("seance", r"s[ée]ances?\b"),
    ("semaine", r"semaines?\b"),
    ("mois", r"mois\b"),
    ("an", r"ans\b|an\b|ann[ée]es?\b"),
    ("jour", r"jours?\b"),
    ("eur", r"€|euros?\b"),
    ("degc", r"°\s?C\b"),
]
UNIT = "|".join(f"(?P<{name}>{pat})" for name, pat in _UNITS)
_UNIT_RE = re.compile(UNIT, re.I)
_TIME_DAYS = {"jour": 1, "semaine": 7, "mois": 30, "an": 365}


def _unit_name(text: str) -> str | None:
    m = _UNIT_RE.fullmatch(text.strip())
    if not m:
        return None
    return next(k for k, v in m.groupdict().items() if v)


# A mention: "entre A (U) et B U", "A (U) à|-|– B U", "A U"; an optional "-" sign for temperatures.
_U = "(?:" + "|".join(pat for _, pat in _UNITS) + ")"  # any unit, the same alternatives as UNIT
_MENTION = re.compile(
    rf"(?P<entre>\bentre\s+)?(?P<sign>[-−–]\s?)?(?P<a>{NUM})\s*(?P<ua>{_U})?"
    rf"(?:\s*(?:(?(entre)et|(?:à|-|–|au))\s*)(?P<b>{NUM})\s*(?P<ub>{_U}))?",
    re.I,
)


@dataclass(frozen=True)
class Mention:
    lo: float
    hi: float | None  # None: open-ended ("3 mois minimum", "au moins 6 mois")
    unit: str
    start: int
    end: int
    from_article: bool = False  # the number was the article "un"/"une"


def mentions(sentence: str) -> list[Mention]:
    """Every number-with-unit in a sentence, ranges merged ("30-150 nm", "entre cinq et sept séances")."""
    out: list[Mention] = []
    for m in _MENTION.finditer(sentence):
        a_txt, b_txt = m.group("a"), m.group("b")
        unit_txt = m.group("ub") or m.group("ua")
        if not unit_txt:
            continue
        if m.group("b") is None and m.group("ua") is None:
            continue
        unit = _unit_name(unit_txt)
        a = parse_number(a_txt)
        if a is None or unit is None:
            continue
        if m.group("sign") and unit == "degc":
            a = -a
        b = parse_number(b_txt) if b_txt else None
        article = fold(a_txt.strip()) in ("un", "une") and b is None
        if article and unit not in _TIME_DAYS:
            continue  # "une séance de LED": an article, not a count
        lo, hi = (a, b) if b is not None else (a, a)
        if b is not None and b < a and unit != "degc":
            lo, hi = b, a
        tail = sentence[m.end() : m.end() + 14].lower()
        head = sentence[max(0, m.start() - 12) : m.start()].lower()
        if re.match(r"\s*(minimum|au minimum)", tail) or re.search(r"au moins\s*$", head):
            hi = None
        out.append(Mention(lo, hi, unit, m.start(), m.end(), article))
    return out


# --- measures -----------------------------------------------------------------

MEASURES = ("taille", "seances", "delai_resultats", "rappel", "prix", "temperature")

_EN_SENT = re.compile(r"\b(the|and|of|for|with|can|to|from|size|sizes)\b", re.I)
_STUDY = re.compile(r"\b(étude|études|sujets|patients|essai|essais|split|randomis)", re.I)
_SUPPLEMENT = re.compile(r"\b(cure|complément|compléments|conserv\w*|lecture|recette|préparation)\b", re.I)
_RESULTS = re.compile(r"\b(résultats?|effets?|amélioration|repousse|bénéfices?)\b", re.I)
_RESULTS_TIME = re.compile(
    r"(manifest\w*|appara\w*|visibles?|progressivement|premiers|au bout|après|période)", re.I
)
_BOOSTER = re.compile(r"\b(rappel|entretien)\b", re.I)
_SPACED = re.compile(r"(espac\w*|tous les|toutes les|intervalle)\s+(?:de\s+|d['’]\s*)?(?:environ\s+)?$", re.I)
_SIZE_CUE = re.compile(r"\b(diam[eè]tre|mesure\w*|taille|vésicules?|nano)", re.I)
_PER_SESSION = re.compile(r"par séance", re.I)


@dataclass
class Value:
    """What one sentence says about one measure: a canonical key to compare and a label to show."""

    measure: str
    key: tuple
    label_fr: str
    label_en: str
    spans: list[tuple[int, int]] = field(default_factory=list)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}".replace(".", ",")


def _range_label(lo: float, hi: float | None, unit_fr: str, unit_en: str) -> tuple[str, str]:
    if hi is None:
        return f"au moins {_fmt(lo)} {unit_fr}", f"at least {_fmt(lo)} {unit_en}"
    if lo == hi:
        return f"{_fmt(lo)} {unit_fr}", f"{_fmt(lo)} {unit_en}"
    return f"{_fmt(lo)} à {_fmt(hi)} {unit_fr}", f"{_fmt(lo)} to {_fmt(hi)} {unit_en}"


_TIME_FR = {"jour": "jours", "semaine": "semaines", "mois": "mois", "an": "ans"}
_TIME_EN = {"jour": "days", "semaine": "weeks", "mois": "months", "an": "years"}


def _time_label(m: Mention) -> tuple[str, str]:
    fr, en = _TIME_FR[m.unit], _TIME_EN[m.unit]
    if m.lo == 1 and (m.hi == 1):
        fr, en = {
            "jour": ("jour", "day"),
            "semaine": ("semaine", "week"),
            "mois": ("mois", "month"),
            "an": ("an", "year"),
        }[m.unit]
    return _range_label(m.lo, m.hi, fr, en)


def _days(m: Mention) -> tuple[float, float | None]:
    k = _TIME_DAYS[m.unit]
    return (m.lo * k, None if m.hi is None else m.hi * k)


def is_english(sentence: str) -> bool:
    return len(_EN_SENT.findall(sentence)) >= 2 and not re.search(r"\b(les|des|est|sont|une)\b", sentence)


def values(sentence: str) -> dict[str, Value]:
    """The measures a sentence states, keyed by measure name (at most one value per measure)."""
    if is_english(sentence):
        return {}
    ms = mentions(sentence)
    out: dict[str, Value] = {}
    has_price = any(m.unit == "eur" for m in ms)

    sizes = [m for m in ms if m.unit == "nm" and (m.hi != m.lo or _SIZE_CUE.search(sentence))]
    if sizes:
        m = sizes[0]
        fr, en = _range_label(m.lo, m.hi, "nm", "nm")
        out["taille"] = Value("taille", (m.lo, m.hi), fr, en, [(m.start, m.end)])

    sessions = [m for m in ms if m.unit == "seance" and not m.from_article]
    intervals = [m for m in ms if m.unit in _TIME_DAYS and _SPACED.search(sentence[: m.start])]
    if sessions and not has_price:
        lo = sum(m.lo for m in sessions)
        hi = None if any(m.hi is None for m in sessions) else sum(m.hi for m in sessions)
        parts_fr = [_range_label(m.lo, m.hi, "", "")[0].strip() for m in sessions]
        parts_en = [_range_label(m.lo, m.hi, "", "")[1].strip() for m in sessions]
        fr = " + ".join(parts_fr) + (" séance" if lo == hi == 1 else " séances")
        en = " + ".join(parts_en) + (" session" if lo == hi == 1 else " sessions")
        gaps = tuple(_days(m) for m in intervals)
        if intervals:
            fr += ", espacées de " + " puis ".join(_time_label(m)[0] for m in intervals)
            en += ", " + " then ".join(_time_label(m)[1] for m in intervals) + " apart"
        spans = [(m.start, m.end) for m in sessions + intervals]
        out["seances"] = Value("seances", ((lo, hi), gaps), fr, en, spans)

    times = [m for m in ms if m.unit in _TIME_DAYS and m not in intervals]
    if times and not _STUDY.search(sentence) and not _SUPPLEMENT.search(sentence):
        if _BOOSTER.search(sentence):
            fr = " et ".join(_time_label(m)[0] for m in times)
            en = " and ".join(_time_label(m)[1] for m in times)
            out["rappel"] = Value(
                "rappel", tuple(_days(m) for m in times), fr, en, [(m.start, m.end) for m in times]
            )
        elif _RESULTS.search(sentence) and _RESULTS_TIME.search(sentence):
            m = times[0]
            fr, en = _time_label(m)
            out["delai_resultats"] = Value("delai_resultats", _days(m), fr, en, [(m.start, m.end)])

    prices = [m for m in ms if m.unit == "eur"]
    if prices:
        m = prices[0]
        fr, en = _range_label(m.lo, m.hi, "€", "€")
        which = "par séance" if _PER_SESSION.search(sentence) else "total"
        fr_w, en_w = ("par séance", "per session") if which == "par séance" else ("au total", "in total")
        out["prix"] = Value("prix", (which, m.lo, m.hi), f"{fr} {fr_w}", f"{en} {en_w}", [(m.start, m.end)])

    temps = [m for m in ms if m.unit == "degc"]
    if temps:
        m = temps[0]
        fr, en = _range_label(m.lo, m.hi, "°C", "°C")
        out["temperature"] = Value("temperature", (m.lo, m.hi), fr, en, [(m.start, m.end)])
    return out
