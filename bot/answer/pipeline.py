"""The answerer: checks the input, retrieves, decides whether to answer, composes.

Every surface (CLI, Python API, REST API, web UI, evaluation) goes through
`Bot.ask`, so they all speak the same Answer contract.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from bot import disagree
from bot.answer import compose, conversation, guard, lexicon, relevance, scope
from bot.answer.retrieve import Retriever
from bot.answer.spelling import Speller
from bot.disagree import focus
from bot.errors import BotError, IndexUnavailable
from bot.lang.text import content_tokens, detect_language
from bot.models import Answer, Statement
from bot.render.markdown import render_markdown
from bot.render.messages import message
from bot.settings import Settings
from bot.store.corpus import load_documents, load_sources, split_passages
from bot.store.embed import get_embedder
from bot.store.index import (
    STORE_ERRORS,
    ensure_index,
    fetch_vectors,
    reopen_index,
    sentences_of,
)
from bot.store.index import (
    is_writer as index_writer,
)
from bot.store.kb import KB

log = logging.getLogger(__name__)
MAX_BLOCKS = 3  # disagreement blocks in one answer
FOCUS_SENTENCES = 12  # the scorer's best sentences that, with the quotes, say what a question is about
# (chosen on eval/train_disagree.jsonl: 3 / 6 / 12 gave disagreement recall 0.58 / 0.60 / 0.63, false alarms 0.18)


class Bot:
    def __init__(self, settings: Settings, progress: bool = True):
        t0 = time.perf_counter()
        self.settings = settings
        sources = load_sources(settings.corpus_dir)
        documents = load_documents(settings.corpus_dir, sources)
        passages = [p for sid in sources for p in split_passages(sid, documents[sid])]
        self.embedder = get_embedder(settings)
        self.stores = ensure_index(settings, self.embedder, sources, documents, passages, progress=progress)
        order = [p.id for p in passages]
        sents = sentences_of(passages)
        sent_ids = [f"{s.passage_id}@{s.start}" for s in sents]
        by_passage: dict[str, list[int]] = {}
        for i, s in enumerate(sents):
            by_passage.setdefault(s.passage_id, []).append(i)
        self.kb = KB(
            sources=sources,
            passages={p.id: p for p in passages},
            documents=documents,
            sentences=sents,
            sentence_vecs=fetch_vectors(self.stores.sentences, sent_ids),
            passage_sentences=by_passage,
            passage_vecs=fetch_vectors(self.stores.passages, order),
            passage_order=order,
            embedder=self.embedder,
            fingerprint=self.stores.fingerprint,
            extra={
                "corpus_dir": settings.corpus_dir,
                "index_dir": settings.index_dir,
                # serving never writes to the index folder: only a build (or `python -m bot index`) does
                "may_write": self.stores.built or index_writer(),
            },
        )
        self.retriever = Retriever(self.kb, self.stores.passages, settings.candidates, settings.rrf_k)
        self.scope = scope.Scope(self.kb)
        try:
            model = relevance.load_model()
            if model.embedder != self.embedder.name or len(model.question.features) != len(
                relevance.QUESTION_FEATURES
            ) + int(self.kb.sentence_vecs.shape[1]):
                raise ValueError(f"fitted with {model.embedder or 'another embedder'}")
        except (OSError, ValueError) as exc:  # absent or stale: `python -m eval.train` writes it
            log.warning("no usable relevance model (%s)", exc)
            model = None
        self.scorer = relevance.Scorer(self.kb, model)
        # without a model fitted in this embedder's space, the hand-set rules choose (and say so once)
        self.selector = settings.selector if model is not None else "rules"
        if self.selector != settings.selector:
            log.warning(
                "BOT_SELECTOR=model needs a relevance model for %s: using the rules", self.embedder.name
            )
        self.speller = Speller(self.kb.documents)
        if self.kb.sentences:
            self.kb.sentence_tokens(0)  # fill the token cache before the first question
        self._dx = _prepare_disagree(self.kb, strict=self.stores.built)
        self._index_ok = True  # False after the vector store failed: re-open it on the next request
        self.load_seconds = time.perf_counter() - t0

    # ------------------------------------------------------------------ public
    def ask(self, question: Any, history: Any = None, id: Any = None) -> Answer:
        """Answer one question; never raises for bad input (rejected_input instead)."""
        t0 = time.perf_counter()
        qid = _clean_id(id)
        checked = guard.check_question(question, self.settings.max_question_chars)
        if checked.error:
            return guard.rejected(qid, checked.display, checked.error, checked.lang, t0)
        q = checked.text
        lang = detect_language(q)
        prev = guard.previous_question(history, self.settings.max_history_turns)
        try:
            self._reopen_if_needed()
            return self._answer(qid, checked.display, q, lang, prev, t0)
        except IndexUnavailable:
            self._index_ok = False
            raise
        except Exception:  # a bug must not show a stack trace to the user
            log.exception("ask failed")
            return guard.rejected(qid, checked.display, message("internal", lang), lang, t0)

    def check_index(self) -> bool:
        """True when the vector store answers; re-opens it first when it failed before."""
        try:
            self._reopen_if_needed()
            self.retriever.store.count()
        except (IndexUnavailable, *STORE_ERRORS) as exc:  # server down, collection gone
            log.warning("vector store unavailable: %s", exc)
            self._index_ok = False
            return False
        return True

    # ---------------------------------------------------------------- internals
    def _reopen_if_needed(self) -> None:
        """After a failure (e.g. the Chroma server restarted), cached collection handles may be stale."""
        if self._index_ok:
            return
        kb = self.kb
        passages, sentences = reopen_index(
            self.settings, self.embedder, kb.fingerprint, len(kb.passages), len(kb.sentences)
        )
        self.stores.passages, self.stores.sentences = passages, sentences
        self.retriever.store = passages
        self._index_ok = True

    def understand(self, question: Any, history: Any = None) -> Understood | None:
        """Everything the bot reads from a question before it decides: None for rejected input.
        The same function serves `ask` and the training of the relevance model."""
        checked = guard.check_question(question, self.settings.max_question_chars)
        if checked.error:
            return None
        q = checked.text
        return self._understand(
            q, detect_language(q), guard.previous_question(history, self.settings.max_history_turns)
        )

    def _understand(self, q: str, lang: str, prev: str | None) -> Understood:
        s = self.settings
        t = time.perf_counter()
        q = self.speller.repair(q, lang)  # searched in the documents' spelling; shown as asked
        qvec = self.embedder.query(q)
        tokens = asked = content_tokens(q)
        follow = prev is not None and conversation.is_elliptical(q, tokens)
        if follow:
            prev = self.speller.repair(prev, lang)
            qvec = _unit(qvec + 0.6 * self.embedder.query(prev))
            tokens = tokens + content_tokens(prev)
        embed_ms = _ms(t)
        t = time.perf_counter()
        hits = self.retriever.search(qvec, lexicon.expand(tokens), s.retrieval_mode, s.top_k)
        about = f"{prev} {q}" if follow else q
        personal = scope.needs_referral(q)  # read from the question itself, never from the history
        # the scorer also tells the disagreement detector what the question is about, whatever the selector;
        # a follow-up is scored on its own words ("Et pour les cheveux ?"), framed by qvec and the hits
        scored = (
            self.scorer.score(q, qvec, asked, lang, hits, personal=personal)
            if self.scorer.model
            or s.selector == "model"  # training reads the features even before a model exists
            else None
        )
        timings = {"embed": embed_ms, "retrieve": _ms(t)}
        own = personal and scope.own_situation(q)
        return Understood(q, lang, about, follow, qvec, tokens, hits, scored, timings, personal, own)

    def _answer(self, qid, display, q, lang, prev, t0) -> Answer:
        s = self.settings
        u = self._understand(q, lang, prev)
        timings = u.timings
        t = time.perf_counter()
        if self.selector == "model":
            chosen = self._choose(u.scored, refuse=s.refusal, situation=u.situation)
            if not chosen:
                # a personal health question is on topic even without a word of the domain
                on_topic = scope.in_domain(u.about) or u.personal
                status = "not_in_sources" if on_topic else "out_of_scope"
                return self._refusal(qid, display, lang, status, u.qvec, q, u.hits, timings, t0)
            rows = [i for i, _ in chosen]
        else:
            verdict = self.scope.judge(u.about, u.qvec, u.tokens, u.hits, lang) if s.refusal else None
            if verdict is not None and verdict.status != "answered":
                return self._refusal(qid, display, lang, verdict.status, u.qvec, q, u.hits, timings, t0)
            picks = compose.pick_sentences(
                self.kb, u.hits, u.qvec, u.tokens, s.max_quotes, s.max_quotes_per_source
            )
            if not picks:  # nothing quotable: say so rather than answer with nothing
                return self._refusal(qid, display, lang, "not_in_sources", u.qvec, q, u.hits, timings, t0)
            rows = [pk.idx for pk in picks]
        timings["select"] = _ms(t)

        disagreements = []
        if s.detect_disagreements:
            t = time.perf_counter()
            found = disagree.find(u.about, u.qvec, u.hits, self.kb, self._dx, s.use_evidence_map, lang)
            # only the disagreements on what the answer quotes; their quotes are not repeated above them
            about_rows = rows + self._about_rows(u.scored)
            disagreements = list(found)  # issue 11: focus.select below keeps those on the point asked
            if (
                u.scored and self.scorer.model and s.use_evidence_map
            ):  # entries whose sides answer the question
                prob = dict(zip(u.scored.cands, u.scored.p.tolist(), strict=True))
                # issue 11 (bot/disagree owner): entries close to the question too; a self-contradiction
                # on an aspect does not keep out the sources' own disagreement on it
                more = disagree.entries_answering(
                    self.kb,
                    self._dx,
                    prob,
                    self.scorer.model.quote_threshold,
                    lang,
                    qvec=u.qvec,
                    question=u.about,
                )
                # every candidate goes to focus.select, which keeps one block per aspect among those that pass
                have = {(d.aspect, d.self_contradiction, d.topic) for d in disagreements}
                disagreements += [d for d in more if (d.aspect, d.self_contradiction, d.topic) not in have]
            # issue 11 (bot/disagree owner): the blocks on the point asked, best first, no quote twice
            scored = u.scored if self.scorer.model is not None else None
            disagreements = focus.select(
                self.kb, self._dx, disagreements, about_rows, scored, s.use_evidence_map, u.qvec
            )[:MAX_BLOCKS]
            timings["disagree"] = _ms(t)
        shown = focus.shown_in_blocks(self.kb, disagreements)

        t = time.perf_counter()
        cites = compose.Citations(self.kb, lang)
        # when the best answering sentence is one side of a disagreement, the side-by-side leads
        lead = rows[0] in shown
        blocks = compose.compose_disagreements(self.kb, disagreements, lang, cites) if lead else []
        if self.selector == "model":
            atype = u.scored.query.atype
            kept = [(i, pr) for i, pr in chosen if i not in shown]
            statements = compose.compose_ranked(
                self.kb, kept, lang, cites, lambda text: relevance.answer_spans(text, atype)
            )
        else:
            statements = compose.compose_quotes(
                self.kb, [pk for pk in picks if pk.idx not in shown], lang, cites
            )
        if lead:
            statements = blocks + statements
        else:
            statements += compose.compose_disagreements(self.kb, disagreements, lang, cites)
        timings["compose"] = _ms(t)

        return self._finish(
            qid,
            display,
            lang,
            "answered",
            q,
            statements,
            u.hits,
            timings,
            t0,
            citations=cites.list(),
            disagreements=disagreements,
        )

    def _about_rows(self, scored: relevance.Scored | None) -> list[int]:
        """What the question is about, by the relevance model: its best sentences."""
        return [i for i, _ in scored.ranked()[:FOCUS_SENTENCES]] if scored else []

    def _choose(
        self, scored: relevance.Scored, refuse: bool = True, situation: bool = False
    ) -> list[tuple[int, float]]:
        """The answering sentence first, then up to a few more that pass the quote threshold and add something.
        A question on the person's own health `situation` always shows the documents' best precaution for
        it: in the model's order when chosen, else in place of the last further quote (never the first)."""
        model = self.scorer.model
        if model is None:
            raise BotError("the relevance model is missing or stale: run `python -m eval.train`")
        ranked = scored.ranked()
        if not ranked or (refuse and model.answerable(scored) < model.answer_threshold):
            return []
        chosen = [ranked[0]]
        seen = [self.kb.sentence_tokens(ranked[0][0])]
        for i, p in ranked[1:]:
            if len(chosen) >= self.settings.answer_quotes or p < model.quote_threshold:
                break
            toks = self.kb.sentence_tokens(i)
            if any(len(toks & t) >= 0.6 * min(len(toks), len(t)) for t in seen):
                continue  # says nothing the chosen quotes do not already say
            chosen.append((i, p))
            seen.append(toks)
        cautions = self.scorer.precaution_rows  # the documents' precautions and contraindications
        if situation and not any(i in cautions for i, _ in chosen):
            # what the sources say about the person's situation is always shown
            best = next(((i, p) for i, p in ranked if i in cautions), None)
            if best is not None:
                chosen = chosen[: max(1, self.settings.answer_quotes - 1)] + [best]
        return chosen

    def _refusal(self, qid, display, lang, status, qvec, q, hits, timings, t0) -> Answer:
        suggestions = self.scope.suggestions(qvec, lang)
        statements = [
            Statement(kind="framing", text=message(status, lang), section="refusal"),
            Statement(kind="framing", text=message("coverage", lang), section="refusal"),
            Statement(
                kind="framing",
                text=message("suggest_head", lang) + " " + " / ".join(suggestions),
                section="refusal",
            ),
        ]
        return self._finish(
            qid, display, lang, status, q, statements, hits, timings, t0, suggestions=suggestions
        )

    def _finish(self, qid, display, lang, status, q, statements, hits, timings, t0, **fields) -> Answer:
        """The referral when the question itself calls for one (nothing carries over), then the Answer."""
        referral = scope.needs_referral(q)
        if referral:
            statements.append(Statement(kind="framing", text=message("referral", lang), section="referral"))
        answer = Answer(
            id=qid,
            question=display,
            language=lang,
            status=status,
            statements=statements,
            referral=referral,
            retrieved=[h.passage.id for h in hits],
            timings_ms={**timings, "total": _ms(t0)},
            **fields,
        )
        answer.answer_markdown = render_markdown(answer)
        return answer


@dataclass
class Understood:
    text: str  # the question as searched
    lang: str
    about: str  # the question, with the previous one for an elliptical follow-up
    follow: bool
    qvec: np.ndarray
    tokens: list[str]
    hits: list
    scored: relevance.Scored | None
    timings: dict[str, float]
    personal: bool = False  # a personal health question
    situation: bool = False  # ... about the person's own situation (scope.own_situation)

    @property
    def cands(self) -> list[int]:
        return self.scored.cands if self.scored else []

    @property
    def X(self) -> np.ndarray:
        return self.scored.X if self.scored else np.zeros((0, len(relevance.FEATURES)))


def _prepare_disagree(kb: KB, strict: bool):
    """The disagreement detector's prepared prototypes.

    When the index was just built, the evidence map is checked strictly: a
    quote that is not verbatim in its source stops the build, naming the entry.
    """
    return disagree.prepare(kb, strict=strict)


def _clean_id(value: Any) -> str | None:
    """The caller's id, echoed back: bounded and always encodable as UTF-8."""
    if value is None:
        return None
    try:
        text = value if isinstance(value, str) else str(value)
    except Exception:  # e.g. an int too large to print
        return None
    return text[:200].encode("utf-8", "replace").decode("utf-8")


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n else v


def _ms(t: float) -> float:
    return round((time.perf_counter() - t) * 1000, 2)
