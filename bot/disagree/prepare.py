"""What the disagreement detector reads once per process, before any question.

Every sentence is read once (aspects and directions, quantities, allowed
origins, the area it is about), the aspect descriptions are embedded (cached
next to the index), and the evidence map is checked and resolved.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.disagree import quantities as qty
from bot.disagree import stance as st
from bot.disagree import topics
from bot.disagree.detect import area
from bot.disagree.evidence_map import Claim, validate_claims
from bot.errors import EvidenceMapInvalid
from bot.lang.text import fold

log = logging.getLogger(__name__)


@dataclass
class DisagreeIndex:
    usable: np.ndarray  # (N,) bool: sentences that may carry a position
    readings: dict[str, list[tuple[int, st.Reading]]]  # aspect -> sentences with a direction
    values: dict[str, list[tuple[int, qty.Value]]]  # measure -> sentences stating it
    origins: list[tuple[int, dict[str, bool]]]  # sentences saying which origins are allowed
    doc_words: dict[str, frozenset[str]]  # source -> its folded words, to spot names only one source uses
    areas: list[frozenset[str]]  # per sentence: "peau", "cheveux", both or neither
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


def prepare(kb, strict: bool = False) -> DisagreeIndex:
    """Read every sentence once: aspects and directions, quantities, allowed origins; resolve the map.

    With `strict` (the index was just built), a bad evidence map stops the load, naming the entry;
    otherwise it is logged and the detectors answer alone.
    """
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
    keys, vecs = _topic_vectors(kb)
    words = {sid: frozenset(re.findall(r"[\w-]+", fold(doc))) for sid, doc in kb.documents.items()}
    areas = [_sentence_area(kb, s) for s in kb.sentences]
    dx = DisagreeIndex(usable, readings, values, origins, words, areas, keys, vecs)
    try:
        dx.claims = validate_claims(kb)
    except (EvidenceMapInvalid, OSError) as exc:
        if strict:
            raise
        dx.claims_error = str(exc)
        log.error("evidence map not used: %s", exc)
        return dx
    texts = [
        t for c in dx.claims for t in (f"{c.topic_fr} : {c.summary_fr}", f"{c.topic_en}: {c.summary_en}")
    ]
    cvecs = embed_cached(kb, texts) if texts else np.zeros((0, 0), dtype=np.float32)
    for k, c in enumerate(dx.claims):
        c.vecs = cvecs[2 * k : 2 * k + 2]
    return dx


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
    may_write = bool((getattr(kb, "extra", None) or {}).get("may_write", True))
    if path is not None and may_write and path.parent.is_dir():
        try:
            tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
            np.save(tmp, vecs)
            os.replace(tmp, path)
        except OSError:  # read-only index folder: keep the vectors in memory only
            pass
    return vecs


def _settings():
    from bot.settings import get_settings

    return get_settings()
