"""Which map entries a question gets, on the real corpus and model: closeness to the entry's own words,
one entry per aspect and kind, no entry by closeness for a question about one source's own words."""

from __future__ import annotations

import numpy as np
import pytest

from bot import disagree, load_bot
from bot.disagree import evidence_map
from bot.settings import Settings


@pytest.fixture(scope="module")
def bot():
    return load_bot(Settings(selector="model"), progress=False)


def _entries(bot, question: str, fit=None) -> list:
    qvec = np.asarray(bot.embedder.query(question), dtype=np.float32)
    return disagree.entries_answering(bot.kb, bot._dx, {}, 1.0, "fr", qvec=qvec, fit=fit, question=question)


def test_an_entrys_own_words_bring_that_entry(bot):
    """Asked in the words of its own topic and summary, every entry between sources is the one shown."""
    between = [c for c in bot._dx.claims if not c.self_contradiction]
    assert len(between) >= 20
    for c in between:
        got = _entries(bot, f"{c.topic_fr} : {c.summary_fr}")
        assert [d.topic for d in got] == [c.topic_fr], c.id
        assert len({p.source_id for p in got[0].positions}) >= 2


def test_the_cut_decides_and_closeness_never_brings_a_self_contradiction(bot):
    c = next(c for c in bot._dx.claims if c.self_contradiction)
    question = f"{c.topic_fr} : {c.summary_fr}"
    assert all(not d.self_contradiction for d in _entries(bot, question))
    assert _entries(bot, question, fit=1.01) == []  # nothing is that close: the cut is what decides
    assert 0.8 < evidence_map.ENTRY_FIT < 1.0


def test_a_question_about_one_sources_words_gets_no_entry_by_closeness(bot):
    c = next(c for c in bot._dx.claims if c.id == "injections")
    assert _entries(bot, f"{c.topic_fr} : {c.summary_fr}")
    assert _entries(bot, "Que dit l'Inserm sur les injections d'exosomes ?") == []


def test_a_self_contradiction_does_not_hide_the_sources_disagreement_on_its_aspect(bot):
    """The detector keeps one entry between sources and one self-contradiction per aspect, sources first."""
    for c in [c for c in bot._dx.claims if c.self_contradiction]:
        question = c.topic_fr
        qvec = np.asarray(bot.embedder.query(question), dtype=np.float32)
        hits = bot.retriever.search(qvec, [], "hybrid", bot.settings.top_k)
        found = disagree.find(question, qvec, hits, bot.kb, bot._dx, True, "fr")
        kinds = [(d.aspect, d.self_contradiction) for d in found]
        assert len(kinds) == len(set(kinds)), c.id
        for k, d in enumerate(found):
            if d.self_contradiction:
                assert (d.aspect, False) not in kinds[k:], c.id  # the sources' disagreement comes first


def test_the_answer_path_shows_the_entry_asked_about(bot):
    """End to end: an entry's own topic asked as a question gets a block on that entry's aspect."""
    ans = bot.ask("Les exosomes sont-ils contre-indiqués en cas de maladie auto-immune ?")
    assert ans.status == "answered"
    assert any(d.aspect == "contre_indications" and not d.self_contradiction for d in ans.disagreements), [
        (d.aspect, d.self_contradiction) for d in ans.disagreements
    ]


def test_every_block_shown_has_a_side_among_the_best_ranked_sentences(bot):
    """A block is kept only when one of its sides (both, for a document contradicting itself) is among the
    relevance model's best-ranked sentences for the question, and the question is close to its entry."""
    from bot.disagree import focus

    for q in ("Les exosomes sont-ils dangereux ?", "Combien de séances faut-il ?", "Que sont les exosomes ?"):
        a = bot.ask(q)
        u = bot.understand(q)
        rank = {i: k for k, (i, _) in enumerate(u.scored.ranked(), start=1)}
        fits = focus._fits(bot._dx, u.qvec)
        for d in a.disagreements:
            sides = [
                min(rank.get(i, 10**6) for i in focus.position_rows(bot.kb, p.passage_id, p.quote))
                for p in d.positions
            ]
            if d.self_contradiction:
                assert max(sides) <= focus.SELF_TOP_K, (q, d.topic)
            else:
                assert min(sides) <= focus.SIDE_TOP_K, (q, d.topic)
            c = focus._claim_of(bot._dx, d)
            assert c is None or fits[c.id] >= focus.MIN_FIT, (q, d.topic)


def test_a_question_on_one_aspect_gets_blocks_on_that_aspect_only(bot):
    """Several aspects may pass the gates; the one asked is shown, and only aspects as close as it."""
    from bot.disagree import focus

    asked = {
        "Combien de séances d'exosomes faut-il prévoir ?": "seances",
        "Les exosomes sont-ils dangereux ?": "securite",
    }
    for q, aspect in asked.items():
        a = bot.ask(q)
        u = bot.understand(q)
        fits = focus._fits(bot._dx, u.qvec)
        by_aspect: dict[str, float] = {}
        for c in bot._dx.claims:
            by_aspect[c.aspect] = max(by_aspect.get(c.aspect, -1.0), fits[c.id])
        shown = {d.aspect for d in a.disagreements}
        assert aspect in shown, (q, shown)
        best = max(by_aspect[x] for x in shown)
        assert all(by_aspect[x] >= best - focus.ASPECT_MARGIN for x in shown), (q, shown)


def test_the_safety_question_keeps_its_disagreement_block(bot):
    a = bot.ask("Les exosomes sont-ils dangereux ?")
    assert any(d.aspect == "securite" for d in a.disagreements), [d.aspect for d in a.disagreements]
