"""Command line: `exobot index|ask|check|serve` (the same as `python -m bot index|ask|check|serve`)."""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time

from bot import load_bot
from bot.errors import BotError, ConfigError
from bot.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="exobot", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_index = sub.add_parser("index", help="build the index if the corpus or the embedder changed")
    p_index.add_argument("--force", action="store_true", help="rebuild even if up to date")
    p_ask = sub.add_parser("ask", help="answer a question (or a JSONL file of questions)")
    p_ask.add_argument("question", nargs="?", help="the question")
    p_ask.add_argument("--json", action="store_true", help="print the Answer as JSON")
    p_ask.add_argument("--file", help="JSONL file, one {'question': ..., 'id': ...} per line ('-' = stdin)")
    p_check = sub.add_parser("check", help="check a claim source by source (or a JSONL file of claims)")
    p_check.add_argument("question", nargs="?", help="the claim")
    p_check.add_argument("--json", action="store_true", help="print the Answer as JSON")
    p_check.add_argument("--file", help="JSONL file, one {'claim': ..., 'id': ...} per line ('-' = stdin)")
    sub.add_parser("serve", help="serve the chat, /embed, the REST API and /docs (BOT_HOST, BOT_PORT)")
    args = parser.parse_args(argv)
    if args.cmd in ("ask", "check") and args.file is None and args.question is None:
        parser.error("give a question or --file")
    try:
        return _run(args)
    except BotError as exc:  # no corpus, no index, a bad evidence map or setting: one line, no stack trace
        print(f"exobot: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2


def _run(args) -> int:
    if args.cmd == "index":
        return _index(args.force)
    if args.cmd == "serve":
        return serve()
    if args.file:
        return _batch(args.file, check=args.cmd == "check")
    if args.cmd == "check":
        from bot.check import check

        answer = check(load_bot(), args.question)
    else:
        answer = load_bot().ask(args.question)
    if args.json:
        print(answer.model_dump_json())
    else:
        print(answer.answer_markdown)
    return 0


def _index(force: bool) -> int:
    from bot.answer.pipeline import Bot
    from bot.store.index import allow_writes

    allow_writes()  # the writer: may record content hashes in an index built before they existed
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
    bot = Bot(settings)  # a fresh build checks the evidence map strictly and raises, naming the entry
    dx = bot._dx
    if dx.claims_error:  # an index already up to date: the map was checked on load, and failed
        print(f"evidence map invalid: {dx.claims_error}", file=sys.stderr)
        return 1
    state = "rebuilt" if force or bot.stores.built else "up to date"
    print(
        f"index {state}: {len(bot.kb.passages)} passages, {len(bot.kb.sentences)} sentences, "
        f"{bot.embedder.name}, {len(dx.claims)} evidence-map entries checked, {time.perf_counter() - t0:.1f} s"
    )
    return 0


def serving_settings():
    """The settings, refused before the slow start (model, index) if the app would refuse them later.

    Raises ConfigError, one line naming the setting: a bad value (BOT_PORT=abc), an unreadable
    BOT_BRAND_COLOR, '*' in BOT_ALLOWED_ORIGINS, BOT_TRUST_PROXY without BOT_TRUSTED_PROXIES.
    """
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from bot.web.app import check_serving_settings
    from bot.web.brand import checked_brand_color

    try:
        settings = get_settings()
    except ValidationError as exc:
        bad = "; ".join(
            f"BOT_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']} (got {e.get('input')!r})"
            for e in exc.errors()
        )
        raise ConfigError(bad) from None
    except SettingsError as exc:  # a list setting that is not JSON (BOT_ALLOWED_ORIGINS=https://...)
        m = re.search(r'field "(\w+)"', str(exc))
        name = f"BOT_{m.group(1).upper()}" if m else "a setting"
        raise ConfigError(
            f"{name} cannot be read: a list setting is JSON, e.g. {name}='[\"https://pharmacie.example\"]'."
        ) from None
    check_serving_settings(settings)
    checked_brand_color(settings)
    return settings


def serve() -> int:
    """Load the bot (building the index on the first run, with its progress), then serve the web app."""
    import uvicorn

    from bot.web.app import create_app
    from bot.web.service import ChatService

    settings = serving_settings()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    t0 = time.perf_counter()
    print("Chargement des documents et de l'index…", flush=True)
    bot = load_bot(settings)
    print(f"Prêt en {time.perf_counter() - t0:.1f} s.", flush=True)
    app = create_app(settings, ChatService(bot=bot))
    print(f"Chat : http://{settings.host}:{settings.port}/   (iframe : /embed/, API : /docs)", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", proxy_headers=False)
    return 0


def _batch(path: str, check: bool = False) -> int:
    from bot.check import check as check_claim

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
                question = obj.get("claim", obj.get("question")) if check else obj.get("question")
                if obj.get("id") is not None:
                    qid = obj["id"]
            answer = check_claim(bot, question, id=qid) if check else bot.ask(question, id=qid)
            print(answer.model_dump_json(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
