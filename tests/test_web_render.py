"""The chat's HTML: escaped everywhere, markers tied to passages, badges, disagreement and refusal blocks."""

from __future__ import annotations

from html import escape as esc_html
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.models import Answer, Citation, Disagreement, Position, SourceProfile, Statement
from bot.render.context import document_context, find_spans, marked
from bot.render.html import render_answer, render_transcript
from bot.render.messages import message

pytestmark = pytest.mark.unit  # pure rendering: no model, no index

SOURCES = {
    "inserm": SourceProfile(
        id="inserm",
        file="a.txt",
        title="Titre Inserm",
        publisher="Inserm",
        date="2025-05-22",
        kind="public_institute",
        kind_label_fr="institut public de recherche",
        kind_label_en="public research institute",
        short_name_fr="l'Inserm",
        short_name_en="Inserm",
        commercial_interest_fr="Aucun",
        commercial_interest_en="None",
    ),
    "clinique": SourceProfile(
        id="clinique",
        file="b.txt",
        title="Titre clinique",
        publisher="Clinique",
        kind="clinic",
        kind_label_fr="clinique qui propose ce soin",
        kind_label_en="clinic offering the treatment",
        short_name_fr="la clinique",
        short_name_en="the clinic",
        commercial_interest_fr="Vend ce soin",
        commercial_interest_en="Sells it",
    ),
}
DOC_I = "# Titre\n\nIntro.\n\n## Risques\n\nLes effets sont mal connus. Leur efficacité n’est pas prouvée.\n\nFin."
P_I = "Les effets sont mal connus. Leur efficacité n’est pas prouvée."
DOC_C = "Nos soins.\n\nLa tolérance est excellente, sans effet secondaire. Prenez rendez-vous."
P_C = "La tolérance est excellente, sans effet secondaire."
DOCS = {"inserm": DOC_I, "clinique": DOC_C}


def cite(sid: str, text: str, doc: str, marker: int, highlights: list[str]) -> Citation:
    start = doc.index(text)
    return Citation(
        passage_id=f"{sid}#1",
        source_id=sid,
        source_title=SOURCES[sid].title,
        text=text,
        start=start,
        end=start + len(text),
        score=0.5,
        heading_path=["Risques"],
        source_kind=SOURCES[sid].kind,
        source_date=SOURCES[sid].date,
        marker=marker,
        highlights=highlights,
    )


def answered() -> Answer:
    return Answer(
        question="Est-ce sûr ?",
        status="answered",
        statements=[
            Statement(kind="framing", text="Selon l'Inserm :"),
            Statement(kind="quote", text="Leur efficacité n'est pas prouvée.", citations=["inserm#1"]),
            Statement(kind="framing", text="Selon la clinique :"),
            Statement(kind="quote", text="La tolérance est excellente", citations=["clinique#1"]),
        ],
        citations=[
            cite("inserm", P_I, DOC_I, 1, ["Leur efficacité n'est pas prouvée."]),
            cite("clinique", P_C, DOC_C, 2, ["La tolérance est excellente"]),
        ],
        disagreements=[
            Disagreement(
                topic="tolérance",
                summary="L'Inserm est prudent ; la clinique est rassurante.",
                positions=[
                    Position(source_id="inserm", passage_id="inserm#1", stance="prudent", quote="mal connus"),
                    Position(
                        source_id="clinique", passage_id="clinique#1", stance="rassurant", quote="excellente"
                    ),
                ],
            )
        ],
    )


class Tags(HTMLParser):
    """Collects every tag and attribute the browser would build from the HTML."""

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)


def parse(html: str) -> Tags:
    p = Tags()
    p.feed(html)
    return p


SAFE_TAGS = {
    "div", "p", "span", "q", "button", "details", "summary", "blockquote", "mark", "ol", "ul", "li",
    "article", "section", "h2", "h3", "strong", "br", "svg", "path", "circle", "a",
}  # fmt: skip


def test_markers_open_the_cited_passage_and_badges_show_kind_and_date():
    html = render_answer(answered(), 0, SOURCES, DOCS, "fr")
    assert 'data-target="t0-c1"' in html and 'id="t0-c1"' in html
    assert 'data-target="t0-c2"' in html and 'id="t0-c2"' in html
    assert "institut public de recherche" in html and "22 mai 2025" in html
    assert "clinique qui propose ce soin" in html and "date non indiquée" in html
    # the quoted sentence is highlighted inside the passage, despite the typographic apostrophe
    assert '<mark class="hl">Leur efficacité n’est pas prouvée.</mark>' in html
    assert "Ouvrir dans le document" in html and 'class="in-doc-passage"' in html
    assert 'href="/passages/inserm%231"' in html and 'href="/sources#src-inserm"' in html


def test_english_switch_changes_the_chrome_not_the_quotes():
    html = render_answer(answered(), 0, SOURCES, DOCS, "en")
    assert "public research institute" in html and "22 May 2025" in html
    assert "The sources disagree" in html and "Open in the document" in html
    assert "Leur efficacité n&#x27;est pas prouvée." in html


def test_disagreement_block_lists_each_side_with_its_badge():
    html = render_answer(answered(), 3, SOURCES, DOCS, "fr")
    start = html.index('class="disagree"')
    block = html[start : html.index("</section>", start)]
    assert "Les sources ne sont pas d&#x27;accord" in block
    assert block.count('class="position"') == 2
    assert "institut public de recherche" in block and "clinique qui propose ce soin" in block
    assert 'data-target="t3-c1"' in block and 'data-target="t3-c2"' in block


def test_no_disagreement_block_when_sources_agree():
    ans = answered()
    ans.disagreements = []
    assert 'class="disagree"' not in render_answer(ans, 0, SOURCES, DOCS, "fr")


def test_refusal_offers_clickable_chips_and_drops_the_spelled_out_list():
    ans = Answer(
        question="Quelle heure est-il ?",
        status="out_of_scope",
        statements=[
            Statement(kind="framing", text="Je ne réponds que sur les exosomes."),
            Statement(kind="framing", text="Vous pouvez demander : Que sont les exosomes ? / Prix ?"),
        ],
        suggestions=["Que sont les exosomes ?", "Prix ?"],
    )
    html = render_answer(ans, 0, SOURCES, DOCS, "fr")
    assert 'class="refusal"' in html
    assert html.count('class="chip"') == 2
    assert 'data-question="Que sont les exosomes ?"' in html
    assert "Vous pouvez demander" not in html
    assert "Je ne réponds que sur les exosomes." in html


def test_refusal_without_text_still_says_what_is_covered():
    html = render_answer(Answer(question="x", status="not_in_sources"), 0, SOURCES, DOCS, "fr")
    assert "ne répondent pas" in html and "Je cite cinq documents" in html and 'class="chip"' in html


def test_referral_is_shown_once():
    ans = answered()
    ans.referral = True
    ans.statements.append(Statement(kind="framing", text="Parlez-en à votre pharmacien ou à votre médecin."))
    html = render_answer(ans, 0, SOURCES, DOCS, "fr")
    assert html.count('class="referral"') == 1
    ans.statements.pop()
    assert render_answer(ans, 0, SOURCES, DOCS, "fr").count('class="referral"') == 1


def test_rejected_input_shows_the_message():
    ans = Answer(question="", status="rejected_input", error="Votre question est vide.")
    html = render_answer(ans, 0, SOURCES, DOCS, "fr")
    assert 'role="alert"' in html and "Votre question est vide." in html


def test_hostile_question_and_document_text_stay_text():
    hostile = '<img src=x onerror=alert(1)>"><script>alert(2)</script>'
    ans = answered()
    ans.question = hostile
    ans.statements[1] = Statement(kind="quote", text=hostile, citations=["inserm#1"])
    ans.suggestions = [hostile]
    ans.status = "not_in_sources"
    docs = {"inserm": DOC_I.replace("Intro.", hostile), "clinique": DOC_C}
    ans.citations[0].text = P_I + " " + hostile
    html = render_transcript(
        [{"question": hostile, "answer": ans.model_dump(mode="json")}], SOURCES, docs, "fr"
    )
    tags = parse(html)
    assert "img" not in tags.tags and "script" not in tags.tags
    assert not [a for a, _ in tags.attrs if a.startswith("on")]
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=80), st.text(min_size=0, max_size=40))
def test_any_text_builds_only_our_own_tags(question, quote):
    ans = Answer(
        question=question,
        status="answered",
        statements=[Statement(kind="framing", text=question), Statement(kind="quote", text=quote)],
        suggestions=[question],
    )
    html = render_transcript(
        [{"question": question, "answer": ans.model_dump(mode="json")}], SOURCES, DOCS, "en"
    )
    tags = parse(html)
    assert set(tags.tags) <= SAFE_TAGS
    assert not [a for a, _ in tags.attrs if a.startswith("on")]


def test_find_spans_ignores_whitespace_and_quote_style():
    text = "Il dit : « c’est\n  sûr ».  Puis rien."
    spans = find_spans(text, ['" c\'est sûr "'])
    assert len(spans) == 1
    s, e = spans[0]
    assert text[s:e] == "« c’est\n  sûr »"
    assert marked("a<b", [(1, 2)]) == 'a<mark class="hl">&lt;</mark>b'


def test_document_context_surrounds_the_passage():
    start = DOC_I.index(P_I)
    before, middle, after = document_context(DOC_I, start, start + len(P_I), width=20)
    assert middle == P_I
    assert DOC_I[start - 5 : start] in before or before.endswith(DOC_I[start - 2 : start])
    assert after.startswith("\n\nFin") or after.startswith("\n")


def test_empty_screen_has_example_chips():
    html = render_transcript([], SOURCES, DOCS, "fr")
    assert html.count('class="chip"') >= 3


def test_pending_turn_shows_the_question_and_a_status():
    html = render_transcript([{"question": "Q ?", "answer": None}], SOURCES, DOCS, "fr")
    assert 'aria-busy="true"' in html and 'role="status"' in html and "Q ?" in html


def test_written_out_disagreement_is_not_repeated_in_the_answer_text():
    ans = answered()
    ans.referral = True
    ans.statements += [
        Statement(kind="framing", text="Les sources ne sont pas d'accord", section="disagreement"),
        Statement(
            kind="framing",
            text="tolérance — L'Inserm est prudent ; la clinique est rassurante.",
            section="disagreement",
        ),
        Statement(
            kind="framing", text="L'Inserm (institut public de recherche) — prudent :", section="disagreement"
        ),
        Statement(kind="quote", text="mal connus", citations=["inserm#1"], section="disagreement"),
        Statement(kind="framing", text="Parlez-en à votre pharmacien.", section="referral"),
    ]
    html = render_answer(ans, 0, SOURCES, DOCS, "fr")
    body = html[: html.index('class="disagree"')]
    assert "institut public de recherche) — prudent" not in body and "mal connus" not in body
    assert "Parlez-en à votre pharmacien." in body
    assert html.count('class="disagree"') == 1


def test_referral_fallback_is_the_one_referral_of_the_catalogue():
    ans = answered()
    ans.referral = True
    html = render_answer(ans, 0, SOURCES, DOCS, "en")
    assert "This is not personal medical advice" in html
    assert message("referral", "en").startswith("This is not personal medical advice")


def test_profile_fields_follow_the_language():
    inserm = SOURCES["inserm"]
    assert (inserm.name("fr"), inserm.name("en")) == ("l'Inserm", "Inserm")
    assert inserm.kind_label("en") == "public research institute"
    assert inserm.kind_label("de") == "institut public de recherche"  # French for any other language
    assert (inserm.interest("fr"), inserm.interest("en")) == ("Aucun", "None")


def test_disagreement_badges_take_their_colour_from_the_profile():
    ans = answered()
    side = ans.disagreements[0].positions[0]
    side.source_kind = "institut public de recherche"  # a label, as the detector writes it
    html = render_answer(ans, 0, SOURCES, DOCS, "fr")
    block = html[html.index('class="disagree"') :]
    assert "badge kind-public" in block and "badge kind-commercial" in block and "kind-other" not in block


# --- issue 13: the passage in place, the pharmacy, English, the brand's contrast ---------------------


def test_each_source_entry_shows_its_passage_once_with_the_answer_span_inside_the_quote():
    ans = answered()
    ans.statements[1] = Statement(
        kind="quote", text="Leur efficacité n'est pas prouvée.", citations=["inserm#1"], highlight=[(5, 15)]
    )
    html = render_answer(ans, 0, SOURCES, DOCS, "fr")
    start = html.index('id="t0-c1"')
    entry = html[start : html.index("</details>", start)]
    assert entry.count("Les effets sont ") == 1  # no second copy of the passage ("voir dans le document")
    assert entry.count('class="in-doc-passage"') == 1 and "Intro." in entry  # in its document's context
    assert (
        '<mark class="hl">Leur <strong class="answer-span">efficacité</strong> n’est pas prouvée.</mark>'
        in entry
    )
    assert 'tabindex="0"' in entry and 'role="region"' in entry  # the scrolling view takes the keyboard


def test_english_chrome_marks_the_french_quotes_and_approximate_years():
    from bot.render.html import format_date

    html = render_answer(answered(), 0, SOURCES, DOCS, "en")
    assert (
        '<q class="quote" lang="fr">' in html
        and 'class="doc-text passage-view" tabindex="0" role="region" lang="fr"' in html
    )
    assert "Cited sources" in html and "Sources citées" not in html
    assert format_date("2023 (environ)", "en") == "about 2023"
    assert format_date("2023 (environ)", "fr") == "2023 (environ)"
    assert '<q class="quote" lang="fr">' not in render_answer(answered(), 0, SOURCES, DOCS, "fr")


def test_referral_names_the_pharmacy_with_tel_hours_and_site_all_escaped():
    ans = answered()
    ans.referral = True
    ph = {"name": "<b>Pharma</b>", "phone": "01 23 45 67 89", "hours": "8h–19h", "url": "javascript:alert(1)"}
    html = render_answer(ans, 0, SOURCES, DOCS, "fr", ph)
    assert "Parler à un pharmacien" in html and "&lt;b&gt;Pharma&lt;/b&gt;" in html and "<b>" not in html
    assert 'href="tel:0123456789"' in html and "8h–19h" in html
    assert "javascript:" not in html  # only an http(s) site becomes a link
    ph["url"] = "https://pharmacie.example/contact"
    assert 'href="https://pharmacie.example/contact"' in render_answer(ans, 0, SOURCES, DOCS, "en", ph)
    plain = render_answer(ans, 0, SOURCES, DOCS, "fr")
    assert "Parler à un pharmacien" not in plain and "tel:" not in plain


@pytest.mark.parametrize("color", ["#ffff00", "#22d3ee", "#14b8a6", "teal", "#12345"])
def test_unreadable_or_malformed_brand_colours_are_refused(color):
    from bot.settings import Settings
    from bot.web.brand import checked_brand_color

    with pytest.raises(ValueError, match="BOT_BRAND_COLOR"):
        checked_brand_color(Settings(brand_color=color))


@pytest.mark.parametrize("color", ["#0f766e", "#7c2d12", "#1d4ed8", "#000"])
def test_readable_brand_colours_pass_and_reach_every_accent_variable(color):
    from bot.settings import Settings
    from bot.web.brand import contrast
    from bot.web.ui import brand_css

    assert contrast(color, "#fff") >= 4.5
    css = brand_css(Settings(brand_color=color))
    assert f"--brand: {color}" in css and f"--button-primary-background-fill: {color}" in css


def test_claim_check_rows_are_an_escaped_table_with_labels_badges_and_marked_quotes():
    from bot.models import Check, CheckRow

    rows = [CheckRow(source_id="inserm", label="contredit", passage_id="inserm#1", quote=P_I), CheckRow(
        source_id="clinique", label="ne dit rien", sells_treatment=True)]  # fmt: skip
    head, line = "Sur <b>l'efficacité</b> : l'Inserm le contredit.", "L'Inserm — contredit :"
    ans = answered().model_copy(update={"disagreements": [], "checks": [Check(aspect="efficacite",
        part="<img src=x>", topic="l'efficacité", rows=rows)], "statements": [Statement(kind="framing",
        text="Ce que dit chaque source :"), Statement(kind="framing", text=head), Statement(kind="framing",
        text=line), Statement(kind="quote", text=P_I, citations=["inserm#1"])]})  # fmt: skip
    html = render_answer(ans, 0, SOURCES, {}, "en")
    assert set(parse(html).tags) <= SAFE_TAGS | {"table", "caption", "thead", "tbody", "tr", "th", "td"}
    assert "&lt;img src=x&gt;" in html and esc_html(head) in html and esc_html(line) not in html
    table = html[html.index("<table") :]
    ins, cli = table.split('data-source="inserm"')[1], table.split('data-source="clinique"')[1]
    assert (
        'data-label="contredit">contradicts<' in ins
        and f'lang="fr" data-passage="inserm#1">{esc_html(P_I)}</q>' in ins
    )
    assert 'data-target="t0-c1"' in ins.split("</tr>")[0] and "<q" not in cli.split("</tr>")[0]
    assert 'data-label="ne dit rien">says nothing<' in cli and "interest-sells" in cli and "Sells it" in cli
    assert table.count("<tr") == 3 and 'scope="row"' in ins.split("</tr>")[0]


def test_an_answer_whose_quotes_are_all_in_the_side_by_side_is_not_drawn_twice():
    """The question is the disputed point: the block carries the quotes, and the answer's Markdown (which
    writes the block out too) is not drawn under it as a body."""
    a = answered()
    a.statements = [
        Statement(kind="framing", text="Les sources ne sont pas d'accord", section="disagreement"),
        Statement(kind="quote", text="mal connus", citations=["inserm#1"], section="disagreement"),
    ]
    a.answer_markdown = "### ⚖️ Les sources ne sont pas d'accord\n\n**tolérance** — « mal connus » [1]"
    html = render_answer(a, 0, SOURCES, DOCS, "fr")
    assert 'class="disagree"' in html and 'class="cite-marker"' in html
    assert 'class="ans-body"' not in html and "###" not in html


def test_a_check_no_source_is_labelled_on_shows_its_quotes_not_empty_tables():
    """Rows all "ne dit rien" and no row quote: the closest passages are drawn as an answer's quotes."""
    from bot.models import Check, CheckRow

    a = answered().model_copy(
        update={
            "disagreements": [],
            "checks": [
                Check(
                    aspect="securite",
                    part="sans risque",
                    topic="la sécurité",
                    rows=[CheckRow(source_id=sid, label="ne dit rien") for sid in SOURCES],
                )
            ],
        }
    )
    html = render_answer(a, 0, SOURCES, DOCS)
    assert "Leur efficacité n&#x27;est pas prouvée." in html or "Leur efficacité n'est pas prouvée." in html
    assert "<table" not in html
    with_row = a.model_copy(
        update={
            "checks": [
                a.checks[0].model_copy(
                    update={
                        "rows": [
                            CheckRow(
                                source_id="inserm",
                                label="contredit",
                                passage_id="inserm#1",
                                quote="Leur efficacité n'est pas prouvée.",
                            )
                        ]
                    }
                )
            ]
        }
    )
    assert "<table" in render_answer(with_row, 0, SOURCES, DOCS)
