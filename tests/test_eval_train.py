"""The training set is its own: big enough, varied, and no near-copy of an evaluation question."""

import json
from pathlib import Path

import pytest

from bot.lang.text import content_tokens, detect_language
from eval.questions import load_questions

ROOT = Path(__file__).resolve().parent.parent
TRAIN = ROOT / "eval" / "train.jsonl"
TRAIN2 = ROOT / "eval" / "train2.jsonl"
TRAIN3 = ROOT / "eval" / "train3.jsonl"
TRAIN4 = ROOT / "eval" / "train4.jsonl"
TRAIN5 = ROOT / "eval" / "train5.jsonl"
TRAIN6 = ROOT / "eval" / "train6.jsonl"
TRAIN7 = ROOT / "eval" / "train7.jsonl"
TRAIN_DISAGREE = ROOT / "eval" / "train_disagree.jsonl"
TRAIN_DISAGREE2 = ROOT / "eval" / "train_disagree2.jsonl"
TRAIN_DISAGREE3 = ROOT / "eval" / "train_disagree3.jsonl"
EVAL_SETS = (
    "questions.jsonl",
    "questions_holdout.jsonl",
    "questions_fresh.jsonl",
    "questions_fresh2.jsonl",
    "questions_fresh3.jsonl",
    "questions_fresh4.jsonl",
    "questions_fresh5.jsonl",
    "questions_fresh6.jsonl",
    "questions_fresh7.jsonl",
    "questions_fresh8.jsonl",
    "questions_fresh9.jsonl",
    "questions_fresh10.jsonl",
    "questions_fresh11.jsonl",
    "questions_fresh12.jsonl",
)
NEAR = 0.8  # content-lemma Jaccard at which two questions count as the same question


def _bag(text: str) -> frozenset[str]:
    return frozenset(content_tokens(text))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


@pytest.mark.unit
def test_training_set_size_and_mix():
    qs = load_questions(TRAIN)
    assert len(qs) >= 300
    assert sum(detect_language(q.question) == "en" for q in qs) >= 60
    assert sum(q.is_near_miss for q in qs) >= 80
    assert sum(q.style in ("colloquial", "typo", "sms", "long") for q in qs) >= 40
    answerable = [q for q in qs if q.expect_status == "answered"]
    assert all(q.gold_sentences for q in answerable), "every answerable training question names its sentences"


@pytest.mark.unit
def test_second_training_set_is_mostly_answerable_and_names_its_sentences():
    qs = load_questions(TRAIN2)
    answerable = [q for q in qs if q.expect_status == "answered"]
    assert len(qs) >= 200 and len(answerable) >= 0.6 * len(qs)
    assert all(q.gold_sentences for q in answerable)
    assert not {q.id for q in qs} & {q.id for q in load_questions(TRAIN)}


@pytest.mark.unit
def test_no_training_question_is_a_near_duplicate_of_an_evaluation_question():
    train = [
        (q.id, _bag(q.question))
        for f in (
            TRAIN,
            TRAIN2,
            TRAIN3,
            TRAIN4,
            TRAIN5,
            TRAIN6,
            TRAIN7,
            TRAIN_DISAGREE,
            TRAIN_DISAGREE2,
            TRAIN_DISAGREE3,
        )
        for q in load_questions(f)
    ]
    clashes = []
    for name in EVAL_SETS:
        for line in (ROOT / "eval" / name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            e = json.loads(line)
            eb = _bag(e["question"])
            if len(eb) < 2:
                continue
            clashes += [(tid, e["id"]) for tid, tb in train if _jaccard(tb, eb) >= NEAR]
    assert clashes == []
