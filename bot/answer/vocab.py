"""Shared word lists."""

from bot.lang import data
from bot.lang.text import content_tokens

# Words that do not make a question specific (stemmed like the index), from bot/lang/generic_words.txt.
GENERIC = frozenset(content_tokens("\n".join(data.generic_words())))
