"""Choose the disagreement block rule's five cuts (bot/disagree/focus.py) on the training questions only.

`python -m eval.disagree_train` asks every training question that labels disagreements
(`expect_disagreement` true or false) once, keeps what the answer path hands to `focus.select`, then
re-runs `select` under every combination of the grid below (the select step alone, milliseconds each).
Each question's outcome is scored as `python -m eval` scores disagreement precision and recall.

A 5-fold cross-validation over groups of near-identical questions, repeated over 3 fold assignments,
chooses the combination on four folds by F1 and scores it on the fifth (F1, not a precision-weighted
F0.5: a disagreement left out is one smoothed over; F0.5 was tried, and its cuts kept 0.85 of
precision at the cost of recall 0.52-0.59 in cross-validation); the figures printed are those
held-out scores, beside the in-sample scores of the cuts `focus.py` holds now. It never writes the
cuts: a change to them is made by hand in `focus.py`, with these figures beside it.

The relevance model must be fitted first (its ranks are the rule's input).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import zlib
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from bot.answer.pipeline import MAX_BLOCKS
from bot.disagree import focus
from eval.metrics import disagreement_outcome
from eval.questions import Question, load_questions
from eval.train import paraphrase_groups

ROOT = Path(__file__).resolve().parent.parent
TRAIN_FILES = tuple(
    ROOT / "eval" / f"{n}.jsonl"
    for n in (
        "train_disagree",
        "train_disagree2",
        "train_disagree3",
        "train",
        "train2",
        "train3",
        "train4",
        "train5",
        "train6",
        "train7",
    )
)
FOLDS, REPEATS = 5, 3
GRID = {
    "SIDE_TOP_K": (1, 2, 3, 5, 8, 12, 16),
    "SELF_TOP_K": (2, 3),
    "MIN_FIT": (0.82, 0.83, 0.84, 0.85, 0.86, 0.87, 0.88, 0.89),
    "HIGH_FIT": (0.88, 0.89, 0.90, 9.0),  # 9.0: never on closeness alone
    "ASPECT_MARGIN": (0.0, 0.01, 0.02, 0.04),
}


def collect(bot, questions: list[Question]) -> list[dict]:
    """What each labelled question hands to `focus.select` (None when the answer path never calls it)."""
    real, seen = focus.select, {}

    def spy(*args, **kwargs):
        seen["args"], seen["kwargs"] = args, kwargs
        return real(*args, **kwargs)

    items = []
    focus.select = spy
    try:
        for q in questions:
            seen.clear()
            bot.ask(q.question, history=q.history or None, id=q.id)
            args = seen.get("args")
            qvec = seen.get("kwargs", {}).get("qvec", args[6] if args and len(args) > 6 else None)
            items.append({"q": q, "args": args, "kwargs": seen.get("kwargs", {}), "v": qvec})
    finally:
        focus.select = real
    return items


def outcome(q: Question, blocks) -> str:
    """As `python -m eval` scores the answer that shows these blocks."""
    return disagreement_outcome(q, SimpleNamespace(disagreements=blocks))


def prf(outcomes: list[str]) -> dict:
    tp, fp, fn = (outcomes.count(k) for k in ("tp", "fp", "fn"))
    return {
        "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
        "f1": round(2 * tp / (2 * tp + fp + fn), 3) if tp + fp + fn else 1.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def run(items: list[dict], cuts: dict) -> list[list]:
    """The blocks `select` keeps for each question under these cuts."""
    old = {k: getattr(focus, k) for k in cuts}
    for k, v in cuts.items():
        setattr(focus, k, v)
    try:
        return [focus.select(*it["args"], **it["kwargs"])[:MAX_BLOCKS] if it["args"] else [] for it in items]
    finally:
        for k, v in old.items():
            setattr(focus, k, v)


def on_aspect(items, chosen) -> tuple[int, int]:
    """Answers with a block whose every block is on the asked aspect."""
    rows = [(it, b) for it, b in zip(items, chosen, strict=True) if it["q"].disagreement_on_topic and b]
    return sum(all(d.aspect == it["q"].disagreement_on_topic for d in b) for it, b in rows), len(rows)


def f1(codes: np.ndarray) -> float:
    tp, fp, fn = ((codes == k).sum() for k in (0, 1, 2))
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.disagree_train", description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", type=Path, nargs="+", default=[p for p in TRAIN_FILES if p.exists()])
    ap.add_argument("--show", action="store_true", help="list the current cuts' errors only, no grid")
    args = ap.parse_args(argv)

    from bot import load_bot
    from bot.settings import Settings

    bot = load_bot(Settings(), progress=False)
    questions = [q for path in args.train for q in load_questions(path) if q.expect_disagreement is not None]
    items = collect(bot, questions)
    for it, group in zip(items, paraphrase_groups([(it["q"].id, it["v"]) for it in items]), strict=True):
        it["group"] = group
    names = list(GRID)
    if args.show:
        for it, b in zip(items, run(items, {k: getattr(focus, k) for k in names}), strict=True):
            o = outcome(it["q"], b)
            if o in ("fp", "fn"):
                shown = [(d.aspect, d.topic, [p.source_id for p in d.positions]) for d in b]
                print(
                    o,
                    it["q"].id,
                    it["q"].question,
                    it["q"].disagreement_on_topic,
                    shown,
                    sep=" | ",
                )
        return 0
    combos = [dict(zip(names, vals, strict=True)) for vals in itertools.product(*GRID.values())]
    code = {"tp": 0, "fp": 1, "fn": 2, "tn": 3}
    table = np.array(
        [[code[outcome(it["q"], b)] for it, b in zip(items, run(items, c), strict=True)] for c in combos]
    )
    now = {k: getattr(focus, k) for k in names}
    now_blocks = run(items, now)
    at_now = combos.index(now) if now in combos else -1  # a tie goes to the cuts in use
    cv, chosen = [], []
    for seed in range(REPEATS):
        fold = np.array([zlib.crc32(f"{seed}:{it['group']}".encode()) % FOLDS for it in items])
        held = np.empty(len(items), dtype=int)
        for k in range(FOLDS):
            best = max(range(len(combos)), key=lambda c: (f1(table[c][fold != k]), c == at_now))
            chosen.append(combos[best])
            held[fold == k] = table[best][fold == k]
        cv.append(prf([list(code)[c] for c in held]))
    overall = max(range(len(combos)), key=lambda c: (f1(table[c]), c == at_now))
    figures = {
        "questions": len(items),
        "with_disagreement": sum(bool(it["q"].expect_disagreement) for it in items),
        "cv_by_seed": cv,
        "folds_chose": {k: sorted({str(c[k]) for c in chosen}) for k in names},
        "current_cuts": now,
        "current_in_sample": prf([outcome(it["q"], b) for it, b in zip(items, now_blocks, strict=True)]),
        "current_on_aspect": on_aspect(items, now_blocks),
        "best_in_sample_cuts": combos[overall],
        "best_in_sample": prf([list(code)[c] for c in table[overall]]),
        "best_on_aspect": on_aspect(items, run(items, combos[overall])),
        "files": [p.name for p in args.train],
    }
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
