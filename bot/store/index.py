"""The persistent Chroma index of passages and sentences.

The index is rebuilt only when the corpus text, the chunker or the embedder
changes (a manifest keeps their fingerprint). A local build is written to a
temporary folder and swapped in under a file lock, so a crash or two
processes starting at once never leave a half-written index behind.

Serving never writes to the index folder: the index is opened from a copy in a
scratch folder (Chroma writes to any folder it opens), so a read-only or baked-in
folder serves, and a full disk is reported as such, never as a corrupt index. At
start every stored vector and text is hashed against the manifest.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import chromadb
import httpx
import numpy as np
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaError, NotFoundError
from filelock import FileLock

from bot.errors import IndexUnavailable
from bot.lang.text import split_sentences
from bot.models import Passage, SourceProfile
from bot.settings import Settings
from bot.store.corpus import corpus_hash, embedding_text
from bot.store.embed import Embedder, LCEmbeddings
from bot.store.integrity import content_hash, scratch_copy, scratch_folder, writable
from bot.store.kb import Sentence

log = logging.getLogger(__name__)
MANIFEST = "manifest.json"
INDEX_FORMAT = "2"
SPACE = {"hnsw:space": "cosine"}
# What a vector store call raises when the store is gone: Chroma's own errors, a refused or dropped
# connection (httpx), chromadb's "Could not connect" ValueError, an unreadable folder.
STORE_ERRORS = (ChromaError, httpx.HTTPError, ValueError, OSError)
_writer = False  # set by `python -m bot index`: the one caller allowed to add hashes to an old manifest


def is_writer() -> bool:
    return _writer


def allow_writes() -> None:
    """Let this process record the content hashes in a manifest that has none (`python -m bot index`)."""
    global _writer
    _writer = True


@dataclass
class Stores:
    """The two collections, used through chromadb's public Collection API."""

    passages: Collection
    sentences: Collection
    fingerprint: str
    built: bool  # True when this call (re)built the index
    client: object = None

    def langchain(self, embedder: Embedder, which: str = "passages"):
        """The same collection as a `langchain_chroma.Chroma`, for LangChain-style callers (the baselines)."""
        from langchain_chroma import Chroma

        col = self.passages if which == "passages" else self.sentences
        return Chroma(
            collection_name=col.name,
            embedding_function=LCEmbeddings(embedder),
            client=self.client,
            create_collection_if_not_exists=False,
        )


def sentences_of(passages: list[Passage]) -> list[Sentence]:
    out = []
    for p in passages:
        for s, e in split_sentences(p.text):
            out.append(Sentence(p.id, p.source_id, p.text[s:e], s, e))
    return out


def fingerprint(documents: dict[str, str], embedder: Embedder) -> str:
    h = hashlib.sha256()
    h.update(f"{INDEX_FORMAT}|{corpus_hash(documents)}|{embedder.name}".encode())
    return h.hexdigest()


def _chroma_settings() -> ChromaSettings:
    return ChromaSettings(anonymized_telemetry=False, allow_reset=True)


def _client(settings: Settings, path: Path | None = None):
    if settings.chroma_host:
        return chromadb.HttpClient(
            host=settings.chroma_host, port=settings.chroma_port, settings=_chroma_settings()
        )
    return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())


def _names(settings: Settings, fp: str) -> tuple[str, str]:
    base = f"{settings.collection}-{fp[:16]}"
    return f"{base}-passages", f"{base}-sentences"


def _open_collection(client, name: str, create: bool) -> Collection:
    """The collection as langchain_chroma opened it (no embedding function: vectors are always given)."""
    if create:
        return client.get_or_create_collection(name=name, embedding_function=None, metadata=SPACE)
    return client.get_collection(name=name, embedding_function=None)


def _fill(client, settings, fp, embedder, sources, documents, passages, progress) -> dict:
    """Embed and write both collections; returns the manifest."""
    from tqdm import tqdm

    pname, sname = _names(settings, fp)
    for name in (pname, sname):
        try:
            client.delete_collection(name)
        except (NotFoundError, ValueError):  # absent: nothing to delete
            pass
    pstore, sstore = _open_collection(client, pname, True), _open_collection(client, sname, True)
    sents = sentences_of(passages)
    total = len(passages) + len(sents)
    bar = tqdm(total=total, desc="Indexing passages", unit="text", disable=not progress)
    t0 = time.perf_counter()
    batch = 16
    for i in range(0, len(passages), batch):
        chunk = passages[i : i + batch]
        texts = [embedding_text(sources[p.source_id].title, documents[p.source_id], p) for p in chunk]
        vecs = embedder.passages(texts)
        pstore.add(
            ids=[p.id for p in chunk],
            embeddings=vecs.tolist(),
            documents=[p.text for p in chunk],
            metadatas=[_pmeta(p) for p in chunk],
        )
        bar.update(len(chunk))
    bar.set_description("Indexing sentences")
    for i in range(0, len(sents), 32):
        chunk = sents[i : i + 32]
        vecs = embedder.passages([s.text for s in chunk])
        sstore.add(
            ids=[f"{s.passage_id}@{s.start}" for s in chunk],
            embeddings=vecs.tolist(),
            documents=[s.text for s in chunk],
            metadatas=[
                {"passage_id": s.passage_id, "source_id": s.source_id, "start": s.start, "end": s.end}
                for s in chunk
            ],
        )
        bar.update(len(chunk))
    bar.close()
    return {
        "content_hash": {"passages": content_hash(pstore), "sentences": content_hash(sstore)},
        "format": INDEX_FORMAT,
        "fingerprint": fp,
        "embedder": embedder.name,
        "corpus_hash": corpus_hash(documents),
        "passages": len(passages),
        "sentences": len(sents),
        "build_seconds": round(time.perf_counter() - t0, 2),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "collections": [pname, sname],
    }


def _pmeta(p: Passage) -> dict:
    return {
        "passage_id": p.id,
        "source_id": p.source_id,
        "n": p.n,
        "start": p.start,
        "end": p.end,
        "heading_path": " > ".join(p.heading_path),
    }


def _read_manifest(index_dir: Path) -> dict | None:
    try:
        return json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _open_checked(
    client, settings, fp, n_passages, n_sentences, hashes: dict | None = None
) -> tuple[Collection, Collection, object] | None:
    """Open both collections and check they are complete: (passages, sentences, client), or None.

    With `hashes` (from the manifest), every vector and text is checked against them."""
    pname, sname = _names(settings, fp)
    try:
        ps, ss = _open_collection(client, pname, False), _open_collection(client, sname, False)
        if ps.count() != n_passages or ss.count() != n_sentences:
            return None
        if not (_finds_itself(ps) and _finds_itself(ss)):
            log.warning("index vectors do not match their ids: rebuilding")
            return None
        if hashes is not None:
            got = {"passages": content_hash(ps), "sentences": content_hash(ss)}
            if got != hashes:
                bad = ", ".join(k for k in got if got[k] != hashes.get(k))
                log.warning("index content differs from its manifest (%s): rebuilding", bad)
                return None
        return ps, ss, client
    except BaseException as exc:  # missing or unreadable collection: rebuild
        if not _store_error(exc):
            raise
        log.info("index not usable (%s)", exc)
        return None


def _store_error(exc: BaseException) -> bool:
    """A damaged or missing index, as Chroma reports it: its own errors, sqlite's, an unreadable folder,
    or a Rust panic of its native layer (which is not an Exception)."""
    damaged = (*STORE_ERRORS, sqlite3.Error, RuntimeError, KeyError)
    return isinstance(exc, damaged) or type(exc).__name__ == "PanicException"


def _finds_itself(col: Collection, n: int = 3) -> bool:
    """A few stored vectors, searched for, come back first: the search index matches the records."""
    got = col.get(limit=n, include=["embeddings"])
    if not got["ids"]:
        return False
    res = col.query(query_embeddings=got["embeddings"], n_results=1, include=["distances"])
    return all(
        ids and (ids[0] == want or dist[0] < 1e-6)
        for want, ids, dist in zip(got["ids"], res["ids"], res["distances"], strict=True)
    )


def _segments(index_dir: Path) -> list[str]:
    """Chroma's per-collection vector folders, recorded so that a deleted one is noticed."""
    return sorted(p.name for p in index_dir.iterdir() if p.is_dir())


def _release(path: Path) -> None:
    """Drop Chroma's cached client for a folder before it is moved or deleted."""
    try:
        chromadb.api.shared_system_client.SharedSystemClient.clear_system_cache()
    except AttributeError:  # older/newer chromadb: nothing cached to drop
        pass


def ensure_index(
    settings: Settings,
    embedder: Embedder,
    sources: dict[str, SourceProfile],
    documents: dict[str, str],
    passages: list[Passage],
    progress: bool = True,
    force: bool = False,
) -> Stores:
    fp = fingerprint(documents, embedder)
    n_sent = len(sentences_of(passages))
    if settings.chroma_host:
        return _ensure_server(settings, fp, embedder, sources, documents, passages, n_sent, progress, force)
    index_dir = Path(settings.index_dir)
    if not force:
        opened = _open_local(settings, index_dir, fp, len(passages), n_sent)
        if opened:
            return Stores(*opened[:2], fingerprint=fp, built=False, client=opened[2])
    if not writable(index_dir.parent) or (index_dir.exists() and not os.access(index_dir, os.W_OK)):
        log.warning("index folder %s is read-only and unusable: building a private copy", index_dir)
        index_dir = scratch_folder("exobot-build-") / "index"
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(index_dir.parent / f".{index_dir.name}.lock"), timeout=900):
        if not force:  # another process may have built it while we waited
            opened = _open_local(settings, index_dir, fp, len(passages), n_sent)
            if opened:
                return Stores(*opened[:2], fingerprint=fp, built=False, client=opened[2])
        for kind in ("build", "old"):  # left behind by a build that crashed; we hold the lock
            for stale in index_dir.parent.glob(f".{index_dir.name}.{kind}-*"):
                shutil.rmtree(stale, ignore_errors=True)
        tmp = index_dir.parent / f".{index_dir.name}.build-{os.getpid()}"
        client = _client(settings, tmp)
        manifest = _fill(client, settings, fp, embedder, sources, documents, passages, progress)
        del client
        _release(tmp)
        manifest["segments"] = _segments(tmp)
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        old = index_dir.parent / f".{index_dir.name}.old-{os.getpid()}"
        if index_dir.exists():
            os.replace(index_dir, old)
        os.replace(tmp, index_dir)
        shutil.rmtree(old, ignore_errors=True)
        opened = _open_local(settings, index_dir, fp, len(passages), n_sent)
        if not opened:
            raise IndexUnavailable(f"the index built in {index_dir} could not be opened")
        return Stores(*opened[:2], fingerprint=fp, built=True, client=opened[2])


def _open_local(settings, index_dir: Path, fp, n_passages, n_sent):
    manifest = _read_manifest(index_dir)
    if not manifest or manifest.get("fingerprint") != fp:
        return None
    if manifest.get("passages") != n_passages or manifest.get("sentences") != n_sent:
        return None
    missing = [d for d in manifest.get("segments", []) if not (index_dir / d).is_dir()]
    if missing:
        log.warning("index at %s lost %s: rebuilding", index_dir, ", ".join(missing))
        return None
    hashes = manifest.get("content_hash")
    if not hashes and not _writer:
        log.warning("index manifest has no content hashes: run `python -m bot index` to record them")
    scratch = scratch_copy(index_dir)
    try:
        client = _client(settings, scratch)
    except BaseException as exc:  # corrupted sqlite or segments: rebuild
        if not _store_error(exc):
            raise
        log.warning("index at %s is unreadable (%s): rebuilding", index_dir, exc)
        _release(scratch)
        return None
    opened = _open_checked(client, settings, fp, n_passages, n_sent, hashes or None)
    if opened and not hashes and _writer:  # an index built before hashes were recorded
        manifest["content_hash"] = {"passages": content_hash(opened[0]), "sentences": content_hash(opened[1])}
        (index_dir / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        log.info("recorded the content hashes in %s", index_dir / MANIFEST)
    return opened


def _ensure_server(settings, fp, embedder, sources, documents, passages, n_sent, progress, force) -> Stores:
    try:
        client = _client(settings)
        client.heartbeat()
    except STORE_ERRORS as exc:
        raise IndexUnavailable(
            f"Chroma server {settings.chroma_host}:{settings.chroma_port} unreachable"
        ) from exc
    if not force:
        opened = _open_checked(client, settings, fp, len(passages), n_sent)
        if opened:
            return Stores(*opened[:2], fingerprint=fp, built=False, client=opened[2])
    _fill(client, settings, fp, embedder, sources, documents, passages, progress)
    opened = _open_checked(client, settings, fp, len(passages), n_sent)
    if not opened:
        raise IndexUnavailable("the index written to the Chroma server is incomplete")
    return Stores(*opened[:2], fingerprint=fp, built=True, client=opened[2])


def reopen_index(settings: Settings, embedder: Embedder, fp: str, n_passages: int, n_sent: int):
    """The existing collections, opened again (after the Chroma server restarted); never builds."""
    try:
        path = None if settings.chroma_host else scratch_copy(Path(settings.index_dir))
        client = _client(settings, path)
        if settings.chroma_host:
            client.heartbeat()
    except STORE_ERRORS as exc:
        raise IndexUnavailable(f"vector store unreachable ({exc})") from exc
    opened = _open_checked(client, settings, fp, n_passages, n_sent)
    if not opened:
        raise IndexUnavailable("the index is missing or incomplete: run `exobot index`")
    return opened[:2]


def fetch_vectors(col: Collection, ids: list[str]) -> np.ndarray:
    """Vectors of the given ids, in that order."""
    got = col.get(ids=ids, include=["embeddings"])
    by_id = dict(zip(got["ids"], got["embeddings"], strict=True))
    return np.asarray([by_id[i] for i in ids], dtype=np.float32)
