"""The embedding worker: batches what waits, serves clients in turn by token cost, keeps the cache."""

from __future__ import annotations

import threading
import time

import numpy as np

from bot.store.batcher import BatchingEmbedder, as_client
from tests.conftest import FakeEmbedder


class SlowFake(FakeEmbedder):
    """Records each batch call; takes time in proportion to the tokens it reads."""

    def __init__(self):
        super().__init__(cache_size=0)
        self.calls: list[list[str]] = []

    def queries(self, texts):
        self.calls.append(list(texts))
        time.sleep(0.002 * sum(len(t) // 3 + 2 for t in texts) / 10)
        return super().queries(texts)


def test_concurrent_questions_share_one_batch_and_get_their_own_vector():
    inner = SlowFake()
    b = BatchingEmbedder(inner, batch_size=16, max_wait_ms=20)
    texts = [f"question {i} sur les exosomes" for i in range(8)]
    out: dict[str, np.ndarray] = {}
    threads = [threading.Thread(target=lambda t=t: out.__setitem__(t, b.query(t))) for t in texts]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(inner.calls) < len(texts)  # batched
    for t in texts:
        assert np.allclose(out[t], inner._vec(t))


def test_a_long_question_client_does_not_hold_back_a_short_one():
    inner = SlowFake()
    b = BatchingEmbedder(inner, batch_size=4, max_wait_ms=0, batch_tokens=400)
    long_q = ["exosomes " * 100 + str(i) for i in range(6)]
    with b._cond:  # queue everything before the worker looks: attacker first, victim last
        jobs = [b.submit(q, "attacker") for q in long_q] + [b.submit("tolérance ?", "victim")]
    jobs[-1].future.result(timeout=10)
    order = [t for call in inner.calls for t in call]
    assert order.index("tolérance ?") <= 1  # in the first or second batch, not after six long ones


def test_cache_hits_skip_the_worker():
    inner = FakeEmbedder(cache_size=8)
    b = BatchingEmbedder(inner)
    with as_client("a"):
        v1 = b.query("les exosomes")
        v2 = b.query("les exosomes")
    assert v1 is v2 and b.stats["texts"] == 1


def test_real_model_batch_equals_one_at_a_time(bot):
    e = bot.embedder.inner if isinstance(bot.embedder, BatchingEmbedder) else bot.embedder
    texts = ["Les exosomes sont-ils bien tolérés ?", "Combien de séances faut-il ?"]
    batched = e.queries(texts)
    for i, t in enumerate(texts):
        assert np.allclose(batched[i], e._query(t), atol=1e-4)
