"""Conversation on the real corpus: history is read only for elliptical follow-ups, nothing carries over."""

import pytest

from bot.answer.conversation import is_elliptical
from bot.lang.text import content_tokens, fold

PRICE = [{"role": "user", "content": "Combien coûte un traitement des cheveux aux exosomes ?"}]
ADVICE = [{"role": "user", "content": "Je suis enceinte, puis-je faire des exosomes ?"}]


@pytest.mark.unit
@pytest.mark.parametrize(
    "question",
    [
        "Et pour le visage ?",
        "ça coûte combien ?",
        "and the price?",
        "Combien de séances ?",
        "what about hair?",
    ],
)
def test_elliptical_follow_ups(question):
    assert is_elliptical(question, content_tokens(question))


@pytest.mark.unit
@pytest.mark.parametrize(
    "question",
    [
        "Je suis enceinte, je peux en faire ?",
        "Les exosomes sont-ils autorisés en France ?",
        "Quelle est la taille d'un exosome ?",
        "I am breastfeeding, can I have it?",
        "Et si je prends un anticoagulant ?",
    ],
)
def test_questions_with_their_own_subject_stand_alone(question):
    assert not is_elliptical(question, content_tokens(question))


@pytest.mark.slow
def test_pregnancy_after_a_price_question_is_answered_as_if_asked_fresh(bot):
    q = "Je suis enceinte, je peux en faire ?"
    after, fresh = bot.ask(q, history=PRICE), bot.ask(q)
    assert after.statements == fresh.statements and after.status == fresh.status
    assert after.referral and any(s.section == "referral" for s in after.statements)
    quotes = [s.text for s in after.statements if s.kind == "quote"]
    assert not any("€" in t for t in quotes), "no price quote carried over from the previous turn"
    # the answer leads with pregnancy, and a contraindication comes within the first two quotes
    assert "enceinte" in fold(quotes[0]) or "grossesse" in fold(quotes[0]), quotes[0]
    assert any("contre-indication" in fold(t) or "deconseill" in fold(t) for t in quotes[:2]), quotes


@pytest.mark.slow
def test_unrelated_question_after_advice_carries_no_referral(bot):
    a = bot.ask("Quelle est la taille d'un exosome ?", history=ADVICE)
    assert a.status == "answered" and not a.referral
    assert not any(s.section == "referral" for s in a.statements)
    assert "nanom" in fold(" ".join(s.text for s in a.statements if s.kind == "quote"))


@pytest.mark.slow
def test_elliptical_follow_up_reads_the_history(bot):
    a = bot.ask(
        "ça coûte combien ?", history=[{"role": "user", "content": "Les exosomes pour les cheveux ?"}]
    )
    assert a.status == "answered"
    first = next(s for s in a.statements if s.kind == "quote")
    assert "€" in first.text


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("J'ai une maladie auto-immune, je peux faire des exosomes ?", "auto-immunes"),
        ("J'ai un bouton de fièvre sur la lèvre, je peux garder mon rendez-vous exosomes visage ?", "lesion"),
    ],
)
def test_a_personal_health_question_leads_with_the_documents_precaution(bot, question, expected):
    a = bot.ask(question)
    assert a.status == "answered" and a.referral
    quotes = [fold(s.text) for s in a.statements if s.kind == "quote"]
    assert quotes and expected in quotes[0], quotes
