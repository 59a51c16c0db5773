"""The speller on the real documents: it repairs misspellings of document words and chat spellings, and
leaves alone real words the documents do not use, so that a question naming something they never discuss
still looks like one."""

from pathlib import Path

import pytest

from bot.answer.spelling import Speller, edits

CLEAN = Path(__file__).resolve().parent.parent / "corpus" / "clean"


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller({p.stem: p.read_text(encoding="utf-8") for p in sorted(CLEAN.glob("*.md"))})


@pytest.mark.parametrize(
    ("asked", "read"),
    [
        ("le raport de l'Inserm", "le rapport de l'Inserm"),  # one edit, a word listed in general language
        ("des soins efficasses", "des soins efficaces"),  # two edits, a word no list has
        ("linserm en dit quoi", "l'inserm en dit quoi"),  # a glued elision
        ("Cest cher ?", "C'est cher ?"),  # a chat spelling opening the question
        ("cb de séances", "combien de séances"),
    ],
)
def test_repairs(speller, asked, read):
    assert speller.repair(asked, "fr") == read


@pytest.mark.parametrize(
    "asked",
    [
        "et la cellulite ?",  # not a misspelt "cellule": a thing the documents never discuss
        "et pour les cils ?",  # not "c'ils"
        "le centre le moins cher",  # not "c'entre", "c'her"
        "c'est légalement autorisé ?",  # not "l'également"
        "contre l'herpès ?",
        "des gélules de zinc",
    ],
)
def test_leaves_real_words_alone(speller, asked):
    assert speller.repair(asked, "fr") == asked


def test_edits_counts_a_swap_as_one():
    assert edits("coprs", "corps") == 1
    assert edits("cellulite", "cellule") == 2
    assert edits("raport", "rapport") == 1
