"""Run the whole app: `python app.py` serves the chat, /embed, the REST API and /docs.

Host and port come from the settings (BOT_HOST, BOT_PORT). The first run builds
the search index and shows its progress before the server starts.
"""

from __future__ import annotations

import logging
import os
import sys
import time

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def main() -> int:
    import uvicorn

    from bot import load_bot
    from bot.settings import get_settings
    from bot.web.app import create_app
    from bot.web.service import ChatService

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    t0 = time.perf_counter()
    print("Chargement des documents et de l'index…", flush=True)
    bot = load_bot(settings)
    print(f"Prêt en {time.perf_counter() - t0:.1f} s.", flush=True)
    app = create_app(settings, ChatService(bot=bot))
    print(f"Chat : http://{settings.host}:{settings.port}/   (iframe : /embed/, API : /docs)", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
