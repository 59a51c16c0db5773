"""Interface wording of the chat, in French (default) and English.

Only the interface chrome lives here. Answers themselves come from the
documents and are never translated or reworded by the interface.
"""

from __future__ import annotations

LANGS = ("fr", "en")

TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "subtitle": "Des réponses tirées de cinq documents sur les exosomes (peau, cheveux), citées mot pour mot.",
        "disclaimer": "Information, pas un avis médical — parlez-en à votre pharmacien.",
        "input_label": "Votre question",
        "placeholder": "Posez votre question…",
        "send": "Envoyer",
        "clear": "Nouvelle conversation",
        "empty_title": "Que voulez-vous savoir sur les exosomes ?",
        "empty_body": "Je réponds uniquement avec des extraits de cinq documents (Inserm, dermatologue, "
        "revue de dermatologie, clinique, praticienne). Chaque phrase est citée : cliquez sur un numéro "
        "pour lire le passage.",
        "try": "Essayez une question :",
        "you": "Vous",
        "bot": "Réponse",
        "thinking": "Je cherche dans les documents…",
        "sources": "Sources citées",
        "passage": "Passage cité",
        "in_doc": "Voir dans le document",
        "in_doc_intro": "Le passage dans son document",
        "no_date": "date non indiquée",
        "disagree_title": "Les sources ne sont pas d'accord",
        "disagree_topic": "Sur :",
        "refused_scope": "Cette question sort de ce que couvrent les documents.",
        "refused_missing": "Les documents ne répondent pas à cette question.",
        "covers": "Je réponds seulement à partir de cinq documents sur les exosomes en médecine esthétique : "
        "ce que c'est, leurs effets annoncés sur la peau et les cheveux, les preuves, la tolérance et les "
        "risques, la réglementation, le déroulement et le prix des séances.",
        "rejected": "Je n'ai pas pu lire cette question.",
        "referral": "Pour votre situation personnelle, demandez conseil à votre pharmacien ou à votre médecin.",
        "error": "Désolé, une erreur est survenue. Réessayez dans un instant.",
        "marker_label": "Voir la source {n}",
    },
    "en": {
        "subtitle": "Answers taken from five documents on exosomes (skin, hair), quoted word for word.",
        "disclaimer": "Information, not medical advice — talk to your pharmacist.",
        "input_label": "Your question",
        "placeholder": "Ask your question…",
        "send": "Send",
        "clear": "New conversation",
        "empty_title": "What would you like to know about exosomes?",
        "empty_body": "I answer only with extracts of five French documents (Inserm, a dermatologist, "
        "a dermatology journal, a clinic, a practitioner). Every sentence is cited: click a number to "
        "read the passage.",
        "try": "Try a question:",
        "you": "You",
        "bot": "Answer",
        "thinking": "Searching the documents…",
        "sources": "Cited sources",
        "passage": "Cited passage",
        "in_doc": "Show in the document",
        "in_doc_intro": "The passage in its document",
        "no_date": "no date given",
        "disagree_title": "The sources disagree",
        "disagree_topic": "On:",
        "refused_scope": "This question is outside what the documents cover.",
        "refused_missing": "The documents do not answer this question.",
        "covers": "I only answer from five documents on exosomes in aesthetic medicine: what they are, "
        "their claimed effects on skin and hair, the evidence, tolerance and risks, regulation, and how "
        "sessions work and what they cost.",
        "rejected": "I could not read this question.",
        "referral": "For your own situation, ask your pharmacist or doctor.",
        "error": "Sorry, something went wrong. Please try again in a moment.",
        "marker_label": "Show source {n}",
    },
}

EXAMPLES: dict[str, list[str]] = {
    "fr": [
        "Qu'est-ce qu'un exosome ?",
        "Les exosomes sont-ils efficaces contre la chute de cheveux ?",
        "Les traitements aux exosomes sont-ils sans risque ?",
        "Les exosomes d'origine humaine sont-ils autorisés en France ?",
        "Combien coûte une séance d'exosomes ?",
    ],
    "en": [
        "What are exosomes?",
        "Do exosomes work against hair loss?",
        "Are exosome treatments safe?",
        "Are human-derived exosomes allowed in France?",
        "How much does an exosome session cost?",
    ],
}


def t(lang: str, key: str, **kwargs: object) -> str:
    """The interface string `key` in `lang`, falling back to French."""
    table = TEXT.get(lang, TEXT["fr"])
    text = table.get(key, TEXT["fr"][key])
    return text.format(**kwargs) if kwargs else text


def lang_of(value: str | None) -> str:
    return value if value in LANGS else "fr"
