"""The research-record mapping shared by the PubMed XML and MEDLINE text parsers.

Each parser reads its format into a neutral :class:`ResearchRecord`; :func:`build_document` turns
that into a :class:`~medbrief.models.Document` so both formats map identically (title passage,
one passage per abstract section, long sections split at sentence boundaries, dates, design,
retraction status, the same ``meta`` keys).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from medbrief.models import Document, Passage, Tier
from medbrief.sources import pubtypes
from medbrief.textutil import split_sentences

# A section longer than this is split; parts aim at PART_MIN..PART_MAX characters.
SPLIT_OVER = 1800
PART_MIN = 800
PART_MAX = 1500
MAX_COMMENTS = 20
FIRST_AUTHORS = 3

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_NLM_CATEGORIES = frozenset({"background", "objective", "methods", "results", "conclusions"})
_UNLABELLED = frozenset({"", "unlabelled", "unlabeled", "abstract", "summary", "unassigned"})
# Label keywords -> canonical section, checked in this order ("MAIN OUTCOME MEASURES" is methods,
# "BACKGROUND AND AIMS" is the objective, as NLM assigns them).
_LABEL_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("conclusions", ("conclu", "interpretation", "discussion", "implication", "take-home")),
    ("methods", (
        "method", "design", "setting", "measure", "patient", "participant", "subject",
        "intervention", "material", "procedure", "population", "sample", "case presentation",
        "case report", "data source", "study selection", "data extraction", "eligibility",
        "search", "analys",
    )),
    ("results", ("result", "finding", "outcome")),
    ("objective", ("object", "aim", "purpose", "goal", "question", "hypothes")),
    ("background", ("background", "introduction", "context", "rationale", "importance")),
)


@dataclass(slots=True)
class ResearchRecord:
    """What either PubMed format says about one article, before mapping to a Document.

    Every text field holds whitespace-normalised text (see :func:`normalize_ws`); the parsers
    normalise once while reading so the mapping does not do it again.
    """

    pmid: str
    version: str = "1"
    version_rank: str = ""
    title: str = ""
    journal: str = ""
    journal_iso: str = ""
    published: str = ""
    year: int | None = None
    # (label as written, NLM category or "", text) per abstract section, in order
    abstract: list[tuple[str, str, str]] = field(default_factory=list)
    chemicals: list[str] = field(default_factory=list)
    mesh: list[str] = field(default_factory=list)
    mesh_major: list[str] = field(default_factory=list)
    publication_types: list[str] = field(default_factory=list)
    comments: list[tuple[str, str]] = field(default_factory=list)  # (RefType, PMID or "")
    doi: str = ""
    authors: list[str] = field(default_factory=list)  # first FIRST_AUTHORS, "Last Initials"
    author_count: int = 0
    language: str = ""
    status: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def month_number(text: str) -> int | None:
    """1-12 for "Jan", "January", "01", "1"; None otherwise (seasons, ranges, junk)."""
    key = text.strip().lower().rstrip(".")
    if key.isdigit():
        value = int(key)
        return value if 1 <= value <= 12 else None
    return _MONTHS.get(key)


def year_of(text: str) -> int | None:
    """The first plausible 4-digit year in ``text`` ("1998 Dec-1999 Jan" -> 1998)."""
    for m in _YEAR.finditer(text):
        value = int(m.group(1))
        if 1000 <= value <= 2999:
            return value
    return None


def iso_date(year: str, month: str = "", day: str = "") -> str:
    """ISO ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` from PubMed date parts; "" if no valid year."""
    y = year.strip()
    if len(y) != 4 or not y.isdigit():
        return ""
    mon = month_number(month) if month else None
    if mon is None:
        return y
    d = day.strip()
    if d.isdigit() and 1 <= int(d) <= 31:
        return f"{y}-{mon:02d}-{int(d):02d}"
    return f"{y}-{mon:02d}"


def compact_date(text: str) -> str:
    """``20190320`` (MEDLINE LR/DCOM) -> ``2019-03-20``; anything else -> ""."""
    t = text.strip()[:8]
    if len(t) == 8 and t.isdigit():
        return iso_date(t[:4], t[4:6], t[6:8])
    return ""


def abstract_section(label: str, category: str = "") -> str:
    """Canonical passage section for an abstract part from its NlmCategory and Label."""
    cat = category.strip().lower()
    if cat in _NLM_CATEGORIES:
        return cat
    key = label.lower().rstrip(":. ")
    if key in _UNLABELLED:
        return "abstract"
    for section, words in _LABEL_KEYWORDS:
        if any(w in key for w in words):
            return section
    return key


def split_long(text: str) -> list[str]:
    """Split text longer than SPLIT_OVER at sentence boundaries into ~PART_MIN..PART_MAX parts."""
    if len(text) <= SPLIT_OVER:
        return [text]
    parts: list[str] = []
    start: int | None = None
    end = 0
    for s, e in split_sentences(text):
        if start is None:
            start = s
        elif e - start > PART_MAX and end - start >= PART_MIN:
            parts.append(text[start:end])
            start = s
        end = e
    if start is not None:
        tail = text[start:end]
        if parts and len(tail) < PART_MIN // 2:
            parts[-1] = f"{parts[-1]} {tail}"
        else:
            parts.append(tail)
    out: list[str] = []
    for part in parts or [text]:
        out.extend(_split_words(part) if len(part) > SPLIT_OVER else [part])
    return [p for p in out if p.strip()] or [text]


def _split_words(text: str) -> list[str]:
    """Last resort for a run-on "sentence" longer than SPLIT_OVER: cut at spaces near PART_MAX."""
    parts: list[str] = []
    while len(text) > SPLIT_OVER:
        cut = text.rfind(" ", PART_MIN, PART_MAX)
        if cut < 0:
            cut = PART_MAX
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    parts.append(text)
    return parts


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _passages(rec: ResearchRecord, title: str) -> list[Passage]:
    passages: list[Passage] = []
    if title:
        passages.append(Passage(section="title", text=title, order=0))
    for label, category, text in rec.abstract:
        if not text:
            continue
        section = abstract_section(label, category)
        chunks = split_long(text)
        for i, chunk in enumerate(chunks):
            meta: dict[str, Any] = {"part": i + 1, "parts": len(chunks)} if len(chunks) > 1 else {}
            passages.append(
                Passage(section=section, text=chunk, order=len(passages), section_title=label, meta=meta)
            )
    return passages


def build_document(rec: ResearchRecord, source_format: str) -> Document:
    """Map one record to the research-tier Document (identically for both PubMed formats)."""
    pmid = rec.pmid
    reftypes = [r for r, _ in rec.comments]
    pub_types = _dedupe(rec.publication_types)
    mesh = _dedupe(rec.mesh)
    title = rec.title
    meta: dict[str, Any] = {
        "pmid": pmid,
        "journal_iso": rec.journal_iso,
        "doi": rec.doi,
        "mesh": list(mesh),
        "mesh_major": _dedupe(rec.mesh_major),
        "authors": rec.authors[:FIRST_AUTHORS],
        "authors_et_al": max(0, rec.author_count - FIRST_AUTHORS),
        "language": rec.language,
        "status": rec.status,
        "comments_corrections": [
            {"reftype": r, "pmid": p} for r, p in rec.comments[:MAX_COMMENTS]
        ],
        "retraction_notice": pubtypes.is_retraction_notice(pub_types),
        "expression_of_concern": pubtypes.has_expression_of_concern(reftypes),
    }
    meta.update(rec.extra)
    return Document(
        tier=Tier.RESEARCH,
        source_id=f"PMID:{pmid}",
        title=title,
        source_format=source_format,
        passages=_passages(rec, title),
        version=rec.version or "1",
        version_rank=rec.version_rank,
        issuer=rec.journal,
        published=rec.published,
        year=rec.year,
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
        drugs=_dedupe([c.lower() for c in rec.chemicals]),
        conditions=mesh,
        study_design=pubtypes.study_design(pub_types, mesh, title),
        publication_types=pub_types,
        retracted=pubtypes.is_retracted(pub_types, reftypes),
        meta=meta,
    )
