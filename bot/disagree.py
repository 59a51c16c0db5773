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
scores every sentence against the question with one matrix product, so a
source whose passage fell below the retrieval cut-off still gets its say:
each position is the most relevant sentence of its source on that aspect.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from . import disagree_topics as topics
from . import quantities as qty
from . import stance as st
from .models import Disagreement, Position
from .text import content_tokens, fold, normalize

log = logging.getLogger(__name__)

# --- tuning (set on the documents, see tests/test_disagree_*.py) ------------------
SENT_W = 0.6  # dense relevance = SENT_W * sim(question, sentence) + (1 - SENT_W) * sim(question, passage)
LEX_W = 0.02  # weight of the share of the question's rare words found in the sentence
TOUCH = 0.02  # a question touches an aspect when its descriptions beat the background by this much
TOUCH_SPREAD = 0.02  # ... and it is not much further than the aspect the question is most about
CUE_BONUS = 0.02  # counted when the question uses the aspect's own words
POS_MARGIN = 0.05  # a source speaks to the question when its best sentence on the aspect is this close
SOURCE_TAU = 0.02  # softness of the relevance weighting of a source's sentences
MAX_DISAGREEMENTS = 3
MAX_POSITIONS = 4

# Words that say a question is about a measure (a number with a unit). A measure is only compared
# when the question asks for it: a definition question is not a question about size.
_MEASURE_Q = {
    "taille": r"\btaille|\bdiametre|\bdimension|\bmesurent|\bgros(?:se|ses)?\b|\bgrand(?:e|s|es)?\b"
    r"|\bnm\b|nanometre|\bsize|\bbig\b|\blarge\b|\bdiameter|\bhow small",
    "seances": r"(?:combien|nombre|how many|how often|frequence|rythme|intervalle|espac\w*|tous les combien)"
    r"[^?]{0,40}(?:seance|session|fois|rendez-vous|traitement|treatment|visit)"
    r"|(?:seances?|sessions?)[^?]{0,30}(?:combien|necessaires?|faut|needed|required|prevoir)",
    "delai_resultats": r"(?:combien de temps|au bout de|quand|delai|how long|how soon|when)"
    r"[^?]{0,40}(?:resultat|effet|voir|visible|result|see|work)",
    "rappel": r"\brappel|\bentretien|\bbooster|\bmaintenance|top-up",
    "prix": r"\bprix\b|\bcout\w*|\btarif|\bcher\b|€|\beuros?\b|\bprice|\bcost|\bexpensive|\bhow much",
    "temperature": r"\btemperature|\bconserv\w*|\bstock\w*|\bfroid\b|\bstore|\bstorage|°",
}
_PRICE_Q = re.compile(_MEASURE_Q["prix"])

MEASURE_TOPIC = {
    "taille": ("taille des exosomes", "exosome size", "la taille des exosomes", "the size of exosomes"),
    "seances": (
        "nombre et rythme des séances",
        "number and spacing of sessions",
        "le nombre et le rythme des séances",
        "the number and spacing of sessions",
    ),
    "delai_resultats": (
        "délai avant les résultats",
        "time before results",
        "le délai avant les premiers résultats",
        "the time before results show",
    ),
    "rappel": ("séances de rappel", "booster sessions", "les séances de rappel", "booster sessions"),
    "prix": ("prix", "price", "le prix du traitement", "the price of the treatment"),
    "temperature": (
        "température de conservation",
        "storage temperature",
        "la température de conservation",
        "the storage temperature",
    ),
}
ABOUT = {  # the aspect as it reads inside a sentence, with its article
    "securite": ("la tolérance et la sécurité", "tolerance and safety"),
    "efficacite": ("l'efficacité", "efficacy"),
    "preuves": ("l'état des preuves cliniques", "the state of the clinical evidence"),
    "cancer": ("le risque de cancer", "the risk of cancer"),
    "durabilite": ("la durée des résultats", "how long results last"),
    "universalite": ("les personnes à qui cela convient", "who it suits"),
    "injections": ("les injections d'exosomes", "exosome injections"),
    "application": ("le mode d'application", "how exosomes are applied"),
    "statut_legal": ("les exosomes autorisés selon leur origine", "which exosome origins are allowed"),
}
LEGAL_TOPIC = ("statut réglementaire selon l'origine", "regulatory status by origin")


# --- the prepared index -----------------------------------------------------------


@dataclass
class Claim:
    """A reviewed disagreement from the evidence map, resolved against the corpus."""

    id: str
    aspect: str
    topic_fr: str
    topic_en: str
    summary_fr: str
    summary_en: str
    positions: list[dict]  # source_id, passage_id, quote, stance_fr, stance_en, sentences (indices)


@dataclass
class DisagreeIndex:
    usable: np.ndarray  # (N,) bool: sentences that may carry a position
    readings: dict[str, list[tuple[int, st.Reading]]]  # aspect -> sentences with a direction
    values: dict[str, list[tuple[int, qty.Value]]]  # measure -> sentences stating it
    origins: list[tuple[int, dict[str, bool]]]  # sentences saying which origins are allowed
    sent_passage_row: np.ndarray  # (N,) row of each sentence's passage in kb.passage_vecs
    tokens: list[frozenset[str]]  # lemmas of each sentence, for the lexical part of relevance
    idf: dict[str, float]
    topic_keys: list[str]  # row -> aspect key ("" for background)
    topic_vecs: np.ndarray  # (T, d) query-mode embeddings of the aspect descriptions
    claims: list[Claim] = field(default_factory=list)
    claims_error: str | None = None


def _usable(kb, i: int) -> bool:
    s = kb.sentences[i]
    p = kb.passages[s.passage_id]
    if any("bibliograph" in fold(h) for h in p.heading_path):
        return False
    text = s.text.strip()
    if text.startswith("|") or qty.is_english(text):
        return False
    return len(re.findall(r"\w+", text)) >= 2


def prepare(kb) -> DisagreeIndex:
    """Read every sentence once: aspects and directions, quantities, allowed origins; resolve the map."""
    n = len(kb.sentences)
    usable = np.array([_usable(kb, i) for i in range(n)], dtype=bool)
    readings: dict[str, list[tuple[int, st.Reading]]] = {a.key: [] for a in st.ASPECTS}
    values: dict[str, list[tuple[int, qty.Value]]] = {m: [] for m in qty.MEASURES}
    origins: list[tuple[int, dict[str, bool]]] = []
    for i, s in enumerate(kb.sentences):
        if not usable[i]:
            continue
        t = st.prep(s.text)
        for a in st.ASPECTS:
            r = st.read(s.text, a, t)
            if r.cls != st.NONE:
                readings[a.key].append((i, r))
        for m, v in qty.values(s.text).items():
            values[m].append((i, v))
        o = st.origin_rules(s.text, t)
        if o:
            origins.append((i, o))
    rows = {pid: r for r, pid in enumerate(kb.passage_order)}
    sent_row = np.array([rows[s.passage_id] for s in kb.sentences], dtype=np.int64)
    tokens = [frozenset(content_tokens(s.text)) for s in kb.sentences]
    df: dict[str, int] = {}
    for toks in tokens:
        for w in toks:
            df[w] = df.get(w, 0) + 1
    idf = {w: math.log((n + 1) / c) for w, c in df.items()}
    keys, vecs = _topic_vectors(kb)
    dx = DisagreeIndex(usable, readings, values, origins, sent_row, tokens, idf, keys, vecs)
    try:
        dx.claims = _resolve_claims(kb, validate_claims(kb))
    except (ValueError, OSError) as exc:  # the index build reports a bad map loudly; answers go on
        dx.claims_error = str(exc)
        log.error("evidence map not used: %s", exc)
    return dx


def _topic_vectors(kb) -> tuple[list[str], np.ndarray]:
    """Embeddings of the aspect descriptions, cached next to the index (they only change with the text)."""
    keys = [k for k, descs in topics.DESCRIPTIONS.items() for _ in descs] + [""] * len(topics.BACKGROUND)
    texts = [d for descs in topics.DESCRIPTIONS.values() for d in descs] + list(topics.BACKGROUND)
    name = getattr(kb.embedder, "name", type(kb.embedder).__name__)
    digest = hashlib.sha256(("\n".join([name, *texts])).encode()).hexdigest()[:16]
    path = None
    try:
        from .settings import get_settings

        path = Path(get_settings().index_dir) / f"disagree-topics-{digest}.npy"
        if path.exists():
            vecs = np.load(path)
            if vecs.shape[0] == len(texts):
                return keys, vecs
    except Exception:  # unreadable cache: embed again
        path = path if path is not None else None
    vecs = np.vstack([np.asarray(kb.embedder.query(t), dtype=np.float32) for t in texts])
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
            np.save(tmp, vecs)
            os.replace(tmp, path)
        except OSError:  # read-only index folder: keep the vectors in memory only
            pass
    return keys, vecs


# --- the evidence map --------------------------------------------------------------


def claims_path() -> Path:
    from .settings import get_settings

    return get_settings().corpus_dir / "claims.yaml"


def load_claims(path: Path | None = None) -> list[dict]:
    data = yaml.safe_load((path or claims_path()).read_text(encoding="utf-8")) or []
    if isinstance(data, dict):
        data = data.get("disagreements", [])
    if not isinstance(data, list):
        raise ValueError("claims.yaml: expected a list of disagreements")
    return data


_KNOWN_ASPECTS = {a.key for a in st.ASPECTS} | set(qty.MEASURES) | {"statut_legal", "prp"}


def validate_claims(kb, path: Path | None = None) -> list[dict]:
    """Check the evidence map against the corpus; return its entries with passage ids resolved.

    Every quote must appear verbatim (after whitespace and typographic-quote
    normalisation) in its source's cleaned document and inside one passage.
    Raises ValueError naming the offending entry otherwise.
    """
    entries = load_claims(path)
    seen: set[str] = set()
    out = []
    for n, e in enumerate(entries):
        eid = str(e.get("id") or f"#{n + 1}")
        where = f"claims.yaml entry '{eid}'"
        if eid in seen:
            raise ValueError(f"{where}: duplicate id")
        seen.add(eid)
        for key in ("aspect", "topic_fr", "topic_en", "summary_fr", "summary_en", "positions"):
            if not e.get(key):
                raise ValueError(f"{where}: missing '{key}'")
        if e["aspect"] not in _KNOWN_ASPECTS:
            raise ValueError(f"{where}: unknown aspect '{e['aspect']}' (known: {sorted(_KNOWN_ASPECTS)})")
        positions = e["positions"]
        if len({p.get("source_id") for p in positions}) < 2:
            raise ValueError(f"{where}: a disagreement needs positions from at least two sources")
        resolved = []
        for k, p in enumerate(positions):
            pw = f"{where}, position {k + 1} ({p.get('source_id')})"
            sid = p.get("source_id")
            if sid not in kb.sources:
                raise ValueError(f"{pw}: unknown source_id '{sid}'")
            for key in ("stance_fr", "stance_en", "quote"):
                if not p.get(key):
                    raise ValueError(f"{pw}: missing '{key}'")
            quote = normalize(p["quote"])
            if quote not in normalize(kb.documents[sid]):
                raise ValueError(f"{pw}: quote not found verbatim in the cleaned document: «{p['quote']}»")
            pid = next(
                (
                    q.id
                    for q in sorted(kb.passages.values(), key=lambda q: q.n)
                    if q.source_id == sid and quote in normalize(q.text)
                ),
                None,
            )
            if pid is None:
                raise ValueError(f"{pw}: quote runs across two passages, cut it to one: «{p['quote']}»")
            resolved.append({**p, "passage_id": pid})
        out.append({**e, "id": eid, "positions": resolved})
    return out


def _resolve_claims(kb, entries: list[dict]) -> list[Claim]:
    claims = []
    for e in entries:
        positions = []
        for p in e["positions"]:
            quote = normalize(p["quote"])
            idx = [
                i
                for i in kb.passage_sentences.get(p["passage_id"], [])
                if normalize(kb.sentences[i].text) in quote or quote in normalize(kb.sentences[i].text)
            ]
            positions.append({**p, "sentences": idx})
        claims.append(
            Claim(
                e["id"],
                e["aspect"],
                e["topic_fr"],
                e["topic_en"],
                e["summary_fr"],
                e["summary_en"],
                positions,
            )
        )
    return claims


# --- per answer ----------------------------------------------------------------------


@dataclass
class _Ctx:
    kb: object
    dx: DisagreeIndex
    rel: np.ndarray  # (N,) relevance of every sentence to the question
    touch: dict[str, float]  # aspect -> how much the question is about it (> TOUCH: touched)
    fq: str  # folded question
    lang: str


def relevance(kb, dx: DisagreeIndex, question: str, qvec: np.ndarray) -> np.ndarray:
    """Dense similarity of the question to each sentence and its passage, plus shared rare words."""
    sent = kb.sentence_vecs @ qvec
    pas = (kb.passage_vecs @ qvec)[dx.sent_passage_row]
    rel = SENT_W * sent + (1 - SENT_W) * pas
    q = [w for w in set(content_tokens(question)) if w in dx.idf]
    total = sum(dx.idf[w] for w in q)
    if total > 0:
        lex = np.array([sum(dx.idf[w] for w in q if w in toks) for toks in dx.tokens]) / total
        rel = rel + LEX_W * lex
    return np.where(dx.usable, rel, -1.0)


def touched(dx: DisagreeIndex, fq: str, qvec: np.ndarray) -> dict[str, float]:
    """How much the question is about each aspect, relative to everything else the documents discuss."""
    sims = dx.topic_vecs @ qvec
    best: dict[str, float] = {}
    for k, v in zip(dx.topic_keys, sims, strict=True):
        best[k] = max(best.get(k, -1.0), float(v))
    background = best.pop("", -1.0)
    out = {}
    for k, v in best.items():
        cue = topics.CUES.get(k) or _MEASURE_Q.get(k)
        out[k] = v - background + (CUE_BONUS if cue and re.search(cue, fq) else 0.0)
    top = max(out.values(), default=0.0)
    return {k: (v if v >= top - TOUCH_SPREAD else min(v, TOUCH)) for k, v in out.items()}


def find(question: str, qvec: np.ndarray, hits, kb, dx: DisagreeIndex, use_map: bool, lang: str):
    """The disagreements that bear on this question, and the passages they cite beyond the hits."""
    if not len(kb.sentences):
        return [], []
    qvec = np.asarray(qvec, dtype=np.float32)
    fq = fold(question.replace("’", "'"))
    ctx = _Ctx(
        kb, dx, relevance(kb, dx, question, qvec), touched(dx, fq, qvec), fq, "en" if lang == "en" else "fr"
    )
    found: list[tuple[float, Disagreement]] = []
    found += _measure_disagreements(ctx)
    found += _legal_disagreement(ctx)
    for a in st.ASPECTS:
        found += _stance_disagreement(ctx, a)
    if use_map and dx.claims:
        mapped = _map_disagreements(ctx)
        covered = {d.aspect for _, d in mapped}
        found = [(sc, d) for sc, d in found if d.aspect not in covered] + mapped
    found.sort(key=lambda sd: -sd[0])
    out = [d for _, d in found[:MAX_DISAGREEMENTS]]
    hit_ids = {h.passage.id for h in hits}
    extra: list[str] = []
    for d in out:
        for p in d.positions:
            if p.passage_id not in hit_ids and p.passage_id not in extra:
                extra.append(p.passage_id)
    return out, extra


def _position(ctx: _Ctx, i: int, stance: str) -> Position:
    s = ctx.kb.sentences[i]
    src = ctx.kb.sources[s.source_id]
    en = ctx.lang == "en"
    return Position(
        source_id=s.source_id,
        passage_id=s.passage_id,
        stance=stance,
        quote=s.text,
        source_label=src.short_name_en if en else src.short_name_fr,
        source_kind=src.kind_label_en if en else src.kind_label_fr,
    )


def _names(ctx: _Ctx, sids: list[str]) -> str:
    en = ctx.lang == "en"
    names = [ctx.kb.sources[s].short_name_en if en else ctx.kb.sources[s].short_name_fr for s in sids]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + (" and " if en else " et ") + names[-1]


def _summary(ctx: _Ctx, about: str, groups: list[tuple[str, list[str]]], values: bool = False) -> str:
    """One neutral sentence: each stance or value with the sources that hold it, in document order."""
    en = ctx.lang == "en"
    parts = [f"{label} {'for' if en else 'pour'} {_names(ctx, sids)}" for label, sids in groups]
    if en:
        head = (
            f"The sources give different values for {about}" if values else f"The sources differ on {about}"
        )
    else:
        head = (
            f"Les sources donnent des valeurs différentes pour {about}"
            if values
            else f"Les sources ne disent pas la même chose sur {about}"
        )
    sellers = [s for _, sids in groups for s in sids if ctx.kb.sources[s].sells_treatment]
    note = ""
    if sellers and len(sellers) < sum(len(g) for _, g in groups):
        sellers = list(dict.fromkeys(sellers))
        if en:
            note = f" ({_names(ctx, sellers)} {'sells' if len(sellers) == 1 else 'sell'} this treatment)"
        else:
            verb = "propose" if len(sellers) == 1 else "proposent"
            note = f" ({_names(ctx, sellers)} {verb} ce soin)"
    return f"{head} : {'; '.join(parts)}{note}." if not en else f"{head}: {'; '.join(parts)}{note}."


def _group(positions: list[Position]) -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {}
    for p in positions:
        groups.setdefault(p.stance, []).append(p.source_id)
    return list(groups.items())


# measures ---------------------------------------------------------------------------


def _measure_disagreements(ctx: _Ctx) -> list[tuple[float, Disagreement]]:
    out = []
    for m, items in ctx.dx.values.items():
        if not items or not re.search(_MEASURE_Q[m], ctx.fq):
            continue
        if m != "prix" and _PRICE_Q.search(ctx.fq):
            continue  # "combien coûte une séance": a price question, not a session count
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
            summary=_summary(ctx, about_en if en else about_fr, _group(positions), values=True),
            positions=positions,
            aspect=m,
            origin="detector",
        )
        out.append((1.0 + ctx.touch.get(m, 0.0), d))  # the question asked for this number: shown first
    return out


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
        summary=_summary(ctx, about, _group(positions)),
        positions=positions[:MAX_POSITIONS],
        aspect="statut_legal",
        origin="detector",
    )
    return [(ctx.touch["statut_legal"], d)]


# stances ------------------------------------------------------------------------------------


def _stance_disagreement(ctx: _Ctx, a: st.Aspect) -> list[tuple[float, Disagreement]]:
    items = ctx.dx.readings[a.key]
    if len(items) < 2 or ctx.touch.get(a.key, -1.0) < TOUCH:
        return []
    rels = np.array([ctx.rel[i] for i, _ in items])
    best = float(rels.max())
    by_source: dict[str, list[tuple[float, int, st.Reading]]] = {}
    for (i, r), rv in zip(items, rels, strict=True):
        if rv >= best - POS_MARGIN:
            by_source.setdefault(ctx.kb.sentences[i].source_id, []).append((float(rv), i, r))
    stances: dict[str, tuple[str, float, int]] = {}
    sign = {st.POS: 1.0, st.NEG: -1.0, st.MIXED: 0.0}
    for sid, cands in by_source.items():
        cands = sorted(cands, key=lambda c: -c[0])[:3]
        w = [math.exp((c[0] - cands[0][0]) / SOURCE_TAU) for c in cands]
        v = sum(wi * sign[c[2].cls] for wi, c in zip(w, cands, strict=True)) / sum(w)
        cls = st.POS if v >= 0.5 else st.NEG if v <= -0.5 else st.MIXED
        if a.any_pos and any(c[2].cls == st.POS for c in cands):
            cls = st.POS  # an existence claim: one sentence reporting it is enough
        pick = next((c for c in cands if c[2].cls == cls), cands[0])
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
        summary=_summary(ctx, ABOUT[a.key][1 if en else 0], _group(positions)),
        positions=positions,
        aspect=a.key,
        origin="detector",
    )
    return [(ctx.touch[a.key], d)]


# evidence map ------------------------------------------------------------------------------------


def _map_disagreements(ctx: _Ctx) -> list[tuple[float, Disagreement]]:
    out = []
    en = ctx.lang == "en"
    for c in ctx.dx.claims:
        if ctx.touch.get(c.aspect, -1.0) < TOUCH:
            continue
        if c.aspect in _MEASURE_Q and not re.search(_MEASURE_Q[c.aspect], ctx.fq):
            continue
        # the entry applies when its positions are among the question's most relevant sentences on the aspect
        rels = [max((ctx.rel[i] for i in p["sentences"]), default=-1.0) for p in c.positions]
        pool = [ctx.rel[i] for i, _ in ctx.dx.readings.get(c.aspect, [])] + rels
        if sum(r >= max(pool) - POS_MARGIN for r in rels) < 2:
            continue
        positions = []
        for p in c.positions:
            src = ctx.kb.sources[p["source_id"]]
            positions.append(
                Position(
                    source_id=p["source_id"],
                    passage_id=p["passage_id"],
                    stance=p["stance_en"] if en else p["stance_fr"],
                    quote=_verbatim(ctx.kb, p["passage_id"], p["quote"]),
                    source_label=src.short_name_en if en else src.short_name_fr,
                    source_kind=src.kind_label_en if en else src.kind_label_fr,
                )
            )
        d = Disagreement(
            topic=c.topic_en if en else c.topic_fr,
            summary=c.summary_en if en else c.summary_fr,
            positions=positions,
            aspect=c.aspect,
            origin="evidence_map",
        )
        out.append((ctx.touch[c.aspect] + 0.001, d))
    return out


def _verbatim(kb, pid: str, quote: str) -> str:
    """The quote as it is written in the passage (the map may differ in spaces or quote marks)."""
    text = kb.passages[pid].text
    if quote in text:
        return quote
    words = [re.escape(w) for w in normalize(quote).split(" ")]
    m = re.search(r"\s+".join(words), _typo(text))
    return text[m.start() : m.end()] if m else quote


def _typo(text: str) -> str:
    """Same length as text, typographic quotes and dashes made plain (for locating a map quote)."""
    table = str.maketrans({"’": "'", "‘": "'", "«": '"', "»": '"', "“": '"', "”": '"', "–": "-", "—": "-"})
    return text.translate(table)
