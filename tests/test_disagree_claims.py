"""The evidence map (corpus/claims.yaml) holds against the real corpus, and a bad entry fails loudly."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import yaml

from bot.disagree import claims_path, load_claims, validate_claims
from bot.disagree.evidence_map import SCHEMA_NAME, json_schema, schema_text
from bot.errors import EvidenceMapInvalid
from bot.settings import Settings
from bot.store.corpus import load_documents, load_sources, split_passages
from bot.store.index import sentences_of


@pytest.fixture(scope="module")
def kb():
    """Sources, cleaned documents, passages and sentences: all that validation needs (no index)."""
    corpus = Settings().corpus_dir
    sources = load_sources(corpus)
    documents = load_documents(corpus, sources)
    passages = [p for sid in sources for p in split_passages(sid, documents[sid])]
    sentences = sentences_of(passages)
    by_passage: dict[str, list[int]] = {}
    for i, s in enumerate(sentences):
        by_passage.setdefault(s.passage_id, []).append(i)
    return SimpleNamespace(
        sources=sources,
        documents=documents,
        passages={p.id: p for p in passages},
        sentences=sentences,
        passage_sentences=by_passage,
    )


def test_every_quote_of_the_map_is_verbatim_in_its_passage(kb):
    claims = validate_claims(kb)
    assert len(claims) >= 10
    for c in claims:
        # a self-contradiction quotes one document twice; any other entry sets two sources apart
        sources = {p.source_id for p in c.positions}
        assert (len(sources) == 1) if c.self_contradiction else (len(sources) >= 2), c.id
        assert len({p.quote for p in c.positions}) == len(c.positions), c.id
        for p in c.positions:
            passage = kb.passages[p.passage_id]
            assert passage.source_id == p.source_id
            assert p.quote in passage.text, (c.id, p.quote)  # the map's quote, as the passage writes it
            assert p.sentences, (c.id, p.quote)  # the quote covers at least one sentence
            assert all(kb.sentences[i].passage_id == p.passage_id for i in p.sentences)


def test_the_map_describes_documents_not_questions():
    for e in load_claims():
        for key in ("topic_fr", "topic_en", "summary_fr", "summary_en"):
            assert "?" not in getattr(e, key), (e.id, key)
        assert e.summary_fr.strip().endswith(".") and e.summary_en.strip().endswith(".")


def test_the_written_json_schema_is_the_models_schema():
    """corpus/claims.schema.json is current: run `make schema` after changing the models."""
    written = claims_path().with_name(SCHEMA_NAME)
    assert written.read_text(encoding="utf-8") == schema_text()
    assert json.loads(schema_text()) == json_schema()
    assert (
        claims_path().read_text(encoding="utf-8").startswith(f"# yaml-language-server: $schema={SCHEMA_NAME}")
    )


def test_an_unknown_field_is_refused(kb, tmp_path):
    entries = _entries()
    entries[0]["positions"][0]["stance-fr"] = "typo"
    with pytest.raises(EvidenceMapInvalid, match="unknown field 'stance-fr'"):
        validate_claims(kb, _write(tmp_path, entries))


def _write(tmp_path, entries) -> object:
    path = tmp_path / "claims.yaml"
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    return path


def _entries() -> list[dict]:
    return yaml.safe_load(claims_path().read_text(encoding="utf-8"))


def test_a_quote_not_in_the_document_names_the_entry(kb, tmp_path):
    entries = _entries()
    bad = entries[1]
    bad["positions"][0]["quote"] = (
        bad["positions"][0]["quote"].replace("exosomes", "exosomes miracles", 1) + " Garanti."
    )
    with pytest.raises(EvidenceMapInvalid) as err:
        validate_claims(kb, _write(tmp_path, entries))
    assert bad["id"] in str(err.value) and "verbatim" in str(err.value)


def test_a_quote_from_another_source_is_refused(kb, tmp_path):
    entries = _entries()
    entries[0]["positions"][0]["source_id"] = "clinique"  # a dermatologist's sentence given to the clinic
    with pytest.raises(EvidenceMapInvalid, match=entries[0]["id"]):
        validate_claims(kb, _write(tmp_path, entries))


def test_a_quote_across_two_passages_is_refused(kb, tmp_path):
    doc = kb.documents["inserm"]
    first, second = sorted((p for p in kb.passages.values() if p.source_id == "inserm"), key=lambda p: p.n)[
        :2
    ]
    spanning = doc[first.end - 20 : second.start + 20]
    entries = _entries()
    entry = next(e for e in entries if len({p["source_id"] for p in e["positions"]}) >= 3)
    entry["positions"][0] = {
        "source_id": "inserm",
        "stance_fr": "x",
        "stance_en": "x",
        "quote": spanning,
    }
    with pytest.raises(EvidenceMapInvalid, match="passage"):
        validate_claims(kb, _write(tmp_path, entries))


@pytest.mark.parametrize(
    "break_it, message",
    [
        (lambda e: e[0]["positions"].__setitem__(slice(1, None), []), "two sources"),
        (lambda e: e[0].__setitem__("aspect", "astrology"), "unknown aspect"),
        (lambda e: e[0]["positions"][0].__setitem__("source_id", "tabloid"), "unknown source_id"),
        (lambda e: e[0].pop("summary_fr"), "summary_fr"),
        (lambda e: e[1].__setitem__("id", e[0]["id"]), "duplicate"),
        (lambda e: e[0].__setitem__("self_contradiction", True), "one source only"),
        (lambda e: e[-1]["positions"].__setitem__(1, dict(e[-1]["positions"][0])), "two different quotes"),
    ],
)
def test_malformed_entries_are_refused(kb, tmp_path, break_it, message):
    entries = _entries()
    break_it(entries)
    with pytest.raises(EvidenceMapInvalid, match=message):
        validate_claims(kb, _write(tmp_path, entries))
