"""Integrity and read-only serving of the local index: content hashes and the scratch copy it is opened from.

Chroma writes to any folder it opens (its sqlite journal), so serving opens a
private copy: the index folder itself can be read-only or baked into an image.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

import numpy as np
from chromadb.api.models.Collection import Collection

from bot.errors import IndexUnavailable


def scratch_folder(prefix: str) -> Path:
    """A new temporary folder, removed when the process exits."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, True)
    return path


def content_hash(col: Collection) -> str:
    """sha256 over every (id, text, vector) of a collection, in id order: permuted, truncated or foreign
    vectors and edited texts all change it. 586 vectors hash in milliseconds."""
    got = col.get(include=["embeddings", "documents"])
    h = hashlib.sha256()
    rows = sorted(zip(got["ids"], got["documents"], got["embeddings"], strict=True), key=lambda r: r[0])
    for rid, doc, vec in rows:
        h.update(rid.encode("utf-8", "surrogatepass") + b"\0" + (doc or "").encode("utf-8", "surrogatepass"))
        h.update(np.round(np.asarray(vec, dtype=np.float32), 5).astype(np.float32).tobytes())
    h.update(str(len(rows)).encode())
    return h.hexdigest()


def scratch_copy(index_dir: Path) -> Path:
    """A private copy of the index folder to open (Chroma writes to what it opens); removed at exit.

    A copy that cannot be made (full disk, no temp folder) is an IndexUnavailable, not a damaged index."""
    scratch = None
    try:
        scratch = scratch_folder("exobot-index-")
        for item in index_dir.iterdir():
            if item.is_dir():
                shutil.copytree(item, scratch / item.name)
            elif item.suffix != ".npy":  # caches of other modules: not part of the index
                shutil.copy2(item, scratch / item.name)
        for p in scratch.rglob(
            "*"
        ):  # a read-only (baked or mounted) index copies read-only: open it writable
            p.chmod(p.stat().st_mode | stat.S_IWUSR)
    except OSError as exc:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
        raise IndexUnavailable(
            f"cannot copy the index to a scratch folder ({exc}); is the disk full?"
        ) from exc
    return scratch


def writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return os.access(folder, os.W_OK)
    except OSError:
        return False
