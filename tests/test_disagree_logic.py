"""Small pieces of the disagreement logic that need no model: areas, named sources, question gates."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot import disagree


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ça efface les rides ?", {"peau"}),
        ("Les exosomes font-ils repousser les cheveux ?", {"cheveux"}),
        ("Réduit sensiblement la chute des cheveux.", {"cheveux"}),
        ("Amélioration de la texture et de l’aspect de la peau.", {"peau"}),
        ("Do exosomes help with baldness?", {"cheveux"}),
        ("Régénérer la peau et les cheveux", {"peau", "cheveux"}),
        ("Les exosomes sont-ils bien tolérés ?", set()),
    ],
)
def test_area_of_a_text(text, expected):
    assert disagree.area(text) == expected


@pytest.fixture
def dx():
    words = {
        "inserm": frozenset({"inserm", "caulfield", "tiktok", "france", "coree"}),
        "revue-dermato": frozenset({"proffer", "kwon", "coree", "elisa"}),
        "clinique": frozenset({"france", "ansm", "dermapen"}),
        "dermatologue": frozenset({"prp"}),
        "praticienne-cheveux": frozenset({"prp"}),
    }
    return SimpleNamespace(doc_words=words)


@pytest.mark.parametrize(
    "question, single",
    [
        ("Que dit l'Inserm sur la sécurité ?", True),
        ("Combien de sujets dans l'étude de Proffer ?", True),
        ("What does the clinic say about safety?", True),
        ("L'Inserm et la clinique sont-ils d'accord sur la sécurité ?", False),  # a comparison
        ("L'Inserm est-il d'accord avec les autres sources ?", False),
        ("Les exosomes sont-ils autorisés en France ?", False),  # a name two sources use
        ("Y a-t-il des essais cliniques ?", False),  # "cliniques" is not "la clinique"
        ("Les exosomes sont-ils sûrs ?", False),
        # a source's claim put to the others is not a question about that source's words
        ("L'Inserm dit que les injections sont interdites, c'est sûr ?", False),
        ("The clinic claims that exosomes work: is that solid?", False),
        ("What does the clinic say about exosomes?", True),
    ],
)
def test_questions_about_one_source(dx, question, single):
    assert disagree._one_source_named(question, dx) is single


def _ctx(question: str, touch: float = 0.05):
    fq = disagree.fold(question.replace("’", "'"))
    return SimpleNamespace(fq=fq, touch={m: touch for m in disagree._MEASURE_Q})


@pytest.mark.parametrize(
    "question, measure, asks",
    [
        ("Combien de séances faut-il prévoir ?", "seances", True),
        ("How many sessions are needed?", "seances", True),
        ("Combien coûte une séance ?", "seances", False),  # a price
        ("Une séance dure combien de temps ?", "seances", False),  # a duration
        ("Quelle est la taille d'un exosome ?", "taille", True),
        ("C'est quoi un exosome, en gros ?", "taille", False),
        ("Is size-exclusion chromatography useful?", "taille", False),
        ("Ça coûte combien ?", "prix", True),
    ],
)
def test_measure_questions(question, measure, asks):
    assert disagree._asks_measure(_ctx(question), measure) is asks


def test_a_measure_the_question_is_not_about_is_not_compared():
    # the words match but the meaning does not: the aspect is not touched
    assert not disagree._asks_measure(_ctx("Quelle est la taille d'un exosome ?", touch=-0.5), "taille")
