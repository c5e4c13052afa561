"""MEDLINE / .nbib text: PubMed's "Send to: File, Format: MEDLINE" export.

Records are separated by blank lines; each line is ``TAG - value`` with the tag left-justified in
four columns (``PMID- ``, ``TI  - ``, ``AB  - ``) and long values continue on lines indented by six
spaces. The record is mapped exactly like the XML (see :mod:`medbrief.sources.pubmed_record`).
"""

from __future__ import annotations

import lzma
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from medbrief.models import ParseItem, RecordError
from medbrief.sources.base import SourceError
from medbrief.sources.pubmed_record import (
    ResearchRecord,
    build_document,
    compact_date,
    iso_date,
    month_number,
    year_of,
)

FORMAT = "medline-text"
_SNIFF = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:[ \t]*\r?\n)*PMID- ?\d+[ \t]*\r?(?:\n|\Z)")
_TAG = re.compile(r"([A-Z][A-Z0-9]{1,3}) *-(?: (.*))?")  # with the "-" in column 5
_PMID_REF = re.compile(r"PMID:\s*(\d+)")
_DP = re.compile(r"(\d{4})(?: ([A-Za-z]{3,9}))?(?: (\d{1,2}))?")
# An abstract label: upper-case words then a colon, at the start or after a sentence end.
_AB_LABEL = re.compile(r"(?:^|(?<=[.!?)\]] ))([A-Z][A-Z0-9 ,&/()'-]{1,58}[A-Z)]): ")
_STREAM_ERRORS = (OSError, EOFError, ValueError, zlib.error, zipfile.BadZipFile, lzma.LZMAError)

# MEDLINE comment/correction tags -> the XML CommentsCorrections RefType.
COMMENT_TAGS: dict[str, str] = {
    "CIN": "CommentIn",
    "CON": "CommentOn",
    "EIN": "ErratumIn",
    "EFR": "ErratumFor",
    "RIN": "RetractionIn",
    "ROF": "RetractionOf",
    "RRI": "RetractedandRepublishedIn",
    "RRF": "RetractedandRepublishedFrom",
    "ECI": "ExpressionOfConcernIn",
    "ECF": "ExpressionOfConcernFor",
    "CRI": "CorrectedandRepublishedIn",
    "CRF": "CorrectedandRepublishedFrom",
    "UIN": "UpdateIn",
    "UOF": "UpdateOf",
    "RPI": "RepublishedIn",
    "RPF": "RepublishedFrom",
    "SPIN": "SummaryForPatientsIn",
    "ORI": "OriginalReportIn",
}

Fields = list[tuple[str, str]]


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Not UTF-8 (an old Latin-1 export): Latin-1 maps every byte, so nothing is lost.
        return raw.decode("latin-1")


def _first(fields: Fields, tag: str) -> str:
    for t, v in fields:
        if t == tag:
            return v
    return ""


def _all(fields: Fields, tag: str) -> list[str]:
    return [v for t, v in fields if t == tag and v]


def split_labelled_abstract(text: str) -> list[tuple[str, str]]:
    """``"BACKGROUND: a. METHODS: b."`` -> [("BACKGROUND", "a."), ("METHODS", "b.")].

    Only an abstract that starts with a label is split; otherwise it is one unlabelled part.
    """
    matches = list(_AB_LABEL.finditer(text))
    if not matches or matches[0].start() != 0:
        return [("", text)]
    parts: list[tuple[str, str]] = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = text[m.end():end].strip()
        if body:
            parts.append((m.group(1).strip(), body))
    return parts or [("", text)]


def _published(dp: str) -> str:
    """DP "2018 Oct 1" -> 2018-10-01; ranges and seasons ("2001 Jan-Feb") -> the year only."""
    m = _DP.fullmatch(dp.strip())
    if m is None:
        y = year_of(dp)
        return str(y) if y is not None else ""
    year, month, day = m.group(1), m.group(2) or "", m.group(3) or ""
    if month and month_number(month) is None:
        return year
    return iso_date(year, month, day)


def _chemical(rn: str) -> str:
    """RN "142M471B3J (Carbon Dioxide)" / "0 (Acetates)" / "EC 1.14.99.1 (X)" -> the name."""
    start = rn.find("(")
    if start >= 0 and rn.endswith(")"):
        return rn[start + 1 : -1].strip()
    return ""


def _mesh(rec: ResearchRecord, headings: list[str]) -> None:
    for mh in headings:
        name = mh.split("/", 1)[0].strip().lstrip("*").strip()
        if not name:
            continue
        rec.mesh.append(name)
        if "*" in mh:
            rec.mesh_major.append(name)


def _doi(fields: Fields) -> str:
    for tag in ("AID", "LID"):
        for value in _all(fields, tag):
            if value.endswith("[doi]"):
                return value[: -len("[doi]")].strip()
    return ""


def _record(fields: Fields, first_line: int) -> ResearchRecord | RecordError:
    pmid = _first(fields, "PMID").strip()
    if not pmid:
        return RecordError(f"line {first_line}", "record has no PMID- line, so it cannot be"
                           " identified; it is skipped (export the records again from PubMed)")
    if not pmid.isdigit():
        return RecordError(f"PMID {pmid[:40]}", f"line {first_line}: PMID is not a number; skipped")
    rec = ResearchRecord(pmid=pmid, status=_first(fields, "STAT"))
    rec.version_rank = compact_date(_first(fields, "LR")) or compact_date(_first(fields, "DCOM"))
    rec.title = _first(fields, "TI") or _first(fields, "TT") or _first(fields, "BTI")
    rec.journal = _first(fields, "JT") or _first(fields, "PB")
    rec.journal_iso = _first(fields, "TA")
    rec.published = _published(_first(fields, "DP")) or compact_date(_first(fields, "DEP"))
    rec.year = year_of(rec.published) if rec.published else None
    for ab in _all(fields, "AB"):
        rec.abstract.extend((label, "", text) for label, text in split_labelled_abstract(ab))
    rec.chemicals = [c for c in (_chemical(rn) for rn in _all(fields, "RN")) if c]
    _mesh(rec, _all(fields, "MH"))
    rec.publication_types = _all(fields, "PT")
    for tag, value in fields:
        reftype = COMMENT_TAGS.get(tag)
        if reftype:
            ref = _PMID_REF.search(value)
            rec.comments.append((reftype, ref.group(1) if ref else ""))
    rec.doi = _doi(fields)
    authors = [v for t, v in fields if t in ("AU", "CN") and v]
    rec.authors = authors[:3]
    rec.author_count = len(authors)
    rec.language = _first(fields, "LA")
    if _first(fields, "BTI"):
        rec.extra["book"] = True
    return rec


class _Lines:
    """Numbered, decoded lines of a binary stream; a failing stream ends it with ``error`` set."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.error = ""
        self.lineno = 0

    def __iter__(self) -> Iterator[str]:
        while True:
            try:
                raw = self._stream.readline()
            except _STREAM_ERRORS as exc:
                self.error = f"{type(exc).__name__}: {exc}"
                return
            if not raw:
                return
            self.lineno += 1
            if not isinstance(raw, bytes | bytearray):
                self.error = "the stream returned text, not bytes; open the file in binary mode"
                return
            yield _decode(bytes(raw)).rstrip("\r\n")


class MedlineTextParser:
    format = FORMAT

    def sniff(self, head: bytes, name: str) -> bool:
        return _SNIFF.match(head) is not None

    def parse(self, stream: BinaryIO, name: str) -> Iterator[ParseItem]:
        lines = _Lines(stream)
        fields: Fields = []
        first_line = 0
        started = False
        count = 0
        for line in lines:
            if not started:
                if not line.strip() or line.strip() == "\ufeff":
                    continue
                if not re.match(r"\ufeff?PMID- ?\d", line):
                    raise SourceError(
                        f"{name}: not MEDLINE text (line {lines.lineno} should start with"
                        " 'PMID- <number>'); export from PubMed with Format: MEDLINE / PubMed")
                line = line.lstrip("\ufeff")
                started = True
            if not line.strip():
                if fields:
                    count += 1
                    yield self._item(fields, first_line)
                    fields = []
                continue
            if line[:1] in (" ", "\t"):
                if fields:  # continuation of the previous field
                    tag, value = fields[-1]
                    fields[-1] = (tag, f"{value} {line.strip()}".strip())
                continue
            m = _TAG.fullmatch(line) if line[4:5] == "-" else None
            if m is None:
                if fields:  # an unindented wrapped line: keep the text with the previous field
                    tag, value = fields[-1]
                    fields[-1] = (tag, f"{value} {line.strip()}")
                continue
            tag, value = m.group(1), (m.group(2) or "").strip()
            if tag == "PMID" and any(t == "PMID" for t, _ in fields):
                count += 1  # a new record without the blank separator line
                yield self._item(fields, first_line)
                fields = []
            if not fields:
                first_line = lines.lineno
            fields.append((tag, value))
        if lines.error:
            if count == 0 and not fields:
                raise SourceError(f"{name}: cannot read the file ({lines.error}); it is truncated"
                                  " or corrupt, download it again")
            yield RecordError(
                f"line {lines.lineno + 1}",
                f"reading stopped ({lines.error}); the {count} records before it were kept and the"
                " record being read was dropped — download the file again",
            )
            return
        if fields:
            yield self._item(fields, first_line)
        elif not started:
            raise SourceError(f"{name}: empty file; export the records again from PubMed")

    @staticmethod
    def _item(fields: Fields, first_line: int) -> ParseItem:
        result = _record(fields, first_line)
        if isinstance(result, RecordError):
            return result
        return build_document(result, FORMAT)
