"""What each aspect is about, to decide which aspects a question touches.

A question touches an aspect when it is closer (multilingual embedding) to the
aspect's descriptions than to the descriptions of the other things the
documents talk about (BACKGROUND), or when it uses the aspect's vocabulary.
The descriptions paraphrase the documents' own topics; they are not user
questions. A question may touch several aspects ("is it dangerous?" touches
safety and cancer risk). The words are data files: `bot/lang/aspects/<key>.yaml`
and `bot/lang/background.yaml`.
"""

from __future__ import annotations

from bot.lang import data

_ASPECTS = data.aspects()

# key -> descriptions (French and English) of what the aspect covers
DESCRIPTIONS: dict[str, tuple[str, ...]] = {k: tuple(a.descriptions) for k, a in _ASPECTS.items()}

# the other things the documents talk about: a question closer to these touches no aspect
BACKGROUND: tuple[str, ...] = data.background()

# vocabulary that needs its accents to be told apart ("sûr" is not "sur"), on the lower-case question
CUES_ACCENTED: dict[str, str] = {
    k: data.join(a.question_cues_accented) for k, a in _ASPECTS.items() if a.question_cues_accented
}

# the aspect's own vocabulary, on the accent-free lower-case question
CUES: dict[str, str] = {k: data.join(a.question_cues) for k, a in _ASPECTS.items() if a.question_cues}
