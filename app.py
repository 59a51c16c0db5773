"""Run the whole app: `python app.py` serves the chat, /embed, the REST API and /docs.

The same as `exobot serve` or `python -m bot serve`. Host and port come from the
settings (BOT_HOST, BOT_PORT). The first run builds the search index and shows
its progress before the server starts. A setting the app refuses (BOT_BRAND_COLOR too
light, '*' in BOT_ALLOWED_ORIGINS, ...) ends it with status 2 and one line on stderr.
"""

from __future__ import annotations

import sys

from bot.__main__ import main

if __name__ == "__main__":
    sys.exit(main(["serve"]))
