"""The page of all disagreements in Chromium: desktop and phone, reached from the chat, passages open."""

from __future__ import annotations

import re

import pytest

from tests.browser.browser_kit import ask, new_page, open_chat, shot
from tests.browser.test_web_mobile import OVERFLOW_JS

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture(params=list(VIEWPORTS))
def viewport_page(request, browser):
    """A fresh page at each size; afterwards, nothing asked of another host and no CSP refusal."""
    width, height = VIEWPORTS[request.param]
    context, page, rec = new_page(browser, width=width, height=height)
    yield request.param, page
    context.close()
    assert rec.hosts() <= {"127.0.0.1"}, rec.hosts()
    assert not [c for c in rec.console if "Content Security Policy" in c or "Refused to" in c], rec.console


def no_sideways_scroll(page) -> None:
    report = page.evaluate(OVERFLOW_JS)
    assert report["scroll"] <= report["width"], report
    assert report["bad"] == [], report


def test_map_page_fits_and_opens_a_passage(server, viewport_page):
    name, page = viewport_page
    page.goto(server + "/disagreements")
    page.wait_for_selector("section.dmap-entry")
    assert page.locator("h1").inner_text().strip() == "Où les sources divergent"
    entries = page.locator("section.dmap-entry")
    assert entries.count() >= 2
    first = entries.first.locator("li.position").first
    assert first.locator(".badge-kind").inner_text().strip()
    assert first.locator(".pos-interest").inner_text().strip()
    assert first.locator("q.quote").get_attribute("lang") == "fr"
    no_sideways_scroll(page)
    shot(page, f"disagreements-{name}.png", full_page=False)

    quote = first.locator("q.quote").inner_text()
    first.locator(".pos-link a").click()
    page.wait_for_url(re.compile(r"/passages/"))
    passage = page.locator("blockquote.passage")
    marks = " ".join(passage.locator("mark.hl").all_inner_texts())
    assert _squash(quote.strip("«» \u00a0")) in _squash(marks)
    assert page.locator("details.in-doc[open] .in-doc-passage").is_visible()
    no_sideways_scroll(page)
    shot(page, f"passage-{name}.png", full_page=False)


def test_english_framing_keeps_french_quotes(server, viewport_page):
    _, page = viewport_page
    page.goto(server + "/disagreements")
    page.locator("a.dmap-lang").click()
    page.wait_for_url(re.compile(r"lang=en"))
    assert page.locator("h1").inner_text().strip() == "Where the sources disagree"
    assert page.evaluate("document.documentElement.lang") == "en"
    langs = set(page.locator("section.dmap-entry q.quote").evaluate_all("els => els.map(e => e.lang)"))
    assert langs == {"fr"}
    no_sideways_scroll(page)


def test_home_screen_links_to_the_map(server, viewport_page):
    _, page = viewport_page
    open_chat(page, server + "/")
    link = page.locator("#transcript .home-map-link a")
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_url(re.compile(r"/disagreements"))
    page.wait_for_selector("section.dmap-entry")
    assert page.locator("h1").inner_text().strip() == "Où les sources divergent"


def test_chat_disagreement_block_links_to_its_section(server, viewport_page):
    _, page = viewport_page
    open_chat(page, server + "/")
    ask(page, "Les exosomes sont-ils bien tolérés ?")
    block = page.locator("#transcript article.turn").last.locator("section.disagree").first
    link = block.locator("a.dis-all-link")
    assert link.inner_text().strip() == "Voir toutes les divergences"
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_url(re.compile(r"/disagreements"))
    anchor = page.url.partition("#")[2]
    assert anchor
    target = page.locator(f"[id='{anchor}']")
    assert target.count() == 1
    page.wait_for_function(
        "(id) => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.top >= -2 && r.top < window.innerHeight; }",
        arg=anchor,
    )
    no_sideways_scroll(page)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("’", "'")).strip()
