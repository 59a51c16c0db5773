"""/metrics: Prometheus text from the app's own registry, with bounded labels, counted on real requests."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from bot.models import Answer
from bot.settings import get_settings
from bot.store.batcher import BatchingEmbedder
from bot.web.app import create_app
from bot.web.service import ChatService

CLIENT = ("127.0.0.1", 50000)
NAMES = {
    "exobot_http_requests",
    "exobot_http_request_duration_seconds",
    "exobot_answers",
    "exobot_answer_duration_seconds",
    "exobot_refusals",
    "exobot_disagreements_shown",
    "exobot_answers_with_disagreement",
    "exobot_rate_limited",
    "exobot_unavailable",
    "exobot_embed_queue_tokens",
    "exobot_embed_queue_requests",
}


class FakeBot:
    def __init__(self, status: str = "not_in_sources"):
        self.status = status
        self.kb = SimpleNamespace(sources={}, passages={}, documents={})

    def ask(self, question, history=None, id=None):
        return Answer(id=id, question=question, status=self.status, timings_ms={"total": 5.0})


def samples(client: TestClient) -> dict[tuple, float]:
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    out = {}
    for fam in text_string_to_metric_families(r.text):
        for s in fam.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(m: dict, name: str, **labels) -> float:
    return m.get((name, tuple(sorted(labels.items()))), 0.0)


def make(bot=None, **overrides) -> TestClient:
    settings = get_settings().model_copy(update=overrides)
    return TestClient(
        create_app(settings, ChatService(bot=bot or FakeBot())), raise_server_exceptions=False, client=CLIENT
    )


def test_every_metric_is_exposed_and_its_registry_is_the_apps_own():
    with make() as a, make() as b:
        a.post("/api/ask", json={"question": "Les exosomes font-ils repousser les ongles ?"})
        r = a.get("/metrics")
        families = {f.name for f in text_string_to_metric_families(r.text)}
        assert families >= NAMES
        assert "_created" not in r.text
        assert value(samples(a), "exobot_answers_total", status="not_in_sources") == 1
        assert value(samples(b), "exobot_answers_total", status="not_in_sources") == 0  # not shared


def test_requests_by_route_template_status_and_latency():
    with make() as c:
        c.post("/api/ask", json={"question": "Combien de séances ?"})
        c.post("/api/ask", content=b"{not json", headers={"Content-Type": "application/json"})
        c.get("/api/does-not-exist-12345")
        c.get("/wp-admin/setup-config.php")
        m = samples(c)
    assert value(m, "exobot_http_requests_total", route="/api/ask", method="POST", status="200") == 1
    assert value(m, "exobot_http_requests_total", route="/api/ask", method="POST", status="400") == 1
    assert value(m, "exobot_http_requests_total", route="/api/{rest:path}", method="GET", status="404") == 1
    assert value(m, "exobot_http_request_duration_seconds_count", route="/api/ask") == 2
    assert value(m, "exobot_http_request_duration_seconds_bucket", route="/api/ask", le="+Inf") == 2
    routes = {dict(labels).get("route") for (name, labels) in m if name == "exobot_http_requests_total"}
    assert not any("wp-admin" in (r or "") or "does-not-exist" in (r or "") for r in routes), routes


def test_refusals_and_rate_limited_requests_are_counted():
    with make(FakeBot("out_of_scope"), rate_limit_per_minute=2, rate_limit_burst=2) as c:
        codes = [c.post("/api/ask", json={"question": "Quel temps fait-il ?"}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        m = samples(c)
    assert value(m, "exobot_refusals_total", reason="out_of_scope") == 2
    assert value(m, "exobot_answers_total", status="out_of_scope") == 2
    assert value(m, "exobot_rate_limited_total", route="/api/ask") == 1
    assert value(m, "exobot_http_requests_total", route="/api/ask", method="POST", status="429") == 1


def test_metrics_is_never_rate_limited():
    with make(rate_limit_per_minute=1, rate_limit_burst=1) as c:
        assert all(c.get("/metrics").status_code == 200 for _ in range(20))


def test_queue_depth_reads_the_embedding_queue():
    release, busy = threading.Event(), threading.Event()

    class SlowInner:
        _cache_size = 0

        def queries(self, texts):
            busy.set()
            release.wait(10)
            return [[0.0] * 4 for _ in texts]

    batcher = BatchingEmbedder(SlowInner(), batch_size=1, max_wait_ms=0)
    service = ChatService(bot=FakeBot())
    app = create_app(get_settings(), service)
    service.batcher = batcher  # after create_app, which would apply the app's batch size to it
    try:
        with TestClient(app, client=CLIENT) as c:
            jobs = [batcher.submit(f"question {i}", "c") for i in range(4)]
            assert busy.wait(10)  # the worker holds one job; the others wait in the queue
            m = samples(c)
            assert value(m, "exobot_embed_queue_requests") == 3
            assert value(m, "exobot_embed_queue_tokens") == batcher.queued_tokens > 0
            release.set()
            for j in jobs:
                j.future.result(10)
            assert value(samples(c), "exobot_embed_queue_requests") == 0
    finally:
        release.set()
        batcher.close()


@pytest.mark.slow
def test_real_answers_count_status_and_disagreements(bot):
    with TestClient(create_app(get_settings(), ChatService(bot=bot)), client=CLIENT) as c:
        answers = [
            c.post("/api/ask", json={"question": q}).json()
            for q in ("Les exosomes sont-ils bien tolérés ?", "Quelle est la capitale de l'Australie ?")
        ]
        m = samples(c)
    for status in {a["status"] for a in answers}:
        assert value(m, "exobot_answers_total", status=status) == sum(a["status"] == status for a in answers)
    shown = sum(len(a["disagreements"]) for a in answers)
    assert shown, "the tolerance question shows the sources' disagreement"
    assert value(m, "exobot_disagreements_shown_total") == shown
    assert value(m, "exobot_answers_with_disagreement_total") == sum(
        bool(a["disagreements"]) for a in answers
    )
    assert value(m, "exobot_answer_duration_seconds_count") == 2
