"""Pharmacy-ready chat in Debian Chromium: citations in place, brand and contact, English, input
limit, the sources page and the one-line widget, with axe-core on each screen (issue 13)."""

from __future__ import annotations

import time

import pytest

from tests.browser.browser_kit import new_page, open_chat, shot, turns, wait_answer
from tests.browser.conftest import _free_port
from tests.browser.pharmacy_kit import BRAND, axe, start_app, timed

pytestmark = pytest.mark.browser
BRAND_RGB = "rgb(124, 45, 18)"  # BOT_BRAND_COLOR #7c2d12


@pytest.fixture(scope="module")
def branded():
    proc, base = start_app(_free_port(), BRAND, "server-branded.log")
    assert base, "the branded app did not start"
    yield base
    proc.terminate()
    proc.wait(timeout=15)


@pytest.fixture
def page(browser):
    context, pg, rec = new_page(browser)
    yield pg
    context.close()
    assert rec.hosts() <= {"127.0.0.1"}, rec.hosts()
    assert not [c for c in rec.console if "Content Security Policy" in c or "Refused to" in c], rec.console


@pytest.fixture
def phone(browser):
    context, pg, rec = new_page(browser, width=390, height=800)
    yield pg
    context.close()
    assert rec.hosts() <= {"127.0.0.1"}, rec.hosts()


def ready(pg, url: str) -> None:
    t0 = time.monotonic()
    open_chat(pg, url)
    timed("page ready (chat, question box usable)", time.monotonic() - t0)


def ask_timed(scope, question: str) -> None:
    n = turns(scope)
    box = scope.locator("#question textarea")
    box.fill(question)
    t0 = time.monotonic()
    box.press("Enter")
    wait_answer(scope, n + 1)
    timed("answer shown in the UI", time.monotonic() - t0)


def active_target(pg) -> str | None:
    return pg.evaluate("document.activeElement && document.activeElement.dataset.target || null")


def test_citation_opens_in_a_popover_with_keyboard_and_focus_return(branded, page):
    ready(page, branded + "/")
    assert not axe(page), "home screen"
    ask_timed(page, "Les exosomes sont-ils bien tolérés ?")
    assert not axe(page), "answer"
    turn = page.locator("#transcript article.turn").last
    marker = turn.locator(".cite-marker").first
    target = marker.get_attribute("data-target")
    marker.focus()
    page.keyboard.press("Enter")
    pop = page.locator(".cite-pop")
    pop.wait_for()
    assert pop.get_attribute("role") == "dialog" and pop.get_attribute("aria-label")
    assert marker.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.activeElement.classList.contains('pop-close')")
    # the passage once, in its context, the quote highlighted; both ways on
    assert pop.locator(".in-doc-passage").count() == 1 and pop.locator("blockquote, details").count() == 0
    assert len(pop.locator(".in-doc-passage mark.hl").first.inner_text().strip()) > 10
    view = pop.locator(".doc-text")
    assert len(view.inner_text()) > len(pop.locator(".in-doc-passage").inner_text())
    assert view.get_attribute("tabindex") == "0"
    assert pop.locator("a[href^='/passages/']").count() == 1
    assert pop.locator("a[href*='/sources#src-']").count() == 1
    # beside the number, not at the end of the answer; the answer stays where it was
    m, p = marker.bounding_box(), pop.bounding_box()
    assert abs(p["y"] - (m["y"] + m["height"])) < 30 or abs(p["y"] + p["height"] - m["y"]) < 30
    assert turn.locator(".cites-wrap details.cite").count() >= 1  # the source list stays at the end
    assert not axe(page), "answer with an open citation"
    page.set_viewport_size({"width": 1100, "height": 900})
    shot(page, "citation-popover.png", copy_to_docs="citation-popover.png", full_page=False)
    page.keyboard.press("Escape")
    assert pop.count() == 0 and active_target(page) == target
    assert marker.get_attribute("aria-expanded") == "false"
    marker.click()
    page.locator(".cite-pop").wait_for()
    page.mouse.click(5, 5)  # outside
    assert page.locator(".cite-pop").count() == 0
    marker.click()
    page.locator(".cite-pop .pop-close").click()
    assert page.locator(".cite-pop").count() == 0 and active_target(page) == target


def test_citation_opens_as_a_bottom_sheet_on_a_phone(branded, phone):
    ready(phone, branded + "/")
    ask_timed(phone, "Combien coûte une séance d'exosomes ?")
    marker = phone.locator("#transcript article.turn").last.locator(".ans-body .cite-marker").first
    target = marker.get_attribute("data-target")
    marker.click()
    sheet = phone.locator(".cite-pop.cite-sheet")
    sheet.wait_for()
    box = sheet.bounding_box()
    assert box["x"] == 0 and abs(box["width"] - 390) < 1 and abs(box["y"] + box["height"] - 800) < 1
    assert box["height"] <= 0.76 * 800
    assert sheet.locator(".in-doc-passage").count() == 1
    shot(phone, "citation-sheet.png", copy_to_docs="citation-sheet.png", full_page=False)
    phone.keyboard.press("Escape")
    assert sheet.count() == 0 and active_target(phone) == target
    marker.click()
    phone.locator(".cite-pop").wait_for()
    phone.mouse.click(195, 60)  # tapping outside closes it
    assert phone.locator(".cite-pop").count() == 0


def test_brand_colour_on_every_accent_and_the_pharmacy_contact(branded, page):
    ready(page, branded + "/")
    assert "Proposé par Pharmacie des Tilleuls" in page.locator("header.brand").inner_text()
    css = "(el, p) => getComputedStyle(el)[p]"
    assert page.locator("#send").evaluate(css, "backgroundColor") == BRAND_RGB
    assert page.locator(".chip").first.evaluate(css, "borderTopColor") == BRAND_RGB
    assert page.locator(".home-map-link a").first.evaluate(css, "color") == BRAND_RGB
    ask_timed(page, "Je suis enceinte, puis-je faire une séance d'exosomes ?")
    turn = page.locator("#transcript article.turn").last
    assert turn.locator(".cite-marker").first.evaluate(css, "backgroundColor") == BRAND_RGB
    assert turn.locator("details.cite .num").first.evaluate(css, "backgroundColor") == BRAND_RGB
    turn.locator(".cite-marker").first.click()
    assert page.locator(".cite-pop").evaluate(css, "borderTopColor") == BRAND_RGB
    assert page.locator(".cite-pop .cite-links a").first.evaluate(css, "color") == BRAND_RGB
    page.keyboard.press("Escape")
    ref = turn.locator(".referral-pharmacy")
    assert ref.count() == 1 and "Parler à un pharmacien" in ref.inner_text()
    assert ref.locator("a[href^='tel:']").get_attribute("href") == "tel:0123456789"
    assert "8 h 30" in ref.inner_text()
    assert ref.locator("a.ref-site").get_attribute("href") == BRAND["BOT_PHARMACY_URL"]
    assert not axe(page), "branded answer with the pharmacy's referral"
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "branded.png", copy_to_docs="branded.png", full_page=False)


def test_the_interface_is_fully_english_and_the_quotes_stay_french(branded, page):
    ready(page, branded + "/?lang=en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.title() == "Exosomes: what the sources say"
    assert page.locator("#send").inner_text().strip() == "Send"
    assert "Offered by Pharmacie des Tilleuls" in page.locator("header.brand").inner_text()
    ask_timed(page, "Are exosome treatments safe?")
    turn = page.locator("#transcript article.turn").last
    chrome = turn.inner_text()
    for french in ("Sources citées", "date non indiquée", "Réponse", "environ", "Vous\n"):
        assert french not in chrome, french
    assert turn.locator(".cites-title").inner_text().strip().lower() == "cited sources"
    months_fr = ("janvier", "février", "mars", "avril", "mai ", "juin", "juillet", "août", "septembre")
    dates = " ".join(turn.locator(".badge-date").all_inner_texts())
    assert dates and not any(m in dates for m in months_fr), dates
    quotes = turn.locator("q.quote")
    assert quotes.count() >= 1 and all(q.get_attribute("lang") == "fr" for q in quotes.all())
    turn.locator(".cite-marker").first.click()
    pop = page.locator(".cite-pop")
    assert pop.get_attribute("lang") == "en" and pop.locator(".doc-text").get_attribute("lang") == "fr"
    assert pop.locator(".pop-close").get_attribute("aria-label") == "Close"
    assert "Open in the document" in pop.inner_text()
    assert not axe(page), "English answer with an open citation"


def test_counter_near_the_limit_and_a_clear_message_instead_of_truncation(branded, page):
    ready(page, branded + "/")
    box = page.locator("#question textarea")
    counter = page.locator("#q-counter")
    box.fill("peau " * 20)
    assert counter.is_hidden()
    box.fill("x" * 850)
    assert counter.is_visible() and "850 / 1000" in counter.inner_text()
    paste = " ".join(["Les exosomes sont-ils efficaces ?"] * 90)  # a 3,000-character paste
    box.fill(paste)
    n = len(paste)
    assert page.evaluate("document.querySelector('#question textarea').value.length") == n  # nothing cut
    assert f"{n} / 1000" in counter.inner_text() and "trop longue" in counter.inner_text()
    assert box.get_attribute("aria-invalid") == "true"
    box.press("Enter")
    wait_answer(page, 1)
    alert = page.locator("#transcript article.turn").last.locator("[role=alert]")
    assert "trop longue" in alert.inner_text() and str(n) in alert.inner_text()


def test_sources_page_lists_the_five_documents_with_profile_and_texts(branded, page):
    ready(page, branded + "/")
    link = page.locator(".home-sources-link a[href='/sources']")
    assert link.count() == 1
    ask_timed(page, "Les exosomes sont-ils bien tolérés ?")
    about = page.locator("details.cite .cite-links a[href*='/sources#src-']").first
    href = about.get_attribute("href")
    page.goto(branded + href)
    sid = href.split("#src-")[1]
    assert page.locator(f"#src-{sid}").is_visible()
    cards = page.locator(".src-card")
    assert cards.count() == 5
    for card in cards.all():
        terms = card.locator("dt").all_inner_texts()
        assert {"Type de source", "Intérêt commercial", "Date", "Auteur"} <= set(terms), terms
        for key in ("src_clean", "src_raw"):
            card.locator(f"details:has([id$='-{key}']) > summary").click()
            assert len(card.locator(f"[id$='-{key}']").inner_text()) > 1000
    assert page.locator(".src-card").first.evaluate("e => getComputedStyle(e).borderLeftColor") == BRAND_RGB
    assert not axe(page), "sources page"
    page.goto(branded + "/sources?lang=en")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert "Commercial interest" in page.locator(".src-card").first.inner_text()
    assert not axe(page), "sources page in English"
    page.goto(branded + "/disagreements")
    page.locator("main").wait_for()
    assert not axe(page), "disagreement page"


@pytest.mark.parametrize("width,height", [(1280, 1400), (390, 800)])
def test_widget_on_the_pharmacy_page(branded, browser, width, height):
    context, pg, rec = new_page(browser, width=width, height=height)
    try:
        pg.goto(branded + "/examples/pharmacy-page.html")
        btn = pg.locator(".exobot-btn")
        btn.wait_for()
        assert btn.inner_text() == "Poser une question sur les exosomes"
        assert btn.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(21, 128, 61)"
        assert not axe(pg), "pharmacy page with the widget closed"
        btn.click()
        panel = pg.locator(".exobot-panel")
        panel.wait_for()
        assert panel.get_attribute("role") == "dialog" and panel.get_attribute("aria-label")
        assert pg.evaluate("document.activeElement.className") == "exobot-close"
        frame_el = pg.locator("iframe.exobot-frame")
        assert frame_el.get_attribute("title")
        frame = pg.frame_locator("iframe.exobot-frame")
        frame.locator("#question textarea").wait_for()
        box = panel.bounding_box()
        if width <= 640:
            assert box["x"] == 0 and box["y"] == 0 and box["width"] == width and box["height"] == height
        else:
            assert box["x"] > width / 2 and box["width"] <= 440 and box["height"] < height
            pg.wait_for_function("document.querySelector('iframe.exobot-frame').style.height !== ''")
            h0 = float(frame_el.evaluate("e => parseFloat(e.style.height)"))
        frame.locator("#question textarea").fill("Les exosomes font-ils repousser les cheveux ?")
        frame.locator("#question textarea").press("Enter")
        frame.locator("#transcript article.turn[aria-busy=false]").wait_for(timeout=60_000)
        if width > 640:
            pg.wait_for_function(
                f"parseFloat(document.querySelector('iframe.exobot-frame').style.height) > {h0}"
            )
            h1 = float(frame_el.evaluate("e => parseFloat(e.style.height)"))
            assert h1 <= height - 100 + 1  # grows with the answer, never past the window
            shot(pg, "widget.png", copy_to_docs="widget.png", full_page=False)
        else:
            shot(pg, "widget-phone.png", copy_to_docs="widget-phone.png", full_page=False)
        assert not axe(pg), "pharmacy page with the widget open"
        pg.locator(".exobot-close").focus()
        pg.keyboard.press("Escape")
        assert panel.is_hidden() and pg.evaluate("document.activeElement.className") == "exobot-btn"
        btn.click()
        frame.locator("#question textarea").click()
        pg.keyboard.press("Escape")  # from inside the iframe: the chat tells the page (origin checked)
        panel.wait_for(state="hidden")
        assert pg.evaluate("document.activeElement.className") == "exobot-btn"
    finally:
        context.close()
    assert rec.hosts() <= {"127.0.0.1"}, rec.hosts()


def test_pages_outside_the_chat_and_the_widget_follow_the_brand(branded, page):
    """The map, a passage and the sources page in the brand colour with the pharmacy's header; the
    widget's button in the brand colour when the script tag sets no data-color."""
    css = "(el, p) => getComputedStyle(el)[p]"
    page.goto(branded + "/disagreements")
    page.locator("main").wait_for()
    assert page.locator(".dmap-toc a").first.evaluate(css, "color") == BRAND_RGB
    assert "Proposé par Pharmacie des Tilleuls" in page.locator("header.dmap-top").inner_text()
    page.locator(".pos-link a").first.click()
    page.locator("blockquote.passage").wait_for()
    assert page.locator("blockquote.passage").evaluate(css, "borderLeftColor") == BRAND_RGB
    assert page.locator(".brand-by").evaluate(css, "color") == BRAND_RGB
    assert not axe(page), "passage page, branded"
    page.goto(branded + "/sources")
    assert page.locator(".src-doc > summary").first.evaluate(css, "color") == BRAND_RGB
    assert "Proposé par Pharmacie des Tilleuls" in page.locator("header.src-top").inner_text()
    page.evaluate("""() => { const s = document.createElement('script'); s.src = '/widget.js';
      document.body.appendChild(s); }""")
    page.locator(".exobot-btn").wait_for()
    assert page.locator(".exobot-btn").evaluate(css, "backgroundColor") == BRAND_RGB
