"""The chat in a real browser, against the real app, bot and index."""

from __future__ import annotations

import pytest

from tests.browser.browser_kit import ask, new_page, open_chat, shot, wait_answer

pytestmark = pytest.mark.browser


def test_answer_with_citations_passage_and_document_view(server, page_rec):
    page, rec = page_rec
    open_chat(page, server + "/")
    assert page.locator("#transcript .chip").count() >= 3  # example questions on the empty screen
    assert "pas un avis médical" in page.locator(".med-note").inner_text()
    ask(page, "Les exosomes sont-ils bien tolérés ?")
    turn = page.locator("#transcript article.turn").last
    markers = turn.locator(".cite-marker")
    assert markers.count() >= 1
    assert turn.locator("details.cite").count() >= 1
    badge = turn.locator("details.cite .badge").first
    assert (
        badge.locator(".badge-kind").inner_text().strip()
        and badge.locator(".badge-date").inner_text().strip()
    )

    markers.first.click()  # opens in place (tests/browser/test_pharmacy_ready.py has the details)
    pop = page.locator(".cite-pop")
    hl = pop.locator(".in-doc-passage mark.hl").first
    hl.wait_for(state="visible")
    assert len(hl.inner_text().strip()) > 10
    in_doc = pop.locator(".doc-text .in-doc-passage")
    doc_text = pop.locator(".doc-text").inner_text()
    assert len(doc_text) > len(in_doc.inner_text())  # the passage is shown with its context
    page.keyboard.press("Escape")
    page.set_viewport_size({"width": 1100, "height": 1500})
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "chat.png", copy_to_docs="chat.png", full_page=False)
    shot(page, "chat-full.png")


def test_follow_up_question_is_read_against_the_previous_turn(server, page_rec):
    page, rec = page_rec
    open_chat(page, server + "/")
    ask(page, "Les exosomes sont-ils efficaces pour la peau ?")
    ask(page, "Et pour les cheveux ?")
    turn = page.locator("#transcript article.turn").nth(1)
    assert turn.locator(".refusal").count() == 0
    assert turn.locator(".ans-body .cite-marker").count() >= 1
    passages = " ".join(turn.locator("details.cite .in-doc-passage").all_text_contents()).lower()
    assert "cheveu" in passages or "capillaire" in passages


def test_disagreement_block_shows_two_sources(server, page_rec):
    page, rec = page_rec
    open_chat(page, server + "/")
    ask(page, "Les traitements aux exosomes sont-ils sans danger ?")
    block = page.locator("#transcript article.turn").last.locator("section.disagree").first
    block.wait_for(state="visible", timeout=5_000)
    assert "ne sont pas d'accord" in block.locator(".dis-title").inner_text()
    names = {n.strip() for n in block.locator(".position .src-name").all_inner_texts()}
    assert len(names) >= 2, names
    assert block.locator(".position .badge").count() >= 2
    shot(page, "disagreement.png")


def test_refusal_offers_chips_that_ask(server, page_rec):
    page, rec = page_rec
    open_chat(page, server + "/")
    ask(page, "Quelle est la meilleure recette de tarte aux pommes ?")
    turn = page.locator("#transcript article.turn").last
    refusal = turn.locator(".refusal")
    refusal.wait_for(state="visible")
    chips = refusal.locator("button.chip")
    assert chips.count() >= 2
    question = chips.first.get_attribute("data-question")
    chips.first.click()
    wait_answer(page, 2)
    asked = page.locator("#transcript article.turn").nth(1)
    assert asked.locator(".q-text").inner_text() == question
    assert asked.locator(".msg-bot").inner_text().strip()
    shot(page, "refusal.png")


def test_markup_in_a_question_stays_text(server, page_rec):
    page, rec = page_rec
    open_chat(page, server + "/")
    hostile = "<img src=x onerror=alert(1)>"
    ask(page, hostile)
    assert page.locator("#transcript .q-text").last.inner_text() == hostile
    assert page.locator("img[src='x']").count() == 0
    assert page.evaluate("document.querySelectorAll('#transcript img').length") == 0
    page.wait_for_timeout(300)
    assert rec.dialogs == []


def test_keyboard_only(server, page_rec):
    page, rec = page_rec
    open_chat(page, server + "/")
    page.locator("body").focus()

    def tab_to(predicate_js: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(
                f"(() => {{ const el = document.activeElement; return !!(el && ({predicate_js})); }})()"
            ):
                return
        raise AssertionError(f"Tab never reached: {predicate_js}")

    # a chip of the empty screen, pressed with Enter, asks its question
    tab_to("el.classList.contains('chip')")
    chip_q = page.evaluate("document.activeElement.dataset.question")
    page.keyboard.press("Enter")
    wait_answer(page, 1)
    assert page.locator("#transcript .q-text").first.inner_text() == chip_q

    # type and send a question with the keyboard
    tab_to("el.tagName === 'TEXTAREA' && el.closest('#question')")
    page.keyboard.type("Combien de séances faut-il prévoir ?")
    page.keyboard.press("Enter")
    wait_answer(page, 2)

    # a citation number opens its passage in place with Enter; Escape gives the focus back
    page.locator("#transcript article.turn").nth(1).locator(".msg-bot").evaluate("el => el.scrollIntoView()")
    page.locator("#question textarea").focus()
    page.keyboard.press("Shift+Tab")
    for _ in range(80):
        if page.evaluate("document.activeElement.classList.contains('cite-marker')"):
            break
        page.keyboard.press("Shift+Tab")
    else:
        raise AssertionError("no citation number reachable with the keyboard")
    target = page.evaluate("document.activeElement.dataset.target")
    page.keyboard.press("Enter")
    page.locator(".cite-pop .in-doc-passage").wait_for(state="visible")
    assert page.evaluate("document.activeElement.classList.contains('pop-close')")
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.dataset.target") == target

    # the language switch works with the keyboard
    tab_to("el.id === 'lang-switch'", limit=200)
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#send').innerText.trim() === 'Send'")
    assert "not medical advice" in page.locator(".med-note").inner_text()
    assert page.locator("#lang-switch").inner_text().strip() == "Français"


def test_every_request_stays_on_127_0_0_1(server, browser):
    context, page, rec = new_page(browser)
    try:
        open_chat(page, server + "/")
        ask(page, "Qu'est-ce qu'un exosome ?", submit="button")
        page.goto(server + "/docs")
        page.wait_for_selector("h1")
    finally:
        context.close()
    assert rec.urls, "no request recorded"
    assert rec.hosts() == {"127.0.0.1"}, sorted(set(rec.urls))
