"""Choose the claim check's thresholds by 5-fold cross-validation on eval/claims_train.jsonl only.

The bot reads each training claim once (`bot.check.read`: parts, each source's
reading, each source's best relevance-model probability); the thresholds are
then applied offline. For each fold the cuts that maximise the mean of label
accuracy and macro-F1 on the other four folds label the held-out fold; the
pooled held-out labels give the CV figures. The cuts fitted on the whole file
are the ones to write into bot/lang/check.yaml (`thresholds`). The blind set
eval/claims.jsonl is never read here.

python -m eval.claims_train [--file eval/claims_train.jsonl] [--write]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

from eval.claims import load, metrics

HERE = Path(__file__).resolve().parent
TRAIN = HERE / "claims_train.jsonl"
DATA = HERE.parent / "bot" / "lang" / "check.yaml"
FOLDS = 5
GRID = (
    0.001,
    0.003,
    0.005,
    0.01,
    0.015,
    0.02,
    0.03,
    0.04,
    0.05,
    0.07,
    0.1,
    0.15,
    0.2,
    0.3,
    0.4,
    0.5,
    0.7,
    1.01,
)  # 1.01: never


def readings(bot, items: list[dict]) -> list[tuple]:
    from bot.check import read
    from bot.lang.text import detect_language

    out = []
    for it in items:
        q = it["claim"]
        _, parts, raw, speak = read(bot, q, detect_language(q))
        out.append((q, parts, raw, speak))
    return out


def labels(kb, reading, th) -> dict[str, str]:
    """One label per source: the first part it speaks to decides, as eval.claims.labels_of reads an Answer."""
    from bot.check import decide

    q, parts, raw, speak = reading
    out: dict[str, str] = {}
    for _, lab in decide(kb, q, parts, raw, speak, th):
        for sid, x in lab.items():
            if x.label != "ne dit rien":
                out.setdefault(sid, x.label)
    return out


def objective(m: dict) -> float:
    """Label accuracy, macro-F1 and "contredit" precision alike: a wrong "contredit" is the costliest
    error (it tells a reader a source denies what it does not), so it counts on its own."""
    cp = m.get("contredit_precision")
    return (m["label_accuracy"] + m["macro_f1"] + (cp if cp is not None else 1.0)) / 3


START = {
    "speaks": 0.07,
    "contredit": 0.0,
    "fallback": 0.0,
    "agrees": 1.01,
    "speaks_strong": 0.07,
    "speaks_precise": 0.07,
}
PASSES = 4  # coordinate-descent sweeps over the cuts


def fit(kb, items, reads, sources) -> tuple[dict, float]:
    """The cuts by coordinate descent over GRID: each cut in turn takes its best value, the others held."""

    def value(th):
        return objective(metrics(items, [labels(kb, r, th) for r in reads], sources))

    best = dict(START)
    best_v = value(best)
    for _ in range(PASSES):
        moved = False
        for k in START:
            grid = (0.0, *GRID) if k in ("contredit", "fallback") else GRID
            for g in grid:
                th = {**best, k: g}
                v = value(th)
                if v > best_v + 1e-12:
                    best, best_v, moved = th, v, True
        if not moved:
            break
    return best, best_v


def cross_validate(kb, items, reads, sources, folds: int = FOLDS) -> dict:
    idx = np.arange(len(items))
    fold_of = idx % folds  # the file's order mixes the kinds; a fixed assignment keeps it reproducible
    got: list[dict] = [{}] * len(items)
    chosen = []
    for k in range(folds):
        tr = [i for i in idx if fold_of[i] != k]
        th, _ = fit(kb, [items[i] for i in tr], [reads[i] for i in tr], sources)
        chosen.append(th)
        for i in idx[fold_of == k]:
            got[i] = labels(kb, reads[i], th)
    return {"cv": metrics(items, got, sources), "per_fold": chosen}


def write(th: dict, path: Path = DATA) -> None:
    text = path.read_text(encoding="utf-8")
    line = "thresholds: {" + ", ".join(f"{k}: {float(v)}" for k, v in th.items()) + "}"
    path.write_text(re.sub(r"(?m)^thresholds: .*$", line, text), encoding="utf-8")


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
    ap.add_argument("--file", type=Path, default=TRAIN)
    ap.add_argument("--write", action="store_true", help="write the cuts fitted on the whole file")
    args = ap.parse_args(argv)
    if args.file.name == "claims.jsonl":
        print("eval/claims.jsonl is the blind set: never tuned on", file=sys.stderr)
        return 2
    bot = load_bot(Settings(query_cache_size=0), progress=False)
    items = load(args.file)
    sources = list(bot.kb.sources)
    reads = readings(bot, items)
    none = {
        "speaks": 0.0,
        "contredit": 0.0,
        "fallback": 0.0,
        "agrees": 1.01,
        "speaks_strong": 0.0,
        "speaks_precise": 0.0,
    }
    print(
        f"ungated ({len(items)} claims): {_fmt(metrics(items, [labels(bot.kb, r, none) for r in reads], sources))}"
    )
    cv = cross_validate(bot.kb, items, reads, sources)
    print(f"{FOLDS}-fold CV: {_fmt(cv['cv'])}")
    print("  cuts per fold: " + "; ".join(str(t) for t in cv["per_fold"]))
    th, v = fit(bot.kb, items, reads, sources)
    got = [labels(bot.kb, r, th) for r in reads]
    print(f"fitted on all: {th} -> {_fmt(metrics(items, got, sources))}")
    if args.write:
        write(th)
        print(f"written to {DATA.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
