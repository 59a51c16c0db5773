"""One label per source and part: soutient, contredit, nuance or ne dit rien, with the sentence that shows it.

The direction of a source's sentences comes from the stance reader the
disagreement detector uses (`bot.disagree.stance`), read against the claim's
own direction on the same aspect; a quantity is compared as a range. Whether a
source speaks to the claim, and which label is shown, is decided from these
readings and the relevance model's best sentence per source by the fitted
model of `bot.check.model`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from bot import disagree
from bot.check.split import Part, cues
from bot.disagree import stance as st
from bot.lang.text import fold

SOURCE_TAU = disagree.detect.SOURCE_TAU  # softness of the vote over a source's closest sentences
QTY_SAME = 0.1  # two bounds within 10 % of each other are the same value ("environ 150 €" and "150 €")
SUPPORT, CONTRA, NUANCE, SILENT = "soutient", "contredit", "nuance", "ne dit rien"


@dataclass
class Label:
    label: str
    row: int | None = None  # kb.sentences row of the quote
    value: str | None = None  # the source's value, for a quantity
    rel: float = 0.0


def speaks(kb, scored) -> dict[str, tuple[float, int]]:
    """Each source's best sentence for the claim by the relevance model: (probability, kb.sentences row)."""
    out: dict[str, tuple[float, int]] = {}
    if scored is None:
        return out
    for i, p in zip(scored.cands, scored.p.tolist(), strict=True):
        sid = kb.sentences[i].source_id
        if p > out.get(sid, (-1.0, -1))[0]:
            out[sid] = (float(p), i)
    return out


def _harm(t: str) -> bool | None:
    """Whether the claim names a harm negated ("zéro risque", "risk-free": True), plain (False), or none."""
    c = cues()
    harms = list(re.finditer(c["harm"], t))
    if not harms:
        return None
    return any(
        re.search(c["harm_negated"], " ".join(t[: m.start()].split()[-4:]))
        or re.match(c["harm_free"], t[m.end() :])
        for m in harms
    )


def claim_direction(text: str, a: st.Aspect) -> float:
    """+1 when the claim asserts the aspect's positive pole ("sans aucun risque"), -1 the negative one.

    On a safety aspect a harm the claim names decides first: negated ("zéro risque", "jamais la moindre
    rougeur", "risk-free") the claim reassures, plain ("provoque des rougeurs") it warns. The stance cues
    are written for the documents' sentences and miss an advert's "zéro" or "aucun ... impossible". On
    another aspect a claim the cues do not read and that is negated ("ne font pas repousser", "don't
    work") asserts the negative pole, unless the negation is a harm's."""
    c = cues()
    t = fold(text.replace("’", "'"))
    harm = _harm(t)
    if a.key in c["harm_aspects"] and harm is not None:
        return 1.0 if harm else -1.0
    r = st.read(text, a)
    if r.cls != st.NONE and r.pos != r.neg:
        return 1.0 if r.pos > r.neg else -1.0
    if not harm and re.search(c["claim_negation"], t):
        return -1.0
    if re.search(c["en_negative"], t) and not re.search(c["en_positive"], t):
        return -1.0
    return 1.0  # an advert's claim asserts its aspect


def label_part(bot, part: Part, claim: str, rel: np.ndarray) -> dict[str, Label]:
    """Each source's label on one part, from its sentences on the part's aspect, measure or origins."""
    kb, dx = bot.kb, bot._dx
    claim_area = disagree.area(claim)

    def same_area(i: int) -> bool:
        own = dx.areas[i]
        return len(claim_area) != 1 or not own or bool(own & claim_area)

    if part.kind == "quantity":
        items = [(i, v) for i, v in dx.values.get(part.aspect, []) if same_area(i)]
    elif part.kind == "legal":
        items = [(i, o) for i, o in dx.origins if same_area(i)]
    else:
        items = [(i, r) for i, r in dx.readings[part.aspect] if same_area(i)]
    out = {sid: Label(SILENT) for sid in kb.sources}
    if not items:
        return out
    by: dict[str, list[tuple[float, int, object]]] = {}
    for i, x in items:
        by.setdefault(kb.sentences[i].source_id, []).append((float(rel[i]), i, x))
    for sid, cands in by.items():
        cands.sort(key=lambda c: -c[0])
        if part.kind == "quantity":
            out[sid] = _quantity(part, cands[0])
        elif part.kind == "legal":
            out[sid] = _legal(claim, cands)
        else:
            out[sid] = _stance(part, claim, cands)
    return out


def _stance(part: Part, claim: str, cands) -> Label:
    a = st.ASPECT_BY_KEY[part.aspect]
    top = cands[:3]
    w = [math.exp((c[0] - top[0][0]) / SOURCE_TAU) for c in top]
    sign = {st.POS: 1.0, st.NEG: -1.0, st.MIXED: 0.0}
    v = sum(wi * sign[c[2].cls] for wi, c in zip(w, top, strict=True)) / sum(w)
    cls = st.POS if v >= 0.5 else st.NEG if v <= -0.5 else st.MIXED
    same = [c for c in top if c[2].cls == cls] or top
    pick = max(same, key=lambda c: c[0] + 0.01 * min(c[2].strength, 2.0))
    d = claim_direction(part.text, a)
    if d * claim_direction(claim, a) < 0 and part.text != claim:
        d = claim_direction(claim, a)
    if cls == st.MIXED or (cls == st.POS and pick[2].hedged):
        label = NUANCE
    else:
        label = SUPPORT if (1.0 if cls == st.POS else -1.0) * d > 0 else CONTRA
    return Label(label, pick[1], None, pick[0])


def _legal(claim: str, cands) -> Label:
    t = fold(claim.replace("’", "'"))
    claim_allows = not re.search(cues()["legal_forbidden"], t)
    named = [o for o, pat in st.ORIGINS.items() if re.search(pat, t) or re.search(rf"\b{st.ORIGIN_EN[o]}", t)]
    merged: dict[str, bool] = {}
    for _, _, rules in cands:
        for o, ok in rules.items():
            merged.setdefault(o, ok)
    said = [merged[o] for o in named if o in merged] or list(merged.values())
    pick = cands[0]
    if all(said):
        label = SUPPORT if claim_allows else CONTRA
    elif not any(said):
        label = CONTRA if claim_allows else SUPPORT
    else:
        label = NUANCE
    return Label(label, pick[1], None, pick[0])


def interval(v) -> tuple[float, float]:
    """A source's value as a range, in the parser's canonical unit (days, nm, €, °C, sessions)."""
    k = v.key
    if v.measure == "prix":
        k = k[1:]
    elif v.measure == "seances":
        k = k[0]
    elif v.measure == "rappel":
        los = [lo for lo, _ in k]
        his = [hi for _, hi in k]
        k = (min(los), None if any(h is None for h in his) else max(his))
    lo, hi = k
    return float(lo), float("inf") if hi is None else float(hi)


def _quantity(part: Part, cand) -> Label:
    """The same range: soutient; ranges that overlap but differ ("50 à 150 nm" against "30-150 nm"): nuance;
    ranges that do not meet: contredit."""
    r, i, v = cand
    lo, hi = interval(v)
    clo, chi = part.interval
    if not (lo <= chi and clo <= hi):
        label = CONTRA
    elif _close(lo, clo) and _close(hi, chi):
        label = SUPPORT
    else:
        label = NUANCE
    return Label(label, i, v.label_fr, r)


def _close(a: float, b: float) -> bool:
    return a == b or (math.isfinite(a) and math.isfinite(b) and abs(a - b) <= QTY_SAME * max(abs(a), abs(b)))
