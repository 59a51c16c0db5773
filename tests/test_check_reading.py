"""How the claim check reads a claim's strength, direction and quantities, and how the fitted model uses them."""

from __future__ import annotations

import numpy as np

from bot.check import decide, predict, read
from bot.check.label import CONTRA, NUANCE, SILENT, SUPPORT, _quantity, claim_direction
from bot.check.model import FEATURES, LABELS, fit_softmax, model, softmax_proba
from bot.check.split import quantity_parts, strong
from bot.disagree import quantities as qty
from bot.disagree import stance as st


def _sentence(bot, start: str) -> int:
    return next(i for i, s in enumerate(bot.kb.sentences) if s.text.startswith(start))


def test_absolute_wording_makes_a_claim_strong():
    assert strong("Traitement aux exosomes 100 % sans risque !")
    assert strong("Des résultats garantis à vie")
    assert strong("Exosomes are completely safe")
    assert not strong("Les exosomes stimulent la production de collagène")
    assert not strong("Exosomes may help hair density")


def test_units_the_document_parser_does_not_read():
    (size,) = quantity_parts("Les exosomes font environ 5 micromètres de diamètre")
    assert (size.aspect, size.interval) == ("taille", (5000.0, 5000.0))
    (delay,) = quantity_parts("Résultats visibles sur les cheveux en 48 heures")
    assert (delay.aspect, delay.interval) == ("delai_resultats", (2.0, 2.0))
    (en,) = quantity_parts("Exosomes are 50 to 150 nanometres in size")
    assert en.interval == (50.0, 150.0)


def test_a_persons_history_is_not_a_treatment_delay():
    assert quantity_parts("J'ai eu un cancer de la peau il y a deux ans, les exosomes sont sans danger") == []
    assert quantity_parts("I had skin cancer two years ago, so exosomes are safe for me") == []
    assert [p.aspect for p in quantity_parts("Les premiers résultats apparaissent en 3 mois")] == [
        "delai_resultats"
    ]


def test_boosters_span_every_time_the_claim_gives():
    (p,) = quantity_parts("Des séances de rappel sont conseillées à 6 mois puis à 1 an")
    assert p.aspect == "rappel" and p.interval == (180.0, 365.0)


def test_quantity_same_overlapping_or_apart(bot):
    i = _sentence(bot, "Les exosomes sont des vésicules sphériques de diamètre variable entre 30 et 200")
    v = qty.values(bot.kb.sentences[i].text)["taille"]

    def label(claim: str) -> str:
        return _quantity(quantity_parts(claim)[0], (0.5, i, v)).label

    assert label("Les exosomes mesurent entre 30 et 200 nm") == SUPPORT
    assert label("Les exosomes mesurent entre 50 et 150 nm") == NUANCE
    assert label("Les exosomes font 5 micromètres") == CONTRA


def test_an_advert_negating_a_harm_reassures():
    """ "zéro risque", "aucun risque de cancer", "jamais la moindre rougeur" assert safety; a named harm warns."""
    sec, cancer = st.ASPECT_BY_KEY["securite"], st.ASPECT_BY_KEY["cancer"]
    assert claim_direction("Les exosomes ne présentent absolument aucun risque de cancer.", cancer) > 0
    assert claim_direction("Sans aucun danger : zéro rejet, zéro risque.", sec) > 0
    assert claim_direction("Après la séance, jamais la moindre rougeur", sec) > 0
    assert claim_direction("A risk-free treatment", sec) > 0
    assert claim_direction("Les exosomes provoquent des rougeurs", sec) < 0
    assert claim_direction("Exosomes can cause cancer", cancer) < 0


def test_softmax_fitter_learns_a_separable_rule():
    """The fitter on data whose label is a known function of two features: it must find it."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = np.where(X[:, 0] > 0.5, 0, np.where(X[:, 1] > 0.5, 1, np.where(X[:, 0] < -0.5, 2, 3)))
    W, b, mean, scale = fit_softmax(X, y, l2=0.01)
    assert (softmax_proba(X, W, b, mean, scale).argmax(axis=1) == y).mean() > 0.9
    assert W.shape == (len(LABELS), 3) and not W[-1].any()  # the last label is the reference


def test_fitted_model_matches_the_features():
    m = model()
    assert m is not None, "run python -m eval.claims_train --write"
    assert tuple(m.features) == FEATURES and np.asarray(m.weights).shape == (4, len(FEATURES))


def test_a_source_that_states_the_claim_supports_it(bot):
    """A true-to-one-source claim: that source's best sentence says it, with the fitted cuts."""
    q = "Au Royaume-Uni, on trouve des exosomes dérivés de testicules de saumon"
    r = read(bot, q, "fr")
    kept = decide(bot.kb, q, r, predict(r))
    inserm = next(lab["inserm"] for _, lab in kept if lab["inserm"].label != SILENT)
    assert inserm.label == SUPPORT
    assert "saumon" in bot.kb.sentences[inserm.row].text
