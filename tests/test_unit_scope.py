"""Deciding whether to answer, on hand-made hits: the thresholds, the domain words, referrals."""

from __future__ import annotations

import pytest

from bot.answer import scope
from bot.answer.retrieve import Hit
from bot.lang.text import content_tokens

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def judge(fixture_kb):
    s = scope.Scope(fixture_kb)

    def run(question: str, dense: float, pids=("inserm#4", "clinique#2"), lang: str = "fr") -> str:
        hits = [Hit(fixture_kb.passages[p], 1.0, dense, 0.0) for p in pids]
        q = fixture_kb.embedder.query(question)
        return s.judge(question, q, content_tokens(question), hits, lang).status

    return run


def test_a_covered_domain_question_close_to_a_passage_is_answered(judge):
    assert judge("Quel est le diamètre des vésicules exosomes ?", 0.90) == "answered"


def test_the_same_question_far_from_every_passage_is_not_in_sources(judge):
    assert judge("Quel est le diamètre des vésicules exosomes ?", scope.Scope.ON_TOPIC_MIN - 0.01) == (
        "not_in_sources"
    )


def test_no_domain_word_and_low_similarity_is_out_of_scope(judge):
    assert (
        judge("Quelle est la capitale de l'Australie ?", scope.Scope.OFF_TOPIC_MAX - 0.01) == "out_of_scope"
    )


def test_words_the_documents_never_use_make_a_domain_question_unanswerable(judge):
    # close enough to answer, but "diabète" and "insuline" appear nowhere in the fixture corpus
    assert judge("Les exosomes soignent-ils le diabète et l'insuline ?", 0.90) == "not_in_sources"


def test_unknown_words_do_not_count_against_an_english_question(judge):
    q = "Can exosome vesicles carry proteins between cells?"
    assert judge(q, 0.90, lang="en") == "answered"
    assert judge(q, 0.90, lang="fr") != "answered"  # read as French, "carry" and "between" are unknown


def test_no_hit_at_all_is_never_answered(fixture_kb):
    s = scope.Scope(fixture_kb)
    q = "Que sont les exosomes ?"
    verdict = s.judge(q, fixture_kb.embedder.query(q), content_tokens(q), [], "fr")
    assert verdict.status == "not_in_sources"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Que sont les exosomes ?", True),
        ("Les vésicules extracellulaires sont-elles sûres ?", True),
        ("Quelle est la capitale de l'Australie ?", False),
        ("Comment réparer un vélo ?", False),
    ],
)
def test_in_domain(question, expected):
    assert scope.in_domain(question) is expected


def test_referral_for_personal_health_questions():
    assert scope.needs_referral("Puis-je en faire pendant ma grossesse ?")
    assert not scope.needs_referral("Quelle est la taille d'un exosome ?")


def test_suggestions_are_the_closest_examples_in_the_reader_language(fixture_kb):
    s = scope.Scope(fixture_kb)
    q = "Combien coûte un traitement des cheveux aux exosomes ?"
    fr = s.suggestions(fixture_kb.embedder.query(q), "fr", n=2)
    assert fr[0] == q  # the fake embedder maps identical texts to identical vectors
    en = s.suggestions(fixture_kb.embedder.query(q), "en", n=3)
    assert len(en) == 3 and set(en) <= set(scope.SUGGESTIONS["en"])
