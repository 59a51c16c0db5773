"""A checked claim's rows as tables: for each part, one row per source, so a reader sees who says what.

The answer's own sentences (the intro, each part's framing, a referral) stay as
text above their table; the per-source lines and quotes that the statements
also carry are shown once, in the table. Quotes are the rows' verbatim
sentences, escaped and marked French; labels are shown in the reader's
language, with the contract's French value kept in `data-label`.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.models import Answer, Check, CheckRow, SourceProfile
from bot.render.context import esc
from bot.render.html import _fr, _marker_button, badge, referral_html, source_name
from bot.render.messages import message, messages

LABELS = ("soutient", "contredit", "nuance", "ne dit rien")  # the order of the `check_labels` message


def label_word(label: str, lang: str) -> str:
    """The label in the reader's language ("soutient" -> "supports")."""
    words = messages("check_labels", lang)
    return words[LABELS.index(label)] if label in LABELS else label


def interest_badge(prof: SourceProfile | None, row: CheckRow, lang: str) -> str:
    """Whether the source sells the treatment: the profile's own words, first clause; the whole as title."""
    full = prof.interest(lang) if prof else ""
    short = full.split(":")[0].strip() if full else ""
    if not short:
        short = message("check_sells" if row.sells_treatment else "check_no_sale", lang)
    cls = "interest-sells" if row.sells_treatment else "interest-other"
    title = f' title="{esc(full)}"' if full else ""
    return f'<span class="badge interest {cls}"{title}>{esc(short)}</span>'


def _row_html(row: CheckRow, turn: int, marks: dict[str, int], sources, lang: str, values: bool) -> str:
    prof = sources.get(row.source_id)
    name = source_name(row.source_id, row.source_label, sources, lang)
    kind = badge(row.source_id, sources, lang, row.source_label)
    head = (
        f'<th scope="row" class="check-src"><span class="src-name">{esc(name)}</span>'
        f'<span class="check-badges">{kind}{interest_badge(prof, row, lang)}</span></th>'
    )
    th, cls = esc(message("check_col_label", lang)), esc(row.label.replace(" ", "-"))
    lab = (
        f'<td class="check-label-cell" data-th="{th}"><span class="check-label label-{cls}"'
        f' data-label="{esc(row.label)}">{esc(label_word(row.label, lang))}</span></td>'
    )
    if row.quote:
        mark = ""
        if row.passage_id in marks:
            mark = f'<span class="markers">{_marker_button(turn, marks[row.passage_id], name, lang)}</span>'
        quote = f'<q class="quote"{_fr(lang)} data-passage="{esc(row.passage_id)}">{esc(row.quote)}</q>{mark}'
    else:
        quote = f'<span class="check-none">{esc(message("check_no_quote", lang))}</span>'
    cells = (
        head + lab + f'<td class="check-quote" data-th="{esc(message("check_col_quote", lang))}">{quote}</td>'
    )
    if values:
        th = esc(message("check_col_value", lang))
        cells += f'<td class="check-value" data-th="{th}">{esc(row.value or "—")}</td>'
    return f'<tr class="check-row" data-source="{esc(row.source_id)}">{cells}</tr>'


def check_table_html(
    check: Check,
    turn: int,
    marks: dict[str, int],
    sources: Mapping[str, SourceProfile],
    lang: str,
    n: int = 0,
    head: str = "",
    text_lang: str = "",
) -> str:
    """One part of the claim: a table captioned by the part's framing sentence (else its topic) and the
    claim's words (both in the claim's language, `text_lang`), one row per source; a quantity adds a
    value column."""
    values = bool(check.claim_value) or any(r.value for r in check.rows)
    caption = head or message("check_caption", lang, topic=check.topic or check.aspect)
    own = f' lang="{esc(text_lang)}"' if text_lang and text_lang != lang else ""
    claim = ""
    if check.claim_value:
        said = message("check_claim_value", lang, value=check.claim_value)
        claim = f' <span class="check-claim-value">({esc(said)})</span>'
    cols = ["check_col_source", "check_col_label", "check_col_quote"] + (
        ["check_col_value"] if values else []
    )
    heads = "".join(f'<th scope="col">{esc(message(k, lang))}</th>' for k in cols)
    rows = "".join(_row_html(r, turn, marks, sources, lang, values) for r in check.rows)
    return (
        f'<div class="check-wrap" id="t{turn}-check{n}"><table class="check-table">'
        f'<caption><span class="check-topic"{own if head else ""}>{esc(caption)}</span>{claim}'
        f'<span class="check-part"{own}>{esc(check.part)}</span></caption>'
        f"<thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table></div>"
    )


def _loose_statements(answer: Answer) -> list:
    """The statements that are not a row: a framing line directly followed by its quote is one."""
    sts = [st for st in answer.statements if st.section != "disagreement"]
    out = []
    i = 0
    while i < len(sts):
        st = sts[i]
        nxt = sts[i + 1] if i + 1 < len(sts) else None
        if st.kind == "framing" and st.section != "referral" and nxt is not None and nxt.kind == "quote":
            i += 2
            continue
        if st.kind == "framing" or st.section == "referral":
            out.append(st)
        i += 1
    return out


def check_body_html(
    answer: Answer,
    turn: int,
    marks: dict[str, int],
    sources: Mapping[str, SourceProfile],
    lang: str,
    pharmacy: Mapping[str, str] | None = None,
) -> str:
    """The intro, then each part's table under its framing sentence; a referral keeps its own block."""
    loose = _loose_statements(answer)
    referrals = [st for st in loose if st.section == "referral"]
    framings = [st for st in loose if st.section != "referral"]
    heads = framings[1:] if len(framings) == len(answer.checks) + 1 else []
    lead = framings[:1] if heads else framings
    own = "" if answer.language == lang else f' lang="{esc(answer.language)}"'  # the answer's own words
    out = [f'<p class="ans-p"{own}><span class="framing">{esc(st.text)}</span></p>' for st in lead]
    for i, check in enumerate(answer.checks):
        head = heads[i].text if heads else ""
        out.append(check_table_html(check, turn, marks, sources, lang, i, head, answer.language))
    out += [f'<p class="ans-p">{referral_html(st.text, lang, pharmacy)}</p>' for st in referrals]
    return f'<section class="check" aria-label="{esc(message("check_title", lang))}">{"".join(out)}</section>'
