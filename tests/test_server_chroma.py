"""The app on a real Chroma server: shared index, outages, two app workers, graceful shutdown.

The tests start `chroma run` themselves on a free loopback port (nothing to set
up in CI), upload the two-source fixture corpus once with `python -m bot index`,
then drive in-process apps and real `python app.py` workers against it.
Worker tests run in file order; the last one stops a worker with SIGTERM.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.answer.pipeline import Bot
from bot.lang.text import is_verbatim
from bot.settings import Settings
from bot.web.app import create_app
from bot.web.service import ChatService

pytestmark = [pytest.mark.slow, pytest.mark.server]

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "corpus"
CHROMA = Path(sys.executable).with_name("chroma")
QUESTION = "Qu’est-ce qu’un exosome ?"
BASE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "PYTHONPATH": str(ROOT),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, timeout: float, what: str):
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        try:
            got = check()
            if got:
                return got
        except Exception as exc:  # not up yet
            last = exc
        time.sleep(0.2)
    raise TimeoutError(f"{what} not ready after {timeout:.0f} s ({last})")


class ChromaServer:
    """A real `chroma run` on loopback that a test can stop and start again on the same data."""

    def __init__(self, path: Path, log: Path):
        self.path, self.log, self.port = path, log, free_port()
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    str(CHROMA),
                    "run",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--path",
                    str(self.path),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **BASE_ENV},
            )
        url = f"http://127.0.0.1:{self.port}/api/v2/heartbeat"
        wait_until(lambda: httpx.get(url, timeout=1).status_code == 200, 30, "chroma server")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def collections(self) -> list[str]:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        client = chromadb.HttpClient(
            host="127.0.0.1", port=self.port, settings=ChromaSettings(anonymized_telemetry=False)
        )
        return sorted(c.name for c in client.list_collections())


@pytest.fixture(scope="session")
def chroma(tmp_path_factory):
    base = tmp_path_factory.mktemp("chroma")
    corpus = base / "corpus"
    shutil.copytree(FIXTURE, corpus)
    server = ChromaServer(base / "data", base / "chroma.log")
    server.start()
    server.corpus = corpus
    server.env = {
        **BASE_ENV,
        "BOT_CHROMA_HOST": "127.0.0.1",
        "BOT_CHROMA_PORT": str(server.port),
        "BOT_CORPUS_DIR": str(corpus),
        "BOT_INDEX_DIR": str(base / "no-local-index"),
    }
    # the documented deployment step: build the index once, on the server
    out = subprocess.run(
        [sys.executable, "-m", "bot", "index"],
        env={**os.environ, **server.env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "index rebuilt" in out.stdout
    yield server
    server.stop()


@pytest.fixture(scope="module")
def server_settings(chroma) -> Settings:
    return Settings(
        chroma_host="127.0.0.1",
        chroma_port=chroma.port,
        corpus_dir=chroma.corpus,
        index_dir=Path(chroma.env["BOT_INDEX_DIR"]),
        rate_limit_per_minute=0,
    )


@pytest.fixture(scope="module")
def server_bot(server_settings) -> Bot:
    return Bot(server_settings, progress=False)


@pytest.fixture(scope="module")
def api(server_settings, server_bot):
    with TestClient(
        create_app(server_settings, ChatService(bot=server_bot)), raise_server_exceptions=False
    ) as c:
        yield c


# ---------------------------------------------------------------- in-process


def test_index_uploaded_once_is_reused(chroma, server_bot):
    assert not server_bot.stores.built
    names = chroma.collections()
    assert len(names) == 2 and all(n.startswith("exosomes-") for n in names)
    assert server_bot.kb.fingerprint[:16] in names[0]


def test_retrieval_runs_on_the_server(server_bot):
    kb = server_bot.kb
    for i, pid in enumerate(kb.passage_order):  # every stored vector finds its own passage
        assert server_bot.retriever.dense_ranked(kb.passage_vecs[i], 1)[0][0] == pid
    ans = server_bot.ask(QUESTION)
    assert ans.status == "answered" and ans.citations
    texts = {c.passage_id: c.text for c in ans.citations}
    for st in ans.statements:
        if st.kind == "quote":
            assert any(is_verbatim(st.text, texts[p]) for p in st.citations)


def test_rest_api_on_the_server(api):
    r = api.post("/api/ask", json={"question": QUESTION})
    assert r.status_code == 200 and r.json()["status"] == "answered"
    h = api.get("/api/health")
    assert h.status_code == 200 and h.json()["status"] == "ok" and h.json()["index"] == "ok"


def test_outage_gives_503_then_service_resumes_by_itself(chroma, api):
    chroma.stop()
    try:
        h = api.get("/api/health")
        assert (
            h.status_code == 503 and h.json()["status"] == "degraded" and h.json()["index"] == "unavailable"
        )
        r = api.post("/api/ask", json={"question": QUESTION})
        assert r.status_code == 503 and r.headers["content-type"].startswith("application/json")
        assert r.json()["error"] == "index_unavailable" and int(r.headers["retry-after"]) > 0
        assert "Traceback" not in r.text
        # input checks need no index: still answered
        assert api.post("/api/ask", json={"question": " "}).json()["status"] == "rejected_input"
    finally:
        chroma.start()
    r = api.post("/api/ask", json={"question": QUESTION})
    assert r.status_code == 200 and r.json()["status"] == "answered"
    assert api.get("/api/health").json()["status"] == "ok"


# ---------------------------------------------------------------- two app workers


class Worker:
    def __init__(self, env: dict, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "app.py"],
            cwd=ROOT,
            env={**os.environ, **env, "BOT_HOST": "127.0.0.1", "BOT_PORT": str(self.port)},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def ready(self) -> dict:
        assert self.proc.poll() is None, "worker exited"
        return httpx.get(self.url + "/api/health", timeout=5).json()

    def ask(self, question: str, timeout: float = 30) -> httpx.Response:
        return httpx.post(self.url + "/api/ask", json={"question": question}, timeout=timeout)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def workers(chroma, tmp_path_factory):
    logs = tmp_path_factory.mktemp("workers")
    pool = [Worker(chroma.env, logs / f"worker{i}.log") for i in range(2)]
    try:
        for w in pool:
            wait_until(lambda w=w: w.ready().get("status") == "ok", 180, f"app worker on {w.port}")
        yield pool
    finally:
        for w in pool:
            w.stop()


def test_two_workers_share_one_server_index(chroma, workers):
    before = chroma.collections()
    bodies = []
    for w in workers:
        health = w.ready()
        assert health["status"] == "ok" and health["index_built"] is False  # nobody uploaded again
        r = w.ask(QUESTION)
        assert r.status_code == 200
        bodies.append(r.json())
    assert bodies[0]["status"] == "answered"
    assert [s["text"] for s in bodies[0]["statements"]] == [s["text"] for s in bodies[1]["statements"]]
    assert chroma.collections() == before


def test_torch_is_not_loaded_on_the_default_path(workers):
    for w in workers:
        assert w.ready()["torch_loaded"] is False


def test_workers_degrade_and_recover_with_the_server(chroma, workers):
    chroma.stop()
    try:
        for w in workers:
            assert httpx.get(w.url + "/api/health", timeout=10).status_code == 503
            r = w.ask(QUESTION)
            assert r.status_code == 503 and r.json()["error"] == "index_unavailable"
    finally:
        chroma.start()
    for w in workers:
        r = w.ask(QUESTION)
        assert r.status_code == 200 and r.json()["status"] == "answered"


def raw_get(port: int, path: str) -> tuple[int, str]:
    """GET with the path sent exactly as written (no client-side normalisation of ../)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", "localhost")
        conn.endheaders()
        resp = conn.getresponse()
        ctype = resp.getheader("content-type") or ""
        body = "" if "event-stream" in ctype else resp.read(200_000).decode("utf-8", "replace")
        return resp.status, body
    finally:
        conn.close()


def test_literal_dot_dot_paths_never_reach_files(workers, chroma):
    port = workers[0].port
    proofs = {
        "etc/passwd": "root:",
        str((ROOT / "bot" / "settings.py").relative_to("/")): "class Settings(BaseSettings)",
        str((chroma.corpus / "sources.yaml").relative_to("/")): "raw_sha256",
    }
    prefixes = [
        "/chat-static/",
        "/gradio_api/file=",
        "/embed/gradio_api/file=",
        "/static/",
        "/assets/",
        "/svelte/",
        "/examples/",
        "/embed/",
        "/",
        "/api/",
    ]
    checked = 0
    for prefix in prefixes:
        for rel, proof in proofs.items():
            for up in ("../" * 12, "..\\" * 12, "./" + "../" * 12, "..;/" * 12, "....//" * 12):
                status, body = raw_get(port, prefix + up + rel)
                checked += 1
                assert status != 500 and proof not in body, f"{prefix}{up}{rel} -> {status}"
            status, body = raw_get(port, prefix + "/" + rel)  # absolute path
            assert status != 500 and proof not in body
    assert checked >= 150


def test_sigterm_lets_in_flight_requests_finish(workers):
    """Graceful shutdown: a request still being received when SIGTERM arrives gets its full answer."""
    w = workers[1]
    body = json.dumps({"question": QUESTION}).encode()
    head = (
        f"POST /api/ask HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    sock = socket.create_connection(("127.0.0.1", w.port), timeout=30)
    sock.sendall(head + body[:8])  # a slow client: the request is in flight
    time.sleep(0.5)
    w.proc.send_signal(signal.SIGTERM)
    time.sleep(1.0)
    assert w.proc.poll() is None, "the worker quit with a request in flight"
    with pytest.raises(OSError):  # no new connections once shutting down
        socket.create_connection(("127.0.0.1", w.port), timeout=2).close()
    sock.sendall(body[8:])
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    sock.close()
    status_line, _, rest = data.partition(b"\r\n")
    assert b" 200 " in status_line, data[:300]
    answer = json.loads(rest.split(b"\r\n\r\n", 1)[1])
    assert answer["status"] == "answered"
    # uvicorn re-raises the signal once it has shut down cleanly, so "killed by SIGTERM" is a clean exit
    assert w.proc.wait(timeout=30) in (0, -signal.SIGTERM)
