"""Passages follow the documents' structure and point back into the cleaned text."""

import re
import statistics

import pytest

from bot.settings import Settings
from bot.store.corpus import load_documents, load_sources, split_passages

SETTINGS = Settings()
SOURCES = load_sources(SETTINGS.corpus_dir)
DOCS = load_documents(SETTINGS.corpus_dir, SOURCES)
PASSAGES = {sid: split_passages(sid, DOCS[sid]) for sid in SOURCES}


def test_five_sources_with_contract_ids():
    assert set(SOURCES) == {"inserm", "dermatologue", "revue-dermato", "clinique", "praticienne-cheveux"}


@pytest.mark.parametrize("sid", sorted(SOURCES))
def test_passages_are_slices_with_ids(sid):
    ps = PASSAGES[sid]
    assert [p.id for p in ps] == [f"{sid}#{i}" for i in range(1, len(ps) + 1)]
    for p in ps:
        assert DOCS[sid][p.start : p.end] == p.text
        assert p.text.strip() == p.text and p.text


@pytest.mark.parametrize("sid", sorted(SOURCES))
def test_passages_never_cross_a_heading(sid):
    for p in PASSAGES[sid]:
        assert not re.search(r"^#{1,6} ", p.text, re.M), p.id
        # the heading path is the last headings above the passage
        above = [m.group(2) for m in re.finditer(r"^(#{2,6}) (.+)$", DOCS[sid][: p.start], re.M)]
        if p.heading_path:
            assert p.heading_path[-1] == above[-1]


def test_passage_sizes_follow_the_target():
    words = [len(re.findall(r"\w+", p.text)) for ps in PASSAGES.values() for p in ps]
    assert 40 <= statistics.median(words) <= 150
    assert sum(w > 230 for w in words) == 0


def test_splitting_is_stable():
    again = {sid: split_passages(sid, DOCS[sid]) for sid in SOURCES}
    assert again == PASSAGES
