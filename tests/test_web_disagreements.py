"""The page of all disagreements, the passage page and GET /api/disagreements, on the real app and bot."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest
from fastapi.testclient import TestClient

from bot.disagree import validate_claims
from bot.lang.text import is_verbatim, normalize
from bot.models import Disagreement, Position
from bot.render.disagreements import MapItem, render_map_page, topic_anchor
from bot.render.html import render_answer
from bot.settings import get_settings
from bot.web.app import create_app
from bot.web.service import ChatService

CLIENT = ("127.0.0.1", 50000)
POSITION_KEYS = {"source_id", "passage_id", "stance", "quote", "source_label", "source_kind"}


@pytest.fixture(scope="module")
def client(bot):
    with TestClient(create_app(get_settings(), ChatService(bot=bot)), client=CLIENT) as c:
        yield c


@pytest.fixture(scope="module")
def claims(bot):
    return validate_claims(bot.kb)


class PageReader(HTMLParser):
    """Sections of the map page and, in each, its positions: (quote, quote's lang, passage link)."""

    def __init__(self):
        super().__init__()
        self.sections: list[dict] = []
        self.ids: set[str] = set()
        self.group: str | None = None
        self._in_quote = False
        self._pos: dict | None = None
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "script":
            self.scripts += 1
        cls = (a.get("class") or "").split()
        if tag == "section" and "dmap-group" in cls:
            self.group = a.get("aria-labelledby")
        elif tag == "section" and "dmap-entry" in cls:
            self.sections.append(
                {"entry": a["data-entry"], "id": a["id"], "group": self.group, "positions": []}
            )
        elif tag == "li" and "position" in cls:
            self._pos = {"quote": "", "lang": None, "href": None}
            self.sections[-1]["positions"].append(self._pos)
        elif tag == "q" and self._pos is not None:
            self._in_quote, self._pos["lang"] = True, a.get("lang")
        elif tag == "a" and self._pos is not None and (a.get("href") or "").startswith("/passages/"):
            self._pos["href"] = a["href"]

    def handle_endtag(self, tag):
        if tag == "q":
            self._in_quote = False
        elif tag == "li":
            self._pos = None

    def handle_data(self, data):
        if self._in_quote and self._pos is not None:
            self._pos["quote"] += data


def read_page(text: str) -> PageReader:
    reader = PageReader()
    reader.feed(text)
    return reader


def passage_of(href: str) -> str:
    return unquote(urlsplit(href).path.removeprefix("/passages/"))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_page_shows_every_entry_with_verbatim_quotes(client, bot, claims, lang):
    r = client.get("/disagreements" + ("?lang=en" if lang == "en" else ""))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert f'<html lang="{lang}">' in r.text
    assert ("Où les sources divergent" if lang == "fr" else "Where the sources disagree") in r.text
    page = read_page(r.text)
    assert page.scripts == 0
    assert [s["entry"] for s in page.sections] == [c.id for c in sorted(claims, key=_self_last)]
    by_id = {c.id: c for c in claims}
    for s in page.sections:
        claim = by_id[s["entry"]]
        assert len(s["positions"]) == len(claim.positions)
        topic = claim.topic_en if lang == "en" else claim.topic_fr
        assert f" {_esc(topic)}</h3>" in r.text
        for pos, cp in zip(s["positions"], claim.positions, strict=True):
            pid = passage_of(pos["href"])
            assert pid == cp.passage_id
            assert pos["lang"] == "fr"  # quotes stay French on the English page
            assert is_verbatim(pos["quote"], bot.kb.passages[pid].text), (s["entry"], pos["quote"])


def _self_last(claim) -> bool:
    return (
        bool(getattr(claim, "self_contradiction", False)) or len({p.source_id for p in claim.positions}) == 1
    )


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def test_self_contradictions_have_their_own_heading(client, claims):
    fr = client.get("/disagreements").text
    page = read_page(fr)
    itself = {c.id for c in claims if _self_last(c)}
    assert {s["entry"] for s in page.sections if s["group"] == "g-self"} == itself
    assert {s["entry"] for s in page.sections if s["group"] == "g-between"} == {c.id for c in claims} - itself
    assert ("Un document se contredit" in fr) == bool(itself)
    assert ("A document contradicts itself" in client.get("/disagreements?lang=en").text) == bool(itself)


def test_every_position_link_opens_its_passage_with_the_quote_highlighted(client, bot):
    page = read_page(client.get("/disagreements?lang=en").text)
    links = {(p["href"], p["quote"]) for s in page.sections for p in s["positions"]}
    assert links
    for href, quote in links:
        r = client.get(href)
        assert r.status_code == 200, href
        pid = passage_of(href)
        assert f'data-passage="{_esc(pid)}"' in r.text
        block = re.search(r'<blockquote class="passage"[^>]*>(.*?)</blockquote>', r.text, re.S).group(1)
        marks = " ".join(re.findall(r'<mark class="hl">(.*?)</mark>', block, re.S))
        assert normalize(quote) in normalize(_unesc(marks)), href
        assert '<details class="in-doc" open>' in r.text  # shown inside its document, no click needed
        assert 'lang="en"' in r.text and "Back to all disagreements" in r.text


def _unesc(text: str) -> str:
    return html.unescape(text)


def test_api_disagreements_has_the_contract_shape(client, bot, claims):
    for lang in ("fr", "en"):
        r = client.get(f"/api/disagreements?lang={lang}")
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
        data = r.json()
        assert [d["id"] for d in data] == [c.id for c in claims]
        for d, c in zip(data, claims, strict=True):
            Disagreement.model_validate(d)
            assert d["origin"] == "evidence_map" and d["aspect"] == c.aspect
            assert d["topic"] == (c.topic_en if lang == "en" else c.topic_fr)
            assert d["summary"] == (c.summary_en if lang == "en" else c.summary_fr)
            assert isinstance(d["self_contradiction"], bool)
            for p in d["positions"]:
                assert set(p) >= POSITION_KEYS
                assert p["source_id"] == bot.kb.passages[p["passage_id"]].source_id
                assert is_verbatim(p["quote"], bot.kb.passages[p["passage_id"]].text)
                assert p["source_kind"] == bot.kb.sources[p["source_id"]].kind_label(lang)
    assert client.get("/api/disagreements").json() == client.get("/api/disagreements?lang=fr").json()


def test_api_disagreements_is_documented(client):
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/api/disagreements"]["get"]
    assert op["operationId"] == "list_disagreements"
    assert "disagreements" in op["description"] and op["summary"]
    assert "/disagreements" not in spec["paths"] and "/passages/{passage_id}" not in spec["paths"]


@pytest.mark.parametrize("query", ["?lang=de", "?lang=", "?lang=<script>"])
def test_api_bad_lang_is_a_clean_4xx(client, query):
    r = client.get("/api/disagreements" + query)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/json")
    assert r.json()["error"] == "invalid_request" and "<script>" not in r.text


def test_api_other_methods_are_refused(client):
    r = client.post("/api/disagreements", json={})
    assert r.status_code == 405 and "GET" in r.headers["allow"]


@pytest.mark.parametrize(
    "path",
    [
        "/passages/nope",
        "/passages/inserm%2399999",
        "/passages/..%2F..%2Fpyproject.toml",
        "/passages/%2E%2E/%2E%2E/corpus/clean/inserm.md",
        "/passages/" + "x" * 5000,
        "/passages/inserm%2314%00",
    ],
)
def test_unknown_passage_is_a_404_page(client, path):
    r = client.get(path)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert _esc("Ce passage n'existe pas.") in r.text and "Traceback" not in r.text


def test_pages_carry_the_security_headers_and_no_script(client, bot):
    pid = next(iter(bot.kb.passages))
    for path in ("/disagreements", "/disagreements?lang=en", f"/passages/{pid.replace('#', '%23')}"):
        r = client.get(path)
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "<script" not in r.text.lower()
        assert not re.search(r"<[^>]+\son\w+=", r.text)  # no inline event handlers


def test_unknown_page_lang_falls_back_to_french(client):
    r = client.get("/disagreements?lang=%3Cscript%3E")
    assert r.status_code == 200 and '<html lang="fr">' in r.text and "<script>" not in r.text


def test_map_page_escapes_everything(bot):
    evil = "<script>alert(1)</script>\"'"
    pos = Position(source_id="inserm", passage_id='inserm#1"><x', stance=evil, quote=evil, source_label=evil)
    item = MapItem(evil, Disagreement(topic=evil, summary=evil, positions=[pos, pos], aspect=evil))
    page = render_map_page([item], bot.kb.sources, "fr", brand=evil)
    assert "<script" not in page and '"><x' not in page
    assert page.count("&lt;script&gt;") >= 5


def test_chat_block_links_to_its_section_of_the_page(client, bot):
    answer = bot.ask("Les exosomes sont-ils bien tolérés ?")
    assert answer.disagreements
    ids = read_page(client.get("/disagreements").text).ids
    for lang in ("fr", "en"):
        block = render_answer(answer, 0, bot.kb.sources, bot.kb.documents, lang)
        hrefs = re.findall(r'<a class="dis-all-link" href="([^"]+)">([^<]+)</a>', block)
        assert len(hrefs) == len(answer.disagreements)
        for href, label in hrefs:
            assert label == ("Voir toutes les divergences" if lang == "fr" else "See all disagreements")
            path, _, anchor = _unesc(href).partition("#")
            assert path == ("/disagreements" if lang == "fr" else "/disagreements?lang=en")
            if lang == "fr":
                assert anchor in ids, anchor
    for d in answer.disagreements:  # an evidence-map block leads to its own topic, not the top of the page
        if d.origin == "evidence_map":
            assert topic_anchor(d.topic) in ids
