"""Fit the claim check's label model by cross-validation on the training claims only.

The training claims are eval/claims_train.jsonl, claims_train2.jsonl and
claims_train3.jsonl (222 claims, each set written blind for training), folded
together. The bot reads each claim once (`bot.check.read`: parts, each
source's readings, its best relevance-model probability, the model's features);
the softmax (`bot.check.model`) is then fitted offline. Its penalty is chosen by
5-fold CV log-loss, then a shift of "contredit"'s log-odds by the CV objective
(the mean of label accuracy, macro-F1 and "contredit" precision); the figures reported are nested
CV (each outer fold chooses on the other folds). `--write` stores the model
fitted on all training claims in bot/check/model.json. The blind claim sets are
never read here.

python -m eval.claims_train [--file F ...] [--write]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from eval.claims import load, metrics

HERE = Path(__file__).resolve().parent
TRAIN = tuple(HERE / f"claims_train{n}.jsonl" for n in ("", "2", "3", "4", "5"))  # the blind training sets
MODEL = HERE.parent / "bot" / "check" / "model.json"
FOLDS = 5
REPEATS = 3  # fold assignments the inner choice averages over
BLIND = (
    "claims.jsonl",
    "claims_fresh.jsonl",
    "claims_fresh2.jsonl",
    "claims_fresh3.jsonl",
    "claims_fresh4.jsonl",
    "claims_fresh5.jsonl",
    "claims_fresh6.jsonl",
    "claims_fresh7.jsonl",
    "claims_fresh8.jsonl",
    "claims_fresh9.jsonl",
    "claims_fresh10.jsonl",
)
L2_GRID = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)  # the penalty of the softmax, chosen by held-out log-loss
SHIFT_GRID = (-2.0, -1.5, -1.0, -0.5, 0.0)  # added to "contredit"'s log-odds: its precision counts on its own


def readings(bot, items: list[dict]) -> list:
    from bot.check import read
    from bot.lang.text import detect_language

    return [read(bot, it["claim"], detect_language(it["claim"])) for it in items]


def dataset(items, reads) -> tuple[np.ndarray, np.ndarray]:
    """One row per (claim, source), the gold label's index as target."""
    from bot.check.model import LABELS

    X = np.vstack([r.X for r in reads])
    y = np.array(
        [
            LABELS.index(it["labels"].get(s, "ne dit rien"))
            for it, r in zip(items, reads, strict=True)
            for s in r.sources
        ]
    )
    return X, y


def labels(kb, item, reading, m) -> dict[str, str]:
    """One label per source, as the check shows them (eval.claims.labels_of reads an Answer the same way);
    `m` None: the readings alone."""
    from bot.check import alone, decide, predict

    out: dict[str, str] = {}
    chosen = alone(reading) if m is None else predict(reading, m)
    for _, lab in decide(kb, item["claim"], reading, chosen):
        for sid, x in lab.items():
            if x.label != "ne dit rien":
                out.setdefault(sid, x.label)
    return out


def objective(m: dict) -> float:
    """Label accuracy, macro-F1 and "contredit" precision alike: a wrong "contredit" is the costliest
    error (it tells a reader a source denies what it does not), so it counts on its own."""
    cp = m.get("contredit_precision") if m.get("contredit_said") else 1.0
    return (m["label_accuracy"] + m["macro_f1"] + cp) / 3


def fit_model(X, y, l2: float, shift: float):
    from bot.check.model import FEATURES, LABELS, SoftmaxModel, fit_softmax

    W, b, mean, scale = fit_softmax(X, y, l2)
    return SoftmaxModel(
        features=list(FEATURES),
        labels=list(LABELS),
        mean=mean.tolist(),
        scale=scale.tolist(),
        weights=W.tolist(),
        bias=b.tolist(),
        l2=l2,
        contredit_shift=shift,
    )


def _folds(n: int, folds: int = FOLDS, seed: int = 0) -> np.ndarray:
    """Seed 0: the files' order (it mixes the kinds); others: a fixed shuffle, for repeated inner CV."""
    f = np.arange(n) % folds
    return f if seed == 0 else np.random.default_rng(seed).permutation(f)


def cv_labels(kb, items, reads, l2, shift, folds: int = FOLDS, seed: int = 0) -> list[dict]:
    fold_of = _folds(len(items), folds, seed)
    got: list[dict] = [{}] * len(items)
    for k in range(folds):
        tr = [i for i in range(len(items)) if fold_of[i] != k]
        m = fit_model(*dataset([items[i] for i in tr], [reads[i] for i in tr]), l2, shift)
        for i in np.flatnonzero(fold_of == k):
            got[i] = labels(kb, items[i], reads[i], m)
    return got


def cv_loss(items, reads, l2: float, folds: int = FOLDS, seed: int = 0) -> float:
    """Held-out log-loss of the softmax: a proper score, steadier than counts on a few hundred pairs."""
    fold_of = _folds(len(items), folds, seed)
    total, n = 0.0, 0
    for k in range(folds):
        tr = [i for i in range(len(items)) if fold_of[i] != k]
        te = np.flatnonzero(fold_of == k)
        m = fit_model(*dataset([items[i] for i in tr], [reads[i] for i in tr]), l2, 0.0)
        X, y = dataset([items[i] for i in te], [reads[i] for i in te])
        total -= float(np.log(m.proba(X)[np.arange(len(y)), y] + 1e-12).sum())
        n += len(y)
    return total / n


def choose(kb, items, reads, sources) -> tuple[float, float, float]:
    """The penalty by held-out log-loss, then the "contredit" shift by the CV objective, each averaged
    over REPEATS fold assignments: on a few hundred pairs one assignment's choice is mostly noise."""
    seeds = range(REPEATS)
    l2 = min(L2_GRID, key=lambda g: np.mean([cv_loss(items, reads, g, seed=k) for k in seeds]))
    best = (-1.0, l2, 0.0)
    for shift in SHIFT_GRID:
        v = float(
            np.mean(
                [
                    objective(metrics(items, cv_labels(kb, items, reads, l2, shift, seed=k), sources))
                    for k in seeds
                ]
            )
        )
        if v > best[0] + 1e-12:
            best = (v, l2, shift)
    return best


def cross_validate(kb, items, reads, sources, folds: int = FOLDS) -> dict:
    """Nested: each outer fold chooses its penalty and shift by CV on the other folds only."""
    fold_of = _folds(len(items), folds)
    got: list[dict] = [{}] * len(items)
    chosen = []
    for k in range(folds):
        tr = [i for i in range(len(items)) if fold_of[i] != k]
        ti, tr_r = [items[i] for i in tr], [reads[i] for i in tr]
        _, l2, shift = choose(kb, ti, tr_r, sources)
        chosen.append((l2, shift))
        m = fit_model(*dataset(ti, tr_r), l2, shift)
        for i in np.flatnonzero(fold_of == k):
            got[i] = labels(kb, items[i], reads[i], m)
    return {"cv": metrics(items, got, sources), "per_fold": chosen}


def write(m, path: Path = MODEL) -> None:
    path.write_text(m.model_dump_json(indent=1) + "\n", encoding="utf-8")


def _fmt(m: dict) -> str:
    return (
        f"label accuracy {m['label_accuracy']:.3f}, macro-F1 {m['macro_f1']:.3f}, "
        f"contredit precision {m['contredit_precision']:.3f} on {m['contredit_said']} "
        f"(F1 {', '.join(f'{k} {v:.2f}' for k, v in m['f1'].items())})"
    )


def main(argv: list[str] | None = None) -> int:
    from bot import load_bot
    from bot.settings import Settings

    ap = argparse.ArgumentParser(prog="python -m eval.claims_train", description=__doc__.splitlines()[0])
    ap.add_argument(
        "--file", type=Path, action="append", help="a training file (repeatable); default: all three"
    )
    ap.add_argument(
        "--write", action="store_true", help="write bot/check/model.json, fitted on the training files"
    )
    args = ap.parse_args(argv)
    files = args.file or list(TRAIN)
    if any(f.name in BLIND for f in files):
        print("the blind claim sets are never tuned on", file=sys.stderr)
        return 2
    bot = load_bot(Settings(query_cache_size=0), progress=False)
    if getattr(bot.scorer, "model", None) is None:
        print(
            "no usable relevance model: its probabilities are features here; run python -m eval.train",
            file=sys.stderr,
        )
        return 2
    items = [it for f in files for it in load(f)]
    sources = list(bot.kb.sources)
    reads = readings(bot, items)
    alone = [labels(bot.kb, it, r, None) for it, r in zip(items, reads, strict=True)]
    print(f"readings alone ({len(items)} claims): {_fmt(metrics(items, alone, sources))}")
    cv = cross_validate(bot.kb, items, reads, sources)
    print(f"{FOLDS}-fold nested CV: {_fmt(cv['cv'])}")
    print("  (l2, contredit shift) per fold: " + "; ".join(str(t) for t in cv["per_fold"]))
    v, l2, shift = choose(bot.kb, items, reads, sources)
    m = fit_model(*dataset(items, reads), l2, shift)
    got = [labels(bot.kb, it, r, m) for it, r in zip(items, reads, strict=True)]
    print(
        f"chosen on all: l2 {l2}, shift {shift} (CV objective {v:.3f}); fitted on all: {_fmt(metrics(items, got, sources))}"
    )
    if args.write:
        write(m)
        print(f"written to {MODEL.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
