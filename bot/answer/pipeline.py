"""The answerer: checks the input, retrieves, decides whether to answer, composes.

Every surface (CLI, Python API, REST API, web UI, evaluation) goes through
`Bot.ask`, so they all speak the same Answer contract.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np

from bot import disagree
from bot.answer import compose, guard, lexicon, scope
from bot.answer.retrieve import Retriever
from bot.errors import IndexUnavailable
from bot.lang.text import content_tokens, detect_language
from bot.models import Answer, Statement
from bot.render.markdown import render_markdown
from bot.render.messages import message
from bot.settings import Settings
from bot.store.corpus import load_documents, load_sources, split_passages
from bot.store.embed import get_embedder
from bot.store.index import STORE_ERRORS, ensure_index, fetch_vectors, reopen_index, sentences_of
from bot.store.kb import KB

log = logging.getLogger(__name__)


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
            extra={"corpus_dir": settings.corpus_dir, "index_dir": settings.index_dir},
        )
        self.retriever = Retriever(self.kb, self.stores.passages, settings.candidates, settings.rrf_k)
        self.scope = scope.Scope(self.kb)
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

    def _answer(self, qid, display, q, lang, prev, t0) -> Answer:
        s = self.settings
        timings: dict[str, float] = {}
        t = time.perf_counter()
        qvec = self.embedder.query(q)
        tokens = content_tokens(q)
        follow = prev is not None and scope.is_follow_up(q, tokens)
        if follow:
            pvec = self.embedder.query(prev)
            qvec = _unit(qvec + 0.6 * pvec)
            tokens = tokens + content_tokens(prev)
        search_tokens = lexicon.expand(tokens)
        timings["embed"] = _ms(t)

        t = time.perf_counter()
        hits = self.retriever.search(qvec, search_tokens, s.retrieval_mode, s.top_k)
        timings["retrieve"] = _ms(t)

        verdict = (
            self.scope.judge(q if not follow else f"{prev} {q}", qvec, tokens, hits, lang)
            if s.refusal
            else None
        )
        if verdict is not None and verdict.status != "answered":
            return self._refusal(qid, display, lang, verdict.status, qvec, q, hits, timings, t0)

        t = time.perf_counter()
        cites = compose.Citations(self.kb, lang)
        picks = compose.pick_sentences(self.kb, hits, qvec, tokens, s.max_quotes, s.max_quotes_per_source)
        if not picks:  # nothing quotable: say so rather than answer with nothing
            return self._refusal(qid, display, lang, "not_in_sources", qvec, q, hits, timings, t0)
        statements = compose.compose_quotes(self.kb, picks, lang, cites)
        timings["compose"] = _ms(t)

        disagreements = []
        if s.detect_disagreements:
            t = time.perf_counter()
            about = f"{prev} {q}" if follow else q
            disagreements = disagree.find(about, qvec, hits, self.kb, self._dx, s.use_evidence_map, lang)
            timings["disagree"] = _ms(t)
        statements += compose.compose_disagreements(self.kb, disagreements, lang, cites)

        referral = scope.needs_referral(q) or (follow and scope.needs_referral(prev or ""))
        if referral:
            text = message("referral", lang)
            statements.append(Statement(kind="framing", text=text, section="referral"))
        answer = Answer(
            id=qid,
            question=display,
            language=lang,
            status="answered",
            statements=statements,
            citations=cites.list(),
            disagreements=disagreements,
            timings_ms={**timings, "total": _ms(t0)},
            referral=referral,
            retrieved=[h.passage.id for h in hits],
        )
        return _with_markdown(answer)

    def _refusal(self, qid, display, lang, status, qvec, q, hits, timings, t0) -> Answer:
        referral = scope.needs_referral(q)
        text = message(status, lang)
        cover = message("coverage", lang)
        suggestions = self.scope.suggestions(qvec, lang)
        head = message("suggest_head", lang)
        statements = [
            Statement(kind="framing", text=text, section="refusal"),
            Statement(kind="framing", text=cover, section="refusal"),
            Statement(kind="framing", text=head + " " + " / ".join(suggestions), section="refusal"),
        ]
        if referral:
            advice = message("referral", lang)
            statements.append(Statement(kind="framing", text=advice, section="referral"))
        answer = Answer(
            id=qid,
            question=display,
            language=lang,
            status=status,
            statements=statements,
            suggestions=suggestions,
            referral=referral,
            retrieved=[h.passage.id for h in hits],
            timings_ms={**timings, "total": _ms(t0)},
        )
        return _with_markdown(answer)


def _prepare_disagree(kb: KB, strict: bool):
    """The disagreement detector's prepared prototypes.

    When the index was just built, the evidence map is checked strictly: a
    quote that is not verbatim in its source stops the build, naming the entry.
    """
    return disagree.prepare(kb, strict=strict)


def _with_markdown(answer: Answer) -> Answer:
    """The Markdown is rendered last, from the finished statements, citations and disagreements."""
    answer.answer_markdown = render_markdown(answer)
    return answer


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
