"""The claim check on the real corpus: splitting, labelling on real sentences, the API end to end."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from bot.check import check
from bot.check.label import _legal, _quantity, claim_direction
from bot.check.split import quantity_parts
from bot.disagree import quantities as qty
from bot.disagree import stance as st
from bot.settings import get_settings
from bot.web.app import create_app
from bot.web.service import ChatService
from eval.claims import load


def _norm(t: str) -> str:
    return " ".join(t.replace("’", "'").split())


def _sentence(bot, start: str) -> int:
    return next(i for i, s in enumerate(bot.kb.sentences) if s.text.startswith(start))


def test_quantities_of_a_claim_are_parts():
    parts = quantity_parts("Une séance coûte 500 € et les résultats se voient en 3 mois")
    by = {p.aspect: p for p in parts}
    assert by["prix"].interval == (500.0, 500.0)
    assert by["delai_resultats"].interval == (90.0, 90.0) and by["delai_resultats"].value == "3 mois"


def test_claim_direction_reads_negation():
    sec = st.ASPECT_BY_KEY["securite"]
    assert claim_direction("Les exosomes sont sans aucun risque", sec) > 0
    assert claim_direction("Exosomes are dangerous", sec) < 0


def test_quantity_label_on_a_real_sentence(bot):
    i = _sentence(bot, "Pour 1 à 2 séances, compter 700€ à 1200€ par séance")
    v = qty.values(bot.kb.sentences[i].text)["prix"]
    same = quantity_parts("Une séance coûte de 700 à 1200 €")[0]
    inside = quantity_parts("Une séance coûte 1000 €")[0]
    outside = quantity_parts("Une séance coûte 2000 €")[0]
    assert _quantity(same, (0.5, i, v)).label == "soutient"
    assert _quantity(inside, (0.5, i, v)).label == "nuance"  # the source gives a range around it
    assert _quantity(outside, (0.5, i, v)).label == "contredit"


def test_legal_label_on_a_real_sentence(bot):
    i = _sentence(bot, "Au sein de l’Union européenne, les exosomes d’origine humaine sont interdits")
    rules = st.origin_rules(bot.kb.sentences[i].text)
    claim = "Les exosomes d'origine humaine sont autorisés en cosmétique"
    assert _legal(claim, [(0.5, i, rules)]).label == "contredit"
    assert _legal("Les exosomes d'origine humaine sont interdits", [(0.5, i, rules)]).label == "soutient"


def test_check_quotes_are_verbatim_and_no_verdict(bot):
    a = check(bot, "Une séance d'exosomes pour les cheveux coûte 2000 €")
    assert a.status == "answered" and a.checks
    rows = [r for c in a.checks for r in c.rows if r.quote]
    assert rows
    for r in rows:
        assert _norm(r.quote) in _norm(bot.kb.passages[r.passage_id].text)
    text = a.answer_markdown.lower()
    assert " vrai" not in text and " faux" not in text


def test_bad_input_and_referral(bot):
    assert check(bot, "   ").status == "rejected_input"
    a = check(bot, "Je suis enceinte, les exosomes sont sans risque pour moi")
    assert a.referral


def test_api_check_end_to_end(bot):
    with TestClient(create_app(get_settings(), ChatService(bot=bot))) as c:
        r = c.post(
            "/api/check", json={"claim": "Les exosomes d'origine humaine sont autorisés en cosmétique"}
        )
        assert r.status_code == 200
        body = r.json()
        assert body["status"] == "answered"
        labels = {row["source_id"]: row["label"] for ch in body["checks"] for row in ch["rows"]}
        assert labels["inserm"] == "contredit"
        assert c.post("/api/check", json={"claim": 3}).status_code == 422
        assert c.post("/api/check", content=b"{").status_code in (400, 422)
        ops = c.get("/openapi.json").json()["paths"]["/api/check"]["post"]
        assert ops["operationId"] == "check_claim"


def test_english_quantities_are_parts():
    by = {
        p.aspect: p
        for p in quantity_parts("A session costs €500 and results show within three to six months")
    }
    assert by["prix"].interval == (500.0, 500.0)
    assert by["delai_resultats"].interval == (90.0, 180.0)
    assert {p.aspect for p in quantity_parts("One session costs €700")} == {"prix"}  # "one": an article


def test_an_off_topic_claim_leaves_every_source_silent(bot):
    """The fitted model on real readings: a claim the documents do not address gets no row."""
    from bot.check import decide, predict, read

    q = "Les exosomes rendent les voitures électriques plus rapides"
    r = read(bot, q, "fr")
    assert decide(bot.kb, q, r, predict(r)) == []
    on = read(
        bot, "Les exosomes d'origine humaine sont interdits en cosmétique dans l'Union européenne", "fr"
    )
    assert any(lab != "ne dit rien" for lab in predict(on).values())
    assert check(bot, q).status in ("not_in_sources", "out_of_scope")


def test_training_and_blind_claims_share_no_near_duplicate():
    from tests.test_eval_train import NEAR, _bag, _jaccard

    root = Path(__file__).resolve().parent.parent / "eval"
    from eval.claims_train import BLIND, TRAIN

    train = [(c["id"], _bag(c["claim"])) for f in TRAIN for c in load(f)]

    clashes = [
        (tid, c["id"])
        for name in BLIND
        for c in load(root / name)
        if len(eb := _bag(c["claim"])) >= 2
        for tid, tb in train
        if _jaccard(tb, eb) >= NEAR
    ]
    assert len(train) >= 220 and clashes == []


def test_a_claim_no_source_is_labelled_on_is_refused_only_when_ask_refuses(bot):
    """A refusal says the documents do not address the point: the check says it only when the relevance
    model's answer-or-refuse decision refuses the claim too; otherwise it quotes the closest passages,
    verbatim, every row left "ne dit rien"."""
    from bot.check import decide, predict, read
    from bot.lang.text import detect_language
    from eval.claims_train import TRAIN

    seen = {"answered": 0, "refused": 0}
    for claim in (c["claim"] for f in TRAIN for c in load(f)):
        r = read(bot, claim, detect_language(claim))
        if decide(bot.kb, claim, r, predict(r)):
            continue
        a = check(bot, claim)
        answers = bool(bot._choose(r.u.scored, situation=r.u.situation))
        seen["answered" if answers else "refused"] += 1
        assert (a.status == "answered") == answers, claim
        if answers:
            assert a.checks and all(row.label == "ne dit rien" for c in a.checks for row in c.rows)
            quotes = [s for s in a.statements if s.kind == "quote"]
            assert quotes and all(
                _norm(s.text) in _norm(bot.kb.passages[s.citations[0]].text) for s in quotes
            )
    assert seen["answered"] and seen["refused"]
