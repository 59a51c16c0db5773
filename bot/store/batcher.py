"""One embedding worker with dynamic batching and cost-fair admission.

Concurrent calls to one model fight over the same cores (each call spreads over
all of them), so every query embedding of a serving process goes through one
worker thread. It takes what is waiting, up to a batch size and a token budget,
after waiting a few milliseconds for more, and embeds it in one batch call.

Each request is charged its token count. Clients are served by deficit round
robin, so one client sending long questions gets its share of the worker and no
more: another client's short question goes into the next batch. The queue is
bounded in tokens; past it, `Overloaded` (HTTP 503 with Retry-After).
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
from collections import OrderedDict, deque
from concurrent.futures import Future

import numpy as np

from bot.errors import BotError
from bot.store.embed import Embedder

CLIENT: contextvars.ContextVar[str] = contextvars.ContextVar("embed_client", default="local")
_held = threading.local()  # a lock the current thread gives up while it waits for its vector


class Overloaded(BotError):
    """The embedding queue is full: try again after `retry_after` seconds."""

    def __init__(self, retry_after: int):
        super().__init__("the server is busy")
        self.retry_after = retry_after


@contextlib.contextmanager
def as_client(key: str):
    """Charge the embeddings of this block to `key`."""
    token = CLIENT.set(key)
    try:
        yield
    finally:
        CLIENT.reset(token)


@contextlib.contextmanager
def yielding(lock: threading.Lock):
    """Hold `lock` except while waiting for an embedding, so other requests reach the queue meanwhile."""
    with lock:
        _held.lock = lock
        try:
            yield
        finally:
            _held.lock = None


class _Job:
    __slots__ = ("text", "cost", "future")

    def __init__(self, text: str, cost: int):
        self.text, self.cost, self.future = text, cost, Future()


class BatchingEmbedder:
    """Stands in for an Embedder: `query()` goes through the worker; the rest is the wrapped embedder's."""

    def __init__(
        self,
        inner: Embedder,
        batch_size: int = 32,
        max_wait_ms: float = 3.0,
        batch_tokens: int = 1024,
        queue_tokens: int = 20_000,
        quantum: int = 64,
    ):
        self.inner = inner
        self.batch_size = max(1, batch_size)
        self.max_wait = max(0.0, max_wait_ms) / 1000
        self.batch_tokens = max(1, batch_tokens)
        self.queue_tokens = max(1, queue_tokens)
        self.quantum = max(1, quantum)
        self._clients: OrderedDict[str, deque[_Job]] = OrderedDict()  # clients with work, in round order
        self._deficit: dict[str, int] = {}
        self._queued = 0  # tokens waiting
        self._cond = threading.Condition()
        self._token_count = getattr(getattr(inner, "_model", None), "token_count", None)
        self.stats = {"batches": 0, "texts": 0, "rejected": 0, "embed_s": 0.0}
        self._stopped = False
        self._worker = threading.Thread(target=self._run, name="embed-worker", daemon=True)
        self._worker.start()

    def __getattr__(self, name):  # name, dim, passages, queries, ...: the wrapped embedder's
        return getattr(self.inner, name)

    # ---------------------------------------------------------------- requests
    def cost(self, text: str) -> int:
        """Tokens the model reads for this text (a character estimate if the backend cannot count)."""
        if self._token_count is not None:
            try:
                return max(1, int(self._token_count(text)))
            except Exception:  # noqa: BLE001 - an estimate is good enough for scheduling
                pass
        return max(1, len(text) // 3 + 2)

    def query(self, text: str) -> np.ndarray:
        inner = self.inner
        if inner._cache_size > 0:
            with inner._lock:
                hit = inner._cache.get(text)
                if hit is not None:
                    inner._cache.move_to_end(text)
                    return hit
        job = self.submit(text, CLIENT.get())
        lock = getattr(_held, "lock", None)
        if lock is None:
            return job.future.result()
        lock.release()
        try:
            return job.future.result()
        finally:
            lock.acquire()

    def submit(self, text: str, client: str) -> _Job:
        job = _Job(text, self.cost(text))
        with self._cond:  # admission (the queue bound) is checked by the caller, before it starts work
            self._clients.setdefault(client, deque()).append(job)
            self._deficit.setdefault(client, 0)
            self._queued += job.cost
            self._cond.notify()
        return job

    def retry_after(self) -> int:
        """Seconds to drain the queue at the measured rate (at least one)."""
        s = self.stats
        per_token = s["embed_s"] / max(1, s.get("tokens", 0)) if s.get("tokens") else 0.001
        return max(1, int(self._queued * per_token + 0.999))

    @property
    def queued_tokens(self) -> int:
        return self._queued

    @property
    def queued_requests(self) -> int:
        """Questions waiting for the worker (for the queue-depth metric)."""
        return sum(len(jobs) for jobs in list(self._clients.values()))

    # ------------------------------------------------------------------ worker
    def _take(self) -> list[_Job]:
        """A batch in deficit-round-robin order, within the batch size and the (padded) token budget."""
        batch: list[_Job] = []
        longest = 0
        while self._clients and len(batch) < self.batch_size:
            progressed = False
            for client in list(self._clients):
                jobs = self._clients[client]
                self._deficit[client] += self.quantum
                while jobs and jobs[0].cost <= self._deficit[client] and len(batch) < self.batch_size:
                    job = jobs[0]
                    padded = (len(batch) + 1) * max(longest, job.cost)
                    if batch and padded > self.batch_tokens:
                        return batch
                    jobs.popleft()
                    self._deficit[client] -= job.cost
                    longest = max(longest, job.cost)
                    batch.append(job)
                    progressed = True
                if not jobs:
                    del self._clients[client]
                    del self._deficit[client]
                else:
                    self._clients.move_to_end(client)
            if not progressed and batch:
                return batch
        return batch

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._clients and not self._stopped:
                    self._cond.wait()
                if self._stopped:
                    return
            if self.max_wait:
                time.sleep(self.max_wait)  # let the requests arriving together join this batch
            with self._cond:
                batch = self._take()
                self._queued -= sum(j.cost for j in batch)
            if batch:
                self._embed(batch)

    def _embed(self, batch: list[_Job]) -> None:
        texts = [j.text for j in batch]
        t0 = time.perf_counter()
        try:
            vecs = self.inner.queries(texts)
        except BaseException as exc:  # noqa: BLE001 - handed to every waiting request
            for j in batch:
                j.future.set_exception(exc)
            return
        s = self.stats
        s["batches"] += 1
        s["texts"] += len(batch)
        s["embed_s"] += time.perf_counter() - t0
        s["tokens"] = s.get("tokens", 0) + sum(j.cost for j in batch)
        inner = self.inner
        for j, v in zip(batch, vecs, strict=True):
            v = np.asarray(v, dtype=np.float32)
            if inner._cache_size > 0:
                with inner._lock:
                    inner._cache[j.text] = v
                    while len(inner._cache) > inner._cache_size:
                        inner._cache.popitem(last=False)
            j.future.set_result(v)

    def close(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
