"""bot/lang/check.yaml checked on load: every field present, no unknown one, every regex compiled.

A broken entry fails at start-up naming the file and the entry (`LanguageDataError`), as the
other language data files do (`bot.lang.data`), not on the first claim that reaches it.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.errors import LanguageDataError
from bot.lang.data import Regex

LABELS = ("soutient", "contredit", "nuance", "ne dit rien")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FrEn(_Strict):
    fr: str
    en: str


class Offer(_Strict):
    question_start: Regex
    inversion: Regex
    end: Regex
    min_words: int = Field(ge=1)


class CheckData(_Strict):
    labels: dict[str, dict[str, str]]
    verbs: dict[str, dict[str, list[str]]]
    sellers: FrEn
    and_: FrEn = Field(alias="and")
    on_part: FrEn
    intro: FrEn
    nearest: FrEn
    row: FrEn
    row_value: FrEn
    legal_forbidden: Regex
    legal_words: Regex
    time_past: Regex
    time_past_after: Regex
    split: Regex
    en_negative: Regex
    en_positive: Regex
    absolute: Regex
    harm_aspects: list[str]
    harm: Regex
    harm_negated: Regex
    harm_free: Regex
    claim_negation: Regex
    single: Regex
    general_topic: FrEn
    offer: Offer

    def model_post_init(self, _context) -> None:
        for lg in ("fr", "en"):
            if set(self.labels.get(lg, {})) != set(LABELS) or set(self.verbs.get(lg, {})) != set(LABELS):
                raise ValueError(f"labels and verbs need the four labels in '{lg}'")


def load(path: Path) -> dict:
    """The file as a plain dict, after the check."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LanguageDataError(f"{path.name}: cannot read: {exc}") from exc
    try:
        CheckData.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err["loc"]) or "file"
        raise LanguageDataError(f"{path.name}: entry {where}: {err['msg']}") from None
    return raw
