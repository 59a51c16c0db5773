"""answer_markdown is rendered from the Answer alone, escaped, with every fixed string from the catalogue."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bot.models import Answer, Citation, Disagreement, Position, Statement
from bot.render.markdown import md_escape, render_markdown
from bot.render.messages import MessageError, catalogue, message, messages, parse_catalogue, placeholders

pytestmark = pytest.mark.unit  # pure rendering: no model, no index


def cite(pid: str, marker: int, label: str, date: str | None, heading: list[str]) -> Citation:
    sid = pid.split("#")[0]
    return Citation(
        passage_id=pid,
        source_id=sid,
        source_title=f"Titre {sid}",
        text="…",
        start=0,
        end=1,
        score=0.5,
        heading_path=heading,
        source_label=label,
        source_date=date,
        marker=marker,
    )


def answered(lang: str = "fr") -> Answer:
    return Answer(
        question="Est-ce sûr ?",
        language=lang,
        status="answered",
        statements=[
            Statement(kind="framing", text="Selon l'Inserm (institut public de recherche, 2025) :"),
            Statement(kind="quote", text="Les effets sont mal connus.", citations=["inserm#1"]),
            Statement(kind="framing", text="Selon la clinique (clinique qui propose ce soin) :"),
            Statement(kind="quote", text="La tolérance est excellente.", citations=["clinique#2"]),
            Statement(kind="framing", text="Les sources ne sont pas d'accord", section="disagreement"),
            Statement(kind="framing", text="Sur tolérance :", section="disagreement"),
        ],
        citations=[
            cite("inserm#1", 1, "institut public de recherche", "2025-05-22", ["Risques", "Allergies"]),
            cite("clinique#2", 2, "clinique qui propose ce soin", None, []),
        ],
        disagreements=[
            Disagreement(
                topic="tolérance",
                summary="L'Inserm est prudent ; la clinique est rassurante.",
                positions=[
                    Position(
                        source_id="inserm",
                        passage_id="inserm#1",
                        stance="prudent",
                        quote="mal connus",
                        source_label="l'Inserm",
                        source_kind="institut public de recherche",
                    ),
                    Position(
                        source_id="clinique",
                        passage_id="clinique#2",
                        stance="rassurant",
                        quote="excellente",
                        source_label="la clinique",
                        source_kind="clinique qui propose ce soin",
                    ),
                ],
            )
        ],
    )


def test_answer_layout_framing_quotes_disagreement_sources_note():
    md = render_markdown(answered())
    assert md.splitlines()[:3] == [
        "**Selon l'Inserm (institut public de recherche, 2025) :**",
        "> « Les effets sont mal connus. » [1]",
        "",
    ]
    assert "### ⚖️ Les sources ne sont pas d'accord" in md
    assert "**tolérance** — L'Inserm est prudent ; la clinique est rassurante." in md
    assert "- *L'Inserm (institut public de recherche) — prudent* : « mal connus » [1]" in md
    assert "- *La clinique (clinique qui propose ce soin) — rassurant* : « excellente » [2]" in md
    assert "[1] Titre inserm (institut public de recherche, 2025-05-22) — Risques &gt; Allergies  " in md
    assert "[2] Titre clinique (clinique qui propose ce soin)  " in md
    assert md.endswith(f"_{message('disclaimer', 'fr')}_")
    assert "\n\n\n" not in md
    # the disagreement's own statements are not written out twice
    assert "Sur tolérance :" not in md


def test_english_answer_uses_english_headings():
    md = render_markdown(answered("en"))
    assert "### ⚖️ The sources disagree" in md and "\nSources:\n" in md
    assert md.endswith("_Information, not medical advice — talk to your pharmacist._")


def test_referral_is_bold_and_comes_before_the_sources():
    ans = answered()
    ans.referral = True
    ans.statements.append(Statement(kind="framing", text=message("referral", "fr"), section="referral"))
    md = render_markdown(ans)
    assert md.count("pharmacien ou à votre médecin") == 1
    assert md.index(f"**{message('referral', 'fr')}**") < md.index("Sources :")


def test_refusal_lists_the_suggestions_once():
    head = message("suggest_head", "fr")
    ans = Answer(
        question="Quelle heure est-il ?",
        status="out_of_scope",
        statements=[
            Statement(kind="framing", text=message("out_of_scope", "fr"), section="refusal"),
            Statement(kind="framing", text=message("coverage", "fr"), section="refusal"),
            Statement(kind="framing", text=f"{head} Prix ? / Séances ?", section="refusal"),
            Statement(kind="framing", text=message("referral", "fr"), section="referral"),
        ],
        suggestions=["Prix ?", "Séances ?"],
        referral=True,
    )
    lines = render_markdown(ans).split("\n")
    assert lines[:4] == [message("out_of_scope", "fr"), "", md_escape(message("coverage", "fr")), ""]
    assert lines[4:7] == [head, "- Prix ?", "- Séances ?"]
    assert lines[-3:] == [f"**{message('referral', 'fr')}**", "", f"_{message('disclaimer', 'fr')}_"]
    assert f"{head} Prix" not in "\n".join(lines)


def test_rejected_input_is_its_message():
    ans = Answer(question="", status="rejected_input", error=message("empty", "fr"))
    assert render_markdown(ans) == message("empty", "fr")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60), st.text(max_size=60))
def test_any_document_text_stays_inert(quote, topic):
    ans = answered()
    ans.statements[1] = Statement(kind="quote", text=quote, citations=["inserm#1"])
    ans.disagreements[0].topic = topic
    ans.disagreements[0].positions[0].quote = quote
    ans.citations[0].source_title = quote
    md = render_markdown(ans)
    assert not re.search(r"<[a-zA-Z!/?]", md)
    tokens = MarkdownIt("commonmark").parse(md)
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in (t.children or [])}
    assert not kinds & {"html_block", "html_inline", "link_open", "image"}


# --- the message catalogue ----------------------------------------------------


def test_catalogue_has_both_languages_and_matching_placeholders():
    for key, entry in catalogue().items():
        if isinstance(entry.fr, str):
            assert entry.fr and entry.en, key
            assert placeholders(entry.fr) == placeholders(entry.en), key
        else:
            assert len(entry.fr) == len(entry.en) > 0, key
    assert len(messages("months", "en")) == 12


def test_message_fills_placeholders_and_falls_back_to_french():
    assert message("too_long", "en", n=5, max=3).startswith("Your question is too long (5 characters")
    assert message("disclaimer", "de") == message("disclaimer", "fr")
    with pytest.raises(MessageError, match="no message 'nope'"):
        message("nope", "fr")
    with pytest.raises(MessageError, match="is a list"):
        message("months", "fr")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("hello:\n  fr: Bonjour\n", "'hello'.*en"),
        ("hello:\n  fr: 'Bonjour {name}'\n  en: 'Hello {nom}'\n", "'hello'.*placeholders differ"),
        ("hello:\n  fr: [a, b]\n  en: [a]\n", "'hello'.*2 items"),
        ("hello:\n  fr: a\n  en: b\n  de: c\n", "'hello'.*de"),
        ("- a\n", "expected a mapping"),
    ],
)
def test_a_bad_catalogue_names_the_key(text, problem):
    with pytest.raises(MessageError, match=f"test.yaml.*{problem}"):
        parse_catalogue(text, "test.yaml")
