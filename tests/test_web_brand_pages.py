"""Issue 13's loose ends: start-up refusals as one line and exit 2, the widget and every page in the brand.

The refusals run the real commands (`python app.py`, `python -m bot serve`, `exobot serve`) in a
subprocess: each must stop before loading the model, with status 2 and no traceback. The pages
are served by the real app over the real corpus and bot.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from bot.settings import get_settings
from bot.web.app import create_app
from bot.web.pages import widget_source
from bot.web.service import ChatService

ROOT = Path(__file__).resolve().parent.parent
CLIENT = ("127.0.0.1", 50000)
COLOR = "#7c2d12"  # readable: 9.6:1 on white
LOGO = "/chat-static/pharmacie-logo.png"
COMMANDS = {
    "python app.py": [sys.executable, "app.py"],
    "python -m bot serve": [sys.executable, "-m", "bot", "serve"],
    "exobot serve": [str(Path(sys.executable).with_name("exobot")), "serve"],
}


def run_serve(cmd: list[str], **env: str) -> subprocess.CompletedProcess:
    """A serve command that must refuse at once: a bug that lets it start is a timeout, not a hang."""
    full = {**os.environ, "BOT_HOST": "127.0.0.1", "BOT_PORT": "1", "PYTHONUNBUFFERED": "1", **env}
    return subprocess.run(cmd, cwd=ROOT, env=full, capture_output=True, text=True, timeout=60)


def assert_one_line_refusal(run: subprocess.CompletedProcess, *words: str) -> None:
    lines = [x for x in run.stderr.splitlines() if x.strip()]
    assert run.returncode == 2, (run.returncode, run.stderr[-2000:])
    assert "Traceback" not in run.stderr and len(lines) == 1, run.stderr[-2000:]
    assert lines[0].startswith("exobot: ") and all(w in lines[0] for w in words), lines[0]
    assert "Prêt en" not in run.stdout  # refused before the model and the index were loaded


@pytest.mark.parametrize("name", list(COMMANDS))
def test_unreadable_brand_colour_stops_every_serve_command_with_one_line(name):
    cmd = COMMANDS[name]
    assert Path(cmd[0]).is_file(), f"{cmd[0]}: the install (`pip install -e .`) provides the console script"
    run = run_serve(cmd, BOT_BRAND_COLOR="#cccccc")
    assert_one_line_refusal(run, "BOT_BRAND_COLOR=#cccccc", "too light", "4.5:1")


@pytest.mark.parametrize(
    "env,words",
    [
        ({"BOT_ALLOWED_ORIGINS": '["*"]'}, ("BOT_ALLOWED_ORIGINS", "'*'")),
        ({"BOT_TRUST_PROXY": "true", "BOT_TRUSTED_PROXIES": "[]"}, ("BOT_TRUSTED_PROXIES",)),
        ({"BOT_ALLOWED_ORIGINS": "https://pharmacie.example"}, ("BOT_ALLOWED_ORIGINS", "JSON")),
        ({"BOT_PORT": "abc"}, ("BOT_PORT", "'abc'")),
        ({"BOT_BRAND_COLOR": "red"}, ("BOT_BRAND_COLOR", "hex")),
    ],
)
def test_other_start_up_setting_errors_are_one_line_and_status_2(env, words):
    assert_one_line_refusal(run_serve(COMMANDS["python -m bot serve"], **env), *words)


# --- the widget and the pages follow BOT_BRAND_COLOR and BOT_BRAND_LOGO ---------------------------


def branded_client(bot, **update) -> TestClient:
    settings = get_settings().model_copy(update=update)
    return TestClient(create_app(settings, ChatService(bot=bot)), client=CLIENT)


@pytest.fixture(scope="module")
def branded(bot):
    with branded_client(
        bot, brand_color=COLOR, brand_logo=LOGO, pharmacy_name="Pharmacie des <Tilleuls>"
    ) as c:
        yield c


def test_widget_default_colour_is_the_servers_brand_colour(branded, bot):
    r = branded.get("/widget.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    assert f"var brand = '{COLOR}';" in r.text
    assert "'#0f766e'" not in r.text  # the built-in teal is gone from the served script
    assert "test(d.color || '') ? d.color : brand" in r.text  # data-color still overrides it
    with branded_client(bot) as plain:  # no colour set: the default one
        assert "var brand = '#0f766e';" in plain.get("/widget.js").text


@pytest.mark.parametrize("bad", ["#fff'; alert(1); '", "red", "#12345g", "#1234"])
def test_widget_colour_is_hex_only(bad):
    with pytest.raises(ValueError):
        widget_source(bad)


def _passage_with_quote(client) -> str:
    return client.get("/api/disagreements").json()[0]["positions"][0]["passage_id"]


def test_every_page_outside_the_chat_carries_the_brand_colour_logo_and_pharmacy(branded):
    pid = _passage_with_quote(branded)
    pages = {
        "/disagreements": 200,
        "/disagreements?lang=en": 200,
        f"/passages/{quote(pid, safe='')}": 200,
        "/passages/no-such-passage": 404,
        "/sources": 200,
        "/sources?lang=en": 200,
    }
    for path, status in pages.items():
        r = branded.get(path)
        assert r.status_code == status, path
        html = r.text
        style = f"<style>:root {{ --brand: {COLOR}; }}</style>"
        assert style in html, path
        # after the stylesheets, so that it wins over their teal fallback
        assert html.index(style) > html.rindex('<link rel="stylesheet"'), path
        assert f'<img class="brand-logo" src="{LOGO}"' in html, path
        assert "/chat-static/logo.svg" not in html, path
        by = "Offered by" if "lang=en" in path else "Proposé par"
        assert f'class="brand-by">{by} Pharmacie des &lt;Tilleuls&gt;' in html, path
        assert "<Tilleuls>" not in html, path
    en = branded.get("/disagreements?lang=en").text
    assert "<title>" in en and "what the sources say" in en.split("</title>")[0].lower()


def test_page_stylesheets_leave_brand_to_root():
    """A --brand on body or a page class would override the page's :root colour in the browser."""
    for name in ("disagreements.css", "sources.css"):
        css = (ROOT / "bot" / "web" / "static" / name).read_text(encoding="utf-8")
        assert "--brand:" not in css, name


def test_a_logo_that_is_not_a_url_falls_back_to_the_built_in_one(bot):
    with branded_client(bot, brand_logo='javascript:alert(1)" onerror="x') as c:
        for path in ("/disagreements", "/sources"):
            html = c.get(path).text
            assert '<img class="brand-logo" src="/chat-static/logo.svg"' in html and "javascript:" not in html
