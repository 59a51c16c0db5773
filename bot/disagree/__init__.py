"""Where the sources disagree: quantity and stance detectors plus the reviewed evidence map.

`prepare` (once per process) reads the corpus, `find` (per answer) returns the
disagreements that bear on a question; `evidence_map` types and checks
`corpus/claims.yaml`; `summary` words a disagreement.
"""

from bot.disagree.detect import (
    _MEASURE_Q,
    ABOUT,
    LEGAL_TOPIC,
    MEASURE_TOPIC,
    _asks_measure,  # the tests check these gates on their own
    _one_source_named,
    area,
    find,
    relevance,
    touched,
)
from bot.disagree.evidence_map import (
    Claim,
    MapEntry,
    MapPosition,
    claims_path,
    entries_answering,
    load_claims,
    map_entry,
    validate_claims,
)
from bot.disagree.prepare import DisagreeIndex, embed_cached, prepare
from bot.lang.text import fold

__all__ = [
    "ABOUT",
    "LEGAL_TOPIC",
    "MEASURE_TOPIC",
    "_MEASURE_Q",
    "_asks_measure",
    "_one_source_named",
    "Claim",
    "DisagreeIndex",
    "MapEntry",
    "MapPosition",
    "area",
    "claims_path",
    "embed_cached",
    "entries_answering",
    "find",
    "fold",
    "load_claims",
    "map_entry",
    "prepare",
    "relevance",
    "touched",
    "validate_claims",
]
