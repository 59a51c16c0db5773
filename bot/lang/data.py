"""Language data: the word lists and patterns kept as files next to this module.

The data lives apart from the code that uses it, so that a linguist can read
and change it without reading Python. Each file is loaded once, checked by a
pydantic model (no missing field, no unknown field) and every regex in it is
compiled on load: a broken entry fails at start-up with the file and the entry
named, not on the first question that happens to reach it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, TypeAdapter, ValidationError

from bot.errors import LanguageDataError

HERE = Path(__file__).resolve().parent
# the C parser when PyYAML has it: the same result, three times faster at start-up
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _regex(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"bad regex {pattern!r}: {exc}") from None
    return pattern


Regex = Annotated[str, AfterValidator(_regex)]
Pieces = Annotated[list[Regex], Field(min_length=1)]  # alternatives, joined with "|" in this order


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cue(_Strict):
    """A sentence cue for one aspect."""

    pattern: Regex
    sign: Literal[-1, 0, 1]  # +1: towards the positive pole, -1: towards the negative pole, 0: topic only
    weight: float = 1.0
    negatable: bool = True  # False when the pattern already contains its negation
    dominant: bool = False  # a doubt that voids the opposite claims of the same sentence
    qualify: bool = False  # a condition that turns the favourable claims of the sentence into qualified ones
    _regex: re.Pattern = PrivateAttr()

    def model_post_init(self, _context: Any) -> None:
        self._regex = re.compile(self.pattern)

    @property
    def regex(self) -> re.Pattern:
        return self._regex


class Labels(_Strict):
    pos: str
    neg: str
    mixed: str


class Stance(_Strict):
    """How a sentence leans on the aspect: its cues, the labels of its poles and how it is read."""

    labels_fr: Labels
    labels_en: Labels
    cues: Annotated[list[Cue], Field(min_length=1)]
    hedge_pos: bool = True  # the conditional weakens positive claims
    any_pos: bool = False  # an existence claim: a source holds it as soon as one relevant sentence says so
    margin: float = 0.05  # how far below the best sentence on the aspect a source's sentence may fall
    skip: Pieces | None = None  # sentences matching this are not about the aspect
    reported: Pieces | None = None  # positive cues in a clause matching this are someone else's claim
    mitigate: Pieces | None = None  # negative cues in a sentence matching this are mild


class Aspect(_Strict):
    """One aspect: what it is about, the question words that name it, and how sentences lean on it."""

    key: str
    topic_fr: str | None = None  # the disagreement's title
    topic_en: str | None = None
    about_fr: str | None = None  # the aspect as it reads inside a sentence, with its article
    about_en: str | None = None
    descriptions: Annotated[list[str], Field(min_length=1)]  # French and English, for the embedding
    question_cues: Pieces | None = None  # on the accent-free lower-case question
    question_cues_accented: Pieces | None = None  # on the lower-case question, accents kept ("sûr")
    measure_question: Pieces | None = None  # a question that asks for this measure (a number with a unit)
    stance: Stance | None = None


def join(pieces: list[str] | None) -> str | None:
    return None if pieces is None else "|".join(pieces)


# --- reading files ---------------------------------------------------------------


def _name(path: Path) -> str:
    return path.relative_to(HERE.parent).as_posix()


def _yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise LanguageDataError(f"{_name(path)}: cannot read: {exc}") from exc


def _validate(path: Path, kind: Any, data: Any) -> Any:
    try:
        return TypeAdapter(kind).validate_python(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        entry = ".".join(str(p) for p in err["loc"]) or "(top level)"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise LanguageDataError(f"{_name(path)}: entry {entry}: {err['msg']}{more}") from None


def _words(path: Path) -> list[str]:
    """A word list: one entry a line; blank lines and lines starting with # are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise LanguageDataError(f"{_name(path)}: cannot read: {exc}") from exc
    words = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    if not words:
        raise LanguageDataError(f"{_name(path)}: no entries")
    return words


def _patterns(path: Path) -> dict[str, str]:
    """A file of named regex pieces: name -> the pieces joined into one pattern."""
    data = _validate(path, dict[str, Pieces], _yaml(path))
    return {name: "|".join(pieces) for name, pieces in data.items()}


# --- the data --------------------------------------------------------------------


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    return frozenset(_words(HERE / "fr" / "stop_words.txt") + _words(HERE / "en" / "stop_words.txt"))


@lru_cache(maxsize=1)
def precautions() -> re.Pattern:
    """How the documents word a precaution or a contraindication (precautions.txt), as one pattern."""
    path = HERE / "precautions.txt"
    pieces = _words(path)
    for piece in pieces:
        try:
            re.compile(piece)
        except re.error as exc:
            raise LanguageDataError(f"{_name(path)}: bad regex {piece!r}: {exc}") from exc
    return re.compile("|".join(f"(?:{p})" for p in pieces), re.IGNORECASE)


@lru_cache(maxsize=1)
def anaphora() -> tuple[str, ...]:
    """Sentence openings that refer back (fr/ and en/anaphora.txt), lower case, longest first."""
    words = {w.lower() for lang in ("fr", "en") for w in _words(HERE / lang / "anaphora.txt")}
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=2)
def sms_spellings(lang: str) -> dict[str, str]:
    """Chat spellings ("cb", "koi", "pr") and the words they stand for, from <lang>/sms.txt."""
    path = HERE / lang / "sms.txt"
    out: dict[str, str] = {}
    for line in _words(path):
        short, sep, full = (x.strip() for x in line.partition("="))
        if not sep or not short or not full or short.lower() != short:
            raise LanguageDataError(f"{_name(path)}: bad entry {line!r} (want: lower-case spelling = words)")
        out[short] = full
    return out


@lru_cache(maxsize=2)
def detect_words(lang: str) -> frozenset[str]:
    """Words that vote for `lang` when guessing the language of a question."""
    return frozenset(_words(HERE / lang / "detect_words.txt"))


@lru_cache(maxsize=1)
def generic_words() -> list[str]:
    return _words(HERE / "generic_words.txt")


@lru_cache(maxsize=1)
def domain_words() -> tuple[str, ...]:
    """Words that put a question in the documents' domain: folded, matched as prefixes."""
    from bot.lang.text import fold  # text.py loads its stop words from here: import when called

    path = HERE / "domain.txt"
    words = _words(path)
    for w in words:
        if w != fold(w):
            raise LanguageDataError(f"{_name(path)}: entry {w!r}: write it folded ({fold(w)!r})")
    return tuple(words)


class Notion(_Strict):
    triggers: str  # everyday or English words
    words: str  # the documents' words for the same notion


@lru_cache(maxsize=1)
def lexicon() -> list[tuple[str, str]]:
    """(trigger words, document words) pairs: the notions, then the English words, in file order."""
    path = HERE / "lexicon.yaml"
    notions = _validate(path, dict[str, Notion], _yaml(path))
    en = HERE / "en" / "lexicon.yaml"
    english = _validate(en, dict[str, str], _yaml(en))
    return [(n.triggers, n.words) for n in notions.values()] + list(english.items())


@lru_cache(maxsize=1)
def health() -> re.Pattern:
    """What makes a question personal health advice."""
    return re.compile("|".join(_patterns(HERE / "health.yaml").values()), re.IGNORECASE)


class Situation(_Strict):
    needs_person: Annotated[list[str], Field(min_length=1)]
    person: Pieces


@lru_cache(maxsize=1)
def situation() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """A question about the person's own health situation (situation.yaml): (health cues that suffice
    alone, cues that need a person, the person)."""
    path = HERE / "situation.yaml"
    s = _validate(path, Situation, _yaml(path))
    groups = _patterns(HERE / "health.yaml")
    unknown = [g for g in s.needs_person if g not in groups]
    if unknown:
        raise LanguageDataError(f"{_name(path)}: needs_person names no group of health.yaml: {unknown}")
    if set(s.needs_person) >= set(groups):
        raise LanguageDataError(f"{_name(path)}: needs_person lists every group: none would count alone")
    alone = "|".join(v for k, v in groups.items() if k not in s.needs_person)
    with_person = "|".join(groups[k] for k in s.needs_person)
    return tuple(re.compile(x, re.IGNORECASE) for x in (alone, with_person, "|".join(s.person)))


class Conversation(_Strict):
    leading: Pieces
    aspect_only: list[str]
    max_focus_words: int


@lru_cache(maxsize=1)
def conversation() -> tuple[re.Pattern, frozenset[str], int]:
    """When a question leans on the previous turn: continuation words, aspect-only domain words, length."""
    path = HERE / "conversation.yaml"
    c = _validate(path, Conversation, _yaml(path))
    unknown = [w for w in c.aspect_only if w not in domain_words()]
    if unknown:
        raise LanguageDataError(f"{_name(path)}: aspect_only entries not in domain.txt: {unknown}")
    leading = re.compile(rf"^\W*({'|'.join(c.leading)})\b", re.IGNORECASE)
    return leading, frozenset(c.aspect_only), c.max_focus_words


@lru_cache(maxsize=1)
def source_names() -> dict[str, str]:
    """Source id -> how a reader names it, on the folded question."""
    return _patterns(HERE / "sources.yaml")


@lru_cache(maxsize=1)
def areas() -> dict[str, re.Pattern]:
    """The areas the documents treat (skin, hair), on the folded text."""
    return {k: re.compile(p) for k, p in _patterns(HERE / "areas.yaml").items()}


@lru_cache(maxsize=1)
def background() -> tuple[str, ...]:
    """What else the documents talk about: a question closer to these touches no aspect."""
    path = HERE / "background.yaml"
    return tuple(_validate(path, Annotated[list[str], Field(min_length=1)], _yaml(path)))


@lru_cache(maxsize=1)
def aspects() -> dict[str, Aspect]:
    """Every aspect, in the order of aspects.txt, each from aspects/<key>.yaml."""
    order_file = HERE / "aspects.txt"
    keys = _words(order_file)
    files = {p.stem: p for p in (HERE / "aspects").glob("*.yaml")}
    for k in keys:
        if k not in files:
            raise LanguageDataError(f"{_name(order_file)}: entry {k}: no file aspects/{k}.yaml")
    for k, p in files.items():
        if k not in keys:
            raise LanguageDataError(f"{_name(p)}: not listed in {_name(order_file)}")
    out = {}
    for k in keys:
        path = files[k]
        data = _yaml(path)
        if not isinstance(data, dict):
            raise LanguageDataError(f"{_name(path)}: expected a mapping of fields")
        if "key" in data:
            raise LanguageDataError(f"{_name(path)}: entry key: the key is the file's name, not a field")
        a = _validate(path, Aspect, {"key": k, **data})
        named = (a.topic_fr, a.topic_en, a.about_fr, a.about_en)
        if (a.stance or a.measure_question) and not all(named):
            raise LanguageDataError(f"{_name(path)}: topic_fr, topic_en, about_fr and about_en are required")
        out[k] = a
    return out


def measure_questions() -> dict[str, str]:
    """Measure -> the words that say a question asks for it."""
    return {k: join(a.measure_question) for k, a in aspects().items() if a.measure_question}


def measure_topics() -> dict[str, tuple[str, str, str, str]]:
    """Measure -> (topic_fr, topic_en, about_fr, about_en)."""
    return {
        k: (a.topic_fr, a.topic_en, a.about_fr, a.about_en)
        for k, a in aspects().items()
        if a.measure_question
    }


def about() -> dict[str, tuple[str, str]]:
    """The aspects that are not measures -> (about_fr, about_en)."""
    return {
        k: (a.about_fr, a.about_en) for k, a in aspects().items() if a.about_fr and not a.measure_question
    }


def topic(key: str) -> tuple[str, str]:
    a = aspects()[key]
    return a.topic_fr, a.topic_en


def load_all() -> None:
    """Load every file now: a broken entry fails here, with its file and entry named."""
    stop_words()
    for lang in ("fr", "en"):
        detect_words(lang)
    generic_words()
    domain_words()
    lexicon()
    health()
    situation()
    conversation()
    source_names()
    areas()
    background()
    aspects()
