"""The label of each (claim, source) pair from a few measured features, by a fitted softmax over the four labels.

Hand-set cuts on one probability could not tell a source that hedges on a sweeping claim ("nuance") from
one that is silent, nor weigh a stance reading against how closely the source speaks to the claim. A
multinomial logistic regression over 32 features of the pair (how closely the source speaks
to the claim, what the stance, quantity and origin readings give, how absolute the claim is, whether the
source hedges, sells the treatment or cites studies, whether the evidence map gives it a side on the
claim's aspect) weighs them together. Its weights and its penalty come from cross-validation on the
training claims only (`python -m eval.claims_train --write`, into model.json beside this file).
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from bot.check.label import CONTRA, NUANCE, SILENT, SOURCE_TAU, SUPPORT, claim_direction
from bot.disagree import evidence_map
from bot.disagree import stance as st

MODEL_FILE = Path(__file__).resolve().parent / "model.json"
LABELS = (SUPPORT, CONTRA, NUANCE, SILENT)
FEATURES = (
    "logit_p",  # the source's best sentence for the claim, by the relevance model (log-odds)
    "p_share",  # that probability over the best source's
    "top_source",  # this source has the claim's best sentence
    "raw_support",  # first part the source speaks to, by the readings: soutient / contredit / nuance
    "raw_contra",
    "raw_nuance",
    "raw_quantity",  # ... and whether that part is a stated value or an origin (read exactly)
    "raw_legal",
    "exact_contra",  # a stated value outside the source's range, or an origin it says is otherwise
    "exact_support",
    "raw_rel",  # how close the reading's sentence is to the claim (dense + shared rare words)
    "n_contra",  # readings across the claim's parts
    "n_support",
    "strong",  # the claim speaks in absolutes
    "strong_x_contra",
    "strong_x_nuance",
    "strong_x_silent",  # an absolute claim on a point the readings find nothing on for this source
    "best_agree",  # the best sentence's own direction on the claim's aspect, times the claim's direction
    "best_hedged",  # that sentence hedges (conditional, "semble", "premières études")
    "net_agree",  # the source's sentences on that aspect, weighted by closeness to the claim: agree - oppose
    "strong_x_net",
    "strong_x_hedged",
    "src_rel",  # the source's closest sentence to the claim (dense + shared rare words)
    "asp_count",  # how much the source says on the claim's aspect (log of its sentences with a reading)
    "asp_caution",  # the share of them that oppose, qualify or hedge the claim's direction
    "strong_x_caution",
    "rel_gap",  # the source's closest sentence to the claim, against the closest of any source
    "sells",  # the source sells the treatment
    "sells_x_strong",
    "cites",  # the source cites studies
    "map_fit",  # the evidence map gives the source a side on one of the claim's aspects: how close the claim is
    "no_parts",  # the claim has no checkable part
)


class SoftmaxModel(BaseModel):
    """Weights per label over standardised features; `l2` was chosen by cross-validation."""

    features: list[str]
    labels: list[str]
    mean: list[float]
    scale: list[float]
    weights: list[list[float]]  # (labels, features)
    bias: list[float]
    l2: float
    # added to "contredit"'s log-odds, chosen by cross-validation: a wrong "contredit" is the costliest
    # error; a value outside the source's own range, or an origin it says is otherwise, is read exactly
    # and is spared the shift
    contredit_shift: float = 0.0

    def proba(self, X: np.ndarray) -> np.ndarray:
        X = np.atleast_2d(X)
        b = np.asarray(self.bias) + np.zeros((len(X), 1))
        if self.contredit_shift:
            inexact = X[:, self.features.index("exact_contra")] == 0
            b[inexact, self.labels.index(CONTRA)] += self.contredit_shift
        return softmax_proba(X, np.asarray(self.weights), b, self.mean, self.scale)


def softmax_proba(X, W, b, mean, scale) -> np.ndarray:
    z = ((np.atleast_2d(X) - np.asarray(mean)) / np.asarray(scale)) @ np.asarray(W).T + b
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def fit_softmax(X: np.ndarray, y: np.ndarray, l2: float, iters: int = 60):
    """L2-regularised multinomial logistic regression by Newton's method (no penalty on the biases).

    Returns (weights (K, d), biases (K,), mean, scale); the last label's row is pinned at zero."""
    K = len(LABELS)
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    Z = np.hstack([(X - mean) / scale, np.ones((len(X), 1))])
    n, d = Z.shape
    Y = np.eye(K)[y]
    theta = np.zeros((K - 1, d))
    reg = np.tile(np.r_[np.full(d - 1, l2), 0.0], K - 1)

    def probs(t):
        s = np.hstack([Z @ t.T, np.zeros((n, 1))])
        e = np.exp(s - s.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    for _ in range(iters):
        P = probs(theta)
        g = ((P - Y)[:, : K - 1].T @ Z).ravel() + reg * theta.ravel()
        H = np.zeros(((K - 1) * d, (K - 1) * d))
        for a in range(K - 1):
            for c in range(K - 1):
                w = P[:, a] * ((a == c) - P[:, c])
                H[a * d : (a + 1) * d, c * d : (c + 1) * d] = (Z * w[:, None]).T @ Z
        H += np.diag(reg) + 1e-8 * np.eye(len(reg))
        step = np.linalg.solve(H, g).reshape(K - 1, d)
        theta -= step
        if np.abs(step).max() < 1e-7:
            break
    full = np.vstack([theta, np.zeros((1, d))])
    return full[:, :-1], full[:, -1], mean, scale


_ROWS: dict[int, tuple[object, dict[str, np.ndarray]]] = {}  # id -> (the kb itself, rows per source)


def _rows(kb, sid: str) -> np.ndarray:
    """The kb.sentences rows of one source, computed once per knowledge base."""
    held = _ROWS.get(id(kb))
    if held is None or held[0] is not kb:  # a new kb may reuse a collected one's id
        ids = np.array([s.source_id for s in kb.sentences])
        held = _ROWS[id(kb)] = (kb, {k: np.flatnonzero(ids == k) for k in kb.sources})
    return held[1][sid]


@cache
def model() -> SoftmaxModel | None:
    """The fitted model, or None before `python -m eval.claims_train --write` has written one."""
    if not MODEL_FILE.exists():
        return None
    m = SoftmaxModel.model_validate_json(MODEL_FILE.read_text(encoding="utf-8"))
    if tuple(m.features) != FEATURES or tuple(m.labels) != LABELS:
        return None  # fitted over other features: refit
    return m


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def _net(kb, dx, aspect, rel, direction) -> dict[str, tuple[float, float, float]]:
    """Per source, on the aspect: its readings' direction against the claim's, softly weighted towards the
    ones closest to the claim; how many readings it has (log); the share that do not back the claim."""
    by: dict[str, list[tuple[float, float, bool]]] = {}
    sign = {st.POS: 1.0, st.NEG: -1.0}
    for i, r in dx.readings[aspect.key]:
        v = direction * sign.get(r.cls, 0.0)
        by.setdefault(kb.sentences[i].source_id, []).append((float(rel[i]), v, v <= 0 or r.hedged))
    out = {}
    for sid, xs in by.items():
        top = max(x for x, _, _ in xs)
        w = np.exp((np.array([x for x, _, _ in xs]) - top) / SOURCE_TAU)
        net = float(w @ np.array([v for _, v, _ in xs]) / w.sum())
        out[sid] = (net, math.log1p(len(xs)), sum(c for _, _, c in xs) / len(xs))
    return out


def features(bot, claim: str, parts, raw, speak, qvec, rel) -> tuple[list[str], np.ndarray]:
    """One row of FEATURES per source (kb.sources order)."""
    from bot.check.split import strong as is_strong

    kb, dx = bot.kb, bot._dx
    sids = list(kb.sources)
    top = max((p for p, _ in speak.values()), default=0.0)
    strong = 1.0 if is_strong(claim) else 0.0
    stance_parts = [p for p in parts if p.kind == "stance"]
    aspect = st.ASPECT_BY_KEY[stance_parts[0].aspect] if stance_parts else None
    direction = claim_direction(claim, aspect) if aspect else 1.0
    net = _net(kb, dx, aspect, rel, direction) if aspect else {}
    aspects = {p.aspect for p in parts}
    closest = {sid: float(rel[_rows(kb, sid)].max()) for sid in sids}
    best_rel = max(closest.values())
    sided: dict[str, float] = {}
    for c in dx.claims:
        if c.aspect in aspects and not c.self_contradiction:
            fit = evidence_map.entry_fit(c, qvec)
            for pos in c.positions:
                sided[pos.source_id] = max(sided.get(pos.source_id, 0.0), fit)
    rows = []
    for sid in sids:
        p, row = speak.get(sid, (0.0, -1))
        first = next(
            ((part, lab[sid]) for part, lab in zip(parts, raw, strict=True) if lab[sid].label != SILENT), None
        )
        lab = first[1].label if first else SILENT
        kind = first[0].kind if first else ""
        agree = hedged = 0.0
        if row >= 0:
            t = st.prep(kb.sentences[row].text)
            hedged = 1.0 if st._HEDGE.search(t) else 0.0
            if aspect is not None:
                r = st.read(kb.sentences[row].text, aspect, t)
                agree = direction * {st.POS: 1.0, st.NEG: -1.0}.get(r.cls, 0.0)
        src = kb.sources[sid]
        on = net.get(sid, (0.0, 0.0, 0.0))
        rows.append(
            [
                _logit(p),
                p / top if top > 0 else 0.0,
                1.0 if top > 0 and p >= top else 0.0,
                float(lab == SUPPORT),
                float(lab == CONTRA),
                float(lab == NUANCE),
                float(kind == "quantity"),
                float(kind == "legal"),
                float(lab == CONTRA and kind in ("quantity", "legal")),
                float(lab == SUPPORT and kind in ("quantity", "legal")),
                first[1].rel if first else 0.0,
                float(sum(lb[sid].label == CONTRA for lb in raw)),
                float(sum(lb[sid].label == SUPPORT for lb in raw)),
                strong,
                strong * (lab == CONTRA),
                strong * (lab == NUANCE),
                strong * (lab == SILENT),
                agree,
                hedged,
                on[0],
                strong * on[0],
                strong * hedged,
                closest[sid],
                on[1],
                on[2],
                strong * on[2],
                closest[sid] - best_rel,
                float(src.sells_treatment),
                float(src.sells_treatment) * strong,
                float(src.cites_studies),
                sided.get(sid, 0.0),
                float(not parts),
            ]
        )
    return sids, np.asarray(rows, dtype=np.float64)
