"""Unit tests of the text helpers every verbatim check relies on."""

from bot.lang.text import (
    content_tokens,
    detect_language,
    is_verbatim,
    normalize,
    split_sentences,
    word_ngrams,
)


def test_sentences_are_verbatim_slices():
    text = "## Titre\n\nLes exosomes sont petits (fig. 1). Ils font 30-150 nm ! Vrai ?\n- un item « cité »."
    spans = split_sentences(text)
    got = [text[s:e] for s, e in spans]
    assert got == [
        "Titre",
        "Les exosomes sont petits (fig. 1).",
        "Ils font 30-150 nm !",
        "Vrai ?",
        "un item « cité ».",
    ]


def test_table_rows_are_one_sentence_each():
    text = "| a | b |\n| Ultrafiltration | Size |"
    assert [text[s:e] for s, e in split_sentences(text)] == ["| a | b |", "| Ultrafiltration | Size |"]


def test_normalize_quotes_and_spaces():
    assert normalize("l’exosome  «\u00a0x\u00a0»\n") == 'l\'exosome " x "'
    assert is_verbatim("l'exosome est", "Ici l’exosome\nest petit.")
    assert not is_verbatim("", "anything")
    assert not is_verbatim("l'exosome est grand", "Ici l’exosome est petit.")


def test_tokens_fold_lemmas_and_stems():
    assert "rembours" in content_tokens("remboursés")
    assert content_tokens("remboursement") == content_tokens("remboursés")
    assert "seanc" in content_tokens("Combien de séances ?")
    assert "les" not in content_tokens("les exosomes")


def test_language():
    assert detect_language("Are exosomes safe for my skin?") == "en"
    assert detect_language("Les exosomes sont-ils sûrs ?") == "fr"
    assert detect_language("exosomes") == "fr"


def test_word_ngrams_keep_function_words_and_fold_accents():
    pairs, triples = word_ngrams("Après l'injection, les exosomes libèrent")
    assert ("apres", "l") in pairs and ("l", "injection") in pairs and ("injection", "les") in pairs
    assert ("apres", "l", "injection") in triples
    assert ("exosomes", "apres") not in pairs  # order matters
    assert word_ngrams("") == (frozenset(), frozenset())
