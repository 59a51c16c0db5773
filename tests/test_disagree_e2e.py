"""Disagreements end to end: the real bot, the real corpus, the real model and index.

Checks properties, not wordings: at least two sources, every quote verbatim
in its own passage, source profiles beside every position, nothing flagged
when a single source speaks.
"""

from __future__ import annotations

import re
import time

import numpy as np
import pytest

from bot import disagree, load_bot
from bot.disagree import quantities, stance
from bot.lang.text import is_verbatim
from bot.settings import Settings


@pytest.fixture(scope="module", params=[True, False], ids=["with-map", "detector-only"])
def any_bot(request):
    return load_bot(Settings(use_evidence_map=request.param), progress=False)


def check_positions(bot, d) -> None:
    assert d.topic and d.summary
    if d.self_contradiction:  # one document saying two things: two different quotes of that source
        assert len({p.source_id for p in d.positions}) == 1
        assert len({p.quote for p in d.positions}) >= 2
    else:
        assert len({p.source_id for p in d.positions}) >= 2
    for p in d.positions:
        passage = bot.kb.passages[p.passage_id]
        assert passage.source_id == p.source_id
        assert is_verbatim(p.quote, passage.text), p.quote
        assert p.stance
        src = bot.kb.sources[p.source_id]
        assert p.source_label in (src.short_name_fr, src.short_name_en)
        assert p.source_kind in (src.kind_label_fr, src.kind_label_en)


@pytest.mark.parametrize(
    "question", ["Les exosomes sont-ils bien tolérés ?", "Quels risques pour la santé ?"]
)
def test_a_tolerance_question_shows_both_sides(any_bot, question):
    ans = any_bot.ask(question)
    assert ans.status == "answered"
    safety = [d for d in ans.disagreements if d.aspect == "securite"]
    assert safety, [d.aspect for d in ans.disagreements]
    for d in ans.disagreements:
        check_positions(any_bot, d)
    stances = {p.stance for p in safety[0].positions}
    assert len(stances) >= 2  # two different stances, not one stance repeated


@pytest.mark.parametrize("question", ["Quelle est la taille d'un exosome ?", "How big are exosomes?"])
def test_a_size_question_shows_the_different_values(any_bot, question):
    ans = any_bot.ask(question)
    sizes = [d for d in ans.disagreements if d.aspect == "taille"]
    assert sizes
    d = sizes[0]
    check_positions(any_bot, d)
    assert len({p.stance for p in d.positions}) >= 2
    for p in d.positions:
        # the value shown as the stance is the one the quote states
        for number in re.findall(r"\d+", p.stance):
            assert number in p.quote, (p.stance, p.quote)
        assert "taille" in quantities.values(p.quote)


@pytest.mark.parametrize(
    "question",
    [
        "Combien coûte un traitement des cheveux aux exosomes ?",  # only the practitioner gives prices
        "De quoi sont composés les exosomes ?",  # the sources agree
        "Que dit l'Inserm sur les exosomes ?",  # a question about one source
    ],
)
def test_no_disagreement_when_one_source_speaks_or_all_agree(any_bot, question):
    ans = any_bot.ask(question)
    assert ans.status == "answered"
    assert ans.disagreements == [], [
        (d.aspect, [p.source_id for p in d.positions]) for d in ans.disagreements
    ]


def test_english_questions_get_english_labels(any_bot):
    ans = any_bot.ask("Are exosome treatments safe?")
    assert ans.disagreements
    english_topics = {a.topic_en for a in stance.ASPECTS} | {t[1] for t in disagree.MEASURE_TOPIC.values()}
    english_topics |= {e.topic_en for e in disagree.load_claims()} | {disagree.LEGAL_TOPIC[1]}
    for d in ans.disagreements:
        assert d.topic in english_topics
        for p in d.positions:
            assert p.source_label == any_bot.kb.sources[p.source_id].short_name_en


def test_positions_beyond_the_retrieved_passages_are_reported(bot):
    """The other side is found even when its passage was not retrieved, and the answer cites it."""
    module, dx = disagree, bot._dx
    q = "Les exosomes sont-ils bien tolérés ?"
    qvec = bot.kb.embedder.query(q)
    found = module.find(q, qvec, [], bot.kb, dx, True, "fr")
    assert found
    ans = bot.ask(q)
    cited = {c.passage_id for c in ans.citations}
    assert {p.passage_id for d in ans.disagreements for p in d.positions} <= cited


def test_the_evidence_map_is_loaded_and_valid(bot):
    dx = bot._dx
    assert dx.claims_error is None
    assert dx.claims and all(len(c.positions) >= 2 for c in dx.claims)


def test_the_added_latency_is_small(bot):
    module, dx = disagree, bot._dx
    questions = ["Les exosomes sont-ils bien tolérés ?", "Combien de séances ?", "Is it legal in France?"]
    vecs = [bot.kb.embedder.query(q) for q in questions]
    times = []
    for _ in range(5):
        for q, v in zip(questions, vecs, strict=True):
            t = time.perf_counter()
            module.find(q, v, [], bot.kb, dx, True, "fr")
            times.append(time.perf_counter() - t)
    assert float(np.median(times)) < 0.05  # a few ms on two cores; generous for a loaded machine


def test_prepare_reuses_its_cached_topic_vectors(bot):
    t = time.perf_counter()
    dx = disagree.prepare(bot.kb)
    assert time.perf_counter() - t < 5.0  # well under a second once the description vectors are cached
    assert dx.topic_vecs.shape[0] == len(dx.topic_keys)


def test_the_switch_turns_the_evidence_map_off():
    q = "Les exosomes sont-ils bien tolérés ?"
    on = load_bot(Settings(use_evidence_map=True), progress=False).ask(q)
    off = load_bot(Settings(use_evidence_map=False), progress=False).ask(q)
    assert all(d.origin == "detector" for d in off.disagreements)
    assert any(d.origin == "evidence_map" for d in on.disagreements)
