"""Answer -> Markdown (`answer_markdown`, what the CLI prints and chat clients show).

Built only from the Answer's statements, citations and disagreements, like the
HTML page, so that both always say the same thing. Every text that comes from
a document or a user goes through `md_escape`: no HTML, no links, no images.
"""

from __future__ import annotations

from bot.models import Answer, Disagreement, Statement
from bot.render.context import block_title_key, highlight_pieces, leads_with_disagreement, markers
from bot.render.messages import message


def md_escape(text: str) -> str:
    """Document text inside Markdown stays text: no HTML, no link syntax."""
    out = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return out.replace("[", "\\[").replace("]", "\\]")


def render_markdown(answer: Answer) -> str:
    """The whole answer as Markdown: quotes, disagreements, referral, sources and the closing note."""
    if answer.status == "rejected_input":
        fallback = answer.statements[0].text if answer.statements else message("rejected", answer.language)
        return md_escape(answer.error or fallback)
    lang = answer.language
    marks = markers(answer)
    lines: list[str] = []
    if answer.status == "answered":
        quotes = _quotes(answer.statements, marks)
        blocks = _disagreements(answer.disagreements, marks, lang)
        # the question is the disputed point: the side-by-side first
        lines += blocks + quotes if leads_with_disagreement(answer) else quotes + blocks
    else:
        lines += _refusal(answer, lang)
    lines += _referral(answer, lang)
    lines += _sources(answer)
    lines += ["", f"_{message('disclaimer', lang)}_"]
    return "\n".join(_one_blank(lines)).strip()


def _one_blank(lines: list[str]) -> list[str]:
    """Parts end with a blank line; two in a row would only add empty space."""
    return [x for i, x in enumerate(lines) if x or i == 0 or lines[i - 1]]


def _marker(st: Statement, marks: dict[str, int]) -> str:
    nums = [marks[pid] for pid in st.citations if pid in marks]
    return "".join(f" [{n}]" for n in nums)


def _highlighted(st: Statement) -> str:
    """The quote, escaped, with its answering spans in bold."""
    return "".join(
        f"**{md_escape(x)}**" if hit else md_escape(x)
        for x, hit in highlight_pieces(st.text, st.highlight)
        if x
    )


def _quotes(statements: list[Statement], marks: dict[str, int]) -> list[str]:
    """Each source's framing line in bold, then its quotes; a blank line after each group."""
    out: list[str] = []
    for st in statements:
        if st.section != "answer":
            continue
        if st.kind == "framing":
            if out:
                out.append("")
            out.append(f"**{md_escape(st.text)}**")
        elif st.kind == "quote":
            out.append(f"> « {_highlighted(st)} »{_marker(st, marks)}")
        else:
            out.append(f"{md_escape(st.text)}{_marker(st, marks)}")
    return [*out, ""] if out else out


def _disagreements(disagreements: list[Disagreement], marks: dict[str, int], lang: str) -> list[str]:
    """Who says what, from the structured disagreements: topic, neutral summary, each side quoted."""
    if not disagreements:
        return []
    out = [f"### ⚖️ {message(block_title_key(disagreements), lang)}", ""]
    for d in disagreements:
        out.append(f"**{md_escape(d.topic)}** — {md_escape(d.summary)}")
        for p in d.positions:
            name = p.source_label or p.source_id  # the source's name, as the detector wrote it
            who = name[:1].upper() + name[1:]
            if p.source_kind:
                who += f" ({p.source_kind})"
            if p.stance:
                who += f" — {p.stance}"
            n = f" [{marks[p.passage_id]}]" if p.passage_id in marks else ""
            out.append(f"- *{md_escape(who)}* : « {md_escape(p.quote)} »{n}")
        out.append("")
    return out


def _refusal(answer: Answer, lang: str) -> list[str]:
    """Why the bot does not answer, what it covers, and questions it can answer."""
    head = message("suggest_head", lang)
    out: list[str] = []
    for st in answer.statements:
        if st.section == "refusal" and not st.text.startswith(head):
            out += [md_escape(st.text), ""]
    if answer.suggestions:
        out += [head, *[f"- {md_escape(q)}" for q in answer.suggestions], ""]
    return out


def _referral(answer: Answer, lang: str) -> list[str]:
    texts = [st.text for st in answer.statements if st.section == "referral"]
    if not texts and answer.referral:
        texts = [message("referral", lang)]
    return [line for t in texts for line in (f"**{md_escape(t)}**", "")]


def _sources(answer: Answer) -> list[str]:
    """The numbered list of cited passages: title, kind of source, date, heading path."""
    if not answer.citations:
        return []
    marks = markers(answer)
    out = [message("sources_list", answer.language)]
    seen: set[int] = set()
    for c in sorted(answer.citations, key=lambda c: marks[c.passage_id]):
        n = marks[c.passage_id]
        if n in seen:
            continue
        seen.add(n)
        about = ", ".join(x for x in (c.source_label, c.source_date) if x)
        about = f" ({md_escape(about)})" if about else ""
        where = f" — {' > '.join(c.heading_path)}" if c.heading_path else ""
        out.append(f"[{n}] {md_escape(c.source_title)}{about}{md_escape(where)}  ")
    return out
