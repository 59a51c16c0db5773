"""What a sentence says about an aspect (safety, efficacy, evidence, ...) and which way it leans.

Rules over French cues, read clause by clause, so that the hard cases come out
right:

- a negated cue flips: "aucun effet secondaire notable" is reassuring,
  "aucune découverte ... ne prouve l'efficacité" is sceptical;
- a concessive clause ("même si", "bien que") weighs little against the main
  clause: "Même si aucune infection virale n'a été rapportée ..., le risque ne
  peut pas être totalement exclu" is cautious;
- the conditional and hedges ("serait", "semble", "pourrait", "suggère")
  weaken a favourable claim into a qualified one;
- claims reported from others ("leurs promesses", "à en croire", photos on
  clinic sites) or doubted in the same sentence ("loin d'être prouvé") do not
  count as the author's own.

Each aspect has a positive and a negative pole with a short label for each.
The embedding model is used by the caller to decide which aspects a question
touches and which sentences are relevant; the direction of a sentence comes
from these rules, because small embedding models do not read negation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.lang.text import fold

POS, NEG, MIXED, NONE = "pos", "neg", "mixed", "none"


@dataclass(frozen=True)
class Cue:
    pattern: str
    sign: int  # +1: towards the positive pole, -1: towards the negative pole, 0: topic only
    weight: float = 1.0
    negatable: bool = True  # False when the pattern already contains its negation
    dominant: bool = False  # a doubt that voids the opposite claims of the same sentence
    qualify: bool = False  # a condition that turns the favourable claims of the sentence into qualified ones


@dataclass(frozen=True)
class Aspect:
    key: str
    topic_fr: str
    topic_en: str
    labels_fr: dict[str, str]
    labels_en: dict[str, str]
    cues: tuple[Cue, ...]
    hedge_pos: bool = True  # the conditional weakens positive claims
    any_pos: bool = False  # an existence claim: a source holds it as soon as one relevant sentence says so
    margin: float = 0.05  # how far below the best sentence on the aspect a source's sentence may fall
    skip: str | None = None  # sentences matching this are not about the aspect
    reported: str | None = None  # positive cues in a clause matching this are someone else's claim
    mitigate: str | None = None  # negative cues in a sentence matching this are mild ("rougeur transitoire")
    _compiled: list = field(default_factory=list, compare=False, repr=False)

    def compiled(self) -> list[tuple[re.Pattern, Cue]]:
        if not self._compiled:
            self._compiled.extend((re.compile(c.pattern), c) for c in self.cues)
        return self._compiled


def C(
    pattern: str,
    sign: int,
    weight: float = 1.0,
    negatable: bool = True,
    dominant: bool = False,
    qualify: bool = False,
) -> Cue:
    return Cue(pattern, sign, weight, negatable, dominant, qualify)


_PRP = r"\bprp\b|plasma riche"
_REPORTED = (
    r"promesses|a en croire|photos|sites des cliniques|magazines|reseaux sociaux|marketing"
    r"|sur des animaux|modeles? animaux|modeles murins|sur la souris|in vitro"
)

ASPECTS: tuple[Aspect, ...] = (
    Aspect(
        key="securite",
        topic_fr="tolérance et sécurité",
        topic_en="tolerance and safety",
        labels_fr={POS: "rassurant", NEG: "prudent", MIXED: "nuancé"},
        labels_en={POS: "reassuring", NEG: "cautious", MIXED: "qualified"},
        cues=(
            C(r"ne peu(?:t|vent) pas etre (?:totalement |completement )?exclu", -1, 2.0, False, True),
            C(r"recul scientifique reste faible", -1, 1.5, False),
            C(r"pas encore standardises", -1, 1.0, False),
            C(r"n'ont pas toutes un effet positif", -1, 1.0, False),
            C(r"encore mal connus", -1, 1.0, False),
            C(r"pas de rejet|absence d'immunogenicite|meilleure immunogenicite", +1, 1.0, False),
            C(r"pas de tumorogenicite", +1, 0.7, False),
            C(r"sans risque", +1, 1.0, False),
            C(r"\btoleran\w*|\btolere\w*", +1),
            C(r"comme surs\b|\bsans danger\b|securite d'utilisation", +1),
            C(r"mieux vaut attendre des etudes", -1, 1.0, False),
            C(r"\brisques?\b(?! d'etre| de voir)|\bdangers?\b|\bdangereu\w*", -1),
            C(r"effets? (?:secondaires?|indesirables?)", -1),
            C(r"\binfections?\b|\bbacteriennes et virales\b", -1),
            C(r"allergi\w*", -1),
            C(r"\brejet\b|immunogenicite", -1),
            C(r"cellules cancereuses|tumorogenicite|vache folle", -1),
            C(r"\bnecrose\b", -1),
            C(r"\bcraintes?\b", -1),
            C(
                r"irritations?\b|hyperpigmentation|rougeurs?\b|sensibilite cutanee|reactions? cutanees?",
                -1,
                0.5,
            ),
            # precautions (who should not use it) are given by every source: not a stance on safety
            C(r"contre-indications?|deconseill\w*", 0),
            C(r"\bsecurite\b|\bsurete\b", 0),
        ),
        hedge_pos=False,
        skip=_PRP + r"|anticorps|secrete\w* par (?:des|les) cellules|inhib\w*|prevenir|creme solaire",
        mitigate=r"\btemporaires?\b|\btransitoires?\b|reaction normale",
    ),
    Aspect(
        key="efficacite",
        topic_fr="efficacité",
        topic_en="efficacy",
        labels_fr={POS: "favorable", NEG: "sceptique", MIXED: "nuancé"},
        labels_en={POS: "favourable", NEG: "sceptical", MIXED: "qualified"},
        cues=(
            C(r"loin d'etre (?:scientifiquement )?prouve\w*", -1, 2.0, False, True),
            C(r"\bne prouve\w*|rien ne prouve", -1, 2.0, False, True),
            C(r"circonspects|science-ploitation|effet de mode|mieux vaut attendre", -1, 1.5, False),
            C(r"manque de donnees", -1, 1.5, False),
            C(r"ne (?:peu(?:t|vent)) (?:malheureusement )?pas relancer", -1, 1.5, False),
            C(r"transitoires ou insuffisants|sans garantie", -1, 1.0, False),
            C(r"resultats plus moderes", -1, 0.5, False),
            C(r"(?:restent?|sont) (?:encore )?(?:a confirmer|limitees?|peu nombreuses)", -1, 0.7, False),
            C(r"plus robustes restent necessaires", -1, 1.0, False),
            C(
                r"reste variable|varient fortement|reste conditionnee|depend fortement",
                -1,
                0.7,
                False,
                qualify=True,
            ),
            C(r"donnees preliminaires|etudes preliminaires", -1, 0.5, False, qualify=True),
            C(r"sans perte d'efficacite", +1, 1.0, False),
            C(r"solution (?:universelle )?miracul\w*|solution miracle|reponse universelle", +1),
            C(r"\befficac\w*", +1),
            C(r"\bprouve\w*", +1),
            C(r"grande efficacite|resultats (?:impressionnants|encourageants|visibles)", +1),
            C(r"effets? prometteurs|effet synergetique|densite capillaire accrue", +1),
            C(
                r"\bamelior\w*|\bstimul\w*|\bfavoris\w*|\brenforc\w*|\baccelere\w* la (?:regeneration|cicatrisation)|\brevitalis\w*",
                +1,
                0.7,
            ),
            C(
                r"\breduit\b|\breduisent\b|\breduisant\b|\breduire\b|\battenuer\b|\bestomper\b|\bprolongent\b",
                +1,
                0.7,
            ),
            C(r"\bregenere\w*|\bredensifier\b|\bdensifier\b|\bbienfaits?\b|\bbenefices?\b", +1, 0.5),
            C(r"\bresultats?\b|\bmarche\b|\bfonctionne\w*|\brides\b|\bacne\b|\bcalvitie\b|\brepousse\b", 0),
        ),
        # disease research (cancer, brain, immunity) is not the cosmetic efficacy the documents argue about
        skip=_PRP
        + r"|\btum(?:eur|or|o)\w*|cancer\w*|alzheimer|parkinson|sclerose|covid|ischemi|anticorps|neuronal\w*"
        r"|pistes therapeutiques|publications",
        reported=_REPORTED,
    ),
    Aspect(
        key="preuves",
        topic_fr="état des preuves cliniques",
        topic_en="state of the clinical evidence",
        labels_fr={
            POS: "cite des résultats chez l'humain",
            NEG: "preuves insuffisantes",
            MIXED: "preuves limitées",
        },
        labels_en={POS: "reports results in humans", NEG: "evidence lacking", MIXED: "limited evidence"},
        cues=(
            C(r"pas d'essais cliniques|sans essais cliniques", -1, 2.0, False),
            C(r"essais cliniques n'ont pas encore demarre", -1, 2.0, False),
            C(r"manque de donnees|en l'absence d'etudes|mieux vaut attendre des etudes", -1, 1.5, False),
            C(r"recul scientifique reste faible", -1, 1.0, False),
            C(r"plus robustes restent necessaires|restent a confirmer(?: chez l'humain)?", -1, 1.0, False),
            C(
                r"(?:restent?|sont) (?:encore )?(?:limitees?|peu nombreuses|rares)|encore limitees",
                -1,
                1.0,
                False,
            ),
            C(
                r"pre-?cliniques?|in vitro|modeles murins|sur la souris|sur des animaux|preliminaires?",
                -1,
                0.7,
            ),
            C(r"in vivo sur l'humain|chez l'humain|sur l'homme", +1, 1.0),
            C(r"randomisee?|double aveugle|placebo|split face|prospective", +1, 1.0),
            C(r"sur \d+ (?:sujets|patients)", +1, 1.0),
            C(r"observations cliniques|retours cliniques|amelioration clinique", +1, 0.7),
            C(r"\betudes?\b|\bessais?\b|\bdonnees\b|\bpreuves?\b|\bscientifiqu\w*", 0),
        ),
        hedge_pos=False,
        any_pos=True,
        skip=_PRP,
    ),
    Aspect(
        key="cancer",
        topic_fr="risque de cancer",
        topic_en="cancer risk",
        labels_fr={POS: "rassurant", NEG: "prudent", MIXED: "nuancé"},
        labels_en={POS: "reassuring", NEG: "cautious", MIXED: "qualified"},
        cues=(
            C(r"pas de tumorogenicite", +1, 1.5, False),
            C(r"proliferation des cellules cancereuses|tumorogenicite", -1, 1.0),
            C(r"\bcancer\w*|\btum(?:eur|or|o)\w*|\bmetasta\w*|\boncolog\w*", 0),
        ),
        margin=0.12,  # few, specific sentences: every one is on the aspect
        hedge_pos=False,
        # cancer biology and cancer treatment research are not a risk of the cosmetic use
        skip=r"secrete\w* par (?:des|les) cellules|dans ce cas|inhib\w*|diagnostic|biomarqueurs|prevenir|marquage",
    ),
    Aspect(
        key="durabilite",
        topic_fr="durée des résultats",
        topic_en="how long results last",
        labels_fr={POS: "résultats durables", NEG: "durée non garantie", MIXED: "nuancé"},
        labels_en={POS: "lasting results", NEG: "lasting results not guaranteed", MIXED: "qualified"},
        cues=(
            C(r"sans garantie de resultats durables", -1, 2.0, False),
            C(r"transitoires ou insuffisants", -1, 2.0, False),
            C(r"risque de voir reapparaitre", -1, 1.0, False),
            C(r"resultats? (?:visibles )?(?:et |a la fois )?(?:naturel, harmonieux et )?durables?", +1, 1.5),
            C(r"(?:repousse|ancrage) (?:naturelle et )?durable", +1, 0.7),
            C(r"\bdurables?\b|\blong terme\b|duree des effets", 0),
        ),
    ),
    Aspect(
        key="universalite",
        topic_fr="à qui cela convient",
        topic_en="who it suits",
        labels_fr={POS: "convient à tous", NEG: "résultats variables selon les personnes", MIXED: "nuancé"},
        labels_en={POS: "suits everyone", NEG: "results vary between people", MIXED: "qualified"},
        cues=(
            C(r"tous les types de peaux? peuvent beneficier", +1, 1.5, False),
            C(r"phototypes clairs a fonces sont egalement concernes", +1, 1.0, False),
            C(r"pas une solution universelle|ni une reponse universelle", -1, 1.5, False),
            C(r"variable selon les individus|varient fortement selon les profils", -1, 1.5, False),
            C(r"a condition que", -1, 0.7, False),
            C(r"\btout le monde\b|\buniversel\w*|\bphototypes?\b|\btypes de peaux?\b|\bcandidats?\b", 0),
        ),
        hedge_pos=False,
    ),
    Aspect(
        key="injections",
        topic_fr="injections d'exosomes",
        topic_en="exosome injections",
        labels_fr={POS: "pratique des injections", NEG: "pas d'injection", MIXED: "nuancé"},
        labels_en={POS: "injections used", NEG: "no injections", MIXED: "qualified"},
        cues=(
            C(r"injections sont interdites", -1, 2.0, False),
            C(r"sans injection", -1, 1.5, False),
            C(r"strictement limite a une application topique", -1, 1.0, False),
            C(
                r"micro-injections d'exosomes|injectes dans|apres l'injection|ces injections|exosomes injectes",
                +1,
                1.5,
            ),
            C(r"\binject\w*|\bpiqure\w*", 0),
        ),
        margin=0.12,  # few, specific sentences: every one is on the aspect
        hedge_pos=False,
        any_pos=True,
        skip=_PRP + r"|intradermal",
    ),
    Aspect(
        key="application",
        topic_fr="mode d'application",
        topic_en="how they are applied",
        labels_fr={POS: "microneedling obligatoire", NEG: "d'autres modes possibles", MIXED: "nuancé"},
        labels_en={POS: "microneedling required", NEG: "other ways possible", MIXED: "qualified"},
        cues=(
            C(r"strictement limite a une application topique combinee a un microneedling", +1, 2.0, False),
            C(r"en application topique avec un traitement de microneedling", +1, 1.0, False),
            C(r"en application topique \(creme, gel ou serum\) ou", -1, 1.5, False),
            C(r"que ce soit en application topique ou", -1, 1.0, False),
            C(r"micro-injections d'exosomes", -1, 1.0, False),
            C(r"\bmicroneedling\b|\bapplication topique\b", 0),
        ),
        margin=0.12,  # few, specific sentences: every one is on the aspect
        hedge_pos=False,
        skip=_PRP,
    ),
)

ASPECT_BY_KEY = {a.key: a for a in ASPECTS}

# --- clause reading --------------------------------------------------------------

_NEGATORS = re.compile(r"\b(?:aucun|aucune|pas|rien|jamais|sans|ni|absence|manque|loin d'etre|non)\b")
_POST_NEG = re.compile(r"^\W*(?:\w+\W+){0,2}?(?:n'|ne\s)\S+(?:\s+\w+)?\s+(?:pas|plus|jamais)\b")
_CLAUSE = re.compile(r"[,;:()\[\]«»\"]|\s[-–—]\s|\bmais\b|\bcependant\b|\btoutefois\b|\bor\b")
_CONCESSIVE = re.compile(r"^\W*(?:meme si|meme s'|bien que|quoique|si\b)")
# a symptom after a remedy verb or in a condition is a benefit or an indication, not a side effect
_REMEDY = re.compile(
    r"\b(?:apaiser|reduire|reduction|freiner|limiter|diminuer|diminution|traiter|soigner|combattre|prevenir"
    r"|prevention|en cas de|cas de)\b"
)
_HEDGE = re.compile(
    r"\b\w+(?:rait|raient)\b|\bsembl\w*|\bsuggere\w*|\bpourrai\w*|\bhypothese\b|\bdevraient\b"
    r"|\bpremier(?:e|es|s)? (?:etudes|observations|retours)\b|\brapportent\b"
)


def prep(text: str) -> str:
    """Lower-case, accent-free, straight apostrophes: the form every cue is written in."""
    return fold(text.replace("’", "'").replace("‘", "'")).replace("œ", "oe")


def clauses(t: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _CLAUSE.finditer(t):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(t):
        spans.append((pos, len(t)))
    return spans


@dataclass
class Reading:
    """What one sentence says about one aspect."""

    member: bool = False  # the sentence is about the aspect
    pos: float = 0.0
    neg: float = 0.0
    hedged: bool = False  # the positive side is only conditional or hedged
    cls: str = NONE  # pos | neg | mixed | none

    pos_firm: float = 0.0  # unhedged positive weight

    @property
    def strength(self) -> float:
        return abs(self.pos - self.neg)

    @property
    def polarity(self) -> float:
        total = self.pos + self.neg
        return 0.0 if total == 0 else (self.pos - self.neg) / max(total, 1.0)


def read(sentence: str, aspect: Aspect, t: str | None = None) -> Reading:
    t = prep(sentence) if t is None else t
    r = Reading()
    if aspect.skip and re.search(aspect.skip, t):
        return r
    claimed: list[tuple[int, int]] = []
    pos_firm = pos_hedged = neg = 0.0
    dominant_neg = qualified = False
    hedged_sentence = bool(_HEDGE.search(t))
    asks = t.rstrip().endswith("?")  # a question the author asks is not a claim
    quoted = t.lstrip().startswith("«")  # a sentence opening on a quoted word reports others' words
    spans = clauses(t)
    for pat, cue in aspect.compiled():
        for m in pat.finditer(t):
            if any(m.start() < e and s < m.end() for s, e in claimed):
                continue
            claimed.append((m.start(), m.end()))
            r.member = True
            if cue.sign == 0 or asks:
                continue
            cs, ce = next(((s, e) for s, e in spans if s <= m.start() < e), (0, len(t)))
            clause = t[cs:ce]
            sign = cue.sign
            if cue.negatable:
                before = t[cs : m.start()].split()[-10:]
                after = t[m.end() : ce]
                if _NEGATORS.search(" ".join(before)) or _POST_NEG.match(after):
                    sign = -sign
            w = cue.weight
            if sign < 0 and cue.negatable and _REMEDY.search(" ".join(t[: m.start()].split()[-8:])):
                w = 0.0
            if sign < 0 and aspect.mitigate and re.search(aspect.mitigate, t):
                w *= 0.3
            if _CONCESSIVE.match(clause):
                w *= 0.35
            if sign > 0 and aspect.reported and (quoted or re.search(aspect.reported, clause)):
                w = 0.0
            if cue.qualify:
                qualified = True
            if sign > 0:
                if aspect.hedge_pos and hedged_sentence:
                    pos_hedged += w
                else:
                    pos_firm += w
            else:
                neg += w
                if cue.dominant and not _CONCESSIVE.match(clause):
                    dominant_neg = True
    if dominant_neg:
        pos_firm = pos_hedged = 0.0
    if qualified:
        pos_firm, pos_hedged = 0.0, pos_hedged + pos_firm
    r.pos = pos_firm + 0.5 * pos_hedged
    r.pos_firm = pos_firm
    r.neg = neg
    r.hedged = pos_hedged > 0 and pos_firm == 0
    r.cls = _classify(pos_firm, pos_hedged, neg)
    return r


def _classify(pos_firm: float, pos_hedged: float, neg: float) -> str:
    if pos_firm + 0.5 * pos_hedged + neg < 0.5:
        return NONE
    if neg >= 0.7 and neg >= 1.5 * (pos_firm + pos_hedged):
        return NEG
    if pos_firm >= 0.7 and pos_firm >= pos_hedged and neg < 0.5:
        return POS
    return MIXED


# --- regulatory status: which origins are allowed --------------------------------

ORIGINS = {
    "humaine": r"\bhumain\w*",
    "animale": r"\banima\w*",
    "vegetale": r"\bvegeta\w*",
    "bacterienne": r"\bbacterie\w*",
}
ORIGIN_FR = {"humaine": "humaine", "animale": "animale", "vegetale": "végétale", "bacterienne": "bactérienne"}
ORIGIN_EN = {"humaine": "human", "animale": "animal", "vegetale": "plant", "bacterienne": "bacterial"}
_ALLOWED = re.compile(r"\bautorise\w*|peuvent etre utilises")
_FORBIDDEN = re.compile(r"\binterdit\w*|soumis\w* a une autorisation")
_ONLY = re.compile(r"\bseul(?:e|s|es)?\b")


def origin_rules(sentence: str, t: str | None = None) -> dict[str, bool]:
    """Which product origins a sentence says are allowed (True) or not (False) in cosmetic use.

    "seuls les X ou Y sont autorisés" allows X and Y and excludes the others;
    "les X sont soumis à une Autorisation de Mise sur le Marché" means not freely allowed.
    """
    t = prep(sentence) if t is None else t
    if "exosome" not in t and "produit" not in t:
        return {}
    found = [o for o, pat in ORIGINS.items() if re.search(pat, t)]
    if not found:
        return {}
    allowed, forbidden = _ALLOWED.search(t), _FORBIDDEN.search(t)
    if not allowed and not forbidden:
        return {}
    out: dict[str, bool] = {}
    if forbidden and (not allowed or forbidden.start() < allowed.start()):
        for o in found:
            out[o] = False
        # "seuls X sont soumis à autorisation": the other origins are the free ones
        if _ONLY.search(t) and "soumis" in t:
            for o in ORIGINS:
                out.setdefault(o, True)
        return out
    for o in found:
        out[o] = True
    if _ONLY.search(t):
        for o in ORIGINS:
            out.setdefault(o, False)
    return out
