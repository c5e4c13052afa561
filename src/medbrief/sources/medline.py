"""MEDLINE / .nbib text: PubMed's "Send to: File, Format: MEDLINE" export.

Records are separated by blank lines; each line is ``TAG - value`` with the tag left-justified in
four columns (``PMID- ``, ``TI  - ``, ``AB  - ``) and long values continue on lines indented by six
spaces. The record is mapped exactly like the XML (see :mod:`medbrief.sources.pubmed_record`).
"""

from __future__ import annotations

import re
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
from medbrief.sources.pubmed_stream import SafeReader

FORMAT = "medline-text"
_SNIFF = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:[ \t]*\r?\n)*PMID- ?\d+[ \t]*\r?(?:\n|\Z)")
_PMID_REF = re.compile(r"PMID:\s*(\d+)")
_DP = re.compile(r"(\d{4})(?: ([A-Za-z]{3,9}))?(?: (\d{1,2}))?")
# An abstract label: upper-case words then a colon, at the start or after a sentence end.
_AB_LABEL = re.compile(r"(?:^|(?<=[.!?)\]] ))([A-Z][A-Z0-9 ,&/()'-]{1,58}[A-Z)]): ")
_HEAD = re.compile(r"\s*PMID- ?\d")
_BLANK = re.compile(rb"\n[ \t\r]*\n")  # a blank line ends a record
_READ_SIZE = 256 * 1024

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
        return "\n".join(_decode_line(line) for line in raw.split(b"\n"))


def _decode_line(raw: bytes) -> str:
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
    if _AB_LABEL.match(text) is None:
        return [("", text)]
    matches = list(_AB_LABEL.finditer(text))
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


def _blocks(reader: SafeReader) -> Iterator[tuple[int, bytes, bool]]:
    """(first line number, bytes, complete) of each blank-line-separated block.

    Only the last block can be incomplete: when the stream broke before its end.
    """
    buf = b""
    line = 1
    while True:
        chunk = reader.read(_READ_SIZE)
        if not chunk:
            break
        # A separator not found before cannot start ahead of the last newline already scanned,
        # so a file without blank lines is not rescanned from the start at every chunk.
        scan_from = max(0, buf.rfind(b"\n"))
        buf += chunk
        last = 0
        for m in _BLANK.finditer(buf, scan_from):
            yield line, buf[last : m.start()], True
            line += buf.count(b"\n", last, m.end())
            last = m.end()
        buf = buf[last:]
    if buf.strip():
        yield line, buf, not reader.error


def _fields(text: str, first_line: int) -> Iterator[tuple[int, Fields]]:
    """Split a block into records (a PMID- line starts a new one) of (tag, value) fields."""
    fields: Fields = []
    start = first_line
    has_pmid = False
    for offset, raw in enumerate(text.split("\n")):
        line = raw.rstrip()
        if not line:
            continue
        if line[0] in " \t":
            if fields:  # continuation of the previous field
                tag, value = fields[-1]
                fields[-1] = (tag, f"{value} {line.lstrip()}" if value else line.lstrip())
            continue
        tag = line[:4].rstrip() if line[4:5] == "-" else ""
        if not (tag.isalnum() and tag.isupper() and tag[0].isalpha() and len(tag) > 1):
            if fields:  # an unindented wrapped line: keep the text with the previous field
                tag, value = fields[-1]
                fields[-1] = (tag, f"{value} {line}")
            continue
        if tag == "PMID":
            if has_pmid:  # a new record without the blank separator line
                yield start, fields
                fields = []
            has_pmid = True
        if not fields:
            start = first_line + offset
        fields.append((tag, line[5:].strip()))
    if fields:
        yield start, fields


class MedlineTextParser:
    format = FORMAT

    def sniff(self, head: bytes, name: str) -> bool:
        return _SNIFF.match(head) is not None

    def parse(self, stream: BinaryIO, name: str) -> Iterator[ParseItem]:
        reader = SafeReader(stream)
        count = 0
        checked = False
        for first_line, block, complete in _blocks(reader):
            if first_line == 1:
                block = block.removeprefix(b"\xef\xbb\xbf")
            text = _decode(block)
            if not checked:
                if not text.strip():
                    continue
                if _HEAD.match(text) is None:
                    raise SourceError(
                        f"{name}: not MEDLINE text (the first record should start with"
                        " 'PMID- <number>'); export from PubMed with Format: MEDLINE / PubMed")
                checked = True
            if not complete:
                break  # the stream broke inside this block: it is reported below
            for start, fields in _fields(text, first_line):
                count += 1
                yield self._item(fields, start)
        if reader.error:
            if count == 0:
                raise SourceError(f"{name}: cannot read the file ({reader.error}); it is truncated"
                                  " or corrupt, download it again")
            yield RecordError(
                f"record {count + 1}",
                f"reading stopped ({reader.error}); the {count} records before it were kept and"
                " the record being read was dropped — download the file again",
            )
        elif not checked:
            raise SourceError(f"{name}: empty file; export the records again from PubMed")

    @staticmethod
    def _item(fields: Fields, first_line: int) -> ParseItem:
        result = _record(fields, first_line)
        if isinstance(result, RecordError):
            return result
        return build_document(result, FORMAT)
