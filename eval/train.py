"""Fit the sentence-relevance model on the training set and choose its thresholds by cross-validation.

`python -m eval.train` reads `eval/train.jsonl` (questions written for
training, with the sentences that answer them), builds every (question,
candidate sentence) pair the bot would score, labels a pair 1 when the
sentence is one of the question's gold sentences, and:

1. runs a 5-fold cross-validation grouped by question: the model is fitted on
   four folds and predicts the fifth, so every figure below is measured on
   questions the model did not see;
2. chooses the answer threshold (best sentence probability needed to answer)
   and the further-quote threshold on those out-of-fold predictions;
3. fits the final model on the whole set and writes `bot/answer/relevance_model.json`
   with the cross-validation figures beside it.

Only the training set is read: the evaluation sets never tune the model.
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from pathlib import Path

import numpy as np

from bot.answer import relevance
from bot.lang.text import fold, normalize

ROOT = Path(__file__).resolve().parent.parent
TRAIN = ROOT / "eval" / "train.jsonl"
FOLDS = 5
L2 = 1.0
GRID = np.round(np.arange(0.02, 0.96, 0.01), 2)


def load(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def _norm(text: str) -> str:
    return fold(normalize(text)).strip(" .;:«»\"'")


def gold_rows(kb, gold: list[str]) -> set[int]:
    """Rows of kb.sentences that are (or contain, or sit inside) a gold sentence."""
    rows: set[int] = set()
    texts = [_norm(s.text) for s in kb.sentences]
    for g in gold:
        if isinstance(g, str) and "#" in g and "@" in g:  # a sentence id "<passage>@<start>"
            pid, _, start = g.partition("@")
            rows.update(
                i for i, s in enumerate(kb.sentences) if s.passage_id == pid and str(s.start) == start
            )
            continue
        ng = _norm(g)
        if len(ng) < 12:
            continue
        for i, s in enumerate(texts):
            if ng in s or (len(s) >= 25 and s in ng):
                rows.add(i)
    return rows


def build(bot, questions: list[dict]):
    """Pairs of every training question: features, labels and the question each belongs to."""
    items = []
    for q in questions:
        u = bot.understand(q["question"], q.get("history"))
        if u is None:  # rejected input: not a relevance question
            continue
        gold = gold_rows(bot.kb, q.get("gold_sentences") or [])
        answerable = q.get("expect_status") == "answered"
        if answerable and not gold:
            continue  # gold sentence not found in the index: cannot label its pairs
        y = np.array([1.0 if i in gold else 0.0 for i in u.cands])
        items.append({"q": q, "s": u.scored, "X": u.X, "y": y, "answerable": answerable, "gold": gold})
    return items


def _fold_of(qid: str) -> int:
    return zlib.crc32(qid.encode()) % FOLDS


def cross_validate(items: list[dict]) -> None:
    """Out-of-fold probabilities for every item, stored as item['p']."""
    for k in range(FOLDS):
        train = [it for it in items if _fold_of(it["q"]["id"]) != k and len(it["y"])]
        X = np.vstack([it["X"] for it in train])
        y = np.concatenate([it["y"] for it in train])
        w, b, mean, scale = relevance.fit_logistic(X, y, L2)
        for it in items:
            if _fold_of(it["q"]["id"]) == k:
                it["p"] = _predict(it["X"], w, b, mean, scale)


def question_cv(items: list[dict]) -> None:
    """Out-of-fold answerable probability per question (stage two, on the out-of-fold sentence scores)."""
    Q = np.vstack([relevance.question_features(it["s"], it["X"], it["p"]) for it in items])
    y = np.array([1.0 if it["answerable"] else 0.0 for it in items])
    for k in range(FOLDS):
        tr = np.array([_fold_of(it["q"]["id"]) != k for it in items])
        w, b, mean, scale = relevance.fit_logistic(Q[tr], y[tr], L2)
        for j, it in enumerate(items):
            if not tr[j]:
                it["a"] = float(_predict(Q[j : j + 1], w, b, mean, scale)[0])
    return Q, y


def _predict(X, w, b, mean, scale):
    if len(X) == 0:
        return np.zeros(0)
    return 1.0 / (1.0 + np.exp(-(((X - mean) / scale) @ w + b)))


def choose_thresholds(items: list[dict]) -> tuple[float, float]:
    """Answer threshold: best status accuracy; quote threshold: best F1 of the further quotes."""
    should = np.array([it["answerable"] for it in items])
    a = np.array([it["a"] for it in items])
    acc = [float(((a >= t) == should).mean()) for t in GRID]
    t_answer = float(GRID[int(np.argmax(acc))])
    f1 = []
    for t in GRID:
        tp = fp = fn = 0
        for it in items:
            if not it["answerable"] or not len(it["p"]) or it["a"] < t_answer:
                continue
            for j in np.argsort(-it["p"])[1:3]:  # the further quotes an answer may show
                shown = it["p"][j] >= t
                tp += shown and it["y"][j] == 1
                fp += shown and it["y"][j] == 0
                fn += (not shown) and it["y"][j] == 1
        f1.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return t_answer, float(GRID[int(np.argmax(f1))])


def report(items: list[dict], t_answer: float, t_quote: float) -> dict:
    ans = [it for it in items if it["answerable"]]
    unans = [it for it in items if not it["answerable"]]
    answered = [it for it in ans if len(it["p"]) and it["a"] >= t_answer]
    first = [it for it in answered if it["y"][int(np.argmax(it["p"]))] == 1]
    shown_hit = []
    for it in answered:
        order = [int(j) for j in np.argsort(-it["p"])[:3] if it["p"][j] >= t_quote or j == np.argmax(it["p"])]
        shown_hit.append(any(it["y"][j] == 1 for j in order))
    near = [it for it in unans if it["q"].get("near_miss") or it["q"].get("kind") == "unanswerable"]
    colloquial = [it for it in ans if it["q"].get("style") in ("colloquial", "typo", "sms", "long")]
    english = [it for it in ans if _is_en(it["q"])]

    def rate(xs, ok):
        return round(sum(ok(x) for x in xs) / len(xs), 3) if xs else None

    def answers(it):
        return bool(len(it["p"])) and it["a"] >= t_answer

    correct = sum(answers(it) for it in ans) + sum(not answers(it) for it in unans)
    return {
        "questions": len(items),
        "answerable": len(ans),
        "pairs": int(sum(len(it["y"]) for it in items)),
        "status_accuracy": round(correct / len(items), 3),
        "answerable_answered": rate(ans, answers),
        "first_quote_gold": round(len(first) / len(answered), 3) if answered else None,
        "gold_among_quotes": round(sum(shown_hit) / len(answered), 3) if answered else None,
        "gold_among_candidates": rate(ans, lambda it: it["y"].any()),
        "near_miss_refused": rate(near, lambda it: not answers(it)),
        "colloquial_answered": rate(colloquial, answers),
        "english_answered": rate(english, answers),
        "near_miss": len(near),
        "colloquial": len(colloquial),
        "english": len(english),
    }


def _is_en(q: dict) -> bool:
    from bot.lang.text import detect_language

    return detect_language(q["question"]) == "en"


def _logistic(names, w, b, mean, scale) -> relevance.Logistic:
    return relevance.Logistic(
        features=list(names),
        mean=[round(float(x), 6) for x in mean],
        scale=[round(float(x), 6) for x in scale],
        weights=[round(float(x), 6) for x in w],
        bias=round(b, 6),
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.train", description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", type=Path, default=TRAIN)
    ap.add_argument("--out", type=Path, default=relevance.MODEL_FILE)
    ap.add_argument("--dry-run", action="store_true", help="report the cross-validation, write nothing")
    args = ap.parse_args(argv)

    from bot import load_bot
    from bot.settings import Settings

    bot = load_bot(Settings(selector="model"), progress=False)
    questions = load(args.train)
    items = build(bot, questions)
    cross_validate(items)
    Q, yq = question_cv(items)
    t_answer, t_quote = choose_thresholds(items)
    cv = report(items, t_answer, t_quote)
    X = np.vstack([it["X"] for it in items if len(it["y"])])
    y = np.concatenate([it["y"] for it in items if len(it["y"])])
    model = relevance.Model(
        sentence=_logistic(relevance.FEATURES, *relevance.fit_logistic(X, y, L2)),
        question=_logistic(relevance.QUESTION_FEATURES, *relevance.fit_logistic(Q, yq, L2)),
        answer_threshold=t_answer,
        quote_threshold=t_quote,
        trained_on={"file": args.train.name, "questions": len(questions), "cross_validation": cv},
    )
    print(json.dumps({"thresholds": [t_answer, t_quote], "cross_validation": cv}, indent=2))
    print("sentence weights:", dict(zip(relevance.FEATURES, model.sentence.weights, strict=True)))
    print("question weights:", dict(zip(relevance.QUESTION_FEATURES, model.question.weights, strict=True)))
    if not args.dry_run:
        args.out.write_text(model.model_dump_json(indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
