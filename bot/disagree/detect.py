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

from bot.disagree import quantities as qty
from bot.disagree import stance as st
from bot.disagree import topics
from bot.lang.text import content_tokens, fold, normalize
from bot.models import Disagreement, Position

log = logging.getLogger(__name__)

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
_MEASURE_Q = {
    "taille": r"\btaille|\bdiametre|\bdimension|\bmesurent|\bgrosseur|\bnm\b|nanometre|\bsizes?\b(?!-)|\bdiameter"
    r"|\bhow (?:big|large|small|tiny)\b",
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
# "combien de temps dure une séance" asks for a duration, not for a number of sessions
_DURATION_Q = re.compile(r"combien de temps|\bdure\b|\bduree\b|\bhow long\b|\bminutes?\b|\bheures?\b")

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
    vecs: np.ndarray | None = None  # embeddings of "topic: summary" in French and English


@dataclass
class DisagreeIndex:
    usable: np.ndarray  # (N,) bool: sentences that may carry a position
    readings: dict[str, list[tuple[int, st.Reading]]]  # aspect -> sentences with a direction
    values: dict[str, list[tuple[int, qty.Value]]]  # measure -> sentences stating it
    origins: list[tuple[int, dict[str, bool]]]  # sentences saying which origins are allowed
    sent_passage_row: np.ndarray  # (N,) row of each sentence's passage in kb.passage_vecs
    tokens: list[frozenset[str]]  # lemmas of each sentence, for the lexical part of relevance
    doc_words: dict[str, frozenset[str]]  # source -> its folded words, to spot names only one source uses
    areas: list[frozenset[str]]  # per sentence: "peau", "cheveux", both or neither
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
    words = {sid: frozenset(re.findall(r"[\w-]+", fold(doc))) for sid, doc in kb.documents.items()}
    areas = [_sentence_area(kb, s) for s in kb.sentences]
    dx = DisagreeIndex(usable, readings, values, origins, sent_row, tokens, words, areas, idf, keys, vecs)
    try:
        dx.claims = _resolve_claims(kb, validate_claims(kb))
        texts = [
            t for c in dx.claims for t in (f"{c.topic_fr} : {c.summary_fr}", f"{c.topic_en}: {c.summary_en}")
        ]
        vecs = embed_cached(kb, texts) if texts else np.zeros((0, 0), dtype=np.float32)
        for k, c in enumerate(dx.claims):
            c.vecs = vecs[2 * k : 2 * k + 2]
    except (ValueError, OSError) as exc:  # the index build reports a bad map loudly; answers go on
        dx.claims_error = str(exc)
        log.error("evidence map not used: %s", exc)
    return dx


# The documents treat two areas, skin and hair: a question about wrinkles is not answered by a sentence
# about hair loss, even when the embedding finds them close.
_AREAS = {
    "peau": re.compile(
        r"\bpeaux?\b|\brides?\b|\bridules\b|\bvisage\b|\bacne\b|\bteint\b|\btaches?\b|\bcutane\w*|\bepiderm\w*"
        r"|\bderme\b|\bpores?\b|\bskin\b|\bwrinkles?\b|\bface\b|\bfacial\b|\bcomplexion\b"
    ),
    "cheveux": re.compile(
        r"\bcheveux\b|\bcapillaire\w*|\bcuir chevelu\b|\bcalvitie\b|\balopecie\w*|\bfollicul\w*|\bchevelure\b"
        r"|\bglabres?\b|\brepousse\b|\bhair\b|\bscalp\b|\bbald\w*|\balopecia\b"
    ),
}


def area(text: str) -> frozenset[str]:
    t = fold(text.replace("’", "'"))
    return frozenset(a for a, pat in _AREAS.items() if pat.search(t))


def _sentence_area(kb, s) -> frozenset[str]:
    """The sentence's own words, else its headings, else its document's title when that names one area."""
    for text in (s.text, " ".join(kb.passages[s.passage_id].heading_path), kb.sources[s.source_id].title):
        found = area(text)
        if found:
            return found
    return frozenset()


def _topic_vectors(kb) -> tuple[list[str], np.ndarray]:
    """Query-mode embeddings of the aspect descriptions and of the background topics."""
    keys = [k for k, descs in topics.DESCRIPTIONS.items() for _ in descs] + [""] * len(topics.BACKGROUND)
    texts = [d for descs in topics.DESCRIPTIONS.values() for d in descs] + list(topics.BACKGROUND)
    return keys, embed_cached(kb, texts)


def embed_cached(kb, texts: list[str]) -> np.ndarray:
    """Query-mode embeddings, cached next to the index: they only change when the texts or the model do."""
    name = getattr(kb.embedder, "name", type(kb.embedder).__name__)
    digest = hashlib.sha256("\n".join([name, *texts]).encode()).hexdigest()[:16]
    path = None
    try:
        extra = getattr(kb, "extra", None) or {}
        path = Path(extra.get("index_dir") or _settings().index_dir) / f"disagree-{digest}.npy"
        if path.exists():
            vecs = np.load(path)
            if vecs.shape[0] == len(texts):
                return vecs
    except (OSError, ValueError):  # unreadable cache: embed again
        pass
    batch = getattr(kb.embedder, "queries", None)  # a batched query-mode call, when the backend has one
    if callable(batch):
        vecs = np.asarray(batch(texts), dtype=np.float32)
    else:
        vecs = np.vstack([np.asarray(kb.embedder.query(t), dtype=np.float32) for t in texts])
    if path is not None and path.parent.is_dir():
        try:
            tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
            np.save(tmp, vecs)
            os.replace(tmp, path)
        except OSError:  # read-only index folder: keep the vectors in memory only
            pass
    return vecs


# --- the evidence map --------------------------------------------------------------


def _settings():
    from bot.settings import get_settings

    return get_settings()


def claims_path(kb=None) -> Path:
    extra = getattr(kb, "extra", None) or {}
    corpus_dir = extra.get("corpus_dir") or _settings().corpus_dir
    return Path(corpus_dir) / "claims.yaml"


def load_claims(path: Path | None = None) -> list[dict]:
    path = path or claims_path()
    if not path.exists():  # a corpus without an evidence map: the detectors alone
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if isinstance(data, dict):
        data = data.get("disagreements", [])
    if not isinstance(data, list):
        raise ValueError("claims.yaml: expected a list of disagreements")
    return data


_KNOWN_ASPECTS = (
    {a.key for a in st.ASPECTS} | set(qty.MEASURES) | {"statut_legal", "prp", "transfert_genetique"}
)


def validate_claims(kb, path: Path | None = None) -> list[dict]:
    """Check the evidence map against the corpus; return its entries with passage ids resolved.

    Every quote must appear verbatim (after whitespace and typographic-quote
    normalisation) in its source's cleaned document and inside one passage.
    Raises ValueError naming the offending entry otherwise.
    """
    entries = load_claims(path or claims_path(kb))
    seen: set[str] = set()
    out = []
    for n, e in enumerate(entries):
        if not isinstance(e, dict):
            raise ValueError(f"claims.yaml entry #{n + 1}: expected a mapping with id, aspect, topic_fr, ...")
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
        if not isinstance(positions, list) or not all(isinstance(p, dict) for p in positions):
            raise ValueError(f"{where}: 'positions' must be a list of mappings (source_id, stance_fr, ...)")
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
    touch: dict[str, float]  # aspect -> how much the question is about it (>= TOUCH: touched)
    fq: str  # folded question
    lang: str
    qvec: np.ndarray
    area: frozenset[str] = frozenset()  # the area the question is about, when it names one


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
_SOURCE_NAMED = {
    "inserm": r"\binserm\b",
    "dermatologue": r"\b(?:la|cette) dermatologue\b|\bthe dermatologist\b",
    "revue-dermato": r"\bla revue\b|\bthe (?:dermatology )?journal\b",
    "clinique": r"\bla clinique\b|\bthe clinic\b",
    "praticienne-cheveux": r"\bla praticienne\b|\bthe practitioner\b",
}
_COMPARE = re.compile(
    r"\bautres\b|\bsources\b|d'accord|\bcontredi\w*|\bcompar\w*|\bdivergen\w*|\bversus\b|\bvs\b|\bothers?\b"
    r"|\bagree\w*|\bdisagree\w*|\bcontradict\w*"
)


def _one_source_named(question: str, dx: DisagreeIndex) -> bool:
    """True when the question is about one source's own words: it names that source, or a person, a study
    or an acronym only that source mentions ("the Proffer study"), and asks for no comparison."""
    fq = fold(question.replace("’", "'"))
    if _COMPARE.search(fq):
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


def find(question: str, qvec: np.ndarray, hits, kb, dx: DisagreeIndex, use_map: bool, lang: str):
    """The disagreements that bear on this question, and the passages they cite beyond the hits."""
    if not len(kb.sentences):
        return [], []
    qvec = np.asarray(qvec, dtype=np.float32)
    fq = fold(question.replace("’", "'"))
    if _one_source_named(question, dx):
        return [], []  # "what does Inserm say", "the Proffer study": a question about one source's own words
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
    return f"{head}: {'; '.join(parts)}{note}." if en else f"{head} : {' ; '.join(parts)}{note}."


def _group(positions: list[Position]) -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {}
    for p in positions:
        groups.setdefault(p.stance, []).append(p.source_id)
    return list(groups.items())


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
            summary=_summary(ctx, about_en if en else about_fr, _group(positions), values=True),
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
        summary=_summary(ctx, about, _group(positions)),
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
        summary=_summary(ctx, ABOUT[a.key][1 if en else 0], _group(positions)),
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
    en = ctx.lang == "en"
    for c in ctx.dx.claims:
        if ctx.touch.get(c.aspect, -1.0) < TOUCH:
            continue
        if c.aspect in _MEASURE_Q and not _asks_measure(ctx, c.aspect):
            continue
        own = area(f"{c.topic_fr} {c.topic_en}")
        if len(ctx.area) == 1 and own and not own & ctx.area:
            continue  # an entry on acne scars does not answer a question about hair
        # the entry applies when its positions are among the question's most relevant sentences on the aspect
        rels = [max((ctx.rel[i] for i in p["sentences"]), default=-1.0) for p in c.positions]
        pool = [ctx.rel[i] for i, _ in ctx.dx.readings.get(c.aspect, [])] + rels
        aspect = st.ASPECT_BY_KEY.get(c.aspect)
        margin = aspect.margin if aspect else MAP_MARGIN
        if c.aspect not in detected and sum(r >= max(pool) - margin for r in rels) < 2:
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
        fit = float((c.vecs @ ctx.qvec).max()) if c.vecs is not None and c.vecs.size else 0.0
        out.append((ctx.touch[c.aspect] + 0.001, fit, d))
    best: dict[str, tuple[float, float, Disagreement]] = {}
    for score, fit, d in out:  # several entries on one aspect: the one whose topic fits the question best
        if d.aspect not in best or fit > best[d.aspect][1]:
            best[d.aspect] = (score, fit, d)
    return [(score, d) for score, _, d in best.values()]


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
