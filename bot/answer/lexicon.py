"""Consumer words mapped to the documents' own vocabulary, for lexical search.

People say "dangereux" or "safe" where the documents say "risques",
"tolérance" or "effets secondaires"; they say "ça coûte" where a document
gives a price in €. Each entry maps everyday (or English) words to the words
the five documents use for the same notion. It describes the documents'
vocabulary, not any particular question.
"""

from __future__ import annotations

from functools import lru_cache

from bot.lang.text import content_tokens

# notion: (everyday or English trigger words, the documents' words)
GROUPS: dict[str, tuple[str, str]] = {
    "safety": (
        "dangereux danger risque risqué sûr sûre sécurité sécuritaire toxique grave safe safety risk risks "
        "dangerous harmful toléré tolérance tolerate",
        "risques tolérance tolérés sûrs effets secondaires infections allergiques sécurité exclu",
    ),
    "side_effects": (
        "effets secondaires indésirables rougeur rougeurs réaction réactions side effects adverse redness",
        "effets secondaires rougeurs rougeur transitoire sensibilité réactions",
    ),
    "efficacy": (
        "marche marcher fonctionne fonctionner efficace efficacité résultat résultats prouvé preuve "
        "preuves sérieux vraiment work works effective efficacy proof proven evidence results",
        "efficacité prouvée preuve études résultats efficace",
    ),
    "evidence": (
        "étude études essai essais clinique cliniques scientifique science study studies trial trials "
        "clinical scientific research",
        "essais cliniques études in vivo preuves scientifiquement",
    ),
    "legal": (
        "autorisé autorisés légal légale interdit interdits permis droit réglementation loi allowed legal "
        "banned forbidden regulation law approved",
        "autorisés interdits autorisation réglementation ANSM FDA",
    ),
    "price": (
        "prix coût coûte coûter cher tarif budget euros remboursé remboursement price cost costs "
        "expensive reimbursed",
        "€ investissement coût forfait remboursement",
    ),
    "sessions": (
        "séance séances combien fois rendez-vous protocole session sessions how many times",
        "séances protocole espacées",
    ),
    "size": (
        "taille grand gros petit mesure dimension size big small large",
        "nanomètres nm diamètre taille",
    ),
    "pregnancy": (
        "enceinte grossesse allaitement allaiter allaitante bébé pregnant pregnancy breastfeeding baby",
        "grossesse enceintes allaitantes post-partum",
    ),
    "hair": (
        "cheveux cheveu chute calvitie alopécie capillaire crâne dégarni chauve chauves hair loss bald "
        "baldness scalp",
        "cheveux chute alopécie capillaire cuir chevelu follicules glabres calvitie",
    ),
    "skin": (
        "peau visage rides ride vieillissement teint taches acné cicatrices skin face wrinkles aging acne "
        "efface effacer gommer lisser raffermir "
        "scars noire noires mate mates foncée foncées claire claires phototype dark",
        "peau rides vieillissement cutané teint cicatrices phototypes foncés clairs estomper atténuer",
    ),
    "injection": (
        "injection injections piqûre piqûres injecter injecté seringue seringues aiguille inject injected "
        "needle syringe",
        "injections injection micro-injections",
    ),
    "pain": (
        "douleur douloureux mal fait mal painful hurt hurts",
        "douloureuses anesthésiante inconfort",
    ),
    "definition": (
        "quoi qu'est-ce définition c'est what definition",
        "vésicules définition",
    ),
    "prp": ("prp plasma plaquettes platelet", "PRP plasma plaquettes"),
    "origin": (
        "origine source fabriqué fabriqués viennent provient humain animal végétal plante plantes fleur "
        "fleurs rose fruit saumon poisson vache lait bactérie origin plant flower human animal",
        "origine humaine animale végétale bactérienne cellules souches",
    ),
    "duration": (
        "durée dure durent combien temps long résultats quand visible last long how long",
        "durée mois rappel entretien",
    ),
    "autoimmune": (
        "lupus sclérodermie polyarthrite vitiligo psoriasis eczéma auto-immune auto-immunes autoimmune "
        "maladie maladies chronique",
        "maladies auto-immunes dysimmunitaire inflammatoires psoriasis eczéma vitiligo",
    ),
    "cancer": ("cancer cancéreux tumeur tumor tumour", "cancéreuses tumorale tumorogénicité cancer"),
    "microneedling": (
        "microneedling micro-aiguilles dermapen aiguilles needling",
        "microneedling micro-aiguilles",
    ),
}


# English words of the domain and the French words the documents use for them, so that
# lexical search also works for questions asked in English.
ENGLISH: dict[str, str] = {
    "dna": "ADN",
    "rna": "ARN",
    "protein proteins": "protéines",
    "lipid lipids": "lipides",
    "vesicle vesicles": "vésicules",
    "cell cells": "cellules",
    "stem": "souches",
    "nanometer nanometers nanometre nanometres nm": "nanomètres nm",
    "diameter": "diamètre",
    "country countries": "pays",
    "research": "recherche",
    "publish published publications": "publient publications",
    "doctor dermatologist": "dermatologue médecin",
    "clinic": "clinique",
    "practitioner": "praticienne",
    "wound wounds healing heal": "cicatrisation plaies",
    "inflammation inflammatory": "inflammation",
    "collagen": "collagène",
    "elastin": "élastine",
    "pigmentation spots": "pigmentaires taches mélanine",
    "pores": "pores",
    "redness": "rougeurs",
    "density thickness": "densité épaisseur",
    "follicle follicles": "follicules",
    "growth regrowth grow": "repousse croissance pousse",
    "storage store stored freeze frozen temperature": "conservation -80 °C lyophilisation",
    "purify purification isolate isolation": "purifier isolement ultracentrifugation",
    "detect detection measure": "détection caractériser",
    "marker markers biomarker": "marqueurs biomarqueurs",
    "diagnosis diagnostic": "diagnostique",
    "brain": "cérébrales",
    "blood": "sang",
    "urine": "urines",
    "cord umbilical": "cordon ombilical",
    "fat adipose": "adipeux adipocytaires",
    "bone marrow": "moelle osseuse",
    "rose damask": "rose Damas",
    "salmon": "saumon",
    "bacteria bacterial": "bactérienne bactéries",
    "month months": "mois",
    "week weeks": "semaines",
    "year years": "an ans",
    "price": "€",
    "europe european": "européenne Union",
    "united states usa america": "États-Unis",
    "korea korean": "Corée",
    "uk britain": "Royaume-Uni",
    "contraindication contraindications": "contre-indications",
    "autoimmune": "auto-immunes",
    "diabetes diabetic": "diabétiques",
    "anaesthetic numbing": "anesthésiante",
    "laser lasers": "laser lasers",
    "peel peels peeling": "peelings",
    "massage": "massage",
    "trend fashion hype social media tiktok": "mode tendance TikTok réseaux sociaux",
    "transplant graft grafts surgery": "greffes chirurgicale",
}


@lru_cache(maxsize=1)
def _index() -> list[tuple[frozenset[str], list[str]]]:
    pairs = list(GROUPS.values()) + list(ENGLISH.items())
    return [(frozenset(content_tokens(triggers)), content_tokens(words)) for triggers, words in pairs]


def expand(tokens: list[str]) -> list[str]:
    """Query lemmas plus the documents' words for the notions the query names."""
    have = set(tokens)
    extra: list[str] = []
    for triggers, words in _index():
        if have & triggers:
            extra.extend(w for w in words if w not in have)
    return tokens + list(dict.fromkeys(extra))


def covered(token: str, text_tokens: set[str]) -> bool:
    """A query lemma is covered by a text that has it or the documents' word for its notion."""
    if token in text_tokens:
        return True
    return any(token in triggers and text_tokens.intersection(words) for triggers, words in _index())


def maps_to_documents(token: str, vocab: set[str]) -> bool:
    """True when an everyday word names a notion the documents discuss in their own words."""
    return any(token in triggers and vocab.intersection(words) for triggers, words in _index())
