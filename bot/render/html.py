"""Answer -> HTML for the chat, built by hand so that every string is escaped.

Nothing here renders Markdown or trusts any text: questions, answers and even
document text go through `html.escape`. The only markup is the one written in
this module and in `bot.render.context` (the passage in its document), and it
is inert (no inline scripts, no URLs built from input). Every word of chrome
comes from the message catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote as url_quote

from bot.models import Answer, Citation, Disagreement, SourceProfile
from bot.render.context import (
    block_title_key,
    esc,
    highlight_pieces,
    leads_with_disagreement,
    markers,
    passage_view_html,
)
from bot.render.messages import message, messages

_SVG = (
    '<svg class="icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="20" height="20" '
    + ('fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">')
)
ICONS = {
    "info": _SVG + '<circle cx="12" cy="12" r="10"/><path d="M12 16v-5M12 8h.01"/></svg>',
    "scale": _SVG
    + '<path d="M12 3v18M5 21h14M4 7h16M7 7l-3 7a3 3 0 0 0 6 0zM17 7l-3 7a3 3 0 0 0 6 0z"/></svg>',
    "referral": _SVG + '<path d="M10 3h4v7h7v4h-7v7h-4v-7H3v-4h7z"/></svg>',
}
KIND_CLASSES = {
    "public_institute": "kind-public",
    "journal_review": "kind-journal",
    "dermatologist_retail": "kind-retail",
    "clinic": "kind-commercial",
    "practitioner": "kind-commercial",
}


# --- sources ---------------------------------------------------------------


def format_date(value: str | None, lang: str) -> str | None:
    """ISO dates shown the way a reader says them; anything else as given."""
    if not value:
        return None
    approx = re.fullmatch(r"(\d{4})\s*\((?:environ|approx\.?|about)\)", value.strip())
    if approx:
        return message("about_year", lang, year=approx.group(1))
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", value.strip())
    if not m:
        return value
    year, month, day = m.group(1), int(m.group(2)), m.group(3)
    if not 1 <= month <= 12:
        return value
    name = messages("months", lang)[month - 1]
    if day:
        return f"{int(day)} {name} {year}"
    return f"{name} {year}"


def source_name(source_id: str, label: str | None, sources: Mapping[str, SourceProfile], lang: str) -> str:
    prof = sources.get(source_id)
    name = prof.name(lang) if prof is not None else (label or source_id)
    return name[:1].upper() + name[1:]


def badge(
    source_id: str, sources: Mapping[str, SourceProfile], lang: str, kind: str | None = None, date=None
) -> str:
    """'Kind of source · date' label shown beside every citation and position."""
    prof = sources.get(source_id)
    kind = prof.kind if prof else kind  # a Position's source_kind is a label, not a kind id
    kind_label = prof.kind_label(lang) if prof else (kind or "")
    date_text = format_date(date or (prof.date or prof.year if prof else None), lang) or message(
        "no_date", lang
    )
    cls = KIND_CLASSES.get(kind or "", "kind-other")
    title = ""
    if prof is not None:
        title = f' title="{esc(prof.publisher)} — {esc(prof.interest(lang))}"'
    return (
        f'<span class="badge {cls}"{title}><span class="badge-kind">{esc(kind_label)}</span>'
        f'<span class="badge-date">{esc(date_text)}</span></span>'
    )


# --- answer parts ----------------------------------------------------------


def _marker_button(turn: int, n: int, name: str, lang: str) -> str:
    label = f"{message('marker_label', lang, n=n)} ({name})"
    return (
        f'<button type="button" class="cite-marker" data-target="t{turn}-c{n}" aria-haspopup="dialog" '
        f'aria-expanded="false" aria-label="{esc(label)}" title="{esc(name)}">{n}</button>'
    )


# The core also writes each disagreement out as statements, under this heading; the UI shows
# the structured `disagreements` as their own block instead, so that part is not repeated.
def _body_statements(answer: Answer) -> list:
    """The statements shown as the answer text: the disagreement block is drawn on its own."""
    return [st for st in answer.statements if st.section != "disagreement"]


def _is_suggestion_list(text: str, suggestions: list[str]) -> bool:
    """A framing sentence that lists the example questions, which the chips already show."""
    return any(q and q in text for q in suggestions)


def _statements_html(
    answer: Answer, turn: int, marks: dict[str, int], names: dict[str, str], lang: str, pharmacy=None
):
    """Paragraphs: each framing statement opens one; quotes follow it with their markers."""
    paras: list[list[str]] = []
    for st in _body_statements(answer):
        if st.kind == "framing" and _is_suggestion_list(st.text, answer.suggestions):
            continue
        if st.section == "referral":
            paras.append([referral_html(st.text, lang, pharmacy)])
            paras.append([])
            continue
        if st.kind == "framing" or not paras:
            paras.append([])
        buttons = "".join(
            _marker_button(turn, marks[pid], names.get(pid, ""), lang) for pid in st.citations if pid in marks
        )
        buttons = f'<span class="markers">{buttons}</span>' if buttons else ""
        if st.kind == "quote":
            paras[-1].append(f'<q class="quote"{_fr(lang)}>{_highlighted(st)}</q>{buttons}')
        elif st.kind == "paraphrase":
            paras[-1].append(f'<span class="paraphrase">{esc(st.text)}</span>{buttons}')
        else:
            paras[-1].append(f'<span class="framing">{esc(st.text)}</span>{buttons}')
    return "".join(f'<p class="ans-p">{" ".join(p)}</p>' for p in paras if p)


def _plain_html(text: str) -> str:
    """Plain text (never Markdown) as escaped paragraphs."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return "".join(f'<p class="ans-p">{esc(p).replace(chr(10), "<br>")}</p>' for p in parts)


def _citation_html(
    c: Citation,
    n: int,
    turn: int,
    answer: Answer,
    sources: Mapping[str, SourceProfile],
    documents: Mapping[str, str],
    lang: str,
) -> str:
    """One entry of the source list; its body is also what the popover shows (the passage once)."""
    prof = sources.get(c.source_id)
    name = source_name(c.source_id, c.source_label, sources, lang)
    citing = [st for st in answer.statements if st.kind == "quote" and c.passage_id in st.citations]
    quoted = list(c.highlights) or [st.text for st in citing]
    quoted += [p.quote for d in answer.disagreements for p in d.positions if p.passage_id == c.passage_id]
    answers = [st.text[s:e] for st in citing for s, e in st.highlight if 0 <= s < e <= len(st.text)]
    heading = " › ".join(h for h in c.heading_path if h)
    heading_html = f'<span class="heading">{esc(heading)}</span>' if heading else ""
    title = c.source_title or (prof.title if prof else "")
    publisher = prof.publisher if prof else ""
    meta = " — ".join(x for x in (publisher, prof.interest(lang) if prof else "") if x)
    view = passage_view_html(documents.get(c.source_id), c.text, c.start, c.end, quoted, answers, lang)
    q = "?lang=en" if lang == "en" else ""
    links = (
        f'<p class="cite-links"><a href="/passages/{esc(url_quote(c.passage_id, safe=""))}{q}" '
        f'target="_blank" rel="noopener">{esc(message("open_in_doc", lang))}</a>'
        f'<a href="/sources{q}#src-{esc(c.source_id)}" target="_blank" rel="noopener">'
        f"{esc(message('about_source', lang))}</a></p>"
    )
    return (
        f'<li><details class="cite" id="t{turn}-c{n}" data-n="{n}">'
        f'<summary><span class="num">{n}</span><span class="src-name">{esc(name)}</span>'
        f"{badge(c.source_id, sources, lang, c.source_kind, c.source_date)}{heading_html}</summary>"
        f'<div class="cite-body"><p class="cite-meta"><span class="doc-title"{_fr(lang)}>{esc(title)}</span>'
        f"{(' · ' + esc(meta)) if meta else ''}</p>{view}{links}</div></details></li>"
    )


def _fr(lang: str) -> str:
    """Quotes stay French: say so to screen readers when the page is in another language."""
    return "" if lang == "fr" else ' lang="fr"'


def referral_html(text: str, lang: str, pharmacy: Mapping[str, str] | None) -> str:
    """The referral; with a configured pharmacy, a way to reach it (tel:, hours, site)."""
    name = (pharmacy or {}).get("name")
    if not name:
        return f'<span class="referral">{ICONS["referral"]} {esc(text)}</span>'
    bits = []
    phone = pharmacy.get("phone") or ""
    tel = re.sub(r"[^\d+]", "", phone)
    if tel:
        bits.append(f'<a class="ref-tel" href="tel:{esc(tel)}">{esc(message("call", lang, phone=phone))}</a>')
    if pharmacy.get("hours"):
        bits.append(f'<span class="ref-hours">{esc(message("hours", lang, hours=pharmacy["hours"]))}</span>')
    url = pharmacy.get("url") or ""
    if re.fullmatch(r"https?://[^\s\"'<>]+", url):
        site = esc(message("pharmacy_site", lang, name=name))
        bits.append(f'<a class="ref-site" href="{esc(url)}" target="_blank" rel="noopener">{site}</a>')
    contact = f'<span class="ref-contact">{" · ".join(bits)}</span>' if bits else ""
    return (
        f'<span class="referral referral-pharmacy"><span class="ref-title">{ICONS["referral"]} '
        f"{esc(message('talk_pharmacist', lang))} — {esc(name)}</span>"
        f'<span class="ref-text">{esc(text)}</span>{contact}</span>'
    )


def _disagreement_html(
    d: Disagreement,
    turn: int,
    marks: dict[str, int],
    sources: Mapping[str, SourceProfile],
    lang: str,
) -> str:
    items = []
    for p in d.positions:
        name = source_name(p.source_id, p.source_label, sources, lang)
        mark = _marker_button(turn, marks[p.passage_id], name, lang) if p.passage_id in marks else ""
        stance = f'<span class="stance">{esc(p.stance)}</span>' if p.stance else ""
        items.append(
            f'<li class="position"><div class="pos-head"><strong class="src-name">{esc(name)}</strong>'
            f"{badge(p.source_id, sources, lang, p.source_kind)}{stance}</div>"
            f'<q class="quote"{_fr(lang)}>{esc(p.quote)}</q>{mark}</li>'
        )
    topic = f'<p class="dis-topic">{esc(message("disagree_on", lang, topic=d.topic))}</p>' if d.topic else ""
    summary = f'<p class="dis-summary">{esc(d.summary)}</p>' if d.summary else ""
    title = message(block_title_key([d]), lang)
    return (
        f'<section class="disagree" role="note" aria-label="{esc(title)}">'
        f'<h2 class="dis-title">{ICONS["scale"]} {esc(title)}</h2>'
        f'{topic}{summary}<ul class="positions">{"".join(items)}</ul>{_see_all(d, lang)}</section>'
    )


def _see_all(d: Disagreement, lang: str) -> str:
    from bot.render.disagreements import see_all_html  # that module draws on this one

    return see_all_html(d, lang)


def chips(questions: Iterable[str], lang: str, label_key: str = "try") -> str:
    buttons = "".join(
        f'<button type="button" class="chip" data-question="{esc(q)}">{esc(q)}</button>'
        for q in questions
        if q
    )
    if not buttons:
        return ""
    return f'<div class="chips" role="group" aria-label="{esc(message(label_key, lang))}">' + (
        f'<p class="chips-label">{esc(message(label_key, lang))}</p>{buttons}</div>'
    )


def render_answer(
    answer: Answer,
    turn: int,
    sources: Mapping[str, SourceProfile],
    documents: Mapping[str, str],
    lang: str = "fr",
    pharmacy: Mapping[str, str] | None = None,
) -> str:
    """One bot message: text with markers, disagreement block, refusal help, referral, sources."""
    marks = markers(answer)
    names = {c.passage_id: source_name(c.source_id, c.source_label, sources, lang) for c in answer.citations}
    # a checked claim: its rows as tables (that module draws on this one); a check no source is labelled
    # on quotes the closest passages as an answer does, its rows all "ne dit rien"
    if any(r.quote for c in answer.checks for r in c.rows):
        from bot.render.check_html import check_body_html

        body = check_body_html(answer, turn, marks, sources, lang, pharmacy)
    else:
        body = _statements_html(answer, turn, marks, names, lang, pharmacy)
        if not body and not (answer.disagreements and answer.statements):
            body = _plain_html(answer.answer_markdown)  # an answer without statements: its text as written
    parts: list[str] = []
    examples = chips(answer.suggestions or messages("examples", lang)[:3], lang)
    if answer.status == "rejected_input":
        msg = answer.error or message("rejected", lang)
        parts.append(f'<div class="notice notice-warn" role="alert"><p>{esc(msg)}</p></div>')
        parts.append(examples)
    elif answer.status in ("out_of_scope", "not_in_sources"):
        if not answer.statements and not answer.answer_markdown.strip():
            title = message(answer.status, lang)
            covers = message("coverage", lang)
            body = f'<p class="refusal-title">{esc(title)}</p><p class="covers">{esc(covers)}</p>'
        parts.append(f'<div class="refusal" role="note">{body}{examples}</div>')
    elif body:  # an answer whose quotes are all in the side-by-side has no body of its own
        parts.append(f'<div class="ans-body">{body}</div>')
    blocks = [_disagreement_html(d, turn, marks, sources, lang) for d in answer.disagreements]
    if leads_with_disagreement(answer) and parts:
        parts[-1:-1] = blocks  # the question is the disputed point: the side-by-side first
    else:
        parts.extend(blocks)
    if answer.referral and not any(st.section == "referral" for st in answer.statements):
        parts.append(f'<p class="ans-p">{referral_html(message("referral", lang), lang, pharmacy)}</p>')
    if answer.citations:
        ordered = sorted(answer.citations, key=lambda c: marks[c.passage_id])
        seen: set[int] = set()
        items = []
        for c in ordered:
            n = marks[c.passage_id]
            if n in seen:
                continue
            seen.add(n)
            items.append(_citation_html(c, n, turn, answer, sources, documents, lang))
        parts.append(
            f'<div class="cites-wrap"><h2 class="cites-title">{esc(message("cited_sources", lang))}</h2>'
            f'<ol class="cites">{"".join(items)}</ol></div>'
        )
    return "".join(p for p in parts if p)


def render_turn(
    turn: int,
    question: str,
    answer: Answer | None,
    sources: Mapping[str, SourceProfile],
    documents: Mapping[str, str],
    lang: str,
    error: str | None = None,
    pharmacy: Mapping[str, str] | None = None,
) -> str:
    user = (
        f'<div class="msg msg-user"><span class="who">{esc(message("you", lang))}</span>'
        f'<p class="q-text">{esc(question)}</p></div>'
    )
    if error:
        bot = f'<div class="notice notice-warn" role="alert"><p>{esc(error)}</p></div>'
    elif answer is None:
        bot = f'<p class="thinking" role="status"><span class="dots" aria-hidden="true"></span>{esc(message("thinking", lang))}</p>'
    else:
        bot = render_answer(answer, turn, sources, documents, lang, pharmacy)
    return (
        f'<article class="turn" id="turn-{turn}" aria-busy="{"true" if answer is None and not error else "false"}">'
        f'{user}<div class="msg msg-bot"><span class="who">{esc(message("bot", lang))}</span>{bot}</div></article>'
    )


def render_empty(lang: str) -> str:
    return (
        f'<div class="empty"><h2 class="empty-title">{esc(message("empty_title", lang))}</h2>'
        f'<p class="empty-body">{esc(message("empty_body", lang))}</p>{chips(messages("examples", lang), lang)}</div>'
    )


def render_transcript(
    turns: list[dict],
    sources: Mapping[str, SourceProfile],
    documents: Mapping[str, str],
    lang: str,
    pharmacy: Mapping[str, str] | None = None,
) -> str:
    """The whole conversation. `turns` holds {"question", "answer" (dict|None), "error"}."""
    if not turns:
        inner = render_empty(lang)
    else:
        inner = "".join(
            render_turn(
                i,
                tr.get("question", ""),
                Answer.model_validate(tr["answer"]) if tr.get("answer") else None,
                sources,
                documents,
                lang,
                tr.get("error"),
                pharmacy,
            )
            for i, tr in enumerate(turns)
        )
    return f'<div class="chat" lang="{esc(lang)}">{inner}</div>'


def _highlighted(st) -> str:
    """The quote, escaped, with its answering spans marked (`<strong class="answer-span">`)."""
    return "".join(
        f'<strong class="answer-span">{esc(x)}</strong>' if hit else esc(x)
        for x, hit in highlight_pieces(st.text, st.highlight)
    )
