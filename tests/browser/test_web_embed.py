"""The pharmacy example page embeds the chat in an iframe; a question works inside it."""

from __future__ import annotations

import pytest

from tests.browser.browser_kit import ask, shot

pytestmark = pytest.mark.browser


def test_pharmacy_page_embeds_a_working_chat(server, page_rec):
    page, rec = page_rec
    page.goto(server + "/examples/pharmacy-page.html")
    assert "Pharmacie" in page.title()
    page.locator(".exobot-btn").click()  # the one-line widget (tests/browser/test_pharmacy_ready.py)
    frame = page.frame_locator("iframe")
    frame.locator("#transcript .chat").wait_for()
    assert frame.locator(".brand-embed").count() == 1  # the compact header of /embed
    ask(frame, "Les exosomes font-ils repousser les cheveux ?")
    turn = frame.locator("#transcript article.turn").last
    assert turn.locator(".msg-bot").inner_text().strip()
    assert turn.locator(".cite-marker, .chip").count() >= 1
    turn.locator(".msg-bot").evaluate("el => el.ownerDocument.defaultView.scrollTo(0, 0)")
    shot(page, "embed.png", copy_to_docs="embed.png")


def test_embed_follows_the_lang_parameter(server, page_rec):
    page, rec = page_rec
    page.goto(server + "/embed/?lang=en")
    page.wait_for_function(
        "document.querySelector('#send') && document.querySelector('#send').innerText.trim() === 'Send'"
    )
    assert "not medical advice" in page.locator(".med-note").inner_text()
