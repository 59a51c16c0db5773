"""What a sentence says about an aspect (safety, efficacy, evidence, ...) and which way it leans.

Rules over French cues, read clause by clause, so that the hard cases come out
right:

- a negated cue flips: "aucun effet secondaire notable" is reassuring,
  "aucune découverte ... ne prouve l'efficacité" is sceptical;
- a concessive clause ("même si", "bien que") weighs little against the main
  clause: "Même si aucune infection virale n'a été rapportée ..., le risque ne
  peut pas être totalement exclu" is cautious;
- the conditional and hedges ("serait", "semble", "pourrait", "suggère")
  weaken a favourable claim into a qualified one;
- claims reported from others ("leurs promesses", "à en croire", photos on
  clinic sites) or doubted in the same sentence ("loin d'être prouvé") do not
  count as the author's own.

Each aspect has a positive and a negative pole with a short label for each.
The cues and labels are data: `bot/lang/aspects/<key>.yaml`, under `stance:`.
The embedding model is used by the caller to decide which aspects a question
touches and which sentences are relevant; the direction of a sentence comes
from these rules, because small embedding models do not read negation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.lang import data
from bot.lang.text import fold

POS, NEG, MIXED, NONE = "pos", "neg", "mixed", "none"


Cue = data.Cue  # pattern, sign, weight, negatable, dominant, qualify: see bot/lang/data.py


@dataclass(frozen=True)
class Aspect:
    key: str
    topic_fr: str
    topic_en: str
    labels_fr: dict[str, str]
    labels_en: dict[str, str]
    cues: tuple[Cue, ...]
    hedge_pos: bool = True  # the conditional weakens positive claims
    any_pos: bool = False  # an existence claim: a source holds it as soon as one relevant sentence says so
    margin: float = 0.05  # how far below the best sentence on the aspect a source's sentence may fall
    skip: str | None = None  # sentences matching this are not about the aspect
    reported: str | None = None  # positive cues in a clause matching this are someone else's claim
    mitigate: str | None = None  # negative cues in a sentence matching this are mild ("rougeur transitoire")
    _compiled: tuple = field(init=False, default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled", tuple((c.regex, c) for c in self.cues))

    def compiled(self) -> tuple[tuple[re.Pattern, Cue], ...]:
        return self._compiled  # each cue was compiled once, when the data was loaded


def _aspect(a: data.Aspect) -> Aspect:
    s = a.stance
    return Aspect(
        key=a.key,
        topic_fr=a.topic_fr,
        topic_en=a.topic_en,
        labels_fr=s.labels_fr.model_dump(),
        labels_en=s.labels_en.model_dump(),
        cues=tuple(s.cues),
        hedge_pos=s.hedge_pos,
        any_pos=s.any_pos,
        margin=s.margin,
        skip=data.join(s.skip),
        reported=data.join(s.reported),
        mitigate=data.join(s.mitigate),
    )


# the aspects that have sentence cues (bot/lang/aspects/<key>.yaml, `stance:`), in the data's order
ASPECTS: tuple[Aspect, ...] = tuple(_aspect(a) for a in data.aspects().values() if a.stance)

ASPECT_BY_KEY = {a.key: a for a in ASPECTS}

# --- clause reading --------------------------------------------------------------

_NEGATORS = re.compile(r"\b(?:aucun|aucune|pas|rien|jamais|sans|ni|absence|manque|loin d'etre|non)\b")
_POST_NEG = re.compile(r"^\W*(?:\w+\W+){0,2}?(?:n'|ne\s)\S+(?:\s+\w+)?\s+(?:pas|plus|jamais)\b")
_CLAUSE = re.compile(r"[,;:()\[\]«»\"]|\s[-–—]\s|\bmais\b|\bcependant\b|\btoutefois\b|\bor\b")
_CONCESSIVE = re.compile(r"^\W*(?:meme si|meme s'|bien que|quoique|si\b)")
# a symptom after a remedy verb or in a condition is a benefit or an indication, not a side effect
_REMEDY = re.compile(
    r"\b(?:apaiser|reduire|reduction|freiner|limiter|diminuer|diminution|traiter|soigner|combattre|prevenir"
    r"|prevention|en cas de|cas de)\b"
)
_HEDGE = re.compile(
    r"\b\w+(?:rait|raient)\b|\bsembl\w*|\bsuggere\w*|\bpourrai\w*|\bhypothese\b|\bdevraient\b"
    r"|\bpremier(?:e|es|s)? (?:etudes|observations|retours)\b|\brapportent\b"
)


def prep(text: str) -> str:
    """Lower-case, accent-free, straight apostrophes: the form every cue is written in."""
    return fold(text.replace("’", "'").replace("‘", "'")).replace("œ", "oe")


def clauses(t: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _CLAUSE.finditer(t):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(t):
        spans.append((pos, len(t)))
    return spans


@dataclass
class Reading:
    """What one sentence says about one aspect."""

    member: bool = False  # the sentence is about the aspect
    pos: float = 0.0
    neg: float = 0.0
    hedged: bool = False  # the positive side is only conditional or hedged
    cls: str = NONE  # pos | neg | mixed | none

    pos_firm: float = 0.0  # unhedged positive weight

    @property
    def strength(self) -> float:
        return abs(self.pos - self.neg)


def read(sentence: str, aspect: Aspect, t: str | None = None) -> Reading:
    t = prep(sentence) if t is None else t
    r = Reading()
    if aspect.skip and re.search(aspect.skip, t):
        return r
    claimed: list[tuple[int, int]] = []
    pos_firm = pos_hedged = neg = 0.0
    dominant_neg = qualified = False
    hedged_sentence = bool(_HEDGE.search(t))
    asks = t.rstrip().endswith("?")  # a question the author asks is not a claim
    quoted = t.lstrip().startswith("«")  # a sentence opening on a quoted word reports others' words
    spans = clauses(t)
    for pat, cue in aspect.compiled():
        for m in pat.finditer(t):
            if any(m.start() < e and s < m.end() for s, e in claimed):
                continue
            claimed.append((m.start(), m.end()))
            r.member = True
            if cue.sign == 0 or asks:
                continue
            cs, ce = next(((s, e) for s, e in spans if s <= m.start() < e), (0, len(t)))
            clause = t[cs:ce]
            sign = cue.sign
            if cue.negatable:
                before = t[cs : m.start()].split()[-10:]
                after = t[m.end() : ce]
                if _NEGATORS.search(" ".join(before)) or _POST_NEG.match(after):
                    sign = -sign
            w = cue.weight
            if sign < 0 and cue.negatable and _REMEDY.search(" ".join(t[: m.start()].split()[-8:])):
                w = 0.0
            if sign < 0 and aspect.mitigate and re.search(aspect.mitigate, t):
                w *= 0.3
            if _CONCESSIVE.match(clause):
                w *= 0.35
            if sign > 0 and aspect.reported and (quoted or re.search(aspect.reported, clause)):
                w = 0.0
            if cue.qualify:
                qualified = True
            if sign > 0:
                if aspect.hedge_pos and hedged_sentence:
                    pos_hedged += w
                else:
                    pos_firm += w
            else:
                neg += w
                if cue.dominant and not _CONCESSIVE.match(clause):
                    dominant_neg = True
    if dominant_neg:
        pos_firm = pos_hedged = 0.0
    if qualified:
        pos_firm, pos_hedged = 0.0, pos_hedged + pos_firm
    r.pos = pos_firm + 0.5 * pos_hedged
    r.pos_firm = pos_firm
    r.neg = neg
    r.hedged = pos_hedged > 0 and pos_firm == 0
    r.cls = _classify(pos_firm, pos_hedged, neg)
    return r


def _classify(pos_firm: float, pos_hedged: float, neg: float) -> str:
    if pos_firm + 0.5 * pos_hedged + neg < 0.5:
        return NONE
    if neg >= 0.7 and neg >= 1.5 * (pos_firm + pos_hedged):
        return NEG
    if pos_firm >= 0.7 and pos_firm >= pos_hedged and neg < 0.5:
        return POS
    return MIXED


# --- regulatory status: which origins are allowed --------------------------------

ORIGINS = {
    "humaine": r"\bhumain\w*",
    "animale": r"\banima\w*",
    "vegetale": r"\bvegeta\w*",
    "bacterienne": r"\bbacterie\w*",
}
ORIGIN_FR = {"humaine": "humaine", "animale": "animale", "vegetale": "végétale", "bacterienne": "bactérienne"}
ORIGIN_EN = {"humaine": "human", "animale": "animal", "vegetale": "plant", "bacterienne": "bacterial"}
_ALLOWED = re.compile(r"\bautorise\w*|peuvent etre utilises")
_FORBIDDEN = re.compile(r"\binterdit\w*|soumis\w* a une autorisation")
_ONLY = re.compile(r"\bseul(?:e|s|es)?\b")


def origin_rules(sentence: str, t: str | None = None) -> dict[str, bool]:
    """Which product origins a sentence says are allowed (True) or not (False) in cosmetic use.

    "seuls les X ou Y sont autorisés" allows X and Y and excludes the others;
    "les X sont soumis à une Autorisation de Mise sur le Marché" means not freely allowed.
    """
    t = prep(sentence) if t is None else t
    if "exosome" not in t and "produit" not in t:
        return {}
    found = [o for o, pat in ORIGINS.items() if re.search(pat, t)]
    if not found:
        return {}
    allowed, forbidden = _ALLOWED.search(t), _FORBIDDEN.search(t)
    if not allowed and not forbidden:
        return {}
    out: dict[str, bool] = {}
    if forbidden and (not allowed or forbidden.start() < allowed.start()):
        for o in found:
            out[o] = False
        # "seuls X sont soumis à autorisation": the other origins are the free ones
        if _ONLY.search(t) and "soumis" in t:
            for o in ORIGINS:
                out.setdefault(o, True)
        return out
    for o in found:
        out[o] = True
    if _ONLY.search(t):
        for o in ORIGINS:
            out.setdefault(o, False)
    return out
