"""A claim into its checkable parts: the aspects it speaks to and any quantity it states.

Aspects come from the disagreement detector's aspect descriptions (`touched`),
so the check and the disagreement blocks read a text the same way; a quantity
comes from the same parser the detector runs on the documents' sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot import disagree
from bot.check import cues as check_data
from bot.disagree import quantities as qty
from bot.disagree import stance as st
from bot.lang.text import fold

DATA_FILE = Path(__file__).resolve().parent.parent / "lang" / "check.yaml"
GENERAL = "general"  # the part for the claim as a whole, when no aspect of it is one a source speaks to
MAX_ASPECTS = 2  # stance aspects checked per claim: the ones it is most about
_TIME_DAYS = {"jour": 1, "semaine": 7, "mois": 30, "an": 365}
_UNIT_MEASURE = {"nm": "taille", "eur": "prix", "seance": "seances", "degc": "temperature"}
_BOOSTER = re.compile(r"\b(rappel|entretien|booster|maintenance)\b", re.I)
# English quantities, rewritten into the French the document parser reads ("3 months" -> "3 mois")
_EN_NUMBERS = {
    w: n
    for n, w in enumerate(
        ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"), 1
    )
}
# "one" only opening a range: "one session costs" is an article, not a count
_EN_NUM = re.compile(r"\b(one(?=\s+(?:to|or)\s)|" + "|".join(list(_EN_NUMBERS)[1:]) + r")\b", re.I)
# (pattern, factor, unit the parser reads)
_RESCALE = (
    (
        re.compile(
            r"(\d+(?:[.,]\d+)?)\s*(?:micro-?m[eè]tres?|micrometers?|micrometres?|microns?|µm|μm)\b", re.I
        ),
        1000,
        "nm",
    ),
    (re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:heures?|hours?|h)\b", re.I), 1 / 24, "jours"),
)
_EN_WORDS = re.compile(
    r"\b(?:sessions?|months?|weeks?|years?|days?|euros?|nanomet(?:er|re)s?)\b|€\s?\d", re.I
)
_EN_UNITS = (
    (re.compile(r"€\s?(\d[\d,.]*)"), r"\1 €"),
    (re.compile(r"(\d)\s*(?:to|-|or)\s*(\d)", re.I), r"\1 à \2"),
    (re.compile(r"\b(\d+)\s*(?:euros?|eur)\b", re.I), r"\1 €"),
    (re.compile(r"\b(?:treatment\s+)?sessions?\b", re.I), "séances"),
    (re.compile(r"\bmonths?\b", re.I), "mois"),
    (re.compile(r"\bweeks?\b", re.I), "semaines"),
    (re.compile(r"\byears?\b", re.I), "ans"),
    (re.compile(r"\bdays?\b", re.I), "jours"),
)


@cache
def cues() -> dict:
    """bot/lang/check.yaml, read once and checked (`bot.check.cues`)."""
    return check_data.load(DATA_FILE)


@dataclass
class Part:
    aspect: str  # a stance aspect, "statut_legal", a measure of `quantities.MEASURES`, or GENERAL
    text: str  # the words of the claim this part is about
    kind: str  # "stance" | "legal" | "quantity" | "general"
    interval: tuple[float, float] | None = None  # a quantity's range, in the parser's canonical unit
    value: str | None = None  # the quantity as the claim states it
    strong: bool = False  # the claim states it absolutely ("sans aucun risque", "100 %", "garanti")


def strong(claim: str) -> bool:
    """The claim speaks in absolutes (`absolute` in bot/lang/check.yaml): a hedging source then qualifies it."""
    return bool(re.search(cues()["absolute"], fold(claim.replace("’", "'"))))


def units(text: str) -> str:
    """Units the document parser does not read, in ones it does: "5 micromètres" -> "5000 nm", "48 heures" -> "2 jours",
    "une seule séance" -> "1 séance"."""
    text = re.sub(cues()["single"], "1 ", text)
    for pat, k, unit in _RESCALE:
        text = pat.sub(lambda m, k=k, unit=unit: f"{float(m.group(1).replace(',', '.')) * k:g} {unit}", text)
    return text


def clauses(claim: str) -> list[str]:
    parts = [p.strip() for p in re.split(cues()["split"], claim) if p and p.strip()]
    return parts or [claim]


def english_quantities(text: str) -> str:
    """ "12 sessions", "three to six months", "€500" in the French the quantity parser reads."""
    t = _EN_NUM.sub(lambda m: str(_EN_NUMBERS[m.group(1).lower()]), text)
    for pat, rep in _EN_UNITS:
        t = pat.sub(rep, t)
    return t


def quantity_parts(claim: str) -> list[Part]:
    """Each measure the claim states once: "3 mois", "500 €", "50 à 150 nm", "3 months", "€500"."""
    out: dict[str, Part] = {}
    claim = units(english_quantities(claim) if _EN_WORDS.search(claim) else claim)
    c = cues()
    for m in qty.mentions(claim):
        if m.unit in _TIME_DAYS and (
            re.search(c["time_past"], fold(claim[max(0, m.start - 20) : m.start]))
            or re.search(c["time_past_after"], fold(claim[m.end : m.end + 12]))
        ):
            continue  # "il y a deux ans": the person's history, not a delay
        if m.unit in _TIME_DAYS:
            measure = "rappel" if _BOOSTER.search(claim) else "delai_resultats"
            k = _TIME_DAYS[m.unit]
            lo, hi = m.lo * k, (m.hi * k if m.hi is not None else float("inf"))
        elif m.unit in _UNIT_MEASURE:
            measure = _UNIT_MEASURE[m.unit]
            lo, hi = m.lo, (m.hi if m.hi is not None else float("inf"))
        else:
            continue
        if measure not in out:
            out[measure] = Part(
                measure, claim[m.start : m.end].strip(), "quantity", (lo, hi), claim[m.start : m.end]
            )
        elif measure == "rappel":  # "à 6 mois puis à 1 an": the boosters span both
            p = out[measure]
            p.interval = (min(p.interval[0], lo), max(p.interval[1], hi))
            p.value = p.text = f"{p.value}, {claim[m.start : m.end]}"
    return list(out.values())


def _harm(t: str) -> bool | None:
    from bot.check.label import _harm as harm  # label imports this module

    return harm(t)


def split(bot, claim: str, qvec) -> list[Part]:
    """The parts worth a row per source, most central first."""
    dx = bot._dx
    fq = fold(claim.replace("’", "'"))
    touch = disagree.touched(dx, fq, qvec, claim)
    parts = quantity_parts(claim)
    have = {p.aspect for p in parts}
    legal = re.search(cues()["legal_words"], fq)
    if legal:
        parts.append(
            Part(
                "statut_legal",
                _clause_of(claim, lambda c: bool(re.search(cues()["legal_words"], fold(c)))),
                "legal",
            )
        )
    ranked = sorted(
        (a for a in st.ASPECTS if touch.get(a.key, -1.0) >= disagree.detect.TOUCH),
        key=lambda a: -touch[a.key],
    )
    for a in ranked[:MAX_ASPECTS]:
        if a.key in have:
            continue
        parts.append(Part(a.key, _clause_of(claim, lambda c, a=a: st.read(c, a).member), "stance"))
    if not parts:
        # nothing clearly touched: the aspect the claim is nearest to, when it beats the background
        best = max(st.ASPECTS, key=lambda a: touch.get(a.key, -1.0))
        if touch.get(best.key, -1.0) > 0.0:
            parts.append(Part(best.key, claim, "stance"))
    harm = _harm(fq)
    if harm is not None and not any(p.aspect in cues()["harm_aspects"] for p in parts):
        # a harm the claim names ("jamais la moindre rougeur") makes safety one of its parts
        key = cues()["harm_aspects"][0]
        parts.append(
            Part(key, _clause_of(claim, lambda c: bool(re.search(cues()["harm"], fold(c)))), "stance")
        )
    absolute = strong(claim)
    for p in parts:
        p.strong = absolute
    return parts


def _clause_of(claim: str, about) -> str:
    """The clause of the claim that carries the aspect's words, else the whole claim."""
    cs = clauses(claim)
    if len(cs) == 1:
        return claim
    return next((c for c in cs if about(c)), claim)
