"""At 375 px wide nothing overflows sideways and the question box stays on screen."""

from __future__ import annotations

import pytest

from tests.browser.browser_kit import ask, new_page, open_chat, shot

pytestmark = pytest.mark.browser

OVERFLOW_JS = """
() => {
  const w = document.documentElement.clientWidth;
  const bad = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.position === 'fixed') continue;
    let clipped = false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') {
        const pr = p.getBoundingClientRect();
        if (pr.right <= w + 1) { clipped = true; break; }
      }
    }
    if (!clipped && (r.right > w + 1 || r.left < -1)) bad.push(el.tagName + '.' + el.className);
  }
  return {scroll: document.documentElement.scrollWidth, width: w, bad: bad.slice(0, 10)};
}
"""


def in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
           return r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth; }""",
        selector,
    )


def test_375px_no_overflow_and_input_reachable(server, browser):
    context, page, rec = new_page(browser, width=375, height=740)
    try:
        open_chat(page, server + "/")
        assert in_viewport(page, "#question textarea")
        ask(page, "Les exosomes sont-ils efficaces contre la chute de cheveux ?")
        turn = page.locator("#transcript article.turn").last
        if turn.locator(".cite-marker").count():
            turn.locator(".cite-marker").first.click()  # a bottom sheet, closed before the next question
            page.locator(".cite-pop.cite-sheet").wait_for()
            page.keyboard.press("Escape")
            turn.locator("details.cite > summary").first.click()  # the source list still opens in line
        ask(page, "Les traitements aux exosomes sont-ils sans danger ?")
        page.mouse.wheel(0, 400)
        page.wait_for_timeout(200)
        report = page.evaluate(OVERFLOW_JS)
        assert report["scroll"] <= report["width"], report
        assert report["bad"] == [], report
        assert in_viewport(page, "#question textarea")
        assert in_viewport(page, "#send")
        page.locator("#question textarea").fill("Et pour la peau ?")
        shot(page, "mobile.png", full_page=False)
        shot(page, "mobile-full.png")
    finally:
        context.close()
    assert rec.hosts() <= {"127.0.0.1"}
