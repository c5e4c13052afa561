"""FDA Structured Product Labeling (SPL, HL7 v3 ``<document>``) -> one label Document.

One XML file is one version of one label. The document header gives the set id (stable across
versions), the version number and effective time; the product data section gives brand and
generic names and active ingredients; every other ``structuredBody`` section becomes one or more
passages whose canonical section comes from the section's LOINC code (``LOINC_SECTIONS``).

Section text is flattened faithfully: paragraphs, list items, captions and table rows become
separate lines (table rows as ``cell; cell``), footnotes are numbered ``[n]`` and listed after
their table (or at the end of the section). Highlights (``<excerpt>``) are left out: they repeat
the full prescribing information, which is what passages cite.
"""

from __future__ import annotations

import datetime as _dt
import lzma
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from lxml import etree

from medbrief.models import Document, ParseItem, Passage, Tier
from medbrief.sources.base import SourceError
from medbrief.sources.label_sections import LOINC_SECTIONS, section_from_title
from medbrief.textutil import normalize_ws, split_sentences

HL7_NS = "urn:hl7-org:v3"
_V = "{" + HL7_NS + "}"
DAILYMED_URL = "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid={}"

UNCLASSIFIED = "42229-5"
SKIPPED_CODES = frozenset({"48780-1", "51945-4", "48779-3"})  # product data, package label, indexing
# Broad sections whose unclassified subsections are better named by their own heading.
_REFINED_BY_TITLE = {
    "specific_populations": {"pregnancy", "lactation", "pediatric", "geriatric", "renal", "hepatic"},
}

SINGLE_PASSAGE_MAX = 1800  # a section text up to this size stays one passage
CHUNK_MAX = 1500  # otherwise split into chunks of at most this size ...
CHUNK_MIN = 800  # ... cutting long units at whitespace after this size
_TAIL_MERGE = 400  # a last chunk shorter than this is merged back when that fits SINGLE_PASSAGE_MAX
_MAX_DEPTH = 100  # markup nested deeper than this is flattened with itertext()

_BLOCK_TAGS = frozenset({"paragraph", "item", "caption", "title"})
_SUP_NUMERIC = re.compile(r"^[-+\u2212]?\d+$")
_BOILERPLATE = re.compile(
    r"(?is)these\s+highlights\s+do\s+not\s+include\s+all\s+the\s+information\s+needed\s+to\s+use\b"
    r".*?(?:safely\s+and\s+effectively\.?|$)"
    r"|see\s+full\s+prescribing\s+information\s+for\b[^.]*\.?"
    r"|initial\s+u\.?\s?s\.?\s+approval\s*:?\s*\d{4}\.?"
)
_COMBINATION_SPLIT = re.compile(r",\s+|\s+and\s+|\s*/\s*|;\s*", re.IGNORECASE)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# --------------------------------------------------------------------------------------- text


@dataclass
class _Notes:
    """Footnotes met while flattening one section's text (shared by nested cell builders)."""

    pending: list[str] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)
    count: int = 0


class _Text:
    """Accumulates inline text and turns block elements into separate lines."""

    def __init__(self, notes: _Notes | None = None) -> None:
        self.lines: list[str] = []
        self.buf: list[str] = []
        self.notes = notes if notes is not None else _Notes()

    def add(self, text: str | None) -> None:
        if text:
            self.buf.append(text)

    def flush(self) -> None:
        if self.buf:
            line = normalize_ws("".join(self.buf))
            self.buf = []
            if line:
                self.lines.append(line)

    def flush_notes(self) -> None:
        self.flush()
        self.lines.extend(self.notes.pending)
        self.notes.pending.clear()

    def ends_with_digit(self) -> bool:
        return bool(self.buf) and self.buf[-1].rstrip()[-1:].isdigit()


def _render(el: etree._Element, out: _Text, depth: int = 0) -> None:
    """Render ``el``'s content (its text and children, not its tail) into ``out``."""
    out.add(el.text)
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):  # comment, processing instruction, entity reference
            out.add(child.tail)
            continue
        name = _local(tag)
        if depth >= _MAX_DEPTH:
            out.add(_all_text(child))
        elif name == "caption" and isinstance(el.tag, str) and _local(el.tag) == "item":
            out.add(_inline(child, depth + 1, out.notes) + " ")  # a list item's own label: "[1]"
        elif name in _BLOCK_TAGS or name == "list":
            out.flush()
            _render(child, out, depth + 1)
            out.flush()
        elif name == "table":
            _render_table(child, out, depth + 1)
        elif name == "br":
            out.flush()
        elif name == "footnote":
            out.add(_footnote(child, out.notes, depth + 1))
        elif name == "footnoteRef":
            number = out.notes.ids.get(child.get("IDREF") or "")
            out.add(f"[{number}]" if number else None)
        elif name == "renderMultiMedia":  # an image: keep only its caption
            for cap in child:
                if isinstance(cap.tag, str) and _local(cap.tag) == "caption":
                    out.flush()
                    _render(cap, out, depth + 1)
                    out.flush()
        elif name == "sup":
            sup = _inline(child, depth + 1)
            if _SUP_NUMERIC.match(sup) and out.ends_with_digit():
                sup = "^" + sup  # 10<sup>6</sup> -> 10^6, not 106
            out.add(sup)
        else:  # content, linkHtml, sub, span-like inline markup
            _render(child, out, depth + 1)
        out.add(child.tail)


def _all_text(el: etree._Element) -> str:
    """All text below ``el`` (no markup handling), pieces separated by spaces."""
    return " ".join(t for t in el.itertext() if isinstance(t, str))


def _inline(el: etree._Element, depth: int = 0, notes: _Notes | None = None) -> str:
    """``el``'s content as one line."""
    sub = _Text(notes)
    _render(el, sub, depth)
    sub.flush()
    return " ".join(sub.lines)


def _footnote(el: etree._Element, notes: _Notes, depth: int) -> str:
    notes.count += 1
    number = notes.count
    ident = el.get("ID")
    if ident:
        notes.ids[ident] = number
    body = _inline(el, depth, notes)
    if body:
        notes.pending.append(f"[{number}] {body}")
    return f"[{number}]"


def _render_table(table: etree._Element, out: _Text, depth: int) -> None:
    out.flush()
    rows: list[etree._Element] = []
    foot: list[etree._Element] = []
    for part in table:
        if not isinstance(part.tag, str):
            continue
        name = _local(part.tag)
        if name == "caption":
            out.lines.extend(line for line in [_inline(part, depth, out.notes)] if line)
        elif name in ("thead", "tbody"):
            rows.extend(r for r in part if isinstance(r.tag, str) and _local(r.tag) == "tr")
        elif name == "tfoot":
            foot.extend(r for r in part if isinstance(r.tag, str) and _local(r.tag) == "tr")
        elif name == "tr":
            rows.append(part)
    for row in rows + foot:
        cells = [
            _inline(cell, depth + 1, out.notes)
            for cell in row
            if isinstance(cell.tag, str) and _local(cell.tag) in ("td", "th")
        ]
        line = "; ".join(c for c in cells if c)
        if line:
            out.lines.append(line)
    out.flush_notes()


def section_text(text_el: etree._Element | None) -> str:
    """Flatten an SPL ``<text>`` element to readable lines joined by newlines."""
    if text_el is None:
        return ""
    out = _Text()
    _render(text_el, out)
    out.flush_notes()
    return "\n".join(out.lines)


def chunk_spans(text: str) -> list[tuple[int, int]]:
    """Cut a long section text into (start, end) spans of ~CHUNK_MIN..CHUNK_MAX characters.

    Cuts fall on line ends or sentence boundaries (``split_sentences``); a single unit longer
    than CHUNK_MAX is cut at whitespace. Spans index ``text`` so passages stay exact substrings.
    """
    if len(text) <= SINGLE_PASSAGE_MAX:
        return [(0, len(text))] if text.strip() else []
    units: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        for s, e in split_sentences(line):
            units.extend(_hard_split(text, pos + s, pos + e))
        pos += len(line) + 1
    chunks: list[tuple[int, int]] = []
    for s, e in units:
        if chunks and e - chunks[-1][0] <= CHUNK_MAX:
            chunks[-1] = (chunks[-1][0], e)
        else:
            chunks.append((s, e))
    if (
        len(chunks) > 1
        and chunks[-1][1] - chunks[-1][0] < _TAIL_MERGE
        and chunks[-1][1] - chunks[-2][0] <= SINGLE_PASSAGE_MAX
    ):
        last = chunks.pop()
        chunks[-1] = (chunks[-1][0], last[1])
    return chunks


def _hard_split(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while end - start > CHUNK_MAX:
        cut = text.rfind(" ", start + CHUNK_MIN, start + CHUNK_MAX)
        if cut <= start:
            cut = start + CHUNK_MAX
        yield start, cut
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield start, end


# ----------------------------------------------------------------------------------- header


def _child(el: etree._Element, *path: str) -> etree._Element | None:
    node: etree._Element | None = el
    for name in path:
        if node is None:
            return None
        node = node.find(_V + name)
    return node


def _attr(el: etree._Element | None, name: str) -> str:
    return (el.get(name) or "").strip() if el is not None else ""


def _dedupe(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for v in values:
        v = normalize_ws(v)
        if v and v.casefold() not in seen:
            seen.add(v.casefold())
            out.append(v)
    return out


def _iso_date(value: str) -> tuple[str, int | None]:
    """SPL TS value (``20140113`` or ``20140113120000-0500``) -> (ISO date, year)."""
    digits = re.match(r"\d{4,8}", value)
    if not digits:
        return "", None
    d = digits.group()
    year = int(d[:4])
    if not 1800 <= year <= 2200:
        return "", None
    if len(d) >= 8:
        try:
            return _dt.date(year, int(d[4:6]), int(d[6:8])).isoformat(), year
        except ValueError:
            pass
    if len(d) >= 6 and 1 <= int(d[4:6]) <= 12:
        return f"{d[:4]}-{d[4:6]}", year
    return d[:4], year


@dataclass
class _Products:
    brands: list[str] = field(default_factory=list)
    generics: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    substances: list[str] = field(default_factory=list)
    ndc: list[str] = field(default_factory=list)
    first: tuple[str, str, str] | None = None  # (name, generic, form) of the first product


_SUBSTANCE_TAGS = (_V + "ingredientSubstance", _V + "activeIngredientSubstance")


def _actives(product: etree._Element) -> list[str]:
    """Active ingredient substance and active moiety names (SPL r4 and older r3 markup)."""
    names: list[str] = []
    for ing in product.iter(_V + "ingredient", _V + "activeIngredient"):
        if ing.tag == _V + "ingredient" and not (ing.get("classCode") or "").startswith("ACTI"):
            continue  # inactive ingredient (IACT) or other class
        for sub in ing:
            if sub.tag in _SUBSTANCE_TAGS:
                names.extend(_inline(n) for n in sub.findall(_V + "name"))
                for moiety in sub.iter(_V + "activeMoiety"):
                    names.extend(_inline(n) for n in moiety.findall(_V + "name"))
    return names


def _generic_names(product: etree._Element) -> list[str]:
    path = f"{_V}asEntityWithGeneric/{_V}genericMedicine/{_V}name"
    return [_inline(n) for n in product.findall(path)]


def _products(root: etree._Element) -> _Products:
    found = _Products()
    for holder in root.iter(_V + "subject"):
        outer = holder.find(_V + "manufacturedProduct")
        if outer is None:
            continue
        for product in outer:
            if not isinstance(product.tag, str) or _local(product.tag) not in (
                "manufacturedProduct",
                "manufacturedMedicine",
            ):
                continue
            name_el = product.find(_V + "name")  # <name>TRIAMINIC<suffix>Night Time</suffix></name>
            name = normalize_ws(_all_text(name_el)) if name_el is not None else ""
            generics = _generic_names(product)
            if not generics:  # a kit without its own generic name: its active parts'
                for part in product.findall(f"{_V}part/{_V}partProduct"):
                    if _actives(part):
                        generics += _generic_names(part)
            form = _attr(product.find(_V + "formCode"), "displayName").lower()
            found.brands.append(name)
            found.generics.extend(generics)
            found.forms.append(form)
            found.substances.extend(_actives(product))
            found.ndc.append(_attr(product.find(_V + "code"), "code"))
            if found.first is None and (name or generics):
                found.first = (name, generics[0] if generics else "", form)
    return found


def _clean_title(title_el: etree._Element | None) -> str:
    if title_el is None:
        return ""
    out = _Text()
    _render(title_el, out)
    out.flush()
    kept = [normalize_ws(_BOILERPLATE.sub(" ", line)) for line in out.lines]
    return " ".join(line for line in kept if line)


def _product_title(first: tuple[str, str, str] | None, doc_title: str) -> str:
    if first is None:
        return ""
    name, generic, form = first
    if name and doc_title:  # use the label's own casing of the brand (LIPITOR, not Lipitor)
        m = re.search(re.escape(name), doc_title, re.IGNORECASE)
        if m:
            name = m.group()
    # generic names read in lower case ("adalimumab", "diphenhydramine HCl"), as DailyMed does
    generic = " ".join(w.lower() if w.isupper() or w[1:].islower() else w for w in generic.split())
    parts = [name or generic]
    if name and generic and generic.casefold() != name.casefold():
        parts.append(f"({generic})")
    if form:
        parts.append(form)
    return " ".join(p for p in parts if p)


def _split_names(names: Iterable[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        out.extend(p.strip().lower() for p in _COMBINATION_SPLIT.split(name))
    return _dedupe(out)


# --------------------------------------------------------------------------------- sections


def _canonical(code: str, title: str, parent: str | None) -> str:
    if code == UNCLASSIFIED or not code:
        if parent is None:
            return section_from_title(title)
        refined = section_from_title(title) if title else "other"
        return refined if refined in _REFINED_BY_TITLE.get(parent, ()) else parent
    mapped = LOINC_SECTIONS.get(code)
    if mapped == "boxed_warning" and parent not in (None, "boxed_warning"):
        return parent  # boxed-warning code used only to draw a box inside another section
    if mapped:
        return mapped
    guess = section_from_title(title)
    return parent if guess == "other" and parent is not None else guess


def _passages(body: etree._Element) -> Iterator[Passage]:
    order = 0
    # explicit stack (not recursion): (section, parent canonical, parent heading)
    stack: list[tuple[etree._Element, str | None, str]] = [
        (sec, None, "") for sec in reversed(body.findall(f"{_V}component/{_V}section"))
    ]
    while stack:
        sec, parent, parent_title = stack.pop()
        code = _attr(sec.find(_V + "code"), "code")
        if code in SKIPPED_CODES:
            continue
        title_el = sec.find(_V + "title")
        title = _inline(title_el) if title_el is not None else ""
        canonical = _canonical(code, title, parent)
        heading = title or parent_title
        children = sec.findall(f"{_V}component/{_V}section")
        text = section_text(sec.find(_V + "text"))
        title_only = not text and not children and parent is not None and bool(title)
        if title_only:  # "4.1 Active liver disease ..." : older labels put the content in the title
            text = title
        spans = chunk_spans(text)
        for part, (start, end) in enumerate(spans):
            meta: dict[str, object] = {"code": code, "part": part}
            if len(spans) > 1:
                meta["parts"] = len(spans)
            sec_id = _attr(sec.find(_V + "id"), "root")
            if sec_id:
                meta["section_id"] = sec_id
            if not title and heading:
                meta["heading_from_parent"] = True
            if title_only:
                meta["title_only"] = True
            yield Passage(canonical, text[start:end], order, heading, meta)
            order += 1
        stack.extend((child, canonical, heading) for child in reversed(children))


# ----------------------------------------------------------------------------------- parser


def _sniff_root(text: str) -> str | None:
    """The first start tag of an XML text (after declaration, PIs, comments, doctype)."""
    pos, n = 0, len(text)
    while pos < n:
        while pos < n and text[pos].isspace():
            pos += 1
        if text.startswith("<?", pos):
            end = text.find("?>", pos)
        elif text.startswith("<!--", pos):
            end = text.find("-->", pos)
        elif text.startswith("<!", pos):
            bracket, close = text.find("[", pos), text.find(">", pos)
            end = text.find("]>", bracket) if -1 < bracket < close else close
        elif text.startswith("<", pos):
            close = text.find(">", pos)
            return text[pos : close + 1] if close != -1 else None
        else:
            return None
        if end == -1:
            return None
        pos = text.find(">", end) + 1
    return None


_ROOT_TAG = re.compile(r"<(?:([\w.-]+):)?document[\s/>]")


class SplXmlParser:
    """One SPL XML file (as DailyMed ships inside its zips) -> one label Document."""

    format = "spl-xml"

    def sniff(self, head: bytes, name: str) -> bool:
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = head[:8192].decode("utf-16", errors="ignore")
        else:
            text = head[:65536].decode("utf-8", errors="ignore").lstrip("\ufeff")
        start = _sniff_root(text)
        if not start:
            return False
        m = _ROOT_TAG.match(start)
        if not m:
            return False
        prefix = m.group(1)
        attr = f"xmlns:{prefix}" if prefix else "xmlns"
        return re.search(rf"{re.escape(attr)}\s*=\s*[\"']{re.escape(HL7_NS)}[\"']", start) is not None

    def parse(self, stream: BinaryIO, name: str) -> Iterator[ParseItem]:
        try:
            data = stream.read()
        except (OSError, EOFError, zlib.error, lzma.LZMAError) as err:
            raise SourceError(f"{name}: cannot read the file ({err}); re-download or re-extract it") from err
        yield self.parse_bytes(data, name)

    def parse_bytes(self, data: bytes, name: str) -> Document:
        root = _parse_xml(data, name)
        set_id = _attr(root.find(_V + "setId"), "root")
        if not set_id:
            raise SourceError(
                f"{name}: SPL has no <setId root=\"...\"/>; the set id ties a label's versions "
                "together. Use the complete SPL file from DailyMed (setId follows effectiveTime "
                "in the header) or add the label's set id."
            )
        body = _child(root, "component", "structuredBody")
        if body is None or body.find(f"{_V}component/{_V}section") is None:
            raise SourceError(
                f"{name}: SPL {set_id} has no <structuredBody> sections, so no label text to "
                "index; supply the full label (not an index or listing-only SPL)."
            )
        passages = list(_passages(body))
        if not passages:
            raise SourceError(
                f"{name}: SPL {set_id} has sections but none with text (only product data or "
                "package-label panels); supply the full label text."
            )
        return _document(root, set_id, passages)


def _parse_xml(data: bytes, name: str) -> etree._Element:
    if not data.strip():
        raise SourceError(f"{name}: empty file; expected an SPL XML document")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except (etree.LxmlError, ValueError, LookupError) as err:
        raise SourceError(
            f"{name}: not well-formed XML ({err}); the SPL file is truncated or corrupted, "
            "re-download it from DailyMed or re-extract it from its zip"
        ) from err
    if root is None or not isinstance(root.tag, str) or root.tag != _V + "document":
        tag = root.tag if root is not None and isinstance(root.tag, str) else "?"
        raise SourceError(
            f"{name}: root element is <{tag}>, not an HL7 v3 <document xmlns=\"{HL7_NS}\">; "
            "this is not an SPL label, move it out of the SPL input"
        )
    return root


def _document(root: etree._Element, set_id: str, passages: list[Passage]) -> Document:
    version = _attr(root.find(_V + "versionNumber"), "value")
    effective = _attr(root.find(_V + "effectiveTime"), "value")
    published, year = _iso_date(effective)
    number = int(version) if version.isascii() and version.isdigit() else 0
    code_el = root.find(_V + "code")
    doc_title = _clean_title(root.find(_V + "title"))
    products = _products(root)
    title = _product_title(products.first, doc_title) or doc_title or f"Drug label {set_id}"
    issuer_el = _child(root, "author", "assignedEntity", "representedOrganization", "name")
    meta: dict[str, object] = {
        "set_id": set_id,
        "spl_id": _attr(root.find(_V + "id"), "root"),
        "effective_time": effective,
        "document_type": _attr(code_el, "displayName"),
        "document_code": _attr(code_el, "code"),
    }
    if doc_title and doc_title != title:
        meta["document_title"] = doc_title
    forms = _dedupe(products.forms)
    if forms:
        meta["dosage_forms"] = forms
    ndc = _dedupe(products.ndc)
    if ndc:
        meta["product_ndc"] = ndc
    return Document(
        tier=Tier.LABEL,
        source_id=f"SETID:{set_id}",
        title=title,
        source_format=SplXmlParser.format,
        passages=passages,
        version=version,
        version_rank=f"{number:08d}-{effective}",
        issuer=_inline(issuer_el) if issuer_el is not None else "",
        published=published,
        year=year,
        url=DAILYMED_URL.format(set_id),
        drugs=_split_names(products.generics),
        brand_names=_dedupe(products.brands),
        substance_names=_dedupe(s.lower() for s in products.substances),
        meta=meta,
    )
