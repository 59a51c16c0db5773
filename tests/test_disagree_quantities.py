"""The quantity reader on real sentences of the five documents.

Every sentence below is checked to be verbatim in the cleaned corpus, so these
tests follow the documents, not invented examples.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.disagree import quantities as q
from bot.lang.text import normalize

CLEAN = Path(__file__).resolve().parent.parent / "corpus" / "clean"


@pytest.fixture(scope="module")
def corpus() -> dict[str, str]:
    return {p.stem: normalize(p.read_text(encoding="utf-8")) for p in CLEAN.glob("*.md")}


def real(corpus: dict[str, str], source: str, sentence: str) -> str:
    assert normalize(sentence) in corpus[source], f"not a sentence of {source}: {sentence}"
    return sentence


@pytest.mark.parametrize(
    "text, value",
    [
        ("cinq", 5),
        ("sept", 7),
        ("trois", 3),
        ("six", 6),
        ("vingt-cinq", 25),
        ("trente et un", 31),
        ("soixante-dix", 70),
        ("quatre-vingt-dix", 90),
        ("cent cinquante", 150),
        ("deux cents", 200),
        ("3 500", 3500),
        ("2,5", 2.5),
        ("6000", 6000),
    ],
)
def test_french_numbers(text, value):
    assert q.parse_number(text) == value


def test_not_a_number():
    assert q.parse_number("plusieurs") is None
    assert q.words_to_number("neuve") is None


SIZE = [
    ("inserm", "Les exosomes sont de minuscules vésicules de 50 à 150 nanomètres de diamètre (environ 1 000 fois plus petites qu’un cheveu).", (50, 150)),
    ("dermatologue", "Les exosomes sont de petites vésicules extra cellulaires (30-150 nm) qui jouent un rôle clé dans la communication inter-cellulaire.", (30, 150)),
    ("revue-dermato", "Les exosomes sont des vésicules sphériques de diamètre variable entre 30 et 200 nanomètres.", (30, 200)),
    ("clinique", "Il mesure entre 50 et 150 nanomètres et contient des protéines, des lipides, des facteurs de croissance des acides nucléiques, en particulier des ARN.", (50, 150)),
]  # fmt: skip


@pytest.mark.parametrize("source, sentence, rng", SIZE)
def test_sizes_in_every_spelling(corpus, source, sentence, rng):
    v = q.values(real(corpus, source, sentence))["taille"]
    assert v.key == rng
    assert "nm" in v.label_fr and "nm" in v.label_en


def test_same_range_is_agreement_different_range_is_not(corpus):
    keys = {src: q.values(real(corpus, src, s))["taille"].key for src, s, _ in SIZE}
    assert keys["inserm"] == keys["clinique"]  # "50 à 150 nanomètres" == "entre 50 et 150 nanomètres"
    assert keys["dermatologue"] != keys["inserm"] != keys["revue-dermato"]


def test_session_count_and_spacing_are_read_apart(corpus):
    derm = q.values(
        real(
            corpus,
            "dermatologue",
            "En général, un protocole de 3 à 4 séances espacées d’environ un mois est recommandé pour des résultats visibles et durables.",
        )
    )["seances"]
    (count, gaps) = derm.key
    assert count == (3, 4)
    assert gaps == ((30, 30),)  # "espacées d'environ un mois" is an interval, not a count


def test_sessions_added_up_across_a_sentence(corpus):
    v = q.values(
        real(
            corpus,
            "clinique",
            "Nombre de séances : 3 séances espacées de 2 semaines, puis 2-3 séances supplémentaires espacées d’un mois.",
        )
    )["seances"]
    assert v.key[0] == (5, 6)
    assert v.key[1] == ((14, 14), (30, 30))
    assert v.label_fr.startswith("3 + 2 à 3 séances")


def test_sessions_in_words(corpus):
    v = q.values(
        real(
            corpus,
            "praticienne-cheveux",
            "Le protocole classique comporte généralement entre cinq et sept séances de micro-injections d’exosomes directement dans le cuir chevelu, réparties sur plusieurs semaines.",
        )
    )["seances"]
    assert v.key[0] == (5, 7)  # not 12: "cinq et sept" is a range, not "trente et un"


def test_sessions_inside_a_price_list_are_not_the_protocol(corpus):
    v = q.values(real(corpus, "praticienne-cheveux", "Pour 1 à 2 séances, compter 700€ à 1200€ par séance"))
    assert "seances" not in v
    assert v["prix"].key == ("par séance", 700, 1200)
    total = q.values(
        real(
            corpus,
            "praticienne-cheveux",
            "L'investissement global se situe entre 3500 € et 6000 €, un traitement qui reste à la charge exclusive du patient sans remboursement possible.",
        )
    )
    assert total["prix"].key == ("total", 3500, 6000)


def test_an_article_is_not_a_count(corpus):
    sentence = real(
        corpus,
        "dermatologue",
        "Cette technique peut être associée à une séance de LED (photobiomodulation) pour renforcer les effets régénérants, ou remplacée par un laser fractionné, qui pénètre plus en profondeur.",
    )
    assert q.values(sentence) == {}


def test_supplement_and_shelf_life_durations_are_not_treatment_delays(corpus):
    cure = real(
        corpus,
        "dermatologue",
        "Adoptez le complément alimentaire Collagène marin en cure de 3 mois minimum, à raison de 2.5 g à 10 g par jour.",
    )
    shelf = real(
        corpus,
        "dermatologue",
        "Conservation : bien conservé et fabriqué dans des conditions d'hygiène optimales, votre produit pourra se conserver au moins 6 mois.",
    )
    assert q.values(cure) == {} and q.values(shelf) == {}
    (m,) = q.mentions(cure)
    assert (m.lo, m.hi, m.unit) == (3, None, "mois")  # "minimum": open-ended


def test_delay_before_results_in_words(corpus):
    v = q.values(
        real(
            corpus,
            "praticienne-cheveux",
            "Les effets concrets se manifesteraient progressivement sur une période de trois à six mois.",
        )
    )["delai_resultats"]
    assert v.key == (90, 180)


def test_a_study_duration_is_not_a_delay_before_results(corpus):
    sentence = real(
        corpus,
        "revue-dermato",
        "Celle de Proffer sur l’amélioration clinique après 6 semaines d’application d’un sérum à base d’exosomes issus de plaquettes (intensive repair serum rion aesthetics, Rochester, MN) sur 56 sujets : amélioration clinique variable et sécurité d’utilisation (le délai de suivi semble court pour se prononcer) [14].",
    )
    assert "delai_resultats" not in q.values(sentence)


def test_booster_sessions_and_temperature(corpus):
    booster = q.values(
        real(corpus, "clinique", "Durée des effets : Séances de rappel préconisées à 6 mois et 1 an.")
    )["rappel"]
    assert booster.key == ((180, 180), (365, 365))
    cold = q.values(
        real(
            corpus,
            "revue-dermato",
            "enfin on notera que la conservation et le transport des exosomes doivent se faire à -80 °C, ce qui, bien entendu, risque d’être un frein financier.",
        )
    )["temperature"]
    assert cold.key == (-80, -80)


def test_english_table_rows_are_ignored():
    assert q.values("Can measure small sizes (to 10 nm) Not suitable for lager samples") == {}
