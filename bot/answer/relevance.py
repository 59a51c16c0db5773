"""How likely a sentence is to answer a question: one fitted model for answer-or-refuse, choice and order.

Each (question, sentence) pair is described by a few measurable features
(dense similarity of the sentence and of its passage, coverage of the
question's rare words, whether the sentence holds the kind of answer the
question asks for, words the documents never use...). A logistic regression
fitted on `eval/train.jsonl` (`python -m eval.train`) turns them into a
probability. The same probability decides whether to answer at all (the best
sentence must pass a threshold chosen by cross-validation), which sentences
are quoted and in what order.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from pydantic import BaseModel
from wordfreq import zipf_frequency

from bot.answer.answer_types import AnswerType, answer_spans, question_type  # noqa: F401 (re-exported)
from bot.answer.lexicon import covered, maps_to_documents
from bot.answer.logistic import Logistic
from bot.answer.retrieve import Hit
from bot.answer.scope import in_domain
from bot.answer.spelling import misspelling_of
from bot.answer.usable import refers_back, usable
from bot.answer.vocab import GENERIC
from bot.lang import data
from bot.lang.text import content_tokens, detect_language, fold, word_ngrams
from bot.store.kb import KB

HERE = Path(__file__).resolve().parent
MODEL_FILE = HERE / "relevance_model.json"

GLOBAL_CANDIDATES = 20  # best sentences of the whole corpus added to those of the retrieved passages
_NAME = re.compile(r"(?<![\w-])([A-ZÀ-Ý][\w-]{2,})")
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

FEATURES = (
    "s_dense",  # cosine of the question and the bare sentence
    "s_center",  # the same, less the part every question shares (the corpus centre)
    "s_rank",  # 1 / (1 + rank of the sentence among all sentences)
    "s_gap",  # distance below the best sentence for this question
    "p_dense",  # cosine of the question and the sentence's passage (with its headings)
    "p_rank",  # 1 / (1 + rank of the passage in the fused retrieval), 0 when not retrieved
    "cover_s",  # share of the question's rare words (idf-weighted) in the sentence
    "cover_p",  # ... in the passage and its headings
    "cover_h",  # ... in the headings and the document title
    "type_match",  # the question asks for an amount, a duration, a name... and the sentence has one
    "type_missing",  # it asks for one and the sentence has none
    "unknown",  # share of the question's words the documents never use (French questions)
    "unknown_names",  # names and figures in the question that no document contains
    "log_len",  # sentence length
    "table_row",
    "lang_en",
    "domain",  # the question uses a word of the documents' domain (skin, hair, exosomes...)
    "named_source",  # the question names a source (« selon l'Inserm ») and the sentence is from it
    "other_source",  # the question names a source and the sentence is from another one
    "s_english",  # the sentence is in English (the journal's tables): a French reader's question rarely wants it
    "anaphoric",  # the sentence opens with a word that refers back ("Il", "Ces", "Donc"): unclear read alone
    "pairs",  # share of the question's word pairs found, in order, in the sentence ("après l'injection")
    "triples",  # ... of its runs of three words
    "caution",  # a personal health question, and the sentence is one of the documents' precautions
)


@dataclass
class Query:
    """What is computed once per question."""

    text: str
    lang: str
    vec: np.ndarray
    focus: dict[str, float]  # rare content lemmas of the question -> idf weight
    atype: AnswerType | None
    unknown: float
    unknown_names: int
    domain: bool
    named: frozenset[str]  # sources the question names
    specific: tuple[float, float]  # (most specific, sum) of the words no document uses


@dataclass
class Scored:
    """One question's candidates, their features and their probability of answering it."""

    query: Query
    cands: list[int]  # rows of kb.sentences
    X: np.ndarray  # the named features (FEATURES)
    p: np.ndarray
    Z: np.ndarray | None = None  # what the sentence model reads: X and the question-sentence products

    def ranked(self) -> list[tuple[int, float]]:
        order = np.argsort(-self.p, kind="stable")
        return [(self.cands[j], float(self.p[j])) for j in order]

    @property
    def best(self) -> float:
        return float(self.p.max()) if len(self.p) else 0.0


class Scorer:
    """The corpus-side tables the features need, computed once per bot."""

    def __init__(self, kb: KB, model: Model | None):
        self.kb = kb
        self.model = model
        self.usable = [usable(kb, i) for i in range(len(kb.sentences))]
        self.english = [float(detect_language(s.text) == "en") for s in kb.sentences]
        self.anaphoric = [float(refers_back(s.text)) for s in kb.sentences]
        self.ngrams = [word_ngrams(s.text) for s in kb.sentences]
        pattern = data.precautions()
        # the documents' precautions and contraindications (bot/lang/precautions.txt)
        self.precautions = tuple(
            i for i, s in enumerate(kb.sentences) if self.usable[i] and pattern.search(s.text)
        )
        self.precaution_rows = frozenset(self.precautions)
        self.folded_corpus = " ".join(fold(d) for d in kb.documents.values())
        self.long_vocab = [v for v in kb.vocab if len(v) >= 5]
        self.source_patterns = {k: re.compile(v) for k, v in data.source_names().items()}
        self.doc_words: dict[str, list[str]] = {}
        for w in {fold(w) for d in kb.documents.values() for w in _WORD.findall(d.lower()) if len(w) >= 3}:
            self.doc_words.setdefault(w[0], []).append(w)
        self.heading_tokens = {
            pid: frozenset(content_tokens(" ".join([kb.sources[p.source_id].title, *p.heading_path])))
            for pid, p in kb.passages.items()
        }

    def query(self, text: str, qvec: np.ndarray, tokens: list[str], lang: str) -> Query:
        idf = self.kb.idf
        top = max(idf.values(), default=1.0)
        focus_toks = [t for t in dict.fromkeys(tokens) if t not in GENERIC and len(t) > 1]
        focus = {t: idf.get(t, top) for t in focus_toks}
        specific = [t for t in focus_toks if not t.isdigit()]
        unknown = [t for t in specific if not self._known(t)]
        share = len(unknown) / len(specific) if specific and lang == "fr" else 0.0
        folded = fold(text)
        named = frozenset(sid for sid, pat in self.source_patterns.items() if pat.search(folded))
        return Query(
            text,
            lang,
            qvec,
            focus,
            question_type(folded),
            share,
            self._unknown_names(text),
            in_domain(text),
            named,
            self.specificity(text, lang),
        )

    def specificity(self, text: str, lang: str) -> tuple[float, float]:
        """How specific the question's words unknown to the documents are, in general language.

        A word no document uses may be everyday language ("citer", "truc": it says
        nothing about coverage), a misspelt document word ("efficasse"), or a thing
        the documents never discuss ("minoxidil", "cellulite"): only the last makes
        the question unanswerable. Specificity is 1 - Zipf frequency / 6 (wordfreq).
        """
        vals = [v for w in _WORD.findall(text) if len(w) >= 3 and (v := self._specific(w.lower(), lang)) > 0]
        return (max(vals, default=0.0), float(sum(vals)))

    @lru_cache(maxsize=20_000)  # noqa: B019 (one scorer per bot, kept for the process)
    def _specific(self, word: str, lang: str) -> float:
        toks = content_tokens(word)
        if not toks or all(self._known(t) for t in toks):
            return 0.0
        z = zipf_frequency(word, lang)
        if lang == "fr" and misspelling_of(fold(word), z, self.doc_words):
            return 0.0  # a misspelt document word
        return float(np.clip(1.0 - z / 6.0, 0.0, 1.0))

    def _known(self, token: str) -> bool:
        vocab = self.kb.vocab
        if token in vocab or maps_to_documents(token, vocab):
            return True
        return len(token) >= 4 and any(v.startswith(token) for v in self.long_vocab)

    def _unknown_names(self, text: str) -> int:
        """Names (capitalised words not opening a sentence) and figures of the question no document has."""
        count = 0
        for m in _NAME.finditer(text):
            if m.start() == 0 or text[: m.start()].rstrip().endswith((".", "?", "!", ":", ",")):
                continue
            if fold(m.group(1)) not in self.folded_corpus:
                count += 1
        count += sum(m.group(0) not in self.folded_corpus for m in _NUMBER.finditer(text))
        return min(count, 2)

    def candidates(self, hits: list[Hit], centered: np.ndarray, extra: tuple[int, ...] = ()) -> list[int]:
        """Sentences of the retrieved passages, the closest sentences of the whole corpus, and `extra`."""
        out: dict[int, None] = dict.fromkeys(extra)
        for h in hits:
            for i in self.kb.passage_sentences.get(h.passage.id, []):
                out[i] = None
        for i in np.argsort(-centered)[:GLOBAL_CANDIDATES]:
            out[int(i)] = None
        return [i for i in out if self.usable[i]]

    def features(self, q: Query, cands, hits: list[Hit], dense, centered, personal: bool = False):
        """Feature matrix (len(cands), len(FEATURES)); `personal`: a personal health question."""
        kb = self.kb
        X = np.zeros((len(cands), len(FEATURES)), dtype=np.float64)
        if not cands:
            return X
        rank = np.empty(len(centered), dtype=np.int64)
        rank[np.argsort(-centered)] = np.arange(len(centered))
        best = float(centered[cands].max())
        prank = {h.passage.id: r for r, h in enumerate(hits)}
        pdense = kb.passage_vecs @ q.vec
        total = sum(q.focus.values()) or 1.0
        has_type = q.atype is not None and bool(q.atype.sentence)
        qgrams = word_ngrams(q.text)

        def cover(toks) -> float:
            # a question with no specific word has nothing left uncovered
            return sum(w for t, w in q.focus.items() if covered(t, toks)) / total if q.focus else 1.0

        for n, i in enumerate(cands):
            s = kb.sentences[i]
            match = has_type and any(p.search(s.text) for p in q.atype.sentence)
            r = prank.get(s.passage_id)
            X[n] = (
                dense[i],
                centered[i],
                1.0 / (1.0 + rank[i]),
                best - centered[i],
                pdense[kb.passage_row(s.passage_id)],
                0.0 if r is None else 1.0 / (1.0 + r),
                cover(kb.sentence_tokens(i)),
                cover(kb.passage_tokens(s.passage_id)),
                cover(self.heading_tokens[s.passage_id]),
                float(match),
                float(has_type and not match),
                q.unknown,
                q.unknown_names,
                np.log1p(len(s.text)),
                float(s.text.startswith("|")),
                float(q.lang == "en"),
                float(q.domain),
                float(bool(q.named) and s.source_id in q.named),
                float(bool(q.named) and s.source_id not in q.named),
                self.english[i],
                self.anaphoric[i],
                _share(qgrams[0], self.ngrams[i][0]),
                _share(qgrams[1], self.ngrams[i][1]),
                float(personal and i in self.precaution_rows),
            )
        return X

    def score(
        self,
        text: str,
        qvec: np.ndarray,
        tokens: list[str],
        lang: str,
        hits: list[Hit],
        personal: bool = False,
    ) -> Scored:
        """`personal`: a personal health question, whose candidates always include the precautions."""
        dense = self.kb.sentence_vecs @ qvec
        centered = self.kb.sentence_scores(qvec)
        q = self.query(text, qvec, tokens, lang)
        cands = self.candidates(hits, centered, self.precautions if personal else ())
        X = self.features(q, cands, hits, dense, centered, personal)
        Z = pair_matrix(X, self.kb.sentence_vecs[cands], qvec)
        p = self.model.predict(Z) if self.model is not None else np.zeros(len(cands))
        return Scored(q, cands, X, p, Z)


def _share(q: frozenset, s: frozenset) -> float:
    return len(q & s) / len(q) if q else 0.0


def pair_matrix(X: np.ndarray, svecs: np.ndarray, qvec: np.ndarray) -> np.ndarray:
    """The named features, then the products of the question's and the sentence's embedding dimensions.

    The products let the fitted weights say which directions of the embedding space matter for
    answering (a price, a name, a device) instead of weighing every dimension alike as the cosine does.
    """
    return np.hstack([X, np.asarray(svecs, dtype=np.float64) * np.asarray(qvec, dtype=np.float64)[None, :]])


def embedding_names(prefix: str, dim: int) -> tuple[str, ...]:
    return tuple(f"{prefix}[{k}]" for k in range(dim))


QUESTION_FEATURES = (
    "best_logit",  # log-odds of the best sentence
    "second_logit",  # ... of the second best
    "best_cover",  # share of the question's rare words in the best sentence
    "top_cover",  # ... in the three best sentences' passages together
    "unknown",
    "unknown_names",
    "domain",
    "lang_en",
    "best_center",  # centred similarity of the best sentence
    "type_missing",  # the best sentence lacks the kind of answer asked for
    "focus_words",  # how many rare words the question has (log)
    "specific_max",  # the most specific word of the question that no document uses (0: none)
    "specific_sum",  # all such words together
)


def question_matrix(s: Scored, X: np.ndarray, p: np.ndarray) -> np.ndarray:
    """What the answer-or-refuse model reads: the question features, then the question's embedding.

    The embedding lets it learn which kinds of question the documents leave unanswered (a brand, a
    city, a figure they never give) from the training questions, beyond the words they share.
    """
    return np.concatenate([question_features(s, X, p), np.asarray(s.query.vec, dtype=np.float64)])


def question_features(s: Scored, X: np.ndarray, p: np.ndarray) -> np.ndarray:
    """One row per question, from its candidates' features and probabilities."""
    q = s.query
    if len(p) == 0:
        return np.array(
            [-10.0, -10.0, 0, 0, q.unknown, q.unknown_names, q.domain, q.lang == "en", 0, 1, 0.0, *q.specific]
        )
    order = np.argsort(-p, kind="stable")
    col = {name: k for k, name in enumerate(FEATURES)}
    top = order[:3]
    logit = np.log(np.clip(p[order[:2]], 1e-6, 1 - 1e-6) / (1 - np.clip(p[order[:2]], 1e-6, 1 - 1e-6)))
    return np.array(
        [
            logit[0],
            logit[1] if len(logit) > 1 else -10.0,
            X[order[0], col["cover_s"]],
            X[top, col["cover_p"]].max(),
            q.unknown,
            q.unknown_names,
            float(q.domain),
            float(q.lang == "en"),
            X[order[0], col["s_center"]],
            X[order[0], col["type_missing"]],
            np.log1p(len(q.focus)),
            *q.specific,
        ]
    )


CALIBRATION_FEATURES = ("rank_score", "below_best")  # the ranker's score, and its distance below the best


def calibration_matrix(score: np.ndarray) -> np.ndarray:
    """What the calibration reads: a listwise score says which sentence is best, not how likely it is to
    answer; its distance below the question's best sentence says whether a further quote is as good."""
    if len(score) == 0:
        return np.zeros((0, len(CALIBRATION_FEATURES)))
    return np.c_[score, score - score.max()]


class Model(BaseModel):
    """The sentence ranker and its calibration, the answer-or-refuse model over its output, and the
    two thresholds."""

    sentence: Logistic  # a listwise ranker when `calibration` is set, else a pointwise logistic model
    calibration: Logistic | None = None  # turns the ranker's scores into probabilities
    question: Logistic
    answer_threshold: float  # probability that the question is answerable, needed to answer at all
    quote_threshold: float  # further quotes must reach this sentence probability
    embedder: str = ""  # the embedder whose space the product and embedding weights were fitted in
    trained_on: dict = {}

    def predict(self, Z: np.ndarray) -> np.ndarray:
        if self.calibration is None:
            return self.sentence.predict(Z)
        return self.calibration.predict(calibration_matrix(self.sentence.score(Z)))

    def answerable(self, s: Scored) -> float:
        return float(self.question.predict(question_matrix(s, s.X, s.p))[0])


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_FILE) -> Model:
    model = Model(**json.loads(path.read_text(encoding="utf-8")))
    sf, qf = model.sentence.features, model.question.features
    dim = len(sf) - len(FEATURES)
    if (
        tuple(sf) != FEATURES + embedding_names("q*s", dim)
        or tuple(qf) != QUESTION_FEATURES + embedding_names("q", dim)
        or (model.calibration is not None and tuple(model.calibration.features) != CALIBRATION_FEATURES)
    ):
        raise ValueError(f"{path.name} was fitted on other features; run `python -m eval.train`")
    return model
