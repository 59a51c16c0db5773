"""The evidence map (corpus/claims.yaml) holds against the real corpus, and a bad entry fails loudly."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import yaml

from bot.disagree import claims_path, load_claims, validate_claims
from bot.lang.text import normalize
from bot.settings import Settings
from bot.store.corpus import load_documents, load_sources, split_passages


@pytest.fixture(scope="module")
def kb():
    """Sources, cleaned documents and passages: all that validation needs (no index)."""
    corpus = Settings().corpus_dir
    sources = load_sources(corpus)
    documents = load_documents(corpus, sources)
    passages = [p for sid in sources for p in split_passages(sid, documents[sid])]
    return SimpleNamespace(sources=sources, documents=documents, passages={p.id: p for p in passages})


def test_every_quote_of_the_map_is_verbatim_in_its_passage(kb):
    entries = validate_claims(kb)
    assert len(entries) >= 10
    for e in entries:
        assert len({p["source_id"] for p in e["positions"]}) >= 2, e["id"]
        for p in e["positions"]:
            passage = kb.passages[p["passage_id"]]
            assert passage.source_id == p["source_id"]
            assert normalize(p["quote"]) in normalize(passage.text), (e["id"], p["quote"])


def test_the_map_describes_documents_not_questions():
    for e in load_claims():
        for key in ("topic_fr", "topic_en", "summary_fr", "summary_en"):
            assert "?" not in e[key], (e["id"], key)
        assert e["summary_fr"].strip().endswith(".") and e["summary_en"].strip().endswith(".")


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
    with pytest.raises(ValueError) as err:
        validate_claims(kb, _write(tmp_path, entries))
    assert bad["id"] in str(err.value) and "verbatim" in str(err.value)


def test_a_quote_from_another_source_is_refused(kb, tmp_path):
    entries = _entries()
    entries[0]["positions"][0]["source_id"] = "clinique"  # a dermatologist's sentence given to the clinic
    with pytest.raises(ValueError, match=entries[0]["id"]):
        validate_claims(kb, _write(tmp_path, entries))


def test_a_quote_across_two_passages_is_refused(kb, tmp_path):
    doc = kb.documents["inserm"]
    first, second = sorted((p for p in kb.passages.values() if p.source_id == "inserm"), key=lambda p: p.n)[
        :2
    ]
    spanning = doc[first.end - 20 : second.start + 20]
    entries = _entries()
    entries[0]["positions"][0] = {
        "source_id": "inserm",
        "stance_fr": "x",
        "stance_en": "x",
        "quote": spanning,
    }
    with pytest.raises(ValueError, match="passage"):
        validate_claims(kb, _write(tmp_path, entries))


@pytest.mark.parametrize(
    "break_it, message",
    [
        (lambda e: e[0]["positions"].__setitem__(slice(1, None), []), "two sources"),
        (lambda e: e[0].__setitem__("aspect", "astrology"), "unknown aspect"),
        (lambda e: e[0]["positions"][0].__setitem__("source_id", "tabloid"), "unknown source_id"),
        (lambda e: e[0].pop("summary_fr"), "summary_fr"),
        (lambda e: e[1].__setitem__("id", e[0]["id"]), "duplicate"),
    ],
)
def test_malformed_entries_are_refused(kb, tmp_path, break_it, message):
    entries = _entries()
    break_it(entries)
    with pytest.raises(ValueError, match=message):
        validate_claims(kb, _write(tmp_path, entries))
