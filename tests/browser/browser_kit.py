"""Helpers for the browser tests: a recording page, asking in the chat, screenshots."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
DOCS_IMG = ROOT / "docs" / "img"


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
