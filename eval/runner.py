"""Run the systems under evaluation over a question set and score them.

Every system answers the same questions in the same process run. The full
system and its retrieval ablations are the real bot with different
settings; the naive baseline reuses the bot's index and embedder.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.models import Answer
from bot.settings import Settings
from eval.metrics import score
from eval.questions import SOURCE_IDS, Question

log = logging.getLogger(__name__)

# name -> Settings overrides; None marks the naive baseline
SYSTEMS: dict[str, dict | None] = {
    "hybrid": {"retrieval_mode": "hybrid", "use_evidence_map": True, "selector": "model"},
    "rules": {"retrieval_mode": "hybrid", "use_evidence_map": True, "selector": "rules"},
    "hybrid-no-map": {"retrieval_mode": "hybrid", "use_evidence_map": False},
    "dense": {"retrieval_mode": "dense", "use_evidence_map": True},
    "bm25": {"retrieval_mode": "bm25", "use_evidence_map": True},
    "naive-rag": None,
}
FULL = "hybrid"
DESCRIPTIONS = {
    "hybrid": "full system: hybrid retrieval, the fitted relevance model choosing answer-or-refuse and the quotes, evidence map on",
    "rules": "the full system with the earlier hand-set answer rules instead of the relevance model (baseline)",
    "hybrid-no-map": "full system without the reviewed evidence map (detector only)",
    "dense": "the bot with dense retrieval only",
    "bm25": "the bot with BM25 retrieval only",
    "naive-rag": "LangChain + Chroma top-4 dense search, answers with the top passage",
}


@dataclass
class SystemRun:
    name: str
    answers: list[Answer]
    crashed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    settings: dict = field(default_factory=dict)


def load_documents(settings: Settings | None = None) -> dict[str, str]:
    """The project's cleaned documents, read from disk (not from the bot) for the provenance check."""
    corpus = Path((settings or Settings()).corpus_dir)
    return {sid: (corpus / "clean" / f"{sid}.md").read_text(encoding="utf-8") for sid in SOURCE_IDS}


def settings_for(name: str, base: Settings | None = None) -> Settings:
    overrides = SYSTEMS[name] or {}
    base = base or Settings()
    return base.model_copy(update=overrides)


def get_asker(name: str, base: Settings | None = None) -> tuple[Callable[..., Answer], object]:
    """A function (question, id, history) -> Answer for a system, and the bot behind it."""
    from bot import load_bot

    if name not in SYSTEMS:
        raise ValueError(f"unknown system {name!r}; choose from {', '.join(SYSTEMS)}")
    if SYSTEMS[name] is None:
        from eval.baselines import NaiveRAG

        bot = load_bot(base or Settings(), progress=False)
        naive = NaiveRAG(bot)
        return (lambda text, qid, history=None: naive.ask(text, id=qid)), bot
    bot = load_bot(settings_for(name, base), progress=False)
    return (lambda text, qid, history=None: bot.ask(text, history=history, id=qid)), bot


def answer_all(ask: Callable[..., Answer], questions: Sequence[Question]) -> tuple[list[Answer], list[str]]:
    """Ask every question; a crash becomes a visible failed answer, never a silent skip."""
    answers, crashed = [], []
    for q in questions:
        t0 = time.perf_counter()
        try:
            a = ask(q.question, q.id, q.history)
        except Exception as exc:  # recorded and reported: the run goes on
            log.warning("%s raised %r", q.id, exc)
            crashed.append(q.id)
            a = Answer(id=q.id, question=q.question[:200], status="rejected_input", error=f"crash: {exc!r}")
        wall = round((time.perf_counter() - t0) * 1000, 2)
        a.timings_ms = {**(a.timings_ms or {}), "wall": wall}
        answers.append(a)
    return answers, crashed


def run_system(name: str, questions: Sequence[Question], base: Settings | None = None) -> SystemRun:
    ask, bot = get_asker(name, base)
    t0 = time.perf_counter()
    answers, crashed = answer_all(ask, questions)
    return SystemRun(
        name=name,
        answers=answers,
        crashed=crashed,
        seconds=round(time.perf_counter() - t0, 2),
        settings=dict(SYSTEMS[name] or {"baseline": "naive-rag"}),
    )


def evaluate(
    questions: Sequence[Question],
    systems: Sequence[str] = tuple(SYSTEMS),
    base: Settings | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Scores of every requested system: {system: score dict + run info}."""
    from bot import load_bot

    documents = load_documents(base)
    kb = load_bot(base or Settings(), progress=False).kb
    passages = {pid: p.text for pid, p in kb.passages.items()}
    results = {}
    for name in systems:
        if progress:
            progress(f"running {name} on {len(questions)} questions")
        run = run_system(name, questions, base)
        res = score(questions, run.answers, documents, passages)
        res.update(
            system=name,
            description=DESCRIPTIONS.get(name, name),
            settings=run.settings,
            seconds=run.seconds,
            crashed=run.crashed,
        )
        results[name] = res
        results[name]["_answers"] = run.answers  # kept for the optional answers dump, not in the JSON
    return results
