"""What each aspect is about, to decide which aspects a question touches.

A question touches an aspect when it is closer (multilingual embedding) to the
aspect's descriptions than to the descriptions of the other things the
documents talk about (BACKGROUND), or when it uses the aspect's vocabulary.
The descriptions paraphrase the documents' own topics; they are not user
questions. A question may touch several aspects ("is it dangerous?" touches
safety and cancer risk).
"""

from __future__ import annotations

# key -> descriptions (French and English) of what the aspect covers
DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "securite": (
        "tolérance, sécurité et effets secondaires des exosomes",
        "risques pour la santé, dangers, réactions allergiques, rejet ou infections liés aux exosomes",
        "un soin aux exosomes est-il sans danger et bien toléré",
        "sécurité d'un soin aux exosomes pour la peau du visage et le cuir chevelu",
        "risque d'infection bactérienne ou virale lié aux traitements aux exosomes",
        "safety, side effects and health risks of exosome treatments",
        "exosome treatment safety, allergies and infections",
        "risk of catching an infection from an exosome treatment",
    ),
    "efficacite": (
        "efficacité des exosomes : le traitement fonctionne-t-il vraiment sur la peau et les cheveux",
        "résultats des exosomes contre les rides, l'acné, le vieillissement cutané",
        "effet des exosomes sur la chute de cheveux, la calvitie et l'alopécie, repousse des cheveux",
        "efficacité prouvée ou non des exosomes en médecine esthétique",
        "effets promis des exosomes : effacer les rides, rajeunir et lisser la peau, estomper taches et cicatrices d'acné",
        "faire repousser les cheveux et freiner leur chute grâce aux exosomes",
        "do exosomes smooth wrinkles, fade acne scars or make hair grow back",
        "whether exosome treatments actually work on skin and hair",
        "do exosomes regrow hair, remove wrinkles or rejuvenate skin",
    ),
    "preuves": (
        "preuves scientifiques, essais cliniques et études chez l'humain sur les exosomes en esthétique",
        "études publiées sur des patients, études randomisées contre placebo",
        "clinical trials and scientific evidence in humans for exosome treatments",
        "studies testing exosome products on people",
    ),
    "cancer": (
        "risque de cancer, de tumeur ou de prolifération de cellules cancéreuses lié aux exosomes",
        "les exosomes sont-ils cancérigènes",
        "whether exosomes can cause cancer or tumours",
    ),
    "durabilite": (
        "durée des résultats : les effets des exosomes sont-ils durables, définitifs ou temporaires",
        "résultats à long terme du traitement aux exosomes",
        "how long exosome results last, lasting or temporary effects",
    ),
    "universalite": (
        "à qui le traitement convient : tout le monde ou certaines personnes seulement",
        "variabilité des résultats des exosomes selon les personnes et les types de peau",
        "whether exosomes work for everyone, results varying between individuals",
    ),
    "injections": (
        "injections et piqûres d'exosomes, micro-injections dans la peau ou le cuir chevelu",
        "injecter des exosomes avec une aiguille",
        "exosome injections into the skin or scalp",
    ),
    "application": (
        "mode d'application des exosomes : application topique seule ou microneedling obligatoire",
        "faut-il des micro-aiguilles ou suffit-il d'appliquer un sérum aux exosomes",
        "how exosomes are applied: topical use alone or microneedling required",
    ),
    "statut_legal": (
        "réglementation et autorisation des exosomes en France et en Europe, produits autorisés ou interdits",
        "ce que la loi permet : exosomes d'origine humaine, animale, végétale ou bactérienne",
        "exosomes d'origine humaine interdits ou permis en Europe et en France",
        "legal status, regulation and authorisation of exosome products",
        "which exosome origins (human, animal, plant, bacterial) are allowed or banned in Europe",
    ),
    "prp": (
        "comparaison entre les exosomes et le PRP, plasma riche en plaquettes",
        "exosomes compared with PRP platelet-rich plasma",
    ),
    "transfert_genetique": (
        "capacité des exosomes à transmettre une information génétique traduite par les cellules qui les reçoivent",
        "whether exosomes pass genetic information on to the cells that receive them",
    ),
    "taille": ("taille et diamètre des exosomes en nanomètres", "exosome size in nanometres"),
    "seances": (
        "nombre de séances et rythme du protocole de traitement aux exosomes",
        "number of sessions and spacing of an exosome protocol",
    ),
    "delai_resultats": (
        "délai avant de voir les premiers résultats du traitement",
        "how long before exosome results appear",
    ),
    "rappel": ("séances de rappel et d'entretien après le traitement", "booster and maintenance sessions"),
    "prix": ("prix, coût et remboursement du traitement aux exosomes", "price and cost of exosome treatment"),
    "temperature": (
        "conservation et température de stockage des exosomes",
        "storage temperature of exosomes",
    ),
}

# the other things the documents talk about: a question closer to these touches no aspect
BACKGROUND: tuple[str, ...] = (
    "définition : qu'est-ce qu'un exosome, une vésicule extracellulaire",
    "définition du PRP : plasma riche en plaquettes issu du sang du patient",
    "composition des exosomes : protéines, lipides, ARN, facteurs de croissance",
    "formation et biogenèse des exosomes dans les cellules",
    "histoire de la découverte des exosomes, de la « poussière de plaquettes » de 1946 aux années 1980",
    "techniques d'isolement, de purification et de détection des exosomes en laboratoire",
    "origine des exosomes : cellules souches, plantes, animaux, bactéries, cordon ombilical",
    "déroulement d'une séance : nettoyage, crème anesthésiante, microneedling, massage",
    "routine de soins et produits cosmétiques à utiliser en parallèle",
    "recettes de soins maison pour la peau et les cheveux",
    "rôle des exosomes dans la communication entre les cellules",
    "rôle des exosomes dans l'inflammation et l'immunité",
    "exosomes comme marqueurs pour diagnostiquer des maladies",
    "recherche médicale sur les exosomes contre des maladies comme Alzheimer ou les maladies cardiaques",
    "auteurs, relecteurs et publication de l'article",
    "pays et laboratoires qui font de la recherche sur les exosomes",
    "contre-indications : grossesse, allaitement, maladies auto-immunes",
    "carences, alimentation, hormones et santé du cuir chevelu",
    "zones du corps que l'on peut traiter",
    "conseils contre le vieillissement de la peau : crème solaire, zinc",
    "popularité des exosomes sur les réseaux sociaux et désinformation",
    "qui utilise les traitements aux exosomes, leur succès dans les cabinets et à l'étranger",
    "causes de la chute de cheveux : stress, carences, post-partum, hormones",
    "rougeurs et soins juste après la séance",
    "cicatrisation des plaies",
    "what exosomes are and what they are made of",
    "how exosomes are isolated and analysed in the laboratory",
    "where exosomes come from",
    "who uses exosome treatments and how popular they are",
    "pregnancy, breastfeeding, medication or illness before an exosome treatment",
)

# vocabulary that needs its accents to be told apart ("sûr" is not "sur"), on the lower-case question
CUES_ACCENTED: dict[str, str] = {
    "securite": r"\bsûr(?:e|s|es)?\b|\bsûreté\b",
}

# the aspect's own vocabulary, on the accent-free lower-case question
CUES: dict[str, str] = {
    "securite": r"\bdanger\w*|\brisque\w*|\bsans danger|\btoler\w*|\bsecuri\w*|effets? (?:secondaires?|indesirables?)"
    r"|\ballerg\w*|\brejet\b|\binfection\w*|\btoxi\w*|\bsafe\w*|side effects?|\bharm\w*|\brisks?\b|\ballerg\w*",
    "efficacite": r"\befficac\w*|\bmarche\w*|\bfonctionne\w*|\bprouve\w*|\bvraiment\b|\beffective\w*|\bworks?\b"
    r"|\bproven\b|\breally\b|\beffac\w*|\benlev\w*|\belimin\w*|\brajeuni\w*|\blisse\w*|\bestomp\w*"
    r"|\brepouss\w*|\bgueri\w*|\bremov\w*|\bfade\w*|\bsmooth\w*|\bregrow\w*|\bget rid\b",
    "preuves": r"\betudes?\b|\bessais?\b|\bcliniques?\b|\bpreuves?\b|\bscientifique\w*|\bteste\w*|\bstud(?:y|ies)\b"
    r"|\btrials?\b|\bevidence\b|\btested\b",
    "cancer": r"\bcancer\w*|\btumeur\w*|\btumou?r\w*|\bcarcino\w*",
    "durabilite": r"(?:resultat|effet|benefice|result|effect)s?\b[^?]{0,30}\bdur\w*|\bdur(?:e|ent|able|ables)\b[^?]{0,30}"
    r"(?:resultat|effet|result|effect)|\bpermanent\w*|\bdefiniti\w*|\blong terme\b|\btemporaire\w*|\blast(?:s|ing)?\b"
    r"|\btemporary\b",
    "universalite": r"\btout le monde\b|\btoutes? les personnes\b|\buniversel\w*|\beveryone\b|\banyone\b"
    r"|\bpour qui\b|\bfor whom\b|\bchez tous\b",
    "injections": r"\binject\w*|\bpiqu\w*|\bseringue\w*|\bneedles?\b|\bshots?\b",
    "application": r"(?:obligatoire|necessaire|indispensable|faut-il|suffit|seul\w*|sans|required|necessary|needed"
    r"|alone|only|must)[^?]{0,40}(?:microneedling|micro-aiguilles|topique|topical)"
    r"|(?:microneedling|micro-aiguilles|topique|topical)[^?]{0,40}(?:obligatoire|necessaire|indispensable|required"
    r"|necessary|needed|suffit|seul\w*|alone|only)",
    "statut_legal": r"\bpeut-on (?:utiliser|vendre|injecter)\b|\bon a le droit\b|\bautoris\w*|\binterdi\w*|\blegal\w*|\billegal\w*|\ble droit\b|\bpermis\b|\bregle\w*|\bloi\b"
    r"|\bansm\b|\bfda\b|\ballowed\b|\bbanned\b|\bapproved\b|\blaw\b|\bpermitted\b",
    "prp": r"(?:\bprp\b|\bplasma\b)[^?]*(?:mieux|meilleur|\bou\b|versus|\bvs\b|compar|differen|better|than|choisir|choose)"
    r"|(?:mieux|meilleur|compar|differen|better|choisir|choose)[^?]*(?:\bprp\b|\bplasma\b)|exosomes? ou (?:le )?prp",
    "transfert_genetique": r"(?:transm|transf|tradu|deliv|pass|transl)\w*[^?]{0,40}(?:\barn|\badn|genet|\brna|\bdna)"
    r"|(?:\barn|\badn|genet|\brna|\bdna)\w*[^?]{0,40}(?:transm|transf|tradu|deliv|transl|autres cellules|other cells)",
}
