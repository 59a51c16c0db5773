"""The check as an Answer: a framing sentence built from the rows, then each source's quote, cited.

The framing only groups the sources by label and says who they are (their
kind, whether they sell the treatment); it never calls the claim true or false.
"""

from __future__ import annotations

from bot.answer import relevance
from bot.answer.compose import Citations, compose_ranked
from bot.check.label import SILENT, Label
from bot.check.split import Part, cues
from bot.disagree import detect
from bot.models import Check, CheckRow, Statement

ORDER = ("soutient", "contredit", "nuance", "ne dit rien")


def topic(part: Part, lang: str) -> str:
    k = 1 if lang == "en" else 0
    if part.kind == "general":
        return cues()["general_topic"]["en" if lang == "en" else "fr"]
    if part.aspect in detect.MEASURE_TOPIC:
        return detect.MEASURE_TOPIC[part.aspect][3 if lang == "en" else 2]
    if part.aspect in detect.ABOUT:
        return detect.ABOUT[part.aspect][k]
    return part.aspect


def framing(kb, labels: dict[str, Label], lang: str) -> str:
    """ "Les sources qui vendent ce soin le soutiennent ; l'Inserm (institut public de recherche) le contredit." """
    c = cues()
    lg = "en" if lang == "en" else "fr"
    sellers = {sid for sid, s in kb.sources.items() if s.sells_treatment}
    clauses = []
    for lab in ORDER:
        group = [sid for sid in kb.sources if labels[sid].label == lab]
        if not group:
            continue
        if set(group) == sellers and len(group) > 1:
            who = c["sellers"][lg]
        else:
            names = [f"{kb.sources[s].name(lg)} ({kb.sources[s].kind_label(lg)})" for s in group]
            who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {c['and'][lg]} " + names[-1]
        verb = c["verbs"][lg][lab][0 if len(group) == 1 else 1]
        clauses.append(f"{who} {verb}")
    text = " ; ".join(clauses) if lg == "fr" else "; ".join(clauses)
    return text[:1].upper() + text[1:] + "."


def compose(kb, parts: list[Part], labelled: list[dict[str, Label]], lang: str):
    """Statements, citations and checks for the parts that at least one source speaks to."""
    c = cues()
    lg = "en" if lang == "en" else "fr"
    cites = Citations(kb, lg)
    statements = [Statement(kind="framing", text=c["intro"][lg])]
    checks = []
    for part, labels in zip(parts, labelled, strict=True):
        rows = []
        head = c["on_part"][lg].format(topic=topic(part, lg))
        statements.append(Statement(kind="framing", text=head + framing(kb, labels, lg)))
        for sid, src in kb.sources.items():
            lab = labels[sid]
            row = _row(sid, src, lab, lg)
            if lab.label != SILENT and lab.row is not None:
                s = kb.sentences[lab.row]
                row.passage_id, row.quote = s.passage_id, s.text
                word = c["labels"][lg][lab.label]
                fields = {"name": src.name(lg), "kind": src.kind_label(lg), "label": word}
                if lab.value:
                    text = c["row_value"][lg].format(**fields, value=lab.value, claim_value=part.value)
                else:
                    text = c["row"][lg].format(**fields)
                statements.append(Statement(kind="framing", text=text[:1].upper() + text[1:]))
                cites.cite(s.passage_id, lab.rel, highlight=s.text)
                statements.append(Statement(kind="quote", text=s.text, citations=[s.passage_id]))
            rows.append(row)
        checks.append(_check(part, rows, lg))
    return statements, cites.list(), checks


def _row(sid: str, src, lab: Label, lg: str) -> CheckRow:
    """One source's row, before its quote: its label, kind, commercial interest and stated value."""
    return CheckRow(
        source_id=sid,
        label=lab.label,
        source_label=src.kind_label(lg),
        sells_treatment=src.sells_treatment,
        value=lab.value,
    )


def _check(part: Part, rows: list[CheckRow], lg: str) -> Check:
    return Check(aspect=part.aspect, part=part.text, topic=topic(part, lg), claim_value=part.value, rows=rows)


def nearest(kb, parts: list[Part], chosen: list[tuple[int, float]], lang: str, atype):
    """No source labelled, yet the relevance model would answer the claim as a question: its quotes,
    said to be the documents' closest passages, and every row "ne dit rien" (the labels stay as read)
    rather than a refusal that would tell the reader the documents never touch the point."""
    lg = "en" if lang == "en" else "fr"
    cites = Citations(kb, lg)
    statements = [Statement(kind="framing", text=cues()["nearest"][lg])]
    statements += compose_ranked(kb, chosen, lg, cites, lambda text: relevance.answer_spans(text, atype))
    silent = Label(SILENT)
    checks = [_check(p, [_row(sid, src, silent, lg) for sid, src in kb.sources.items()], lg) for p in parts]
    return statements, cites.list(), checks
