"""medbrief evidence digests: Markdown with YAML front matter (format "digest-md").

A digest is a small hand-written summary of one source (a guideline's recommendations, a label's
key statements, a study's findings) in the medbrief team's words, citing where it came from. The
format is specified in ``docs/digest-format.md``; in short::

    ---
    medbrief_digest: 1
    tier: guideline            # guideline | label | research
    id: acp-2017-low-back-pain # -> source_id "DIGEST:acp-2017-low-back-pain"
    title: ...
    recommendations:           # guideline digests (label: statements, research: findings)
      - {id: R1, text: "...", strength: strong, quality: moderate}
    ---
    Optional Markdown body -> one passage, section "notes".

Errors: a file whose front matter cannot be used (no closing ``---``, invalid YAML, missing or
mistyped title / tier / id / lists ...) raises :class:`SourceError`; one bad recommendation,
statement or finding is yielded as a :class:`RecordError` and the others are kept.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

import yaml

from medbrief.models import (
    GUIDELINE_RECOMMENDATION,
    LABEL_SECTION_TITLES,
    LABEL_SECTIONS,
    Document,
    ParseItem,
    Passage,
    RecordError,
    StudyDesign,
    Tier,
)
from medbrief.sources.base import SNIFF_BYTES, SourceError
from medbrief.textutil import normalize_ws

FORMAT = "digest-md"
DIGEST_FORMAT_VERSION = 1
MAX_BYTES = 8 * 1024 * 1024
_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)
_MARKER = re.compile(r"(?m)^medbrief_digest[ \t]*:")
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_ISO = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_PUBLICATION_TYPES: dict[StudyDesign, list[str]] = {
    StudyDesign.GUIDELINE: ["Practice Guideline"],
    StudyDesign.META_ANALYSIS: ["Meta-Analysis"],
    StudyDesign.SYSTEMATIC_REVIEW: ["Systematic Review"],
    StudyDesign.RCT: ["Randomized Controlled Trial"],
    StudyDesign.OTHER_TRIAL: ["Clinical Trial"],
    StudyDesign.OBSERVATIONAL: ["Observational Study"],
    StudyDesign.CASE_REPORT: ["Case Reports"],
    StudyDesign.REVIEW: ["Review"],
    StudyDesign.OTHER: [],
}
_LIST_KEY = {Tier.GUIDELINE: "recommendations", Tier.LABEL: "statements", Tier.RESEARCH: "findings"}


class _Invalid(ValueError):
    """A value of the front matter or of one item is unusable (message says which and why)."""


def _split(text: str, label: str) -> tuple[str, str]:
    """(front matter, body) of a digest; SourceError if the front matter is not fenced."""
    stripped = text.lstrip("\ufeff")
    first, _, rest = stripped.partition("\n")
    if first.strip() != "---":
        raise SourceError(
            f"{label}: a medbrief digest must start with a '---' line opening the YAML front matter"
        )
    end = _FENCE.search(rest)
    if end is None:
        raise SourceError(
            f"{label}: the YAML front matter is not closed; add a line '---' after the last field"
        )
    return rest[: end.start()], rest[end.end() :].lstrip("\r\n")


def _str(data: dict[str, Any], key: str, where: str, required: bool = False) -> str:
    value = data.get(key)
    if value is None:
        if required:
            raise _Invalid(f"{where}: '{key}' is required")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Invalid(f"{where}: '{key}' must be a string, got {type(value).__name__}")
    text = normalize_ws(str(value))
    if required and not text:
        raise _Invalid(f"{where}: '{key}' must not be empty")
    return text


def _str_list(data: dict[str, Any], key: str, where: str, lower: bool = False) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(
        isinstance(v, str | int | float) and not isinstance(v, bool) for v in value
    ):
        raise _Invalid(f"{where}: '{key}' must be a list of strings, e.g. {key}: [a, b]")
    out: list[str] = []
    for v in value:
        text = normalize_ws(str(v))
        text = text.lower() if lower else text
        if text and text not in out:
            out.append(text)
    return out


def _date(value: Any, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and _ISO.match(value.strip()):
        return value.strip()
    raise _Invalid(f"{where}: 'published' must be an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")


def _year(data: dict[str, Any], published: str, where: str) -> int | None:
    value = data.get("year")
    if value is None:
        return int(published[:4]) if published else None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1800 <= value <= 2200:
        raise _Invalid(f"{where}: 'year' must be a four-digit year such as 2017")
    return value


def version_rank(version: str) -> str:
    """Sortable rank: every number zero-padded to 8 digits ("2" -> "00000002", "1.10" -> "00000001.00000010")."""
    parts = re.findall(r"\d+", version)
    if not parts:
        return version
    return ".".join(f"{int(p):08d}" for p in parts)


def _mapping(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Invalid(
            f"{what} must be a mapping such as {{text: ..., ...}}, got {type(value).__name__}"
        )
    return {str(k): v for k, v in value.items()}


def _optional_str(item: dict[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Invalid(f"{where}: '{key}' must be a string, got {type(value).__name__}")
    return normalize_ws(str(value))


def _recommendation(item: dict[str, Any], n: int, where: str) -> Passage:
    text = _str(item, "text", where, required=True)
    meta: dict[str, Any] = {"id": _optional_str(item, "id", where) or f"R{n + 1}"}
    for key in ("strength", "quality", "population"):
        value = _optional_str(item, key, where)
        if value:
            meta[key] = value.lower() if key != "population" else value
    meta["label"] = meta["id"]
    return Passage(
        section=GUIDELINE_RECOMMENDATION, text=text, section_title="Recommendations", meta=meta
    )


def _statement(item: dict[str, Any], where: str) -> Passage:
    section = _str(item, "section", where, required=True)
    if section not in LABEL_SECTIONS:
        raise _Invalid(
            f"{where}: section '{section}' is not a label section; use one of: "
            + ", ".join(LABEL_SECTIONS)
        )
    text = _str(item, "text", where, required=True)
    meta: dict[str, Any] = {}
    source_section = _optional_str(item, "source_section", where)
    if source_section:
        meta["source_section"] = source_section
    return Passage(
        section=section, text=text, section_title=LABEL_SECTION_TITLES[section], meta=meta
    )


def _finding(item: dict[str, Any], where: str) -> Passage:
    text = _str(item, "text", where, required=True)
    section = _optional_str(item, "section", where) or "results"
    meta: dict[str, Any] = {}
    source_section = _optional_str(item, "source_section", where)
    if source_section:
        meta["source_section"] = source_section
    return Passage(section=section, text=text, section_title=section.title(), meta=meta)


def _items(data: dict[str, Any], tier: Tier, label: str) -> tuple[list[Passage], list[RecordError]]:
    key = _LIST_KEY[tier]
    raw = data.get(key)
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        raise SourceError(
            f"{label}: '{key}' must be a YAML list of mappings (lines starting with '- ')"
        )
    passages: list[Passage] = []
    errors: list[RecordError] = []
    for n, value in enumerate(raw):
        where = f"{key}[{n}]"
        try:
            item = _mapping(value, where)
            if tier is Tier.GUIDELINE:
                passage = _recommendation(item, n, where)
            elif tier is Tier.LABEL:
                passage = _statement(item, where)
            else:
                passage = _finding(item, where)
        except _Invalid as exc:
            errors.append(RecordError(record=f"{label} {where}", reason=str(exc)))
            continue
        passages.append(passage)
    return passages, errors


def _source(data: dict[str, Any], where: str) -> dict[str, str]:
    value = data.get("source")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _Invalid(f"{where}: 'source' must be a mapping {{format: ..., id: ..., file: ...}}")
    out: dict[str, str] = {}
    for k, v in value.items():
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, str | int | float):
            raise _Invalid(f"{where}: source.{k} must be a string")
        out[str(k)] = str(v)
    return out


def _header(data: dict[str, Any], label: str) -> tuple[Document, Tier]:
    where = label
    marker = data.get("medbrief_digest")
    if marker != DIGEST_FORMAT_VERSION or isinstance(marker, bool):
        raise _Invalid(
            f"{where}: unsupported 'medbrief_digest: {marker}'; this reader understands version "
            f"{DIGEST_FORMAT_VERSION}"
        )
    tier_name = _str(data, "tier", where, required=True).lower()
    try:
        tier = Tier(tier_name)
    except ValueError:
        raise _Invalid(
            f"{where}: tier '{tier_name}' must be one of guideline, label, research"
        ) from None
    slug = _str(data, "id", where, required=True)
    if not _SLUG.match(slug):
        raise _Invalid(f"{where}: id '{slug}' must be a slug (letters, digits, '.', '_', '-')")
    published = _date(data.get("published"), where)
    version = _str(data, "version", where) or "1"
    demo = data.get("demo", False)
    if not isinstance(demo, bool):
        raise _Invalid(f"{where}: 'demo' must be true or false")
    url = _str(data, "url", where)
    if url and not re.match(r"https?://", url):
        raise _Invalid(f"{where}: 'url' must start with http:// or https://")
    drugs = _str_list(data, "drugs", where, lower=True)
    meta: dict[str, Any] = {
        "demo": demo,
        "source": _source(data, where),
        "digest_format": DIGEST_FORMAT_VERSION,
    }
    design: StudyDesign | None = None
    if tier is Tier.LABEL:
        drug = _str(data, "drug", where).lower()
        if drug and drug not in drugs:
            drugs.insert(0, drug)
        for key in ("set_id", "label_version"):
            value = _str(data, key, where)
            if value:
                meta[key] = value
    if tier is Tier.RESEARCH:
        pmid = _str(data, "pmid", where)
        if pmid and not pmid.isdigit():
            raise _Invalid(f"{where}: 'pmid' must be digits, e.g. \"12345678\"")
        if pmid:
            meta["pmid"] = pmid
        design_name = _str(data, "design", where)
        if design_name:
            try:
                design = StudyDesign(design_name)
            except ValueError:
                allowed = ", ".join(d.value for d in StudyDesign)
                raise _Invalid(
                    f"{where}: design '{design_name}' must be one of: {allowed}"
                ) from None
    doc = Document(
        tier=tier,
        source_id=f"DIGEST:{slug}",
        title=_str(data, "title", where, required=True),
        source_format=FORMAT,
        version=version,
        version_rank=version_rank(version),
        issuer=_str(data, "issuer", where),
        published=published,
        year=_year(data, published, where),
        url=url,
        drugs=drugs,
        brand_names=_str_list(data, "brand_names", where),
        conditions=_str_list(data, "conditions", where, lower=True),
        study_design=design,
        publication_types=list(_PUBLICATION_TYPES[design]) if design else [],
        meta=meta,
    )
    return doc, tier


class DigestParser:
    """Parser for medbrief digests (Markdown + YAML front matter with ``medbrief_digest: 1``)."""

    format = FORMAT

    def sniff(self, head: bytes, name: str) -> bool:
        text = head[:SNIFF_BYTES].decode("utf-8", errors="ignore").lstrip("\ufeff")
        first, _, rest = text.partition("\n")
        if first.strip() != "---":
            return False
        end = _FENCE.search(rest)
        front = rest[: end.start()] if end else rest
        return bool(_MARKER.search(front))

    def parse(self, stream: BinaryIO, name: str) -> Iterator[ParseItem]:
        label = name or "<digest>"
        try:
            data = stream.read(MAX_BYTES + 1)
        except OSError as exc:
            raise SourceError(f"{label}: cannot read the digest ({exc})") from exc
        if not isinstance(data, bytes | bytearray):
            raise SourceError(f"{label}: expected a binary stream (open the file in 'rb' mode)")
        if len(data) > MAX_BYTES:
            raise SourceError(
                f"{label}: larger than {MAX_BYTES // 2**20} MiB; a digest is a short file"
            )
        try:
            text = bytes(data).decode("utf-8").replace("\r\n", "\n")
        except UnicodeDecodeError as exc:
            raise SourceError(f"{label}: not UTF-8 text ({exc}); save the digest as UTF-8") from exc
        front, body = _split(text, label)
        try:
            loaded = yaml.safe_load(front)
        except yaml.YAMLError as exc:
            raise SourceError(
                f"{label}: invalid YAML front matter: {exc}".replace("\n", " ")
            ) from exc
        except (ValueError, TypeError, RecursionError) as exc:  # e.g. out-of-range dates
            raise SourceError(f"{label}: unusable YAML front matter ({exc})") from exc
        if not isinstance(loaded, dict):
            raise SourceError(
                f"{label}: the front matter must be a YAML mapping of 'key: value' lines"
            )
        fields = {str(k): v for k, v in loaded.items()}
        if "medbrief_digest" not in fields:
            raise SourceError(
                f"{label}: not a medbrief digest: add 'medbrief_digest: 1' to the front matter"
            )
        try:
            doc, tier = _header(fields, label)
        except _Invalid as exc:
            raise SourceError(f"{exc}; see docs/digest-format.md") from exc
        passages, errors = _items(fields, tier, label)
        notes = body.strip()
        if notes:
            passages.append(Passage(section="notes", text=notes, section_title="Notes"))
        for i, p in enumerate(passages):
            p.order = i
        doc.passages = passages
        yield from errors
        yield doc
