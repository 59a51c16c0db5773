"""The stance reader on real sentences of the documents, hard negations first.

Every sentence is checked to be verbatim in the cleaned corpus.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.disagree import stance as st
from bot.lang.text import normalize

CLEAN = Path(__file__).resolve().parent.parent / "corpus" / "clean"


@pytest.fixture(scope="module")
def corpus() -> dict[str, str]:
    return {p.stem: normalize(p.read_text(encoding="utf-8")) for p in CLEAN.glob("*.md")}


def read(corpus, source: str, sentence: str, aspect: str) -> st.Reading:
    assert normalize(sentence) in corpus[source], f"not a sentence of {source}: {sentence}"
    return st.read(sentence, st.ASPECT_BY_KEY[aspect])


CASES = [
    # a negated side effect reassures
    ("dermatologue", "À ce jour, aucun effet secondaire notable n’a été rapporté dans le cadre d’une utilisation encadrée.", "securite", st.POS),
    ("dermatologue", "La tolérance est excellente, que ce soit en application topique ou via des techniques comme le microneedling, qui permettent de potentialiser leur efficacité.", "securite", st.POS),
    ("dermatologue", "Les phototypes clairs à foncés sont également concernés, sans risque particulier d’hyperpigmentation ou d’irritation.", "securite", st.POS),
    # a concession does not outweigh the main clause: cautious
    ("inserm", "Même si aucune infection virale n’a été rapportée en lien avec des exosomes d’origine animale ou humaine, sans essais cliniques, le risque ne peut pas être totalement exclu.", "securite", st.NEG),
    ("inserm", "Par exemple, certaines peuvent induire des réactions allergiques, d’autres, participer à la prolifération des cellules cancéreuses et d’autres encore ont pu, par le passé, jouer un rôle dans la transmission de maladies comme celle de la vache folle…", "securite", st.NEG),
    ("praticienne-cheveux", "L’enthousiasme autour de cette technologie ne doit pas faire oublier que le recul scientifique reste faible :", "securite", st.NEG),
    ("revue-dermato", "pas de rejet immunologique ;", "securite", st.POS),
    # a negated proof is sceptical
    ("inserm", "En ce qui concerne l’essor des traitements à base d’exosomes en médecine anti-âge et dans l’industrie cosmétique, en revanche, les spécialistes des exosomes sont circonspects : aucune découverte scientifique majeure ne prouve l’efficacité de ces vésicules pour éliminer les rides ou lutter contre la calvitie.", "efficacite", st.NEG),
    ("inserm", "Problème : leur efficacité est loin d’être prouvée et, de façon générale, les effets des exosomes sur la santé sont encore mal connus.", "efficacite", st.NEG),
    ("inserm", "Mais loin des promesses marketing, rien ne prouve que les traitements à base d’exosomes éradiquent les signes de l’âge.", "efficacite", st.NEG),
    # the claims doubted in the same sentence are not the author's
    ("inserm", "Les traitements et les produits cosmétiques à base d’exosomes sont de plus en plus populaires dans la médecine anti-âge, mais leurs promesses de régénérer la peau, lutter contre l’acné et favoriser la repousse des cheveux sont loin d’être scientifiquement prouvées.", "efficacite", st.NEG),
    ("clinique", "Les exosomes stimulent les cellules souches du follicule pileux et améliorent la densité capillaire.", "efficacite", st.POS),
    ("dermatologue", "Estomper les cicatrices d’acné : les exosomes accélèrent la régénération tissulaire et la réparation des micro-lésions, ce qui peut atténuer les cicatrices post-acné, notamment les cicatrices récentes ou peu profondes.", "efficacite", st.POS),
    ("praticienne-cheveux", "Si les exosomes pour les cheveux offrent des perspectives intéressantes en médecine régénérative, ils ne constituent pas une solution miracle ni une réponse universelle à la chute de cheveux.", "efficacite", st.NEG),
    # the state of the evidence
    ("inserm", "Problème : il n’y a pas d’essais cliniques concernant l’usage des exosomes en médecine esthétique ou dans les produits cosmétiques.", "preuves", st.NEG),
    ("inserm", "Mais à de rares exceptions, les essais cliniques n’ont pas encore démarré, et des recherches plus poussées seront nécessaires pour obtenir des résultats.", "preuves", st.NEG),
    ("revue-dermato", "Et celle de Kwon [15] plus qualitative sur le bénéfice d’une solution d’exosomes dérivés de cellules souches adipocytaires, délivrée vs gel contrôle (étude prospective randomisée double aveugle en split face contre placebo sur 25 patients de phototype II et IV).", "preuves", st.POS),
    ("revue-dermato", "Ils ne rapportent au total que deux études in vivo sur l’humain, toutes les autres sont des études in vitro ou sur des modèles murins.", "preuves", st.MIXED),
    # cancer
    ("revue-dermato", "pas de tumorogénicité.", "cancer", st.POS),
    ("inserm", "Par exemple, certaines peuvent induire des réactions allergiques, d’autres, participer à la prolifération des cellules cancéreuses et d’autres encore ont pu, par le passé, jouer un rôle dans la transmission de maladies comme celle de la vache folle…", "cancer", st.NEG),
    # injections
    ("inserm", "Ces crèmes, masques ou sérums (en France, les injections sont interdites) sont proposés en complément d’actes déjà autorisés comme les lasers, les microneedlings (une version de la mésothérapie réalisée avec un petit rouleau constitué de micro-aiguilles) ou les LED, comme le rappelle l’association Française de médecine esthétique et anti-âge.", "injections", st.NEG),
    ("clinique", "Immédiatement après, il applique les exosomes directement sur la peau sans injection.", "injections", st.NEG),
    ("praticienne-cheveux", "Le protocole classique comporte généralement entre cinq et sept séances de micro-injections d’exosomes directement dans le cuir chevelu, réparties sur plusieurs semaines.", "injections", st.POS),
    # lasting results: "aucun ... ne peut donner des résultats durables" is a negation
    ("dermatologue", "En général, un protocole de 3 à 4 séances espacées d’environ un mois est recommandé pour des résultats visibles et durables.", "durabilite", st.POS),
    ("praticienne-cheveux", "Je suis convaincue qu'aucun traitement utilisé seul ne peut donner des résultats durables .", "durabilite", st.NEG),
    ("praticienne-cheveux", "Le coût élevé du traitement, sans garantie de résultats durables, en fait une option qui doit être mûrement réfléchie et intégrée dans une stratégie plus large.", "durabilite", st.NEG),
    # who it suits
    ("dermatologue", "En réalité, tous les types de peaux peuvent bénéficier des bienfaits des exosomes, qu’elles soient sèches, grasses, sensibles ou matures.", "universalite", st.POS),
    ("praticienne-cheveux", "Les premiers retours cliniques montrent des effets prometteurs, mais l’efficacité reste variable selon les individus, en fonction de l’état des follicules, du terrain inflammatoire, et de la capacité de régénération de chacun.", "universalite", st.NEG),
]  # fmt: skip


@pytest.mark.parametrize("source, sentence, aspect, expected", CASES)
def test_direction_of_real_sentences(corpus, source, sentence, aspect, expected):
    assert read(corpus, source, sentence, aspect).cls == expected


def test_the_conditional_makes_a_claim_qualified(corpus):
    r = read(
        corpus,
        "dermatologue",
        "Limiter les rides et ridules : les exosomes stimuleraient la synthèse de collagène et d’élastine, contribuant à redensifier la peau et à atténuer les marques du vieillissement cutané.",
        "efficacite",
    )
    assert r.hedged and r.cls != st.POS
    firm = read(
        corpus,
        "clinique",
        "Les exosomes revitalisent la peau en stimulant le renouvellement cellulaire et en boostant la production de collagène et d’élastine.",
        "efficacite",
    )
    assert not firm.hedged and firm.cls == st.POS


@pytest.mark.parametrize(
    "source, sentence, aspect",
    [
        # a precaution is not a verdict on safety
        ("dermatologue", "Bien que bien tolérés, ils sont déconseillés en cas de lésion cutanée active, d’infection ou pendant la grossesse sans avis médical.", "securite"),
        # a transient redness "normal" after the session is not a warning
        ("dermatologue", "Une rougeur transitoire peut apparaître après la séance, ce qui est une réaction normale.", "securite"),
        # reducing redness is a benefit, not a side effect
        ("dermatologue", "Par ailleurs, des études préliminaires suggèrent que les exosomes pourraient également réduire les rougeurs, freiner la surproduction de mélanine (donc limiter l’hyperpigmentation) et raviver l’éclat du teint en stimulant le métabolisme cellulaire.", "securite"),
        # a question the author asks is not a claim
        ("inserm", "Dans ce contexte, comment savoir si l’amélioration de l’état de la peau ou la repousse des cheveux est réellement due aux exosomes, ou si elle résulte des traitements complémentaires ?", "efficacite"),
        # the promises listed by a fact-check are not its own claims
        ("inserm", "« Régénérer » la peau, éliminer les rides et l’acné, unifier le teint, favoriser la repousse des cheveux…", "efficacite"),
        # tumour biology is not a risk of the cosmetic use
        ("revue-dermato", "On sait maintenant que les exosomes sécrétés par les cellules tumorales (TDEs = tumor derived exosome) favorisent la progression tumorale en stimulant la croissance de la tumeur au sein du tissu atteint (altération de la matrice extracellulaire permettant le déplacement des cellules cancéreuses, néovascularisation), en diminuant la réponse immunitaire (inhibition des lymphocytes T et réduction de la cytotoxicité des NK (natural killer) mais aussi en favorisant la formation de métastases (augmentation de la porosité des barrières endothéliales, activation des cellules stromales, immunosuppression et inflammation).", "cancer"),
        # "risque d'être un frein financier" is not a health risk
        ("revue-dermato", "enfin on notera que la conservation et le transport des exosomes doivent se faire à -80 °C, ce qui, bien entendu, risque d’être un frein financier.", "securite"),
    ],
)  # fmt: skip
def test_sentences_that_must_not_count_as_a_warning_or_a_claim(corpus, source, sentence, aspect):
    r = read(corpus, source, sentence, aspect)
    assert r.cls not in (st.NEG, st.POS), (r.cls, r.pos, r.neg)


def test_origins_said_to_be_allowed(corpus):
    inserm = "Déjà très populaires en Corée du Sud et aux États-Unis, ces traitements commencent à se faire une place sur le marché européen – où seuls les produits d’origine animale ou végétale sont autorisés."
    clinique = "Seuls les exosomes d'origine végétale ou bactérienne sont autorisés en médecine esthétique."
    amm = "Seuls les exosomes d’origine humaine et animale sont soumises à une Autorisation de Mise sur le Marché délivrée par l'Agence nationale de sécurité du médicament et des produits de santé (ANSM)."
    banned = "Au sein de l’Union européenne, les exosomes d’origine humaine sont interdits en médecine esthétique (image d’illustration)."
    for src, s in (("inserm", inserm), ("clinique", clinique), ("clinique", amm), ("inserm", banned)):
        assert normalize(s) in corpus[src]
    a, b = st.origin_rules(inserm), st.origin_rules(clinique)
    assert a == {"animale": True, "vegetale": True, "humaine": False, "bacterienne": False}
    assert b == {"vegetale": True, "bacterienne": True, "humaine": False, "animale": False}
    assert st.origin_rules(amm)["animale"] is False and st.origin_rules(amm)["bacterienne"] is True
    assert st.origin_rules(banned) == {"humaine": False}
    # both exclude human origin; they differ on animal and bacterial origin
    assert {o for o in a if a[o] != b[o]} == {"animale", "bacterienne"}


def test_sentences_without_a_rule_say_nothing_about_origins(corpus):
    s = "Les exosomes d'origine humaine et animale se distinguent par leur grande efficacité, ouvrant ainsi la voie à de nouvelles applications thérapeutiques."
    assert normalize(s) in corpus["clinique"]
    assert st.origin_rules(s) == {}


def test_every_aspect_has_labels_in_both_languages():
    for a in st.ASPECTS:
        for labels in (a.labels_fr, a.labels_en):
            assert {st.POS, st.NEG, st.MIXED} <= set(labels) and all(labels.values())
