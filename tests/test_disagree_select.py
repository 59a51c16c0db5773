"""Which candidate blocks the answer shows (`focus.select`), on stand-in sentences, entries and rankings:
the rule is in ranks and cosines, so each case sets a rank and a closeness and checks the outcome."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from bot.disagree import focus
from bot.models import Disagreement, Position

pytestmark = pytest.mark.unit


def _vec(fit: float) -> np.ndarray:
    """A unit vector whose cosine with the question (the first axis) is `fit`."""
    return np.array([[fit, (1 - fit**2) ** 0.5, 0.0]], dtype=np.float32)


def _world(specs):
    """specs: (entry id, aspect, self_contradiction, closeness, ranks of its sides: None = not a candidate)."""
    sentences, passage_sentences, claims, blocks, ranked = [], {}, [], [], []
    for cid, aspect, selfc, fit, ranks in specs:
        positions = []
        for k, rank in enumerate(ranks):
            row = len(sentences)
            text = f"Phrase {cid} {k}."
            sentences.append(SimpleNamespace(text=text))
            pid = f"{cid}#{k}"
            passage_sentences[pid] = [row]
            positions.append(Position(source_id=f"s{k}", passage_id=pid, stance="x", quote=text))
            if rank is not None:
                ranked.append((rank, row))
        summary = f"résumé {cid}"
        claims.append(
            SimpleNamespace(
                id=cid, aspect=aspect, self_contradiction=selfc, topic_fr=cid, topic_en=cid,
                summary_fr=summary, summary_en=summary, vecs=_vec(fit),
            )
        )  # fmt: skip
        blocks.append(
            Disagreement(
                topic=cid, summary=summary, positions=positions, aspect=aspect, self_contradiction=selfc
            )
        )
    at = dict(ranked)  # rank -> row; the other ranks go to sentences of no block
    rows = []
    for rank in range(1, max(at, default=1) + 1):
        if rank not in at:
            sentences.append(SimpleNamespace(text=f"Autre phrase {rank}."))
        rows.append(at.get(rank, len(sentences) - 1))
    p = np.linspace(0.9, 0.1, num=len(rows)) if rows else np.zeros(0)
    scored = SimpleNamespace(cands=rows, p=p, ranked=lambda: list(zip(rows, p.tolist(), strict=True)))
    kb = SimpleNamespace(sentences=sentences, passage_sentences=passage_sentences)
    dx = SimpleNamespace(claims=claims, readings={}, values={}, origins=[])
    return kb, dx, blocks, scored


def _shown(specs) -> list[str]:
    kb, dx, blocks, scored = _world(specs)
    qvec = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    return [d.topic for d in focus.select(kb, dx, blocks, [], scored, True, qvec)]


def test_only_the_aspect_the_question_is_closest_to_is_shown():
    close, near = focus.MIN_FIT + 0.04, focus.MIN_FIT + 0.04 - focus.ASPECT_MARGIN - 0.005
    assert _shown(
        [("seances", "seances", False, close, [2, None]), ("tol", "securite", False, near, [1, 3])]
    ) == ["seances"]
    # within the margin, both are shown, the closer first
    both = focus.MIN_FIT + 0.04 - focus.ASPECT_MARGIN / 2
    got = _shown([("tol", "securite", False, both, [1, 3]), ("seances", "seances", False, close, [2, None])])
    assert got == ["seances", "tol"]


def test_a_block_needs_a_best_ranked_side_and_a_close_enough_question():
    fit = focus.MIN_FIT + 0.02
    assert _shown([("a", "securite", False, fit, [focus.SIDE_TOP_K, None])]) == ["a"]
    assert _shown([("a", "securite", False, fit, [focus.SIDE_TOP_K + 1, None])]) == []
    assert _shown([("a", "securite", False, focus.MIN_FIT - 0.01, [1, 2])]) == []


def test_closeness_alone_brings_an_entry_only_when_no_block_has_a_best_ranked_side():
    high = focus.HIGH_FIT + 0.03
    assert _shown([("generic", "efficacite", False, high, [None, None])]) == ["generic"]
    ranked = ("tol", "securite", False, focus.MIN_FIT + 0.02, [1, None])
    assert _shown([("generic", "efficacite", False, high, [None, None]), ranked]) == ["tol"]


def test_a_self_contradiction_needs_both_sides_among_the_best_and_never_comes_by_closeness():
    fit = focus.MIN_FIT + 0.02
    assert _shown([("self", "preuves", True, fit, [1, focus.SELF_TOP_K])]) == ["self"]
    assert _shown([("self", "preuves", True, fit, [1, focus.SELF_TOP_K + 1])]) == []
    assert _shown([("self", "preuves", True, focus.HIGH_FIT + 0.05, [None, None])]) == []


def test_a_detector_block_on_an_aspect_the_map_lacks_is_judged_by_its_rank():
    kb, dx, blocks, scored = _world([("prix", "prix", False, 0.5, [1, None])])
    # the map has an entry on sizes only: nothing on prices to be close to
    dx.claims = [SimpleNamespace(id="x", aspect="taille", self_contradiction=False, vecs=_vec(0.5))]
    qvec = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    assert [d.topic for d in focus.select(kb, dx, blocks, [], scored, True, qvec)] == ["prix"]
    far = SimpleNamespace(cands=[], p=np.array([0.5]), ranked=lambda: [(10**5, 0.5)])
    assert focus.select(kb, dx, blocks, [], far, True, qvec) == []


def test_a_candidate_that_fails_the_rule_does_not_hide_another_on_its_aspect():
    fit = focus.MIN_FIT + 0.02
    # two entries on the same aspect: the first has no best-ranked side, the second has one
    shown = _shown(
        [
            ("loin", "securite", False, fit, [focus.SIDE_TOP_K + 5, None]),
            ("pres", "securite", False, fit, [1, None]),
        ]
    )
    assert shown == ["pres"]
    # when both pass, one block per aspect is shown
    assert (
        len(_shown([("a", "securite", False, fit, [1, None]), ("b", "securite", False, fit, [2, None])])) == 1
    )


def test_the_cut_search_replays_select_under_other_cuts_and_restores_them():
    """eval.disagree_train re-runs `select` with other cuts: the outcome follows the cut, and the
    module's own cuts are back afterwards (a leak would change every later answer)."""
    from eval.disagree_train import outcome, prf, run
    from eval.questions import Question

    fit = focus.MIN_FIT + 0.02
    kb, dx, blocks, scored = _world([("a", "securite", False, fit, [6, None])])
    item = {
        "args": (kb, dx, blocks, [], scored, True, np.array([1.0, 0.0, 0.0], dtype=np.float32)),
        "kwargs": {},
    }
    before = {k: getattr(focus, k) for k in ("SIDE_TOP_K", "MIN_FIT")}
    tight, loose = run([item], {"SIDE_TOP_K": 5}), run([item], {"SIDE_TOP_K": 8})
    assert [len(b) for b in tight + loose] == [0, 1]
    assert {k: getattr(focus, k) for k in before} == before
    q = Question.model_construct(question="q", expect_disagreement=True, sides=[["s0"], ["s1"]])
    assert outcome(q, loose[0]) == "tp" and outcome(q, tight[0]) == "fn"
    assert outcome(Question.model_construct(question="q", expect_disagreement=False), loose[0]) == "fp"
    assert prf(["tp", "tp", "fp", "fn"]) == {
        "precision": 0.667,
        "recall": 0.667,
        "f1": 0.667,
        "tp": 2,
        "fp": 1,
        "fn": 1,
    }
