"""A naive retrieval-augmented baseline, scored beside the bot on the same questions.

It is what a quick LangChain prototype would do: a top-4 dense similarity
search in the same Chroma store with the same embedder, then the top passage
shown as the answer. No input checks, no refusal, no disagreement detection,
no referral. Comparing it with the bot shows what those parts are worth.
"""

from __future__ import annotations

import time

from bot.answer.compose import Citations
from bot.lang.text import detect_language
from bot.models import Answer, Statement

CITED = 4  # passages shown, as in the usual LangChain "k=4" retriever
RETRIEVED = 5  # one more kept in `retrieved`, so recall@5 compares like with like


class NaiveRAG:
    """Top-k dense search through langchain_chroma.Chroma; answers with the best passage."""

    name = "naive-rag"

    def __init__(self, bot):
        # The bot's own store: a langchain_chroma.Chroma built with the project embedder.
        self.store = bot.stores.langchain(bot.embedder)
        self.kb = bot.kb

    def ask(self, question: str, id: str | None = None) -> Answer:
        t0 = time.perf_counter()
        docs = self.store.similarity_search_with_relevance_scores(question, k=RETRIEVED)
        ids = [d.metadata["passage_id"] for d, _ in docs]
        scores = {d.metadata["passage_id"]: float(s) for d, s in docs}
        cites = Citations(self.kb)
        for pid in ids[:CITED]:
            cites.cite(pid, scores[pid])
        citations = cites.list()
        statements = (
            [Statement(kind="quote", text=citations[0].text, citations=[ids[0]])] if citations else []
        )
        md = citations[0].text if citations else ""
        return Answer(
            id=id,
            question=question,
            language="en" if detect_language(question) == "en" else "fr",
            status="answered",
            answer_markdown=md,
            statements=statements,
            citations=citations,
            retrieved=ids,
            timings_ms={"total": round((time.perf_counter() - t0) * 1000, 2)},
        )
