"""National Guideline Clearinghouse (NGC) guideline summaries: ``ngc-<n>.xml``.

Format: root ``<Version>`` holding ``<Section Name=...>`` elements whose ``<Field Name=... Type=...>``
children carry one or more ``<FieldValue Value="..."/>``; text fields hold escaped HTML, pick lists
hold one plain value per FieldValue. One file = one guideline = one :class:`Document`.

Mapping
    tier GUIDELINE; ``source_id`` ``NGC:<n>`` from the file name ``ngc-<n>.xml``, else
    ``NGC:T<12 hex>`` (SHA-1 of the lower-cased, whitespace-normalised title: stable across runs);
    ``version`` = ``version_rank`` = ``published`` = the latest date in "Date Released"
    ("2008 (revised 2014 Apr 26)" -> "2014-04-26"; precision as given: "2014", "2014-04");
    title "Guideline Title"; issuer = the "Guideline Developer(s)" without their NGC type suffix
    (" - Medical Specialty Society"), joined with "; "; url = first http(s) link of "Guideline
    Availability"; conditions = the items of "Disease/Condition(s)" (lower case).
Passages
    "Major Recommendations" split by :mod:`ngc_recs` (sections recommendation / rationale /
    grading / note, grades by :mod:`ngc_grades`); "Guideline Objective(s)" and "Target Population"
    -> ``scope``; "Potential Harms" -> ``harms``; "Contraindications" -> ``contraindications``;
    "Qualifying Statements" -> ``qualifying`` (one passage per heading group, at most ~1500 chars).

Text is the source text with markup removed (mis-decoded UTF-8 such as ``â\\x89¥`` is repaired to
``≥``; ``meta["encoding_repairs"]`` counts it). A file that is not well-formed XML or has another root
raises :class:`SourceError`; a summary without a "Guideline Title" (NGC's citation-only stubs) is a
:class:`RecordError`.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from lxml import etree

from medbrief.models import Document, ParseItem, Passage, RecordError, Tier
from medbrief.sources.base import SNIFF_BYTES, SourceError
from medbrief.sources.ngc_html import (
    Block,
    blocks_from_html,
    first_link,
    inline_text,
    repair_mojibake,
)
from medbrief.sources.ngc_recs import Segment, segment_recommendations
from medbrief.textutil import normalize_ws

FORMAT = "ngc-xml"
MAX_BYTES = 64 * 1024 * 1024
_SNIFF = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<Version[\s>]", re.S
)
_NAME_ID = re.compile(r"(?i)(?:^|[^a-z0-9])ngc-(\d{1,7})(?:\.xml)?(?:\.gz)?$")
_DEV_SUFFIX = re.compile(
    r"\s+-\s+(?:Medical Specialty Society|Professional Association|Independent Expert Panel|"
    r"(?:National|Federal|State/Local) Government Agency(?: \[(?:Non-)?U\.S\.\])?|"
    r"Nonprofit (?:Research )?Organization|Disease Specific Society|Hospital/Medical Center|"
    r"Academic Institution|International Agency|Clinical Specialty Collaboration|"
    r"Government Affiliated Research Institute|For Profit Organization|"
    r"[A-Z][\w/ ]{2,60}(?:Society|Association|Agency|Organization|Institution|Panel|Center|"
    r"Collaboration|Institute)(?: \[[^\]]+\])?)\s*$"
)
_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_DATE = re.compile(
    r"\b((?:19|20)\d\d)(?:\s+([A-Za-z]{3,9})\b(?:-[A-Za-z]{3,9})?(?:\s+(\d{1,2})\b)?)?"
)
_DATE_MY = re.compile(r"\b([A-Za-z]{3,9})\s+((?:19|20)\d\d)\b")
_PASSAGE_FIELDS: tuple[tuple[str, str], ...] = (
    ("Guideline Objective(s)", "scope"),
    ("Target Population", "scope"),
    ("Potential Harms", "harms"),
    ("Contraindications", "contraindications"),
    ("Qualifying Statements", "qualifying"),
)
_MAX_GROUP = 1500


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=True,
        load_dtd=False,
        remove_comments=True,
    )


class _Fields:
    """Field name -> list of FieldValue strings (first occurrence of a repeated field wins)."""

    def __init__(self, root: etree._Element) -> None:
        self.values: dict[str, list[str]] = {}
        self._blocks: dict[str, list[Block]] = {}
        self.repairs = 0
        for fld in root.iter("Field"):
            name = normalize_ws(str(fld.get("Name") or ""))
            if not name or name in self.values:
                continue
            vals: list[str] = []
            for fv in fld.iter("FieldValue"):
                raw = fv.get("Value")
                if raw is None:
                    raw = "".join(str(t) for t in fv.itertext())
                fixed, n = repair_mojibake(str(raw))
                self.repairs += n
                vals.append(fixed)
            self.values[name] = vals

    def html(self, name: str) -> str:
        return "\n".join(self.values.get(name, []))

    def text(self, name: str) -> str:
        return normalize_ws(inline_text(self.html(name)))

    def picks(self, name: str) -> list[str]:
        out: list[str] = []
        for v in self.values.get(name, []):
            t = normalize_ws(inline_text(v))
            if t and t not in out:
                out.append(t)
        return out

    def blocks(self, name: str) -> list[Block]:
        if name not in self._blocks:
            out: list[Block] = []
            for v in self.values.get(name, []):
                out.extend(blocks_from_html(v))
            self._blocks[name] = out
        return self._blocks[name]


def parse_date_released(value: str) -> tuple[str, str]:
    """(first ISO date, latest ISO date) of an NGC "Date Released" ("" when none)."""
    found: list[tuple[int, int, int]] = []
    for m in _DATE.finditer(value):
        month = _MONTHS.get((m.group(2) or "").lower(), 0)
        day = int(m.group(3)) if month and m.group(3) else 0
        found.append((int(m.group(1)), month, day if 1 <= day <= 31 else 0))
    for m in _DATE_MY.finditer(value):
        month = _MONTHS.get(m.group(1).lower(), 0)
        if month:
            found.append((int(m.group(2)), month, 0))
    if not found:
        return "", ""

    def iso(d: tuple[int, int, int]) -> str:
        y, mo, dd = d
        return f"{y:04d}" + (f"-{mo:02d}" if mo else "") + (f"-{dd:02d}" if mo and dd else "")

    return iso(found[0]), iso(max(found))


def clean_developer(name: str) -> str:
    """ "American College of Physicians - Medical Specialty Society" -> "American College of Physicians"."""
    return _DEV_SUFFIX.sub("", normalize_ws(name)).strip()


def _conditions(fields: _Fields) -> list[str]:
    out: list[str] = []
    for block in fields.blocks("Disease/Condition(s)"):
        if block.css_class.lower() == "note" or block.flat.lower().startswith("note"):
            continue
        text = re.sub(r"(?i)[,;]?\s*(including|such as|e\.g\.)?\s*:$", "", block.flat).strip(" .;,")
        text = text.lower()
        if text and len(text) <= 300 and text not in out:
            out.append(text)
    return out


def _list_items(fields: _Fields, name: str) -> list[str]:
    out: list[str] = []
    for block in fields.blocks(name):
        if block.heading_level or block.css_class.lower() == "note":
            continue
        text = block.flat.strip()
        if text and text not in out:
            out.append(text)
    return out


def _grouped_passages(fields: _Fields, name: str, section: str) -> list[Passage]:
    """One passage per heading group of a field (split at block boundaries past ~1500 chars)."""
    out: list[Passage] = []
    heading = ""
    texts: list[str] = []

    def flush() -> None:
        if texts:
            meta: dict[str, Any] = {"heading": heading} if heading else {}
            out.append(
                Passage(section=section, text="\n".join(texts), section_title=name, meta=meta)
            )
        texts.clear()

    for block in fields.blocks(name):
        if block.heading_level:
            flush()
            heading = block.flat.strip(" :")
            continue
        if texts and sum(len(t) for t in texts) + len(block.text) > _MAX_GROUP:
            flush()
        texts.append(block.text)
    flush()
    return out


def _segment_passage(seg: Segment) -> Passage:
    meta = {k: v for k, v in seg.meta.items() if v not in ("", None, [], {})}
    if seg.section == "recommendation":
        meta.setdefault("label", "")
    return Passage(
        section=seg.section, text=seg.text, section_title="Major Recommendations", meta=meta
    )


def _source_id(name: str, title: str) -> tuple[str, str]:
    base = os.path.basename(name.replace("\\", "/")) if name else ""
    m = _NAME_ID.search(base)
    if m:
        n = str(int(m.group(1)))
        return f"NGC:{n}", n
    digest = hashlib.sha1(normalize_ws(title).lower().encode("utf-8")).hexdigest()[:12]
    return f"NGC:T{digest}", ""


def _pmids(markup: str) -> list[str]:
    out: list[str] = []
    for m in re.finditer(r"list_uids=(\d{1,9})", markup):
        if m.group(1) not in out:
            out.append(m.group(1))
    return out


def build_document(fields: _Fields, name: str) -> Document | RecordError:
    title = fields.text("Guideline Title")
    if not title:
        record = os.path.basename(name) or "NGC summary"
        return RecordError(
            record=record,
            reason="no 'Guideline Title' field: this is an NGC citation-only stub, not a guideline "
            "summary (only full summaries can be ingested; drop the file or fetch the full summary)",
        )
    source_id, ngc_id = _source_id(name, title)
    released = fields.text("Date Released")
    first, latest = parse_date_released(released)
    developers = [clean_developer(d) for d in fields.picks("Guideline Developer(s)")]
    developers = [d for d in developers if d]
    passages: list[Passage] = []
    rec_blocks = fields.blocks("Major Recommendations")
    for seg in segment_recommendations(rec_blocks):
        passages.append(_segment_passage(seg))
    for field_name, section in _PASSAGE_FIELDS:
        passages.extend(_grouped_passages(fields, field_name, section))
    for i, p in enumerate(passages):
        p.order = i
    status_blocks = fields.blocks("Guideline Status")
    meta: dict[str, Any] = {
        "ngc_id": ngc_id,
        "developers": developers,
        "category": fields.picks("Guideline Category"),
        "clinical_specialty": fields.picks("Clinical Specialty"),
        "intended_users": fields.picks("Intended Users"),
        "interventions": _list_items(fields, "Interventions and Practices Considered"),
        "rating_scheme_strength": _plain_blocks(
            fields, "Rating Scheme for the Strength of the Recommendations"
        ),
        "rating_scheme_evidence": _plain_blocks(
            fields, "Rating Scheme for the Strength of the Evidence"
        ),
        "status": "\n".join(b.text for b in status_blocks),
        "date_released": released,
        "first_released": first,
        "citation": fields.text("Bibliographic Source(s)"),
        "pmids": _pmids(fields.html("Bibliographic Source(s)")),
        "endorsers": [clean_developer(d) for d in fields.picks("Guideline Endorser(s)")],
    }
    if fields.repairs:
        meta["encoding_repairs"] = fields.repairs
    if not rec_blocks:
        meta["warning"] = "no 'Major Recommendations' text"
    return Document(
        tier=Tier.GUIDELINE,
        source_id=source_id,
        title=title,
        source_format=FORMAT,
        passages=passages,
        version=latest,
        version_rank=latest,
        issuer="; ".join(developers),
        published=latest,
        year=int(latest[:4]) if latest else None,
        url=first_link(fields.html("Guideline Availability")),
        conditions=_conditions(fields),
        meta={k: v for k, v in meta.items() if v not in ("", [], None)},
    )


def _plain_blocks(fields: _Fields, name: str) -> str:
    return "\n".join(b.text for b in fields.blocks(name))


class NgcXmlParser:
    """Parser for NGC guideline summary XML (see the module docstring for the mapping)."""

    format = FORMAT

    def sniff(self, head: bytes, name: str) -> bool:
        head = head[:SNIFF_BYTES]
        if not _SNIFF.match(head):
            return False
        return b"<Field" in head or b"<Section" in head or b"<xmlSource" in head

    def parse(self, stream: BinaryIO, name: str) -> Iterator[ParseItem]:
        label = name or "<stream>"
        try:
            data = stream.read(MAX_BYTES + 1)
        except OSError as exc:
            raise SourceError(f"{label}: cannot read the NGC summary ({exc})") from exc
        if not isinstance(data, bytes | bytearray):
            raise SourceError(f"{label}: expected a binary stream (open the file in 'rb' mode)")
        if len(data) > MAX_BYTES:
            raise SourceError(f"{label}: larger than {MAX_BYTES // 2**20} MiB; not an NGC summary")
        if not data.strip():
            raise SourceError(f"{label}: empty file; expected an NGC summary XML (<Version> root)")
        try:
            root = etree.fromstring(bytes(data), parser=_xml_parser())
        except etree.XMLSyntaxError as exc:
            raise SourceError(
                f"{label}: not well-formed XML ({exc}); re-download the NGC summary or remove the file"
            ) from exc
        except ValueError as exc:  # lxml refuses some inputs (e.g. unicode with encoding decl)
            raise SourceError(f"{label}: cannot be parsed as XML ({exc})") from exc
        if root is None or not isinstance(root.tag, str) or root.tag != "Version":
            tag = root.tag if root is not None else None
            raise SourceError(
                f"{label}: root element is <{tag}>, expected <Version> (an NGC guideline summary)"
            )
        yield build_document(_Fields(root), name)
