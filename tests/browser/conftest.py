"""Browser fixtures: the real app in a subprocess (real bot, real index) and Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
DOCS_IMG = ROOT / "docs" / "img"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the real app in a real browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server():
    """`python app.py` on a free port; yields its base URL once /api/health says ok."""
    port = _free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / "server.log"
    env = {
        **os.environ,
        "BOT_HOST": "127.0.0.1",
        "BOT_PORT": str(port),
        "PYTHONUNBUFFERED": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
    }
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"app exited early:\n{log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{base}/api/health", timeout=2).json().get("status") == "ok":
                    break
            except (httpx.HTTPError, ValueError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"app did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Recorder:
    """Every request, dialog and console message of a page, to assert on afterwards."""

    def __init__(self):
        self.urls: list[str] = []
        self.dialogs: list[str] = []
        self.console: list[str] = []

    def hosts(self) -> set[str]:
        return {
            urlsplit(u).hostname or u for u in self.urls if not u.startswith(("data:", "blob:", "about:"))
        }


def new_page(browser, width: int = 1100, height: int = 900):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
    page = context.new_page()
    rec = Recorder()
    page.on("request", lambda r: rec.urls.append(r.url))
    page.on("console", lambda m: rec.console.append(f"{m.type}: {m.text}"))

    def on_dialog(d):
        rec.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    page.set_default_timeout(30_000)
    return context, page, rec


@pytest.fixture
def page_rec(browser):
    """A fresh page; after the test, every request it made must have gone to 127.0.0.1."""
    context, page, rec = new_page(browser)
    yield page, rec
    context.close()
    assert rec.hosts() <= {"127.0.0.1"}, rec.hosts()
    assert not [c for c in rec.console if "Content Security Policy" in c or "Refused to" in c], rec.console


def open_chat(page, url: str):
    page.goto(url)
    page.wait_for_selector("#transcript .chat")
    page.wait_for_selector("#question textarea")


def turns(scope) -> int:
    return scope.locator("#transcript article.turn").count()


def ask(scope, question: str, submit: str = "enter") -> None:
    """Types a question in the chat (page or frame) and waits for its answer to be shown."""
    n = turns(scope)
    box = scope.locator("#question textarea")
    box.fill(question)
    if submit == "enter":
        box.press("Enter")
    else:
        scope.locator("#send").click()
    wait_answer(scope, n + 1)


def wait_answer(scope, count: int) -> None:
    last = scope.locator(f"#transcript article.turn:nth-of-type({count})")
    last.wait_for()
    scope.locator(f"#transcript article.turn:nth-of-type({count})[aria-busy=false]").wait_for(timeout=60_000)


def shot(page, name: str, copy_to_docs: str | None = None, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=full_page)
    if copy_to_docs:
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOCS_IMG / copy_to_docs)
    return path
