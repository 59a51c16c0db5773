"""Disagreement summaries add nothing: every number and content word stands in their positions' quotes.

A summary names who says what. Beyond its quotes it may only use reporting and connective
words (bot/lang/fr/reporting_words.txt), the sources' names and kinds, and, for a summary the
detector writes, the aspect and stance labels it frames the block with. English summaries
frame French quotes, so they are checked on their numbers and the sources they name.
"""

from __future__ import annotations

import numpy as np
import pytest

from bot import disagree, load_bot
from bot.disagree import load_claims
from bot.disagree.faithful import added_facts, framing, named, numbers, quoted_numbers
from bot.settings import Settings

_SELF_FR = "Ce document se contredit :"
_SELF_EN = "This document contradicts itself:"
_quoted_numbers = quoted_numbers


def test_the_checker_catches_an_added_fact():
    quotes = ["Il n’y a pas d’essais cliniques concernant l’usage des exosomes en médecine esthétique."]
    fine = "L'Inserm écrit qu'il n'y a pas d'essais cliniques sur l'usage des exosomes en esthétique."
    assert added_facts(fine, quotes) == []
    assert added_facts(fine[:-1] + ", dont une étude randomisée contre placebo.", quotes)
    assert added_facts(fine[:-1] + " en 2019.", quotes) == ["number 2019"]
    assert numbers("entre cinq et sept séances espacées d’un mois", quote=True) == {"5", "7", "1"}
    assert numbers("un effet élevé") == set()


@pytest.mark.parametrize("entry", load_claims(), ids=lambda e: e.id)
def test_a_map_summary_states_only_what_its_quotes_say(entry):
    quotes = [p.quote for p in entry.positions]
    assert added_facts(entry.summary_fr, quotes) == [], entry.summary_fr
    assert numbers(entry.summary_en) <= _quoted_numbers(quotes), entry.summary_en
    sources = {p.source_id for p in entry.positions}
    for summary in (entry.summary_fr, entry.summary_en):
        assert named(summary) == sources, summary  # names who says what, and no one else


@pytest.mark.parametrize("entry", [e for e in load_claims() if e.self_contradiction], ids=lambda e: e.id)
def test_a_self_contradiction_says_so(entry):
    assert len({p.source_id for p in entry.positions}) == 1
    assert entry.summary_fr.startswith(_SELF_FR) and entry.summary_en.startswith(_SELF_EN)


def test_only_self_contradictions_say_a_document_contradicts_itself():
    for e in load_claims():
        if not e.self_contradiction:
            assert _SELF_FR not in e.summary_fr and _SELF_EN not in e.summary_en, e.id


# --- the summaries the detector writes ---------------------------------------------------------

# Questions written from the documents' own topics (not from the evaluation sets), in both languages.
QUESTIONS = [
    ("Les exosomes sont-ils bien tolérés par la peau ?", "fr"),
    ("Quels sont les risques des soins aux exosomes ?", "fr"),
    ("Les exosomes peuvent-ils provoquer un cancer ?", "fr"),
    ("Les exosomes sont-ils efficaces contre les rides ?", "fr"),
    ("Les exosomes font-ils repousser les cheveux ?", "fr"),
    ("Existe-t-il des essais cliniques sur les exosomes en esthétique ?", "fr"),
    ("Quels exosomes sont autorisés en France ?", "fr"),
    ("Peut-on se faire injecter des exosomes ?", "fr"),
    ("Comment applique-t-on les exosomes sur la peau ?", "fr"),
    ("Quelle est la taille d'un exosome ?", "fr"),
    ("Combien de séances d'exosomes faut-il ?", "fr"),
    ("Les résultats des exosomes sont-ils durables ?", "fr"),
    ("Au bout de combien de temps voit-on les résultats ?", "fr"),
    ("Faut-il faire des séances de rappel ?", "fr"),
    ("Combien coûte un traitement aux exosomes pour les cheveux ?", "fr"),
    ("À quelle température conserver les exosomes ?", "fr"),
    ("Les exosomes conviennent-ils à tout le monde ?", "fr"),
    ("Exosomes ou PRP, lequel est le mieux ?", "fr"),
    ("Les exosomes transmettent-ils de l'ARN aux cellules ?", "fr"),
    ("D'où proviennent les exosomes utilisés dans les soins ?", "fr"),
    ("Les maladies auto-immunes sont-elles une contre-indication ?", "fr"),
    ("Les produits aux exosomes sont-ils standardisés ?", "fr"),
    ("Are exosome treatments safe?", "en"),
    ("Do exosomes work against wrinkles?", "en"),
    ("How many exosome sessions are needed?", "en"),
    ("How big are exosomes?", "en"),
]


@pytest.fixture(scope="module")
def real_bot():
    return load_bot(Settings(use_evidence_map=False), progress=False)


def _framing(d) -> set[str]:
    return framing(d)


def test_the_detector_summaries_add_nothing(real_bot):
    seen = 0
    for q, lang in QUESTIONS:
        qvec = np.asarray(real_bot.kb.embedder.query(q), dtype=np.float32)
        for d in disagree.find(q, qvec, [], real_bot.kb, real_bot._dx, False, lang):
            seen += 1
            quotes = [p.quote for p in d.positions]
            assert named(d.summary) == {p.source_id for p in d.positions}, (q, d.summary)
            assert numbers(d.summary) <= _quoted_numbers(quotes), (q, d.summary)
            if lang == "fr":
                assert added_facts(d.summary, quotes, _framing(d)) == [], (q, d.summary)
    assert seen >= 8  # the questions do reach the detector
