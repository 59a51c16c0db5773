"""Where the sources disagree: quantity and stance detectors plus the reviewed evidence map."""

from bot.disagree.detect import claims_path, find, load_claims, prepare, validate_claims

__all__ = ["claims_path", "find", "load_claims", "prepare", "validate_claims"]
