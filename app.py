"""Run the whole app: `python app.py` serves the chat, /embed, the REST API and /docs.

The same as `exobot serve` or `python -m bot serve`. Host and port come from the
settings (BOT_HOST, BOT_PORT). The first run builds the search index and shows
its progress before the server starts.
"""

from __future__ import annotations

import sys

from bot.__main__ import serve

if __name__ == "__main__":
    sys.exit(serve())
