"""Command line: `python -m bot index` and `python -m bot ask`."""

from __future__ import annotations

import argparse
import json
import sys
import time

from bot import load_bot
from bot.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_index = sub.add_parser("index", help="build the index if the corpus or the embedder changed")
    p_index.add_argument("--force", action="store_true", help="rebuild even if up to date")
    p_ask = sub.add_parser("ask", help="answer a question (or a JSONL file of questions)")
    p_ask.add_argument("question", nargs="?", help="the question")
    p_ask.add_argument("--json", action="store_true", help="print the Answer as JSON")
    p_ask.add_argument("--file", help="JSONL file, one {'question': ..., 'id': ...} per line ('-' = stdin)")
    args = parser.parse_args(argv)

    if args.cmd == "index":
        return _index(args.force)
    if args.file:
        return _batch(args.file)
    if args.question is None:
        parser.error("give a question or --file")
    answer = load_bot().ask(args.question)
    if args.json:
        print(answer.model_dump_json())
    else:
        print(answer.answer_markdown)
    return 0


def _index(force: bool) -> int:
    from bot.answer.pipeline import Bot

    settings = get_settings()
    t0 = time.perf_counter()
    if force:
        from bot.store.corpus import load_documents, load_sources, split_passages
        from bot.store.embed import get_embedder
        from bot.store.index import ensure_index

        sources = load_sources(settings.corpus_dir)
        docs = load_documents(settings.corpus_dir, sources)
        passages = [p for sid in sources for p in split_passages(sid, docs[sid])]
        ensure_index(settings, get_embedder(settings), sources, docs, passages, force=True)
    bot = Bot(settings)
    from bot.disagree import validate_claims

    claims = validate_claims(bot.kb)  # raises, naming the entry, when a quote is not in its source
    state = "rebuilt" if force or bot.stores.built else "up to date"
    print(
        f"index {state}: {len(bot.kb.passages)} passages, {len(bot.kb.sentences)} sentences, "
        f"{bot.embedder.name}, {len(claims)} evidence-map entries checked, {time.perf_counter() - t0:.1f} s"
    )
    return 0


def _batch(path: str) -> int:
    bot = load_bot()
    stream = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    with stream:
        for n, line in enumerate(stream, 1):
            if not line.strip():
                continue
            question, qid = None, f"line{n}"
            try:
                obj = json.loads(line)
            except ValueError:
                obj = None
            if isinstance(obj, dict):
                question = obj.get("question")
                if obj.get("id") is not None:
                    qid = obj["id"]
            answer = bot.ask(question, id=qid)
            print(answer.model_dump_json(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
