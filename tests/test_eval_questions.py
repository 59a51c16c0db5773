"""The evaluation question set is well-formed and its gold terms really are in the gold documents."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the package is importable without an install
    sys.path.insert(0, str(ROOT))

from bot.lang.text import detect_language  # noqa: E402
from bot.store.corpus import split_passages  # noqa: E402
from eval.metrics import contains_term  # noqa: E402
from eval.questions import DEFAULT_QUESTIONS, SOURCE_IDS, load_questions  # noqa: E402

QUESTIONS = load_questions()
HOLDOUT = load_questions(DEFAULT_QUESTIONS.with_name("questions_holdout.jsonl"))
BOTH = pytest.mark.parametrize("questions", [QUESTIONS, HOLDOUT], ids=["main", "holdout"])
MINIMUM = {"factual": 34, "disagreement": 22, "advice": 7, "adversarial": 10}


@pytest.fixture(scope="module")
def passages() -> dict[str, list[str]]:
    out = {}
    for sid in SOURCE_IDS:
        doc = (ROOT / "corpus" / "clean" / f"{sid}.md").read_text(encoding="utf-8")
        out[sid] = [p.text for p in split_passages(sid, doc)]
    return out


def test_counts_per_kind():
    kinds = Counter(q.kind for q in QUESTIONS)
    assert len(QUESTIONS) >= 100
    for kind, n in MINIMUM.items():
        assert kinds[kind] >= n, kind
    assert kinds["out_of_scope"] + kinds["unanswerable"] >= 14
    assert kinds["out_of_scope"] >= 4 and kinds["unanswerable"] >= 4
    english = [q.id for q in QUESTIONS if q.question.strip() and detect_language(q.question) == "en"]
    assert len(english) >= 8, english


@BOTH
def test_annotations_are_consistent(questions):
    for q in questions:
        if q.kind in ("out_of_scope", "unanswerable"):
            assert q.expect_status == "refused" and not q.gold_sources, q.id
        if q.kind == "disagreement":
            assert q.expect_disagreement is True, q.id
            assert {s for g in q.sides for s in g} <= set(q.gold_sources), q.id
        if q.kind == "advice":
            assert {"pharmacien", "médecin"} <= set(q.must_say_any), q.id
        if q.terms:
            assert q.gold_sources and 1 <= len(q.terms) <= 2, q.id
    false_alarm_probes = [q for q in questions if q.expect_disagreement is False]
    assert len(false_alarm_probes) >= min(8, len(questions) // 8)


def test_adversarial_inputs_present():
    texts = {q.question: q for q in QUESTIONS if q.kind == "adversarial"}
    assert "" in texts and texts[""].expect_status == "rejected_input"
    assert any(len(t) >= 20_000 and texts[t].expect_status == "rejected_input" for t in texts)
    assert any(t and not t.strip() for t in texts)
    assert any("<script>" in t for t in texts)
    assert any(any(ord(c) < 32 and c not in "\n\t" for c in t) for t in texts)


@BOTH
def test_terms_occur_in_a_gold_passage(passages, questions):
    """Single-answer questions: one gold passage holds all terms. Disagreements: each term in a gold passage."""
    for q in questions:
        if not q.terms:
            continue
        gold = [p for sid in q.gold_sources for p in passages[sid]]
        if q.kind == "disagreement":
            for t in q.terms:
                assert any(contains_term(p, t) for p in gold), (q.id, t)
        else:
            assert any(all(contains_term(p, t) for t in q.terms) for p in gold), (q.id, q.terms)


def test_holdout_ids_and_wordings_are_new():
    assert not {q.id for q in QUESTIONS} & {q.id for q in HOLDOUT}
    assert not {q.question for q in QUESTIONS} & {q.question for q in HOLDOUT}
