"""The chat UI (Gradio Blocks): one transcript rendered by hand, an input, and a language switch.

The transcript is a single `gr.HTML` filled by `bot.render.html`, so that every
string is escaped by us. Clicks on its example chips come back to Python as
events; clicks on citation numbers only open the passage, in the browser.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from bot.check import check  # noqa: E402
from bot.check.split import cues  # noqa: E402
from bot.render.html import ICONS, esc, render_transcript  # noqa: E402
from bot.render.messages import lang_of, message  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.web.brand import checked_brand_color, pharmacy  # noqa: E402
from bot.web.service import ChatService, history_of  # noqa: E402

log = logging.getLogger(__name__)

DEFAULT_LOGO = "/chat-static/logo.svg"
SYSTEM_FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]

STATIC = Path(__file__).resolve().parent / "static"
# The transcript's listeners (chips, citations in place) and the page's (lang, title, counter, height).
TRANSCRIPT_JS = (STATIC / "transcript.js").read_text(encoding="utf-8")

SCROLL_JS = """
() => {
  const turns = document.querySelectorAll('#transcript article.turn');
  const last = turns[turns.length - 1];
  if (last) last.scrollIntoView({block: 'start', behavior: 'smooth'});
}
"""

PAGE_JS = (STATIC / "page.js").read_text(encoding="utf-8")


def logo_url(settings: Settings) -> str:
    """The configured logo if it is a same-origin path or an http(s) URL, else the built-in one."""
    logo = (settings.brand_logo or "").strip()
    if re.match(r"^(/(?!/)|https?://)[^\s\"'<>]*$", logo):
        return logo
    return DEFAULT_LOGO


def brand_color(settings: Settings) -> str:
    """The accent colour; an unreadable one stops the app at start-up (see bot.web.brand)."""
    return checked_brand_color(settings)


def page_title(settings: Settings, lang: str) -> str:
    """The configured title, or the default one in the reader's language."""
    default = Settings.model_fields["brand_title"].default
    return message("app_title", lang) if settings.brand_title == default else settings.brand_title


def theme() -> gr.themes.Base:
    """Gradio's Soft theme with system fonts only: no font is fetched from any server."""
    return gr.themes.Soft(primary_hue="teal", font=SYSTEM_FONTS, font_mono=MONO_FONTS)


def brand_css(settings: Settings) -> str:
    c = brand_color(settings)
    return (
        f"html:root, html body .gradio-container {{ --brand: {c}; --button-primary-background-fill: {c};"
        f" --button-primary-background-fill-hover: {c}; --button-primary-border-color: {c};"
        f" --color-accent: {c}; --color-accent-soft: color-mix(in srgb, {c} 12%, white);"
        f" --link-text-color: {c}; --checkbox-background-color-selected: {c}; }}"
    )


def header_html(settings: Settings, lang: str, embed: bool) -> str:
    """The header; its data-* attributes carry what the page's script needs (lang, title, labels)."""
    sub = "" if embed else f'<p class="brand-sub">{esc(message("subtitle", lang))}</p>'
    ph = pharmacy(settings)
    by = f'<p class="brand-by">{esc(message("offered_by", lang, name=ph["name"]))}</p>' if ph else ""
    title = page_title(settings, lang)
    data = (
        f'data-lang="{esc(lang)}" data-title="{esc(title)}" data-pop-close="{esc(message("pop_close", lang))}" '
        f'data-pop-label="{esc(message("pop_label", lang, n="{n}"))}"'
    )
    return (
        f'<header class="brand{" brand-embed" if embed else ""}" {data}>'
        f'<img class="brand-logo" src="{esc(logo_url(settings))}" alt="" width="36" height="36">'
        f'<div class="brand-text"><h1 class="brand-title">{esc(title)}</h1>{by}{sub}</div></header>'
    )


def counter_html(settings: Settings, lang: str) -> str:
    """Where the character count appears near the limit (filled by the page's script)."""
    n = settings.max_question_chars
    near = message("counter_near", lang, n="{n}", max="{max}")
    over = message("counter_over", lang, n="{n}", max="{max}")
    return (
        f'<p id="q-counter" class="q-counter" aria-live="polite" hidden data-max="{n}" '
        f'data-near="{esc(near)}" data-over="{esc(over)}"></p>'
    )


def note_html(lang: str) -> str:
    return f'<p class="med-note" role="note">{ICONS["info"]} {esc(message("disclaimer", lang))}</p>'


def map_link_html(lang: str, embed: bool) -> str:
    """The home screen's way to the page of all disagreements (a new tab from inside an iframe)."""
    href = "/disagreements?lang=en" if lang == "en" else "/disagreements"
    target = ' target="_blank" rel="noopener"' if embed else ""
    src = "/sources?lang=en" if lang == "en" else "/sources"
    return (
        f'<p class="home-map-link">{ICONS["scale"]} <a href="{href}"{target}>'
        f"{esc(message('map_home_link', lang))}</a></p>"
        f'<p class="home-sources-link">{ICONS["info"]} <a href="{src}"{target}>'
        f"{esc(message('sources_home_link', lang))}</a></p>"
    )


def reads_as_claim(text: str) -> bool:
    """A statement rather than a question, by the simple rule of `offer` in bot/lang/check.yaml."""
    t = " ".join((text or "").split()).lower()
    rule = cues()["offer"]
    if "?" in t or len(t.split()) < rule["min_words"] or not re.search(rule["end"], t):
        return False
    return not (re.search(rule["question_start"], t) or re.search(rule["inversion"], t))


def build_ui(service: ChatService, settings: Settings, embed: bool = False) -> gr.Blocks:
    """The chat; `embed=True` is the compact variant meant for an iframe on a pharmacy's site."""

    def render(turns: list[dict], lang: str) -> str:
        if not turns:
            return render_transcript([], {}, {}, lang) + map_link_html(lang, embed)
        return render_transcript(turns, service.sources, service.documents, lang, pharmacy(settings))

    def start_turn(question: str, turns: list[dict], lang: str, checking: bool):
        q = (question or "").strip()
        if not q:
            return gr.update(), turns, gr.update(), gr.update()
        turns = [*turns, {"question": q, "answer": None, "mode": "check" if checking else "ask"}]
        return "", turns, render(turns, lang), gr.update(visible=False)

    def start_offer(turns: list[dict], lang: str):
        """The offer under an answer: the same text again, as a claim to check."""
        if not turns or turns[-1].get("answer") is None:
            return turns, gr.update(), gr.update(visible=False)
        turns = [*turns, {"question": turns[-1]["question"], "answer": None, "mode": "check"}]
        return turns, render(turns, lang), gr.update(visible=False)

    def start_from_chip(turns: list[dict], lang: str, evt: gr.EventData):
        data = getattr(evt, "_data", None) or {}
        q = str(data.get("question") or "").strip()  # too long: the guard says so, nothing is cut
        if not q:
            return turns, gr.update()
        turns = [*turns, {"question": q, "answer": None}]
        return turns, render(turns, lang)

    def finish_turn(turns: list[dict], lang: str):
        if not turns or turns[-1].get("answer") is not None or turns[-1].get("error"):
            return turns, gr.update(), gr.update()
        last = dict(turns[-1])
        q, checking = last["question"], last.get("mode") == "check"
        try:
            if checking:
                ans = service.run(lambda bot: check(bot, q), q)
            else:
                ans = service.ask(q, history=history_of([t for t in turns[:-1] if t.get("mode") != "check"]))
            last["answer"] = ans.model_dump(mode="json")
        except Exception:  # the user sees a short message; the log keeps the details
            log.exception("answering failed")
            last["error"] = message("internal", lang)
        turns = [*turns[:-1], last]
        offer = not checking and not last.get("error") and reads_as_claim(q)
        return turns, render(turns, lang), gr.update(visible=offer)

    def composer(lang: str, checking: bool):
        """The input and the send button say which mode they are in."""
        key = "check_placeholder" if checking else "placeholder"
        return (
            gr.update(label=message("input_label", lang), placeholder=message(key, lang)),
            gr.update(value=message("check_send" if checking else "send", lang)),
        )

    def apply_lang(lang: str, turns: list[dict], checking: bool = False):
        lang = lang_of(lang)
        return (
            lang,
            gr.update(value=message("other_lang", lang)),
            header_html(settings, lang, embed),
            render(turns, lang),
            *composer(lang, checking),
            note_html(lang),
            gr.update(value=message("clear", lang)),
            counter_html(settings, lang),
            gr.update(label=message("check_switch", lang)),
            gr.update(value=message("check_offer", lang)),
        )

    def clear(lang: str):
        return [], render([], lang), gr.update(visible=False)

    def toggle_lang(lang: str, turns: list[dict], checking: bool):
        return apply_lang("en" if lang_of(lang) == "fr" else "fr", turns, checking)

    def on_load(turns: list[dict], checking: bool, request: gr.Request):
        wanted = lang_of(request.query_params.get("lang") if request else None)
        return apply_lang(wanted, turns, checking)

    lang0 = "fr"
    with gr.Blocks(title=page_title(settings, lang0), fill_width=embed) as demo:
        turns = gr.State([])
        lang = gr.State(lang0)
        with gr.Column(elem_classes="topbar"):
            header = gr.HTML(header_html(settings, lang0, embed), elem_classes="header-cell")
            lang_btn = gr.Button(
                message("other_lang", lang0), size="sm", elem_id="lang-switch", elem_classes="lang-switch"
            )
        transcript = gr.HTML(
            render([], lang0),
            elem_id="transcript",
            elem_classes="transcript",
            js_on_load=TRANSCRIPT_JS,
        )
        with gr.Column(elem_classes="composer", elem_id="composer"):
            with gr.Row(elem_classes="mode-row"):
                checking = gr.Checkbox(
                    value=False, label=message("check_switch", lang0), elem_id="check-mode", container=False
                )
                offer = gr.Button(
                    message("check_offer", lang0), size="sm", visible=False, elem_id="check-offer", scale=0
                )
            with gr.Row(elem_classes="input-row", equal_height=True):
                question = gr.Textbox(
                    label=message("input_label", lang0),
                    show_label=False,
                    placeholder=message("placeholder", lang0),
                    lines=1,
                    max_lines=4,
                    elem_id="question",
                    scale=5,
                    container=False,
                    autofocus=False,
                )
                send = gr.Button(
                    message("send", lang0), variant="primary", elem_id="send", scale=1, min_width=90
                )
            counter = gr.HTML(counter_html(settings, lang0), elem_classes="counter-cell")
            with gr.Row(elem_classes="note-row"):
                note = gr.HTML(note_html(lang0), elem_classes="note-cell")
                new = gr.Button(
                    message("clear", lang0), size="sm", elem_id="new-chat", scale=0, min_width=120
                )

        ask_io = {"inputs": [turns, lang], "outputs": [turns, transcript, offer]}
        for trigger in (question.submit, send.click):
            trigger(
                start_turn,
                [question, turns, lang, checking],
                [question, turns, transcript, offer],
                api_visibility="private",
                show_progress="hidden",
                queue=False,
            ).then(None, js=SCROLL_JS).then(
                finish_turn, **ask_io, api_visibility="private", show_progress="hidden"
            ).then(None, js=SCROLL_JS)
        transcript.click(
            start_from_chip,
            [turns, lang],
            [turns, transcript],
            api_visibility="private",
            show_progress="hidden",
            queue=False,
        ).then(None, js=SCROLL_JS).then(
            finish_turn, **ask_io, api_visibility="private", show_progress="hidden"
        )
        offer.click(
            start_offer, **ask_io, api_visibility="private", show_progress="hidden", queue=False
        ).then(None, js=SCROLL_JS).then(
            finish_turn, **ask_io, api_visibility="private", show_progress="hidden"
        ).then(None, js=SCROLL_JS)
        mode_io = {"inputs": [lang, checking], "outputs": [question, send], "api_visibility": "private"}
        mode_io.update(show_progress="hidden", queue=False)
        checking.change(composer, **mode_io)
        lang_outputs = [lang, lang_btn, header, transcript, question, send, note, new, counter]
        lang_outputs += [checking, offer]
        lang_btn.click(
            toggle_lang,
            [lang, turns, checking],
            lang_outputs,
            api_visibility="private",
            show_progress="hidden",
            queue=False,
        )
        new.click(clear, [lang], [turns, transcript, offer], api_visibility="private", queue=False)
        demo.load(
            on_load,
            [turns, checking],
            lang_outputs,
            api_visibility="private",
            queue=False,
            show_progress="hidden",
        ).then(composer, **mode_io)  # the switch may have been flipped while the page loaded
    return demo
