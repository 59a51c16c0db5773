"""How the claim check reads a claim's strength and its quantities, and how the gate uses them, on real sentences."""

from __future__ import annotations

from bot.check import decide, read
from bot.check.label import CONTRA, NUANCE, SILENT, SUPPORT, Label, _quantity, gate, thresholds
from bot.check.split import Part, quantity_parts, strong
from bot.disagree import quantities as qty


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


def test_gate_reads_the_claims_strength():
    """An absolute claim is met by a hedging source on less; a plain claim's weak contradiction is a nuance."""
    th = {
        "speaks": 0.5,
        "contredit": 0.6,
        "fallback": 0.1,
        "agrees": 0.4,
        "speaks_strong": 0.05,
        "speaks_precise": 0.02,
    }
    labels = {"inserm": Label(CONTRA, 1), "clinique": Label(SUPPORT, 2)}
    low = {"inserm": (0.1, 1), "clinique": (0.1, 2)}
    absolute = Part("securite", "sans aucun risque", "stance", strong=True)
    plain = Part("securite", "bien toléré", "stance")
    got = gate(labels, low, th, absolute)
    assert got["inserm"].label == CONTRA and got["clinique"].label == SILENT
    assert gate(labels, low, th, plain)["inserm"].label == SILENT
    assert gate(labels, {"inserm": (0.55, 1)}, th, plain)["inserm"].label == NUANCE
    price = Part("prix", "2000 €", "quantity", (2000.0, 2000.0), "2000 €")
    assert gate({"inserm": Label(CONTRA, 1)}, {"inserm": (0.03, 1)}, th, price)["inserm"].label == CONTRA


def test_a_source_that_states_the_claim_supports_it(bot):
    """A true-to-one-source claim: that source's best sentence says it, with the fitted cuts."""
    q = "Au Royaume-Uni, on trouve des exosomes dérivés de testicules de saumon"
    _, parts, raw, speak = read(bot, q, "fr")
    kept = decide(bot.kb, q, parts, raw, speak, thresholds())
    inserm = next(lab["inserm"] for _, lab in kept if lab["inserm"].label != SILENT)
    assert inserm.label == SUPPORT
    assert "saumon" in bot.kb.sentences[inserm.row].text
