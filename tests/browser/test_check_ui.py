"""The chat's claim check in a real browser: the switch, the table of sources, the offer, both languages."""

from __future__ import annotations

import httpx
import pytest

from bot.lang.text import normalize
from bot.render.messages import message, messages
from tests.browser.browser_kit import ask, open_chat, shot, wait_answer
from tests.browser.pharmacy_kit import axe
from tests.browser.test_web_mobile import OVERFLOW_JS

pytestmark = pytest.mark.browser

CLAIM = "Les exosomes sont autorisés en France"
LABELS = {"soutient", "contredit", "nuance", "ne dit rien"}
SIZES = {"desktop": (1100, 900), "phone": (390, 844)}


def api_check(server: str, claim: str) -> dict:
    r = httpx.post(server + "/api/check", json={"claim": claim}, timeout=30)
    r.raise_for_status()
    return r.json()


def table_rows(turn) -> list[list[tuple[str, str, str | None, str | None]]]:
    """Per table: (source id, label, quote text, quote lang) of each row, as the browser shows them."""
    return turn.locator("table.check-table").evaluate_all(
        """ts => ts.map(t => [...t.querySelectorAll('tbody tr.check-row')].map(tr => {
             const q = tr.querySelector('q.quote');
             return [tr.dataset.source, tr.querySelector('.check-label').dataset.label,
                     q ? q.textContent : null, q ? q.closest('[lang]').getAttribute('lang') : null];
           }))"""
    )


def assert_table_matches_api(turn, server: str, claim: str) -> None:
    api = api_check(server, claim)
    assert api["status"] == "answered" and api["checks"], api["status"]
    shown = table_rows(turn)
    expected = [[(r["source_id"], r["label"], r["quote"]) for r in c["rows"]] for c in api["checks"]]
    assert [[tuple(row[:3]) for row in t] for t in shown] == expected
    passages = {c["passage_id"]: normalize(c["text"]) for c in api["citations"]}
    for t, check in zip(shown, api["checks"], strict=True):
        assert len(t) == 5 and {row[1] for row in t} <= LABELS
        for (sid, _label, quote, lang), r in zip(t, check["rows"], strict=True):
            if quote is not None:  # verbatim inside its cited passage, and marked French
                assert lang == "fr" and normalize(quote) in passages[r["passage_id"]], (sid, quote)


def set_mode(page, on: bool, lang: str = "fr") -> None:
    """Flips the switch; the input's placeholder and the send button then say which mode it is."""
    page.locator("#check-mode input[type=checkbox]").set_checked(on)
    want = [
        message("check_placeholder" if on else "placeholder", lang),
        message("check_send" if on else "send", lang),
    ]
    page.wait_for_function(
        """([ph, send]) => document.querySelector('#question textarea').placeholder === ph
             && document.querySelector('#send').innerText.trim() === send""",
        arg=want,
        timeout=10_000,
    )


@pytest.mark.parametrize("size", list(SIZES))
def test_switch_checks_a_claim_then_returns_to_questions(server, page_rec, size):
    page, rec = page_rec
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    open_chat(page, server + "/")
    assert page.locator("#check-mode .label-text").inner_text().strip() == message("check_switch", "fr")
    set_mode(page, True)
    ask(page, CLAIM, submit="click")
    turn = page.locator("#transcript article.turn").last
    turn.locator("table.check-table").first.wait_for(state="visible")
    assert turn.locator("table.check-table caption").count() >= 1
    assert turn.locator("table.check-table .badge.interest").count() >= 5
    assert_table_matches_api(turn, server, CLAIM)
    assert not page.locator("#check-offer").is_visible()  # already a check: nothing to offer
    if size == "phone":
        report = page.evaluate(OVERFLOW_JS)
        assert report["scroll"] <= report["width"] + 1 and not report["bad"], report
    else:
        page.set_viewport_size({"width": 1100, "height": 1300})
        turn.evaluate("el => el.scrollIntoView({block: 'start'})")
        shot(page, "check.png", copy_to_docs="check.png", full_page=False)
    shot(page, f"check-{size}.png")

    set_mode(page, False)
    ask(page, "Les exosomes sont-ils bien tolérés ?")
    asked = page.locator("#transcript article.turn").last
    assert asked.locator("table.check-table").count() == 0
    assert asked.locator(".cite-marker").count() >= 1
    assert not page.locator("#check-offer").is_visible()  # a question is not offered the check


def test_a_pasted_statement_is_offered_the_check(server, page_rec):
    page, rec = page_rec
    open_chat(page, server + "/")
    ask(page, CLAIM)  # question mode: answered as a question first
    first = page.locator("#transcript article.turn").last
    assert first.locator("table.check-table").count() == 0
    offer = page.locator("#check-offer")
    offer.wait_for(state="visible", timeout=10_000)
    assert offer.inner_text().strip() == message("check_offer", "fr")
    offer.click()
    wait_answer(page, 2)
    turn = page.locator("#transcript article.turn").nth(1)
    assert turn.locator(".q-text").inner_text().strip() == CLAIM
    assert_table_matches_api(turn, server, CLAIM)
    offer.wait_for(state="hidden", timeout=10_000)


@pytest.mark.parametrize("path", ["/?lang=en", "/embed/?lang=en"])
def test_english_interface_and_embed_have_the_switch(server, page_rec, path):
    page, rec = page_rec
    page.goto(server + path)
    page.wait_for_function(
        "w => (document.querySelector('#check-mode .label-text') || {}).innerText?.trim() === w",
        arg=message("check_switch", "en"),
    )
    set_mode(page, True, "en")
    ask(page, CLAIM)
    turn = page.locator("#transcript article.turn").last
    assert_table_matches_api(turn, server, CLAIM)
    words = {w.strip() for w in turn.locator(".check-label").all_inner_texts()}
    assert words and words <= set(messages("check_labels", "en")), words
    heads = [h.strip() for h in turn.locator("table.check-table thead th").all_text_contents()]
    assert message("check_col_source", "en") in heads and message("check_col_quote", "en") in heads
    assert not axe(page), "claim check table"  # axe-core: no accessibility violation on the screen
