"""The disagreement logic on real sentences of the fixture corpus: values, stances, origins, summaries."""

from __future__ import annotations

import pytest

from bot import disagree
from bot.answer.retrieve import Retriever
from bot.disagree import quantities as qty
from bot.disagree import stance as st
from bot.disagree import summary
from bot.lang.text import content_tokens
from bot.models import Position

pytestmark = pytest.mark.unit

INSERM_SIZE = "de 50 à 150 nanomètres de diamètre"
CLINIC_SIZE = "Il mesure entre 50 et 150 nanomètres"
INSERM_DOUBT = "leur efficacité est loin d’être prouvée"
CLINIC_PRAISE = "se distinguent par leur grande efficacité"
INSERM_EU = "seuls les produits d’origine animale ou végétale sont autorisés"
INSERM_BAN = "les exosomes d’origine humaine sont interdits"


@pytest.fixture(scope="module")
def text_of(fixture_kb, sentence_at):
    """The text of the fixture sentence containing a fragment."""
    return lambda fragment: fixture_kb.sentences[sentence_at(fragment)].text


# --- quantities ------------------------------------------------------------------------------


def test_two_ways_of_writing_a_range_give_the_same_size(fixture_kb, text_of):
    a = qty.values(text_of(INSERM_SIZE))
    b = qty.values(text_of(CLINIC_SIZE))
    assert set(a) == set(b) == {"taille"}
    assert a["taille"].key == b["taille"].key == (50.0, 150.0)  # same key: the sources agree
    assert a["taille"].label_fr == "50 à 150 nm" and a["taille"].label_en == "50 to 150 nm"


def test_value_spans_point_at_the_number_in_the_sentence(fixture_kb, text_of):
    text = text_of(CLINIC_SIZE)
    (s, e), *_ = qty.values(text)["taille"].spans
    assert text[s:e] == "entre 50 et 150 nanomètres"  # the whole range, bounds and unit


def test_a_number_without_a_measure_is_no_value(fixture_kb, text_of):
    # "530 millions de vues", "1 000 fois plus petites", "décembre 2021": numbers, but no measure
    for fragment in ("530 millions de vues", "parue en décembre 2021"):
        assert qty.values(text_of(fragment)) == {}


def test_a_changed_number_changes_the_key(fixture_kb, text_of):
    text = text_of(CLINIC_SIZE).replace("entre 50 et 150", "entre 30 et 100")
    assert qty.values(text)["taille"].key == (30.0, 100.0)


# --- stances ---------------------------------------------------------------------------------


def test_the_institute_doubts_efficacy_and_the_clinic_praises_it(fixture_kb, text_of):
    aspect = st.ASPECT_BY_KEY["efficacite"]
    doubt = st.read(text_of(INSERM_DOUBT), aspect)
    praise = st.read(text_of(CLINIC_PRAISE), aspect)
    assert doubt.member and doubt.cls == st.NEG and doubt.neg > doubt.pos
    assert praise.member and praise.cls == st.POS and praise.pos > praise.neg


def test_the_conditional_hedges_a_positive_claim(fixture_kb, text_of):
    aspect = st.ASPECT_BY_KEY["efficacite"]
    firm = text_of(CLINIC_PRAISE)
    hedged = firm.replace("se distinguent", "se distingueraient")
    r_firm, r_hedged = st.read(firm, aspect), st.read(hedged, aspect)
    assert not r_firm.hedged and r_hedged.hedged
    assert r_hedged.pos < r_firm.pos


def test_a_question_is_about_the_aspect_but_claims_nothing():
    aspect = st.ASPECT_BY_KEY["efficacite"]
    r = st.read("Les exosomes d'origine humaine se distinguent-ils par leur grande efficacité ?", aspect)
    assert r.member and r.cls == st.NONE and r.pos == r.neg == 0


def test_a_sentence_off_the_aspect_is_not_a_member(fixture_kb, text_of):
    r = st.read(text_of(CLINIC_SIZE), st.ASPECT_BY_KEY["efficacite"])
    assert not r.member and r.cls == st.NONE


def test_allowed_origins_read_from_seuls_sont_autorises(fixture_kb, text_of):
    rules = st.origin_rules(text_of(INSERM_EU))
    assert rules == {"animale": True, "vegetale": True, "humaine": False, "bacterienne": False}


def test_a_ban_names_only_the_banned_origin(fixture_kb, text_of):
    assert st.origin_rules(text_of(INSERM_BAN)) == {"humaine": False}
    assert st.origin_rules(text_of(CLINIC_SIZE)) == {}  # no rule at all


# --- summary helpers -------------------------------------------------------------------------


def _positions(kb, sentence_at, lang="fr"):
    return [
        summary.position(kb, sentence_at(INSERM_DOUBT), "sceptique", lang),
        summary.position(kb, sentence_at(CLINIC_PRAISE), "favorable", lang),
        summary.position(kb, sentence_at("résultats encourageants"), "favorable", lang),
    ]


def test_a_position_is_a_verbatim_sentence_with_its_source_profile(fixture_kb, sentence_at):
    p = _positions(fixture_kb, sentence_at, "en")[0]
    assert p.source_id == "inserm" and p.passage_id == "inserm#3"
    assert p.quote in fixture_kb.passages[p.passage_id].text
    assert p.source_label == fixture_kb.sources["inserm"].short_name_en
    assert p.source_kind == fixture_kb.sources["inserm"].kind_label_en


def test_group_keeps_stances_in_order_of_first_appearance():
    ps = [
        Position(source_id="b", passage_id="b#1", stance="favorable", quote="x"),
        Position(source_id="a", passage_id="a#1", stance="sceptique", quote="y"),
        Position(source_id="c", passage_id="c#1", stance="favorable", quote="z"),
    ]
    assert summary.group(ps) == [("favorable", ["b", "c"]), ("sceptique", ["a"])]


def test_names_joins_with_the_language_conjunction(fixture_kb):
    kb = fixture_kb
    assert summary.names(kb, ["inserm"], "fr") == kb.sources["inserm"].short_name_fr
    assert summary.names(kb, ["inserm", "clinique"], "fr") == "l'Inserm et la clinique"
    assert summary.names(kb, ["clinique", "inserm"], "en") == "the clinic and Inserm"


def test_summary_names_every_side_and_who_sells_the_treatment(fixture_kb, sentence_at):
    kb = fixture_kb
    groups = summary.group(_positions(kb, sentence_at))
    assert groups == [("sceptique", ["inserm"]), ("favorable", ["clinique", "clinique"])]
    text = summary.summary(kb, "fr", "l'efficacité", [("sceptique", ["inserm"]), ("favorable", ["clinique"])])
    assert "sceptique pour l'Inserm" in text and "favorable pour la clinique" in text
    assert "la clinique propose ce soin" in text  # the seller is named, the institute is not
    assert "l'Inserm propose" not in text
    en = summary.summary(kb, "en", "efficacy", [("doubtful", ["inserm"]), ("favourable", ["clinique"])])
    assert en.startswith("The sources differ on efficacy") and "the clinic sells this treatment" in en


def test_summary_of_sellers_only_has_no_seller_note(fixture_kb):
    text = summary.summary(fixture_kb, "fr", "la taille", [("50 nm", ["clinique"])], values=True)
    assert text.startswith("Les sources donnent des valeurs différentes pour la taille")
    assert "propose ce soin" not in text


# --- the detector end to end, on the fixture KB ----------------------------------------------


@pytest.fixture(scope="module")
def detect(fixture_kb, fixture_store):
    dx = disagree.prepare(fixture_kb)  # the fixture corpus has no evidence map: detectors only
    retriever = Retriever(fixture_kb, fixture_store, candidates=24, rrf_k=10)

    def run(question: str):
        qvec = fixture_kb.embedder.query(question)
        hits = retriever.search(qvec, content_tokens(question))
        return disagree.find(question, qvec, hits, fixture_kb, dx, False, "fr")

    return dx, run


def test_prepare_reads_each_sentence_once(detect, fixture_kb):
    dx, _ = detect
    assert dx.claims == [] and dx.claims_error is None  # no claims.yaml next to the fixture corpus: no map
    sizes = {fixture_kb.sentences[i].source_id: v.key for i, v in dx.values["taille"]}
    assert sizes == {"inserm": (50.0, 150.0), "clinique": (50.0, 150.0)}
    eff = {fixture_kb.sentences[i].source_id for i, r in dx.readings["efficacite"]}
    assert eff == {"inserm", "clinique"}


def test_efficacy_question_finds_the_institute_against_the_clinic(detect, fixture_kb):
    _, run = detect
    found = run("Est-ce que les exosomes marchent vraiment pour la peau ?")
    assert len(found) == 1
    d = found[0]
    assert {p.source_id for p in d.positions} == {"inserm", "clinique"}
    assert len({p.stance for p in d.positions}) == 2
    for p in d.positions:
        assert p.quote in fixture_kb.passages[p.passage_id].text
    assert "propose ce soin" in d.summary


def test_same_size_in_both_sources_is_no_disagreement(detect):
    _, run = detect
    assert run("Quelle est la taille d'un exosome ?") == []
