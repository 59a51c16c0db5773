"""How a disagreement reads: a position per source, its name, and one neutral summary sentence."""

from __future__ import annotations

from bot.models import Position


def position(kb, i: int, stance: str, lang: str) -> Position:
    """Sentence i of the corpus as a source's position, with the source's profile beside it."""
    s = kb.sentences[i]
    src = kb.sources[s.source_id]
    en = lang == "en"
    return Position(
        source_id=s.source_id,
        passage_id=s.passage_id,
        stance=stance,
        quote=s.text,
        source_label=src.short_name_en if en else src.short_name_fr,
        source_kind=src.kind_label_en if en else src.kind_label_fr,
    )


def names(kb, sids: list[str], lang: str) -> str:
    """ "A, B et C" / "A, B and C"."""
    en = lang == "en"
    out = [kb.sources[s].short_name_en if en else kb.sources[s].short_name_fr for s in sids]
    if len(out) == 1:
        return out[0]
    return ", ".join(out[:-1]) + (" and " if en else " et ") + out[-1]


def summary(kb, lang: str, about: str, groups: list[tuple[str, list[str]]], values: bool = False) -> str:
    """One neutral sentence: each stance or value with the sources that hold it, in document order."""
    en = lang == "en"
    parts = [f"{label} {'for' if en else 'pour'} {names(kb, sids, lang)}" for label, sids in groups]
    if en:
        head = (
            f"The sources give different values for {about}" if values else f"The sources differ on {about}"
        )
    else:
        head = (
            f"Les sources donnent des valeurs différentes pour {about}"
            if values
            else f"Les sources ne disent pas la même chose sur {about}"
        )
    sellers = [s for _, sids in groups for s in sids if kb.sources[s].sells_treatment]
    note = ""
    if sellers and len(sellers) < sum(len(g) for _, g in groups):
        sellers = list(dict.fromkeys(sellers))
        if en:
            note = f" ({names(kb, sellers, lang)} {'sells' if len(sellers) == 1 else 'sell'} this treatment)"
        else:
            verb = "propose" if len(sellers) == 1 else "proposent"
            note = f" ({names(kb, sellers, lang)} {verb} ce soin)"
    return f"{head}: {'; '.join(parts)}{note}." if en else f"{head} : {' ; '.join(parts)}{note}."


def group(positions: list[Position]) -> list[tuple[str, list[str]]]:
    """Sources by stance, in the order the stances first appear."""
    groups: dict[str, list[str]] = {}
    for p in positions:
        groups.setdefault(p.stance, []).append(p.source_id)
    return list(groups.items())
