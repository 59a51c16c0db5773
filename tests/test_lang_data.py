"""The language data files: they load, a broken entry is named, and nothing was lost in the move."""

from __future__ import annotations

import re
import shutil

import pytest

from bot.disagree import stance, topics
from bot.errors import LanguageDataError
from bot.lang import data

pytestmark = pytest.mark.unit


def _clear() -> None:
    for f in vars(data).values():
        if hasattr(f, "cache_clear"):
            f.cache_clear()


@pytest.fixture
def copy(tmp_path, monkeypatch):
    """A writable copy of the data files; the loader reads it instead of the real ones."""
    root = tmp_path / "lang"
    shutil.copytree(data.HERE, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    monkeypatch.setattr(data, "HERE", root)
    _clear()
    yield root
    monkeypatch.undo()
    _clear()


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_file_loads():
    _clear()
    data.load_all()
    listed = set(data.aspects())
    assert listed == {p.stem for p in (data.HERE / "aspects").glob("*.yaml")}
    for a in data.aspects().values():
        for cue in a.stance.cues if a.stance else ():
            assert isinstance(cue.regex, re.Pattern)  # compiled on load


def test_a_broken_regex_names_the_file_and_the_entry(copy):
    _edit(
        copy / "aspects" / "securite.yaml",
        "pattern: 'recul scientifique reste faible'",
        "pattern: 'recul (scie'",
    )
    with pytest.raises(LanguageDataError) as exc:
        data.aspects()
    msg = str(exc.value)
    assert "aspects/securite.yaml" in msg and "stance.cues.1.pattern" in msg and "recul (scie" in msg


def test_a_broken_regex_in_a_pattern_list_is_named(copy):
    _edit(copy / "sources.yaml", r"'\bla clinique\b'", r"'\bla clinique[\b'")
    with pytest.raises(LanguageDataError, match=r"sources\.yaml: entry clinique\.0"):
        data.source_names()


def test_a_missing_field_names_the_file_and_the_entry(copy):
    _edit(copy / "aspects" / "efficacite.yaml", "sign: -1, weight: 1.5, negatable: false}", "weight: 1.5}")
    with pytest.raises(LanguageDataError) as exc:
        data.aspects()
    msg = str(exc.value)
    assert "aspects/efficacite.yaml" in msg and "stance.cues.2.sign" in msg and "required" in msg


def test_an_unknown_field_is_refused(copy):
    _edit(copy / "aspects" / "cancer.yaml", "negatable: false}", "negateable: false}")
    with pytest.raises(LanguageDataError, match=r"aspects/cancer\.yaml: entry stance\.cues\.0\.negateable"):
        data.aspects()


def test_an_aspect_file_must_be_listed(copy):
    shutil.copy(copy / "aspects" / "prix.yaml", copy / "aspects" / "tarif.yaml")
    with pytest.raises(LanguageDataError, match=r"aspects/tarif\.yaml: not listed in lang/aspects\.txt"):
        data.aspects()


def test_the_loaded_data_matches_what_the_code_had():
    """Counts of the constants as they were written in Python before they became data files."""
    cues = {a.key: len(a.cues) for a in stance.ASPECTS}
    assert cues == {
        "securite": 22,
        "efficacite": 21,
        "preuves": 12,
        "cancer": 3,
        "durabilite": 6,
        "universalite": 6,
        "injections": 5,
        "application": 6,
    }
    assert {k: len(v) for k, v in topics.DESCRIPTIONS.items()} == {
        "securite": 8,
        "efficacite": 9,
        "preuves": 4,
        "cancer": 3,
        "durabilite": 3,
        "universalite": 3,
        "injections": 3,
        "application": 3,
        "statut_legal": 5,
        "prp": 2,
        "transfert_genetique": 2,
        "taille": 2,
        "seances": 2,
        "delai_resultats": 2,
        "rappel": 2,
        "prix": 2,
        "temperature": 2,
        "origine": 5,  # aspects only the evidence map speaks to (issue 11)
        "contre_indications": 5,
        "fabrication": 4,
    }
    assert len(topics.BACKGROUND) == 30
    assert len(topics.CUES) == 14 and list(topics.CUES_ACCENTED) == ["securite"]
    assert len(data.stop_words()) == 183
    assert (len(data.detect_words("en")), len(data.detect_words("fr"))) == (36, 21)
    assert len(data.lexicon()) == 76
    assert len(data.domain_words()) == 66
    assert list(data.source_names()) == [
        "inserm",
        "dermatologue",
        "revue-dermato",
        "clinique",
        "praticienne-cheveux",
    ]
    assert list(data.areas()) == ["peau", "cheveux"]
    assert list(data.measure_questions()) == [
        "taille",
        "seances",
        "delai_resultats",
        "rappel",
        "prix",
        "temperature",
    ]
    assert len(data.about()) == 9 and data.topic("statut_legal")[1] == "regulatory status by origin"
    # the positional flags became named fields: the first safety cue is a dominant, non-negatable doubt
    first = stance.ASPECT_BY_KEY["securite"].cues[0]
    assert (first.sign, first.weight, first.negatable, first.dominant, first.qualify) == (
        -1,
        2.0,
        False,
        True,
        False,
    )
    assert stance.ASPECT_BY_KEY["efficacite"].skip.startswith(r"\bprp\b|plasma riche|\btum(?:eur|or|o)\w*")


def test_language_data_error_is_a_value_error():
    assert issubclass(LanguageDataError, ValueError)


def test_situation_names_only_groups_of_the_health_file(copy):
    _edit(copy / "situation.yaml", "  - illness_fr\n", "  - illnesses_fr\n")
    with pytest.raises(LanguageDataError, match=r"situation\.yaml: needs_person .*illnesses_fr"):
        data.situation()


@pytest.mark.parametrize(
    ("question", "own"),
    [
        ("Quel rôle positif les exosomes jouent-ils face à certaines infections ?", False),
        ("Chez quels patients les exosomes pourraient-ils aider la cicatrisation des plaies ?", False),
        ("Mon père a une sclérose en plaques, peut-il tenter les exosomes ?", True),
        ("Je suis enceinte, je peux en faire ?", True),
        ("Les exosomes sont-ils contre-indiqués pendant la grossesse ?", True),  # pregnancy suffices
        ("I have diabetes, can I do it?", True),
        ("Les exosomes sont-ils prescrits par un médecin ?", False),
        ("J'ai accouché il y a huit mois, mes cheveux tombent : les exosomes ?", True),
    ],
)
def test_a_condition_word_alone_is_not_the_persons_own_situation(question, own):
    from bot.answer import scope

    assert scope.needs_referral(question)  # every one of them gets the referral
    assert scope.own_situation(question) is own
