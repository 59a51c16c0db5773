"""Where the documents disagree: who says what, quoted, without taking sides.

Three sources of disagreements, all over the real sentences of the five documents:

1. quantities: the same measure with different values (size in nm, number and
   spacing of sessions, ...), see `quantities`;
2. stances: opposite directions on the same aspect (safety, efficacy, state of
   the evidence, cancer risk, ...), see `stance`, plus which origins each source
   says are allowed;
3. the evidence map `corpus/claims.yaml`: reviewed disagreements a pharmacist
   can edit (used when `use_evidence_map` is on).

Everything that can be computed without the question is done once in
`prepare` (sentence readings, quantities, map resolution). Per answer, `find`
(this module) scores every sentence against the question with one matrix
product, so a source whose passage fell below the retrieval cut-off still gets
its say: each position is the most relevant sentence of its source on that
aspect. `summary` words the result.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bot.disagree import evidence_map, topics
from bot.disagree import quantities as qty
from bot.disagree import stance as st
from bot.disagree.summary import group as _group
from bot.disagree.summary import position
from bot.disagree.summary import summary as _summary
from bot.lang import data as lang
from bot.lang.text import content_tokens, fold
from bot.models import Disagreement, Position

if TYPE_CHECKING:
    from bot.disagree.prepare import DisagreeIndex

# --- tuning: set on the documents and on development questions, never on the evaluation set ---
SENT_W = 0.6  # dense relevance = SENT_W * sim(question, sentence) + (1 - SENT_W) * sim(question, passage)
LEX_W = 0.02  # weight of the share of the question's rare words found in the sentence
TOUCH = 0.02  # a question touches an aspect when its descriptions beat the background by this much
TOUCH_SPREAD = 0.02  # ... and it is not much further than the aspect the question is most about
CUE_BONUS = 0.03  # counted when the question uses the aspect's own words
MAP_MARGIN = 0.08  # for aspects only the evidence map knows: how close an entry's quotes must be
SOURCE_TAU = 0.02  # softness of the relevance weighting of a source's sentences
STRENGTH_W = 0.01  # when choosing a source's quote, a clearer sentence may beat a slightly closer one
ANAPHORA_PENALTY = 0.015  # "Or, ces dernières ...", "Dans ce cas ...": a quote that needs its context
MAX_DISAGREEMENTS = 3
MAX_POSITIONS = 4

# Words that say a question is about a measure (a number with a unit). A measure is only compared
# when the question asks for it: a definition question is not a question about size.
_MEASURE_Q = lang.measure_questions()  # bot/lang/aspects/<measure>.yaml, measure_question
_PRICE_Q = re.compile(_MEASURE_Q["prix"])
# "combien de temps dure une séance" asks for a duration, not for a number of sessions
_DURATION_Q = re.compile(r"combien de temps|\bdure\b|\bduree\b|\bhow long\b|\bminutes?\b|\bheures?\b")

MEASURE_TOPIC = lang.measure_topics()  # measure -> (topic_fr, topic_en, about_fr, about_en)
ABOUT = lang.about()  # the aspect as it reads inside a sentence, with its article
LEGAL_TOPIC = lang.topic("statut_legal")


# The documents treat two areas, skin and hair: a question about wrinkles is not answered by a sentence
# about hair loss, even when the embedding finds them close.
_AREAS = lang.areas()  # bot/lang/areas.yaml


def area(text: str) -> frozenset[str]:
    t = fold(text.replace("’", "'"))
    return frozenset(a for a, pat in _AREAS.items() if pat.search(t))


# --- per answer ----------------------------------------------------------------------


@dataclass
class _Ctx:
    kb: object
    dx: DisagreeIndex
    rel: np.ndarray  # (N,) relevance of every sentence to the question
    touch: dict[str, float]  # aspect -> how much the question is about it (>= TOUCH: touched)
    fq: str  # folded question
    lang: str
    qvec: np.ndarray
    area: frozenset[str] = frozenset()  # the area the question is about, when it names one


def relevance(kb, dx: DisagreeIndex, question: str, qvec: np.ndarray) -> np.ndarray:
    """Dense similarity of the question to each sentence and its passage, plus shared rare words."""
    sent = kb.sentence_vecs @ qvec
    pas = (kb.passage_vecs @ qvec)[kb.sentence_passage_rows]
    rel = SENT_W * sent + (1 - SENT_W) * pas
    idf = kb.sentence_idf
    q = [w for w in set(content_tokens(question)) if w in idf]
    total = sum(idf[w] for w in q)
    if total > 0:
        lex = np.array([sum(idf[w] for w in q if w in toks) for toks in kb.sentence_token_sets]) / total
        rel = rel + LEX_W * lex
    return np.where(dx.usable, rel, -1.0)


def touched(dx: DisagreeIndex, fq: str, qvec: np.ndarray, question: str = "") -> dict[str, float]:
    """How much the question is about each aspect, relative to everything else the documents discuss."""
    lower = question.lower()
    sims = dx.topic_vecs @ qvec
    best: dict[str, float] = {}
    for k, v in zip(dx.topic_keys, sims, strict=True):
        best[k] = max(best.get(k, -1.0), float(v))
    background = best.pop("", -1.0)
    out = {}
    for k, v in best.items():
        cue = topics.CUES.get(k) or _MEASURE_Q.get(k)
        accented = topics.CUES_ACCENTED.get(k)
        uses_words = bool(cue and re.search(cue, fq)) or bool(accented and re.search(accented, lower))
        out[k] = v - background + (CUE_BONUS if uses_words else 0.0)
    top = max(out.values(), default=0.0)
    # an aspect far behind the one the question is most about is not touched: kept below TOUCH
    return {k: (v if v >= top - TOUCH_SPREAD else min(v, TOUCH) - 1.0) for k, v in out.items()}


_NAME = re.compile(r"(?<![\w-])[A-ZÀ-Ý][\w-]+")
# the five sources as a reader names them (with an article, so "essais cliniques" is not "la clinique")
_SOURCE_NAMED = lang.source_names()  # bot/lang/sources.yaml
_COMPARE = re.compile(
    r"\bautres\b|\bsources\b|d'accord|\bcontredi\w*|\bcompar\w*|\bdivergen\w*|\bversus\b|\bvs\b|\bothers?\b"
    r"|\bagree\w*|\bdisagree\w*|\bcontradict\w*"
)

# "la praticienne dit que …, c'est solide ?": a source's claim put to the others, not a question about its words
_REPORTED = re.compile(
    r"\b(?:dit|disent|affirme\w*|ecri\w*|pretend\w*|annonce\w*|says?|claims?|writes?)\s+(?:que|qu'|that)\b"
)


def _one_source_named(question: str, dx: DisagreeIndex) -> bool:
    """True when the question is about one source's own words: it names that source, or a person, a study
    or an acronym only that source mentions ("the Proffer study"), and asks for no comparison."""
    fq = fold(question.replace("’", "'"))
    if _COMPARE.search(fq) or _REPORTED.search(fq):
        return False
    owners = {sid for sid, pat in _SOURCE_NAMED.items() if sid in dx.doc_words and re.search(pat, fq)}
    for m in _NAME.finditer(question):
        if m.start() == 0 and sum(c.isupper() for c in m.group()) < 2:
            continue  # the capital of the first word says nothing
        w = fold(m.group())
        if w.startswith("exosom"):
            continue
        having = {sid for sid, words in dx.doc_words.items() if w in words}
        if len(having) == 1:
            owners |= having
        elif len(having) > 1:
            return False  # a name several sources use (France, PRP): not about one source
    return len(owners) == 1


def find(
    question: str, qvec: np.ndarray, hits, kb, dx: DisagreeIndex, use_map: bool, lang: str
) -> list[Disagreement]:
    """The disagreements that bear on this question (their positions may cite passages beyond the hits)."""
    if not len(kb.sentences):
        return []
    qvec = np.asarray(qvec, dtype=np.float32)
    fq = fold(question.replace("’", "'"))
    if _one_source_named(question, dx):
        return []  # "what does Inserm say", "the Proffer study": a question about one source's own words
    lang = "en" if lang == "en" else "fr"
    ctx = _Ctx(kb, dx, relevance(kb, dx, question, qvec), touched(dx, fq, qvec, question), fq, lang, qvec)
    ctx.area = area(question)
    found: list[tuple[float, Disagreement]] = []
    found += _measure_disagreements(ctx)
    found += _legal_disagreement(ctx)
    for a in st.ASPECTS:
        found += _stance_disagreement(ctx, a)
    if use_map and dx.claims:
        mapped = _map_disagreements(ctx, {d.aspect for _, d in found})
        covered = {d.aspect for _, d in mapped}
        found = [(sc, d) for sc, d in found if d.aspect not in covered] + mapped
    found.sort(key=lambda sd: -sd[0])
    return [d for _, d in found[:MAX_DISAGREEMENTS]]


def _position(ctx: _Ctx, i: int, stance: str) -> Position:
    return position(ctx.kb, i, stance, ctx.lang)


# measures ---------------------------------------------------------------------------


def _measure_disagreements(ctx: _Ctx) -> list[tuple[float, Disagreement]]:
    out = []
    for m, items in ctx.dx.values.items():
        if not items or not _asks_measure(ctx, m):
            continue
        best: dict[str, tuple[float, int, qty.Value]] = {}
        for i, v in items:
            sid = ctx.kb.sentences[i].source_id
            if sid not in best or ctx.rel[i] > best[sid][0]:
                best[sid] = (float(ctx.rel[i]), i, v)
        if len({v.key for _, _, v in best.values()}) < 2:
            continue  # one source, or all agree
        en = ctx.lang == "en"
        chosen = sorted(best.values(), key=lambda b: _doc_order(ctx, b[1]))
        positions = [_position(ctx, i, v.label_en if en else v.label_fr) for _, i, v in chosen][
            :MAX_POSITIONS
        ]
        topic_fr, topic_en, about_fr, about_en = MEASURE_TOPIC[m]
        d = Disagreement(
            topic=topic_en if en else topic_fr,
            summary=_summary(ctx.kb, ctx.lang, about_en if en else about_fr, _group(positions), values=True),
            positions=positions,
            aspect=m,
            origin="detector",
        )
        out.append((1.0 + ctx.touch.get(m, 0.0), d))  # the question asked for this number: shown first
    return out


def _asks_measure(ctx: _Ctx, m: str) -> bool:
    """The question asks for this number: its words name the measure and its meaning is about it."""
    if not re.search(_MEASURE_Q[m], ctx.fq):
        return False
    if m != "prix" and _PRICE_Q.search(ctx.fq):
        return False  # "combien coûte une séance": a price question, not a session count
    if m == "seances" and _DURATION_Q.search(ctx.fq):
        return False
    return ctx.touch.get(m, -1.0) >= 0.0  # not "size-exclusion chromatography"


def _doc_order(ctx: _Ctx, i: int) -> tuple[int, int]:
    order = list(ctx.kb.sources)
    s = ctx.kb.sentences[i]
    return order.index(s.source_id), ctx.kb.passages[s.passage_id].start + s.start


# allowed origins ------------------------------------------------------------------------


def _legal_disagreement(ctx: _Ctx) -> list[tuple[float, Disagreement]]:
    items = ctx.dx.origins
    if not items or ctx.touch.get("statut_legal", -1.0) < TOUCH:
        return []
    merged: dict[str, dict[str, bool]] = {}
    quotes: dict[str, list[int]] = {}
    for i, rules in sorted(items, key=lambda it: -ctx.rel[it[0]]):
        sid = ctx.kb.sentences[i].source_id
        m = merged.setdefault(sid, {})
        for o, ok in rules.items():
            m.setdefault(o, ok)
        quotes.setdefault(sid, []).append(i)
    conflicts = {o for o in st.ORIGINS if len({m[o] for m in merged.values() if o in m}) > 1}
    if len(merged) < 2 or not conflicts:
        return []
    en = ctx.lang == "en"
    names = st.ORIGIN_EN if en else st.ORIGIN_FR
    rules_of = dict(items)
    positions = []
    for sid in ctx.kb.sources:
        if sid not in merged:
            continue
        allowed = [names[o] for o in st.ORIGINS if merged[sid].get(o)]
        label = (
            ("allowed: " + " or ".join(allowed) + " origin")
            if en
            else ("autorisés : origine " + " ou ".join(allowed))
        )
        # the quote: the most relevant sentence of the source that speaks to a disputed origin
        i = next((j for j in quotes[sid] if conflicts & set(rules_of[j])), quotes[sid][0])
        positions.append(_position(ctx, i, label))
    about = ABOUT["statut_legal"][1 if en else 0]
    d = Disagreement(
        topic=LEGAL_TOPIC[1 if en else 0],
        summary=_summary(ctx.kb, ctx.lang, about, _group(positions)),
        positions=positions[:MAX_POSITIONS],
        aspect="statut_legal",
        origin="detector",
    )
    return [(ctx.touch["statut_legal"], d)]


# stances ------------------------------------------------------------------------------------


def _stance_disagreement(ctx: _Ctx, a: st.Aspect) -> list[tuple[float, Disagreement]]:
    items = [(i, r) for i, r in ctx.dx.readings[a.key] if _same_area(ctx, i)]
    if len(items) < 2 or ctx.touch.get(a.key, -1.0) < TOUCH:
        return []
    rels = np.array([ctx.rel[i] for i, _ in items])
    best = float(rels.max())
    by_source: dict[str, list[tuple[float, int, st.Reading]]] = {}
    for (i, r), rv in zip(items, rels, strict=True):
        if rv >= best - a.margin:
            by_source.setdefault(ctx.kb.sentences[i].source_id, []).append((float(rv), i, r))
    stances: dict[str, tuple[str, float, int]] = {}
    sign = {st.POS: 1.0, st.NEG: -1.0, st.MIXED: 0.0}
    for sid, relevant in by_source.items():
        cands = sorted(relevant, key=lambda c: -c[0])[:3]
        w = [math.exp((c[0] - cands[0][0]) / SOURCE_TAU) for c in cands]
        v = sum(wi * sign[c[2].cls] for wi, c in zip(w, cands, strict=True)) / sum(w)
        cls = st.POS if v >= 0.5 else st.NEG if v <= -0.5 else st.MIXED
        reports = [c for c in relevant if c[2].cls == st.POS and c[2].pos_firm >= 1.0]
        if a.any_pos and reports:
            cls, cands = st.POS, reports  # an existence claim: one clear sentence reporting it is enough
        same = [c for c in cands if c[2].cls == cls] or cands
        pick = max(same, key=lambda c: _quote_score(ctx, c[1], c[0], c[2]))
        stances[sid] = (cls, pick[0], pick[1])
    classes = {c for c, _, _ in stances.values()}
    if not (st.POS in classes and st.NEG in classes):
        return []
    en = ctx.lang == "en"
    labels = a.labels_en if en else a.labels_fr
    order = list(ctx.kb.sources)
    ranked = sorted(stances.items(), key=lambda kv: (kv[1][0] == st.MIXED, -kv[1][1]))[:MAX_POSITIONS]
    ranked.sort(key=lambda kv: ({st.POS: 0, st.MIXED: 1, st.NEG: 2}[kv[1][0]], order.index(kv[0])))
    positions = [_position(ctx, i, labels[cls]) for _, (cls, _, i) in ranked]
    d = Disagreement(
        topic=a.topic_en if en else a.topic_fr,
        summary=_summary(ctx.kb, ctx.lang, ABOUT[a.key][1 if en else 0], _group(positions)),
        positions=positions,
        aspect=a.key,
        origin="detector",
    )
    return [(ctx.touch[a.key], d)]


def _same_area(ctx: _Ctx, i: int) -> bool:
    """A sentence about hair only does not answer a question about skin only, and the reverse."""
    if len(ctx.area) != 1:
        return True
    own = ctx.dx.areas[i]
    return not own or bool(own & ctx.area)


_ANAPHORA = re.compile(
    r"^\W*(?:or,|ces |cette |cet |ce |ceux|celle|celui|dans ce |dans ces |il |ils |elle |elles )", re.I
)


def _quote_score(ctx: _Ctx, i: int, rel: float, r: st.Reading) -> float:
    """Relevance, a little clarity, and a quote that stands on its own."""
    text = ctx.kb.sentences[i].text
    return rel + STRENGTH_W * min(r.strength, 2.0) - (ANAPHORA_PENALTY if _ANAPHORA.match(text) else 0.0)


# evidence map ------------------------------------------------------------------------------------


def _map_disagreements(ctx: _Ctx, detected: set[str]) -> list[tuple[float, Disagreement]]:
    """Reviewed entries on the aspects the question touches, when the sources speak to the question:
    the detector found a disagreement there, or the entry's quotes are among the closest sentences."""
    out = []
    for c in ctx.dx.claims:
        if ctx.touch.get(c.aspect, -1.0) < TOUCH:
            continue
        if c.aspect in _MEASURE_Q and not _asks_measure(ctx, c.aspect):
            continue
        own = area(f"{c.topic_fr} {c.topic_en}")
        if len(ctx.area) == 1 and own and not own & ctx.area:
            continue  # an entry on acne scars does not answer a question about hair
        # the entry applies when its positions are among the question's most relevant sentences on the aspect
        rels = [max((ctx.rel[i] for i in p.sentences), default=-1.0) for p in c.positions]
        pool = [ctx.rel[i] for i, _ in ctx.dx.readings.get(c.aspect, [])] + rels
        aspect = st.ASPECT_BY_KEY.get(c.aspect)
        margin = aspect.margin if aspect else MAP_MARGIN
        if c.aspect not in detected and sum(r >= max(pool) - margin for r in rels) < 2:
            continue
        d = evidence_map.map_entry(ctx.kb, c, ctx.lang)
        fit = float((c.vecs @ ctx.qvec).max()) if c.vecs is not None and c.vecs.size else 0.0
        out.append((ctx.touch[c.aspect] + 0.001, fit, d))
    # several entries on one aspect: the one whose topic fits the question best, one between sources and
    # one self-contradiction, so a document contradicting itself never hides the sources' disagreement
    best: dict[tuple[str, bool], tuple[float, float, Disagreement]] = {}
    for score, fit, d in out:
        key = (d.aspect, d.self_contradiction)
        if key not in best or fit > best[key][1]:
            best[key] = (score - (0.0005 if d.self_contradiction else 0.0), fit, d)
    return [(score, d) for score, _, d in best.values()]
