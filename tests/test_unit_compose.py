"""Composing an answer on the fixture KB: sentence picking, statements, citation numbers, framing."""

from __future__ import annotations

import pytest

from bot.answer import compose
from bot.answer.retrieve import Hit
from bot.lang.text import content_tokens, is_verbatim
from bot.models import Disagreement, Position
from bot.render.messages import message

pytestmark = pytest.mark.unit


def _hits(kb, *pids: str) -> list[Hit]:
    return [Hit(kb.passages[p], 1.0 - 0.1 * k, 0.9, 0.0) for k, p in enumerate(pids)]


def _pick(kb, question: str, pids, max_quotes=5, per_source=2, window=None):
    qvec = kb.embedder.query(question)
    return compose.pick_sentences(
        kb, _hits(kb, *pids), qvec, content_tokens(question), max_quotes, per_source, window
    )


# --- picking sentences ---------------------------------------------------------------------


def test_the_sentence_that_shares_the_question_words_comes_first(fixture_kb):
    picks = _pick(fixture_kb, "Quel est le diamètre des exosomes en nanomètres ?", ["inserm#4", "inserm#5"])
    assert picks, "a sentence of inserm#4 states the diameter"
    first = fixture_kb.sentences[picks[0].idx]
    assert "nanomètres de diamètre" in first.text
    assert picks[0].overlap == pytest.approx(1.0)


def test_picks_only_sentences_of_the_hits_and_respects_the_caps(fixture_kb):
    kb = fixture_kb
    pids = ["clinique#5", "clinique#6", "inserm#1"]
    picks = _pick(
        kb, "exosomes origine humaine animale végétale", pids, max_quotes=3, per_source=1, window=1.0
    )
    sources = [kb.sentences[p.idx].source_id for p in picks]
    assert all(kb.sentences[p.idx].passage_id in pids for p in picks)
    assert len(sources) == len(set(sources))  # one per source
    assert len(picks) <= 3 + compose.OTHER_VOICES
    scores = [p.score for p in picks]
    assert scores[: len(set(sources))] == sorted(scores[: len(set(sources))], reverse=True)


def test_a_question_sentence_is_never_quoted_even_when_it_matches_exactly(fixture_kb, sentence_at):
    kb = fixture_kb
    i = sentence_at("Leurs promesses ?")
    picks = _pick(kb, kb.sentences[i].text, ["inserm#2"], window=1.0)
    assert picks and i not in [p.idx for p in picks]
    assert all(not kb.sentences[p.idx].text.rstrip().endswith("?") for p in picks)


def test_a_narrow_window_keeps_only_the_best_sentence(fixture_kb):
    q = "Quel est le diamètre des exosomes en nanomètres ?"
    wide = _pick(fixture_kb, q, ["inserm#4"], window=1.0)
    narrow = _pick(fixture_kb, q, ["inserm#4"], window=0.0)
    assert len(wide) > 1
    assert [p.idx for p in narrow] == [wide[0].idx]


def test_no_hits_no_picks(fixture_kb):
    assert _pick(fixture_kb, "Que sont les exosomes ?", []) == []


# --- framing and citations -------------------------------------------------------------------


def test_framing_names_the_source_its_kind_and_year_in_the_reader_language(fixture_kb):
    inserm, clinique = fixture_kb.sources["inserm"], fixture_kb.sources["clinique"]
    fr = compose.source_framing(inserm, "fr")
    assert inserm.short_name_fr in fr and inserm.kind_label_fr in fr and "2025" in fr
    en = compose.source_framing(inserm, "en")
    assert inserm.short_name_en in en and inserm.kind_label_en in en and en != fr
    no_year = compose.source_framing(clinique, "fr")
    assert clinique.kind_label_fr in no_year and "None" not in no_year and ", )" not in no_year


def test_citations_are_numbered_in_order_of_first_use(fixture_kb):
    cites = compose.Citations(fixture_kb, "fr")
    assert cites.cite("clinique#2", 0.5) == 1
    assert cites.cite("inserm#4", 0.4, "Les exosomes") == 2
    assert cites.cite("clinique#2", 0.9, "Il mesure") == 1  # cited again: same number
    assert cites.cite("inserm#4", 0.1, "Les exosomes") == 2
    items = cites.list()
    assert [c.passage_id for c in items] == ["clinique#2", "inserm#4"]
    assert [c.marker for c in items] == [1, 2]
    assert items[0].score == 0.5  # the first use's score is kept
    assert items[1].highlights == ["Les exosomes"]  # no duplicate highlight
    p = fixture_kb.passages["inserm#4"]
    assert (items[1].text, items[1].start, items[1].end) == (p.text, p.start, p.end)
    assert items[1].source_label == fixture_kb.sources["inserm"].kind_label_fr


def test_quotes_are_grouped_by_source_in_document_order_and_verbatim(fixture_kb):
    kb = fixture_kb
    pids = ["clinique#5", "inserm#4", "clinique#2"]
    picks = _pick(kb, "exosomes vésicules nanomètres origine", pids, max_quotes=6, per_source=3, window=1.0)
    cites = compose.Citations(kb, "fr")
    statements = compose.compose_quotes(kb, picks, "fr", cites)
    assert len([s for s in statements if s.kind == "quote"]) == len(picks)
    # one framing line per source, followed by that source's quotes
    groups: list[tuple[str, list]] = []
    for s in statements:
        if s.kind == "framing":
            groups.append((s.text, []))
        else:
            groups[-1][1].append(s)
    first_source = kb.sentences[picks[0].idx].source_id
    assert groups[0][0] == compose.source_framing(kb.sources[first_source], "fr")
    for framing, quotes in groups:
        sid = kb.passages[quotes[0].citations[0]].source_id
        assert framing == compose.source_framing(kb.sources[sid], "fr")
        positions = []
        for q in quotes:
            (pid,) = q.citations
            p = kb.passages[pid]
            assert p.source_id == sid
            assert is_verbatim(q.text, p.text)
            positions.append((p.start, p.text.index(q.text)))
        assert positions == sorted(positions)
    assert {c.passage_id for c in cites.list()} == {q for s in statements for q in s.citations}


def test_disagreement_statements_frame_each_side_and_quote_it(fixture_kb, sentence_at):
    kb = fixture_kb
    i = sentence_at("leur efficacité est loin d’être prouvée")
    j = sentence_at("se distinguent par leur grande efficacité")
    a, b = kb.sentences[i], kb.sentences[j]
    d = Disagreement(
        topic="efficacité",
        summary="…",
        positions=[
            Position(source_id=a.source_id, passage_id=a.passage_id, stance="sceptique", quote=a.text),
            Position(source_id=b.source_id, passage_id=b.passage_id, stance="favorable", quote=b.text),
        ],
    )
    cites = compose.Citations(kb, "en")
    statements = compose.compose_disagreements(kb, [d], "en", cites)
    assert statements[0].text == message("disagree_title", "en")
    assert statements[1].text == message("disagree_on", "en", topic="efficacité")
    assert all(s.section == "disagreement" for s in statements)
    quotes = [s for s in statements if s.kind == "quote"]
    assert [q.text for q in quotes] == [a.text, b.text]
    framings = statements[2::2]
    assert "Inserm" in framings[0].text and "sceptique" in framings[0].text
    assert kb.sources["clinique"].kind_label_en in framings[1].text
    assert [c.passage_id for c in cites.list()] == [a.passage_id, b.passage_id]
    assert compose.compose_disagreements(kb, [], "fr", cites) == []
