"""The message catalogue: every sentence the bot writes itself, in French and English.

The texts live in `messages.yaml` next to this module, so that wording is
edited in one place and never hides in code. The file is read once and checked
at import: a key without both languages, or whose languages use different
placeholders, fails naming the key.
"""

from __future__ import annotations

import string
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

LANGS = ("fr", "en")
CATALOGUE = "messages.yaml"


class MessageError(ValueError):
    """The catalogue is malformed; the message names the file and the key."""


class Entry(BaseModel):
    """One message: a string (a format template) or a list of strings, in both languages."""

    model_config = ConfigDict(extra="forbid")
    fr: str | list[str]
    en: str | list[str]

    @model_validator(mode="after")
    def _same_shape(self) -> Entry:
        if isinstance(self.fr, str) != isinstance(self.en, str):
            raise ValueError("fr and en must both be strings or both be lists")
        if isinstance(self.fr, list):
            if len(self.fr) != len(self.en):
                raise ValueError(f"fr has {len(self.fr)} items, en has {len(self.en)}")
        elif placeholders(self.fr) != placeholders(self.en):
            raise ValueError(
                f"placeholders differ: fr {sorted(placeholders(self.fr))}, en {sorted(placeholders(self.en))}"
            )
        return self


def placeholders(template: str) -> set[str]:
    """The {names} a format template expects."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def parse_catalogue(text: str, origin: str = CATALOGUE) -> dict[str, Entry]:
    """Entries of a catalogue's YAML text; raises MessageError naming `origin` and the key."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MessageError(f"{origin}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise MessageError(f"{origin}: expected a mapping of message keys")
    out: dict[str, Entry] = {}
    for key, value in data.items():
        try:
            out[str(key)] = Entry.model_validate(value)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or key}: {e['msg']}" for e in exc.errors())
            raise MessageError(f"{origin}: message {key!r}: {problems}") from exc
    return out


@cache
def catalogue() -> dict[str, Entry]:
    text = resources.files(__package__).joinpath(CATALOGUE).read_text(encoding="utf-8")
    return parse_catalogue(text)


def lang_of(value: str | None) -> str:
    """A supported language code; French, the documents' language, otherwise."""
    return value if value in LANGS else "fr"


def _entry(key: str) -> Entry:
    try:
        return catalogue()[key]
    except KeyError:
        raise MessageError(f"{CATALOGUE}: no message {key!r}") from None


def message(key: str, lang: str, **kw: object) -> str:
    """The message `key` in `lang` (French for any other language), its placeholders filled from `kw`."""
    value = getattr(_entry(key), lang_of(lang))
    if not isinstance(value, str):
        raise MessageError(f"{CATALOGUE}: message {key!r} is a list; use messages()")
    return value.format(**kw) if placeholders(value) else value


def messages(key: str, lang: str) -> list[str]:
    """A list message (month names, example questions) in `lang`."""
    value = getattr(_entry(key), lang_of(lang))
    if isinstance(value, str):
        raise MessageError(f"{CATALOGUE}: message {key!r} is a string; use message()")
    return list(value)


catalogue()  # a malformed catalogue stops the import, not the first answer
