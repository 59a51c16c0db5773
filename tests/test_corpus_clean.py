"""The cleaned corpus adds no words to the raw documents, and the raw copies are the pinned originals.

Answers quote the cleaned documents verbatim, so any word that cleaning added (or reworded) would be
a word put in a source's mouth. These tests compare each cleaned Markdown file with its raw text.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
if str(ROOT) not in sys.path:  # the package is importable without an install
    sys.path.insert(0, str(ROOT))
IDS = {"inserm", "dermatologue", "revue-dermato", "clinique", "praticienne-cheveux"}
# The page copy of this document has no title line: its H1 is a phrase the document itself uses.
UNTITLED = {"praticienne-cheveux"}

WORD = re.compile(r"[^\W_]+")  # letters and digits, accents kept; Markdown syntax is not a word
# "fonda-\nmentale"; in the PDF copy a figure or table caption can sit between the two halves
HYPHEN_BREAK = re.compile(r"(\w)-[ \t]*\n((?:[ \t]*\n|[ \t]*(?:Fig\.|Tableau) [^\n]*\n)*)[ \t]*(\w)")
DROP_CAP = re.compile(r"(?m)^[ \t]*([A-ZÀ-Ý])[ \t]*\n(?=[a-zà-ÿ])")  # "L\nes exosomes"
SENTENCE_END = re.compile(r"(?<=[.!?…;:])\s+")


def words(text: str) -> list[str]:
    return WORD.findall(text)


def norm_ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def dehyphenate(raw: str) -> str:
    """The raw text as read across line ends: hyphenated breaks and drop caps joined.

    Captions found between the two halves of a word are kept, moved to the end of the text.
    """
    moved: list[str] = []

    def join(m: re.Match) -> str:
        moved.append(m.group(2))
        return m.group(1) + m.group(3)

    return DROP_CAP.sub(r"\1", HYPHEN_BREAK.sub(join, raw)) + "\n" + "\n".join(moved)


def strip_markdown(line: str) -> str:
    """A cleaned line without its Markdown syntax (headings, bullets, numbers' dots, table pipes)."""
    line = re.sub(r"^#{1,6} ", "", line)
    line = re.sub(r"^- ", "", line)
    if line.startswith("|"):
        if re.fullmatch(r"\|(\s*:?-{3,}:?\s*\|)+", line):
            return ""
        line = " ".join(cell.strip() for cell in line.strip("|").split("|"))
    return line


def sentences(clean: str) -> list[str]:
    out = []
    for line in clean.splitlines():
        text = strip_markdown(line)
        out.extend(s for s in SENTENCE_END.split(text) if s.strip())
    return out


@pytest.fixture(scope="module")
def sources() -> dict[str, dict]:
    data = yaml.safe_load((CORPUS / "sources.yaml").read_text(encoding="utf-8"))
    return {s["id"]: s for s in data}


def load(source: dict) -> tuple[str, str]:
    raw = (CORPUS / "raw" / source["file"]).read_text(encoding="utf-8")
    clean = (CORPUS / "clean" / f"{source['id']}.md").read_text(encoding="utf-8")
    return raw, clean


def title_line(clean: str) -> str:
    first = clean.splitlines()[0]
    assert first.startswith("# "), f"first line is not a '# Title': {first!r}"
    return first[2:]


def test_all_sources_listed_with_existing_files(sources):
    assert set(sources) == IDS
    for sid, s in sources.items():
        assert (CORPUS / "raw" / s["file"]).is_file(), s["file"]
        assert (CORPUS / "clean" / f"{sid}.md").is_file(), sid


def test_sources_fit_the_source_profile_model(sources):
    from bot.models import SourceProfile

    for s in sources.values():
        fields = {k: v for k, v in s.items() if k in SourceProfile.model_fields}
        profile = SourceProfile(**fields)
        assert profile.kind in {
            "public_institute",
            "journal_review",
            "dermatologist_retail",
            "clinic",
            "practitioner",
        }
        assert set(s) - set(SourceProfile.model_fields) <= {"raw_sha256"}, s["id"]


@pytest.mark.parametrize("sid", sorted(IDS))
def test_raw_file_matches_recorded_sha256(sources, sid):
    data = (CORPUS / "raw" / sources[sid]["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == sources[sid]["raw_sha256"]


@pytest.mark.parametrize("sid", sorted(IDS))
def test_title_is_the_documents_own(sources, sid):
    raw, clean = load(sources[sid])
    title = title_line(clean)
    assert title == sources[sid]["title"]
    if sid in UNTITLED:
        # a phrase of the document, not a line of it
        assert title.lower() in norm_ws(raw).lower()
    else:
        assert title in norm_ws(dehyphenate(raw)), f"title not verbatim in the raw text: {title!r}"


@pytest.mark.parametrize("sid", sorted(IDS))
def test_headings_are_verbatim(sources, sid):
    raw, clean = load(sources[sid])
    flat = norm_ws(dehyphenate(raw))
    for line in clean.splitlines()[1:]:
        if line.startswith("#"):
            assert re.match(r"#{2,4} \S", line), f"bad heading syntax: {line!r}"
            assert line.split(" ", 1)[1] in flat, f"heading not verbatim in the raw text: {line!r}"


@pytest.mark.parametrize("sid", sorted(IDS))
def test_every_cleaned_word_is_a_raw_word(sources, sid):
    raw, clean = load(sources[sid])
    vocab = set(words(raw)) | set(words(dehyphenate(raw)))
    bad = []
    for sentence in sentences(clean):
        extra = [w for w in words(sentence) if w not in vocab]
        if extra:
            bad.append(f"{extra} in: {sentence}")
    assert not bad, "words not in the raw document:\n" + "\n".join(bad)


@pytest.mark.parametrize("sid", sorted(IDS))
def test_no_word_occurs_more_often_than_in_raw(sources, sid):
    raw, clean = load(sources[sid])
    allowed = Counter(words(raw)) | Counter(words(dehyphenate(raw)))  # per word, the larger count
    body = clean.split("\n", 1)[1] if sid in UNTITLED else clean
    used = Counter(w for s in sentences(body) for w in words(s))
    over = {w: (n, allowed[w]) for w, n in used.items() if n > allowed[w]}
    if over:
        where = [s for s in sentences(body) if set(words(s)) & set(over)]
        pytest.fail(
            f"words used more often than in the raw text (used, raw): {over}\nin:\n" + "\n".join(where)
        )


@pytest.mark.parametrize("sid", sorted(IDS - {"revue-dermato"}))
def test_web_pages_keep_each_line_in_raw_order(sources, sid):
    """Web pages need no reordering: each cleaned line is one contiguous run of raw words."""
    raw, clean = load(sources[sid])
    raw_seq = " " + " ".join(words(raw)) + " "
    lines = clean.splitlines()[1 if sid in UNTITLED else 0 :]
    bad = [
        line for line in lines if words(line) and f" {' '.join(words(strip_markdown(line)))} " not in raw_seq
    ]
    assert not bad, "lines that are not a contiguous run of the raw text:\n" + "\n".join(bad)


@pytest.mark.parametrize("sid", sorted(IDS))
def test_markdown_layout(sources, sid):
    """One block per paragraph, blank line between blocks, tables well formed."""
    _, clean = load(sources[sid])
    assert clean.endswith("\n") and not clean.endswith("\n\n")
    assert "\n\n\n" not in clean
    for block in clean.rstrip("\n").split("\n\n"):
        lines = block.split("\n")
        if len(lines) > 1:
            kinds = {
                "table" if ln.startswith("|") else "item" if re.match(r"(- |\d+\. )", ln) else "text"
                for ln in lines
            }
            assert kinds in ({"table"}, {"item"}), (
                f"block mixes lines that are not one list or table:\n{block}"
            )
        if lines[0].startswith("|"):
            assert re.fullmatch(r"\|(\s*-{3,}\s*\|)+", lines[1]), f"table without separator row:\n{block}"
            cols = {ln.count("|") - ln.count("\\|") for ln in lines}
            assert len(cols) == 1, f"table rows with differing cell counts:\n{block}"
        for ln in lines:
            assert ln == ln.strip() and "  " not in ln, f"stray whitespace: {ln!r}"


# Compound words of the PDF copy that were broken at their own hyphen: the hyphen stays.
KEPT_HYPHENS = {"cardio-dégénératives", "Antigen-antibody", "hémato-encéphalique"}


def test_pdf_line_end_hyphens_are_resolved(sources):
    """Each word the PDF broke at a line end is joined, or kept hyphenated when it is a compound."""
    raw, clean = load(sources["revue-dermato"])
    breaks = re.findall(r"(\w+)-[ \t]*\n(?:[ \t]*\n|[ \t]*(?:Fig\.|Tableau) [^\n]*\n)*[ \t]*(\w+)", raw)
    assert len(breaks) > 100
    flat = norm_ws(clean)
    for head, tail in breaks:
        compound = f"{head}-{tail}"
        if compound in KEPT_HYPHENS:
            assert compound in flat, compound
        else:
            assert head + tail in flat, f"{compound} not joined"
            assert f"{head}- {tail}" not in flat and f"{head}-{tail}" not in flat, compound


def test_pdf_paragraphs_read_continuously(sources):
    """The two-column order is restored: no prose paragraph stops mid-sentence or starts lowercase."""
    _, clean = load(sources["revue-dermato"])
    blocks = clean.rstrip("\n").split("\n\n")
    for prev, block in zip(blocks, blocks[1:], strict=False):
        if block[0] in "#|-" or block.startswith(("Fig. ", "Tableau ")) or prev.startswith("Fig. "):
            continue  # headings, tables, lists, captions and a figure's legend
        assert block[0].isupper(), f"paragraph starts mid-sentence: {block[:80]!r}"
        assert block.rstrip().endswith((".", ":", "?", "!", "]", ")")), (
            f"paragraph stops mid-sentence: {block[-80:]!r}"
        )
