"""openFDA drug-label JSON: API responses, bulk downloads, bare records and derived per-drug files.

Two parsers share the passage builder:

* :class:`OpenFDAJsonParser` (``openfda-json``) reads ``/drug/label`` records in every shape the
  openFDA service hands out: an API response or bulk download file (``{"meta": ..., "results":
  [...]}``), a JSON list of records, or one bare record.
* :class:`OpenFDADerivedParser` (``openfda-derived``) reads the flattened per-drug export
  (``drug_name``, ``generic_names`` ..., ``sections: {field: text}``) that carries no set id, no
  version and no effective time.

Every mapped label field becomes one passage, or several consecutive ones of ~800-1500 characters
cut at sentence boundaries when the field is long. Passage text is the source text with
whitespace normalised; a leading section heading ("1 INDICATIONS AND USAGE") is moved into
``section_title`` and nothing else is rewritten, so character offsets into passages can be cited.
"""

from __future__ import annotations

import json
import lzma
import re
import zlib
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from medbrief.models import LABEL_SECTIONS, Document, ParseItem, Passage, RecordError, Tier
from medbrief.sources.base import SNIFF_BYTES, SourceError
from medbrief.sources.label_sections import OPENFDA_FIELDS
from medbrief.textutil import normalize_ws, split_sentences

SPLIT_ABOVE = 1800  # a section longer than this is cut into several passages
CHUNK_MAX = 1500  # ... each at most this long (the last one at most SPLIT_ABOVE)
CHUNK_MIN = 800  # ... and cut after at least this many characters when a sentence ends there
_WINDOW_STARTS = (CHUNK_MAX - 300, CHUNK_MIN, CHUNK_MIN // 4)

DAILYMED_URL = "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid={}"

# Label text fields that are kept although OPENFDA_FIELDS does not list them.
_EXTRA_FIELDS = {"spl_unclassified_section": "other"}
# Fields that are not evidence text (or are used for the title only); not reported as unmapped.
_NON_TEXT = frozenset(
    {"set_id", "id", "version", "effective_time", "openfda", "spl_product_data_elements",
     "package_label_principal_display_panel", "spl_indexing_data_elements"}
)
# Extra heading spellings, per field. The field name itself ("indications and usage") is always tried.
_HEADINGS: dict[str, tuple[str, ...]] = {
    "indications_and_usage": ("indications & usage",),
    "dosage_and_administration": ("dosage & administration", "directions"),
    "dosage_forms_and_strengths": ("dosage forms? and strengths?", "dosage form s and strengths"),
    "warnings_and_cautions": ("warnings and precautions",),
    "adverse_reactions": ("side effects",),
    "drug_and_or_laboratory_test_interactions": (
        "drug ?/ ?laboratory test interactions", "drug-laboratory test interactions",
    ),
    "nonteratogenic_effects": ("non-teratogenic effects",),
    "information_for_patients": ("patient counseling information",),
    "spl_patient_package_insert": ("patient package insert", "patient information"),
    "spl_medguide": ("medication guide",),
    "how_supplied": ("how supplied ?/ ?storage and handling",),
    "storage_and_handling": ("storage",),
    "patient_medication_information": ("patient information",),
}
# Fields whose first words are a sentence, not a heading ("Do not use if ..."): never stripped.
_NO_HEADING = frozenset(
    {"boxed_warning", "spl_unclassified_section", "pregnancy_or_breast_feeding", "do_not_use",
     "stop_use", "ask_doctor", "ask_doctor_or_pharmacist", "when_using",
     "keep_out_of_reach_of_children", "active_ingredient", "inactive_ingredient", "purpose"}
)
_FIELD_TITLES = {
    "spl_unclassified_section": "Unclassified Section",
    "spl_medguide": "Medication Guide",
    "spl_patient_package_insert": "Patient Package Insert",
    "drug_and_or_laboratory_test_interactions": "Drug and/or Laboratory Test Interactions",
}
_SMALL_WORDS = frozenset({"and", "or", "of", "for", "in", "to", "the", "with", "out"})

_NUMBER = r"(?:\d{1,2}(?:\.\d{1,2})*\.?\s*)?"
_COMBO_SPLIT = re.compile(r"\s*(?:,\s*(?:and\s+)?|;\s*|\s+and\s+|\s*/\s*|\s+&\s+|\s+\+\s+)\s*", re.I)
_DOSE_FORM_TAIL = re.compile(
    r"(?:\s+(?:tablets?|capsules?|oral|injection|injectable|for injection|oral solution|solution|"
    r"suspension|cream|ointment|gel|usp|film-coated|extended-release|delayed-release|chewable))+$",
    re.I,
)
_SALT_TAIL = re.compile(
    r"(?<=[a-z])(?:\s+(?:hydrochloride|dihydrochloride|hcl|hydrobromide|sulfate|bisulfate|"
    r"sodium|potassium|maleate|mesylate|besylate|tosylate|tartrate|bitartrate|succinate|"
    r"fumarate|citrate|acetate|phosphate|lactate|gluconate|malate|bromide|"
    r"monohydrate|dihydrate|trihydrate|anhydrous))+$"
)
_CATIONS = frozenset({"sodium", "potassium", "calcium", "magnesium", "lithium", "zinc", "ferrous",
                      "aluminum", "ammonium"})  # "calcium acetate" has no base drug "calcium"
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DIGITS = re.compile(r"[0-9]+")
_SPACE = re.compile(r"\s")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
# Exactly what textutil.normalize_ws collapses, but matching only where something changes (single
# spaces are left alone), which makes it several times faster on long label text.
_WS_CHANGE = re.compile(r"[ \t\r\n\f\v\u00a0\u2009\u200b]{2,}|[\t\r\n\f\v\u00a0\u2009\u200b]")




def fast_normalize_ws(text: str) -> str:
    """Same result as :func:`medbrief.textutil.normalize_ws` (checked by the tests), faster.

    Most openFDA text has only single spaces: then only the ends need trimming. Every character
    normalize_ws collapses besides the space (tab, newline, NBSP, thin and zero-width space) is
    non-printable for ``str.isprintable``.
    """
    if "  " in text or not text.isprintable():
        return _WS_CHANGE.sub(" ", text).strip()
    return text.strip()


def _field_title(field: str) -> str:
    if field in _FIELD_TITLES:
        return _FIELD_TITLES[field]
    words = field.replace("_and_or_", "_and/or_").split("_")
    return " ".join(w if (i and w in _SMALL_WORDS) else w.capitalize() for i, w in enumerate(words))


def _heading_regex(field: str) -> re.Pattern[str] | None:
    if field in _NO_HEADING:
        return None
    phrases = [field.replace("_and_or_", " and/or ").replace("_", " "), *_HEADINGS.get(field, ())]
    phrases.sort(key=len, reverse=True)  # "how supplied/storage and handling" before "how supplied"
    alts = "|".join(p.replace(" ", r"\s*" if "/" in p else r"\s+") for p in phrases)
    return re.compile(rf"{_NUMBER}(?:{alts})", re.I)


_HEADING_RES: dict[str, re.Pattern[str] | None] = {}


def split_heading(field: str, text: str) -> tuple[str, str]:
    """Split a leading section heading off ``text``: ("1 INDICATIONS AND USAGE", rest) or ("", text)."""
    if field not in _HEADING_RES:
        _HEADING_RES[field] = _heading_regex(field)
    pattern = _HEADING_RES[field]
    m = pattern.match(text) if pattern else None
    if m is None:
        return "", text
    end = m.end()
    heading = m.group(0)
    nxt = text[end : end + 2]
    if not nxt or nxt[0].isspace() or nxt[0] == ":":
        rest = text[end:].lstrip(" \t\n:")
    elif heading.isupper() and (nxt[0].isdigit() or (nxt[0].isupper() and nxt[1:].islower())):
        rest = text[end:]  # glued to the text: "8 USE IN SPECIFIC POPULATIONSPregnancy", "...8.1"
    else:
        return "", text
    return heading.strip(), rest


def split_combination(name: str) -> list[str]:
    """Components of a combination name, dosage form dropped, lower case.

    ``"LISINOPRIL AND HYDROCHLOROTHIAZIDE TABLETS"`` -> ``["lisinopril", "hydrochlorothiazide"]``.
    """
    parts: list[str] = []
    for raw in _COMBO_SPLIT.split(name.lower()):
        part = raw.strip(" .,")
        cut = _DOSE_FORM_TAIL.sub("", part).strip()
        part = cut or part
        if part and part not in parts:
            parts.append(part)
    return parts


def _clean(text: str) -> str:
    """Replace lone surrogates (legal in JSON, unencodable in UTF-8) with U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def _kind(value: Any) -> str:
    """A JSON value's type in JSON terms, for messages: "a number", "an object" ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


class _BadRecord(Exception):
    """Internal: one record cannot be mapped; becomes a RecordError."""


def _strings(value: Any, where: str) -> list[str]:
    """A list-of-strings field (a single string is accepted as a one-item list; null as empty)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [_clean(value)]
    if not isinstance(value, list):
        raise _BadRecord(f"{where} is {_kind(value)}, expected a list of strings")
    out: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise _BadRecord(f"{where}[{i}] is {_kind(item)}, expected a string")
        out.append(_clean(item))
    return out


def _last_break(text: str, lo: int, hi: int) -> int:
    """Index just past the last sentence or paragraph that ends inside ``text[lo:hi]``, or -1."""
    m = _SPACE.search(text, lo, hi)
    if m is None:
        return -1
    r0 = m.end()  # a word start, so split_sentences sees whole words (its checks are local)
    spans = split_sentences(text[r0:hi])
    best = r0 + spans[-2][1] if len(spans) > 1 else -1  # the last span is an unfinished sentence
    return max(best, text.rfind("\n\n", r0, hi))


def _chunk_spans(text: str) -> list[tuple[int, int]]:
    """Cut ``text`` into consecutive (start, end) spans of ~CHUNK_MIN..CHUNK_MAX chars.

    Cuts fall at the last sentence end (split_sentences) or paragraph break before CHUNK_MAX;
    only run-on text with no sentence end (a flattened table) is cut at a space. The final span
    may be up to SPLIT_ABOVE long. Only the window where a cut can fall is sentence-split.
    """
    spans: list[tuple[int, int]] = []
    a, n = 0, len(text)
    while n - a > SPLIT_ABOVE:
        cut = -1
        for lo in _WINDOW_STARTS:  # narrow window first: usually a sentence ends near the top
            cut = _last_break(text, a + lo, a + CHUNK_MAX)
            if cut > a:
                break
        if cut <= a:
            cut = text.rfind(" ", a + CHUNK_MIN // 2, a + CHUNK_MAX)
        if cut <= a:
            cut = a + CHUNK_MAX
        end = cut
        while end > a and text[end - 1].isspace():
            end -= 1
        spans.append((a, end))
        a = cut
        while a < n and text[a].isspace():
            a += 1
    if a < n:
        spans.append((a, n))
    return spans


def build_passages(fields: Iterable[tuple[str, list[str]]], start: int = 0) -> list[Passage]:
    """One passage per label field (several for long ones), ``order`` running from ``start``.

    ``fields`` yields (openFDA field name, list of text blocks); unmapped fields are skipped.
    """
    passages: list[Passage] = []
    order = start
    for field, blocks in fields:
        section = OPENFDA_FIELDS.get(field) or _EXTRA_FIELDS.get(field)
        if section is None:
            continue
        paras = [p for p in (fast_normalize_ws(x) for b in blocks for x in _BLANK_LINE.split(b)) if p]
        if not paras:
            continue
        heading, text = split_heading(field, "\n\n".join(paras))
        text = text.strip()
        if not text:
            continue
        title = heading or _field_title(field)
        spans = _chunk_spans(text) if len(text) > SPLIT_ABOVE else [(0, len(text))]
        for part, (a, b) in enumerate(spans, 1):
            passages.append(
                Passage(section=section, text=text[a:b], order=order, section_title=title,
                        meta={"field": field, "part": part})
            )
            order += 1
    return passages


def _read_json(stream: BinaryIO, name: str, what: str) -> Any:
    try:
        raw = stream.read()
    except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
        raise SourceError(f"{name}: cannot read the file ({exc}); re-download or re-extract it") from exc
    if not raw.strip():
        raise SourceError(f"{name}: the file is empty; expected {what}")
    try:
        return json.loads(raw)
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{name}: not UTF-8 text at byte {exc.start}; {what} must be UTF-8 JSON"
        ) from exc
    except json.JSONDecodeError as exc:
        ends_early = exc.pos >= len(exc.doc.rstrip()) - 1 or exc.msg.startswith("Unterminated")
        hint = "the file ends early (truncated download?)" if ends_early else "the JSON is malformed"
        raise SourceError(
            f"{name}: invalid JSON at line {exc.lineno} column {exc.colno} ({exc.msg}): {hint}; "
            f"re-download {what}"
        ) from exc
    except RecursionError as exc:
        raise SourceError(f"{name}: JSON nested too deeply to be {what}") from exc


# ----------------------------------------------------------------------------------- sniffing

_STRONG_KEY = re.compile(
    r'"(?:set_id"\s*:\s*"|openfda"\s*:\s*\{|spl_product_data_elements"\s*:\s*\[|'
    r'package_label_principal_display_panel"\s*:\s*\[)'
)
_SECTION_KEY = re.compile(
    r'"(' + "|".join(sorted({*OPENFDA_FIELDS, *_EXTRA_FIELDS})) + r')"\s*:\s*\[\s*"'
)
_DERIVED_KEYS = re.compile(r'"(drug_name|generic_names|sections)"\s*:\s*([\[{"])')


def _json_start(head: bytes) -> str | None:
    """The head as text if it starts like a JSON object/array, else None."""
    text = head[:SNIFF_BYTES].decode("utf-8", "ignore").lstrip("\ufeff \t\r\n")
    return text if text[:1] in ("{", "[") else None


def _looks_like_record(obj: Any) -> bool:
    if not isinstance(obj, dict) or "drug_name" in obj or "sections" in obj:
        return False
    if isinstance(obj.get("set_id"), str) or isinstance(obj.get("openfda"), dict):
        return True
    if isinstance(obj.get("spl_product_data_elements"), list):
        return True
    fields = {*OPENFDA_FIELDS, *_EXTRA_FIELDS}
    return sum(1 for k, v in obj.items() if k in fields and isinstance(v, list)) >= 2


def _is_label_json(obj: Any) -> bool:
    if isinstance(obj, list):
        return bool(obj) and _looks_like_record(obj[0])
    if not isinstance(obj, dict):
        return False
    results = obj.get("results")
    if isinstance(results, list) and results and _looks_like_record(results[0]):
        return True
    if "results" in obj:  # an openFDA response, perhaps empty or broken (parse says what is wrong)
        return "openfda" in json.dumps(obj.get("meta", "")).lower()
    return _looks_like_record(obj)


def _is_derived_json(obj: Any) -> bool:
    return (isinstance(obj, dict) and isinstance(obj.get("drug_name"), str)
            and isinstance(obj.get("sections"), dict))


def _sniff(head: bytes, complete: bool) -> tuple[Any, str | None]:
    """(parsed head if it is complete JSON else None, head text if it starts like JSON)."""
    text = _json_start(head)
    if text is None or not complete:
        return None, text
    try:
        return json.loads(text), text
    except (ValueError, RecursionError):
        return None, text


# ------------------------------------------------------------------------------ openFDA JSON


class OpenFDAJsonParser:
    """openFDA ``/drug/label`` records: API responses, bulk files, record lists, bare records."""

    format = "openfda-json"

    def sniff(self, head: bytes, name: str) -> bool:
        obj, text = _sniff(head, len(head) < SNIFF_BYTES)
        if text is None:
            return False
        if obj is not None:
            return _is_label_json(obj)
        derived = {m.group(1) for m in _DERIVED_KEYS.finditer(text, 0, 4096)}
        if "drug_name" in derived and "sections" in derived:
            return False
        if _STRONG_KEY.search(text):
            return True
        if '"results"' in text[:8192] and "open.fda.gov" in text[:8192]:
            return True
        keys = {m.group(1) for m in _SECTION_KEY.finditer(text)}
        # Two label fields, or one specific multi-word one ("boxed_warning") when the first
        # field of the first record fills the whole head.
        return len(keys) >= 2 or any("_" in k for k in keys)

    def parse(self, stream: BinaryIO, name: str) -> Iterator[ParseItem]:
        data = _read_json(stream, name, "an openFDA drug label JSON file")
        records: list[Any]
        prefix: str | None
        if isinstance(data, dict) and "results" in data:
            if not isinstance(data["results"], list):
                raise SourceError(
                    f"{name}: 'results' is {_kind(data['results'])}, expected the list "
                    "of label records of an openFDA /drug/label response; re-download the file"
                )
            records, prefix = data["results"], "results"
        elif isinstance(data, list):
            records, prefix = data, ""
        elif isinstance(data, dict) and _looks_like_record(data):
            records, prefix = [data], None
        else:
            raise SourceError(
                f"{name}: JSON {_kind(data)} is not an openFDA drug label file (expected "
                "{'meta', 'results': [label...]}, a list of labels or one label with set_id); "
                "check that the file is a /drug/label download"
            )
        del data
        for i, rec in enumerate(records):
            records[i] = None  # let a bulk file's records be freed as they are mapped
            where = "record" if prefix is None else f"{prefix}[{i}]"
            yield self._record(rec, where)

    def _record(self, rec: Any, where: str) -> Document | RecordError:
        if not isinstance(rec, dict):
            return RecordError(where, f"label record is {_kind(rec)}, expected an object")
        set_id = rec.get("set_id")
        if set_id is not None and not isinstance(set_id, str):
            return RecordError(where, f"set_id is {_kind(set_id)}, expected a string")
        if not set_id or not set_id.strip():
            return RecordError(
                where, "label has no set_id; every openFDA label record carries the SPL set id in "
                "'set_id' (re-download the record, or drop it)"
            )
        set_id = _clean(set_id.strip())
        try:
            return label_document(rec, set_id, self.format)
        except _BadRecord as exc:
            return RecordError(f"set_id {set_id}", f"{exc}; fix or drop this label record")


def _scalar(rec: dict[str, Any], key: str) -> str:
    value = rec.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _BadRecord(f"'{key}' is {_kind(value)}, expected a string")
    return _clean(str(value).strip())


def _iso_date(effective_time: str) -> tuple[str, int | None]:
    m = _DATE.fullmatch(effective_time)
    if not m:
        return "", None
    year, month, day = (int(g) for g in m.groups())
    if not (1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return "", None
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}", year


def _drugs(generic_names: list[str]) -> list[str]:
    """Components of the generic names, each followed by its salt-free base name if different."""
    drugs: list[str] = []
    for name in generic_names:
        for part in split_combination(name):
            base = _SALT_TAIL.sub("", part)
            for form in (part, "" if base in _CATIONS else base):
                if form and form not in drugs:
                    drugs.append(form)
    return drugs


def _brand_generic(brand: str, generic: str) -> str:
    """``Brand (generic)``, or just one of them when the brand already names the generic."""
    if brand and generic and generic not in brand.lower():
        return f"{brand} ({generic})"
    return brand or generic


def _title(brands: list[str], generics: list[str], routes: list[str], fallback: str) -> str:
    brand = normalize_ws(brands[0]) if brands else ""
    generic = normalize_ws(generics[0]).lower() if generics else ""
    route = "/".join(normalize_ws(r).lower() for r in routes[:2])
    name = _brand_generic(brand, generic)
    if not name:
        words = normalize_ws(fallback).split()[:8]
        name = " ".join(words)[:80].rstrip() or "Unnamed label"
        return name
    return f"{name} {route}".strip()


def label_document(rec: dict[str, Any], set_id: str, source_format: str) -> Document:
    """Map one openFDA label record (set_id already checked) onto a Document."""
    openfda = rec.get("openfda")
    if openfda is None:
        openfda = {}
    if not isinstance(openfda, dict):
        raise _BadRecord(f"'openfda' is {_kind(openfda)}, expected an object")

    def of(key: str) -> list[str]:
        return [s.strip() for s in _strings(openfda.get(key), f"openfda.{key}") if s.strip()]

    version = _scalar(rec, "version")
    effective_time = _scalar(rec, "effective_time")
    published, year = _iso_date(effective_time)
    numeric = bool(_DIGITS.fullmatch(version))
    version_rank = f"{int(version) if numeric else 0:08d}-{effective_time}"

    fields: list[tuple[str, list[str]]] = []
    unmapped: list[str] = []
    for key, value in rec.items():
        if key in _NON_TEXT or key.endswith("_table"):
            continue
        if key in OPENFDA_FIELDS or key in _EXTRA_FIELDS:
            fields.append((key, _strings(value, f"'{key}'")))
        else:
            unmapped.append(key)
    passages = build_passages(fields)

    generics, brands, routes = of("generic_name"), of("brand_name"), of("route")
    fallback_blocks = (_strings(rec.get("package_label_principal_display_panel"), "package label")
                       or _strings(rec.get("spl_product_data_elements"), "spl_product_data_elements"))
    manufacturers = of("manufacturer_name")
    meta: dict[str, Any] = {
        "set_id": set_id,
        "spl_id": _scalar(rec, "id"),
        "effective_time": effective_time,
        "application_number": of("application_number"),
        "product_type": of("product_type"),
        "route": routes,
        "pharm_class_epc": of("pharm_class_epc"),
        "pharm_class_moa": of("pharm_class_moa"),
        "rxcui": of("rxcui"),
        "generic_names": generics,
        "manufacturer_names": manufacturers,
        "openfda_mapped": bool(openfda),
    }
    if version and not numeric:
        meta["version_note"] = f"version {version!r} is not a number; ranked as 0"
    if unmapped:
        meta["unmapped_fields"] = sorted(unmapped)
    return Document(
        tier=Tier.LABEL,
        source_id=f"SETID:{set_id}",
        title=_title(brands, generics, routes, fallback_blocks[0] if fallback_blocks else ""),
        source_format=source_format,
        passages=passages,
        version=version,
        version_rank=version_rank,
        issuer=manufacturers[0] if manufacturers else "",
        published=published,
        year=year,
        url=DAILYMED_URL.format(set_id),
        drugs=_drugs(generics),
        brand_names=brands,
        substance_names=of("substance_name"),
        meta=meta,
    )


# ---------------------------------------------------------------------------- derived files

_SECTION_RANK = {s: i for i, s in enumerate(LABEL_SECTIONS)}


class OpenFDADerivedParser:
    """Per-drug JSON flattened from one openFDA label (no set id, version or effective time)."""

    format = "openfda-derived"

    def sniff(self, head: bytes, name: str) -> bool:
        obj, text = _sniff(head, len(head) < SNIFF_BYTES)
        if text is None or not text.startswith("{"):
            return False
        if obj is not None:
            return _is_derived_json(obj)
        keys = {m.group(1): m.group(2) for m in _DERIVED_KEYS.finditer(text, 0, 4096)}
        return keys.get("drug_name") == '"' and keys.get("sections") == "{"

    def parse(self, stream: BinaryIO, name: str) -> Iterator[ParseItem]:
        data = _read_json(stream, name, "a derived per-drug openFDA label JSON file")
        drug_name = data.get("drug_name") if isinstance(data, dict) else None
        if not isinstance(drug_name, str) or not drug_name.strip():
            raise SourceError(
                f"{name}: not a derived openFDA label (expected an object with a 'drug_name' "
                "string and a 'sections' object); check that the file is a per-drug export"
            )
        drug = _clean(normalize_ws(drug_name)).lower()
        try:
            yield derived_document(data, drug, self.format)
        except _BadRecord as exc:
            yield RecordError(f"drug_name {drug_name}", f"{exc}; fix or drop this file")


def derived_document(data: dict[str, Any], drug: str, source_format: str) -> Document:
    """Map one derived per-drug record onto a Document."""

    def strs(key: str) -> list[str]:
        return [s.strip() for s in _strings(data.get(key), f"'{key}'") if s.strip()]

    sections = data.get("sections")
    if not isinstance(sections, dict):
        raise _BadRecord(f"'sections' is {_kind(sections)}, expected an object")
    fields: list[tuple[str, list[str]]] = []
    unmapped: list[str] = []
    for key, value in sections.items():
        if key in OPENFDA_FIELDS or key in _EXTRA_FIELDS:
            fields.append((key, _strings(value, f"sections.{key}")))
        else:
            unmapped.append(key)
    fields.sort(key=lambda f: _SECTION_RANK[OPENFDA_FIELDS.get(f[0]) or _EXTRA_FIELDS[f[0]]])

    generics, brands = strs("generic_names"), strs("brand_names")
    manufacturers = strs("manufacturer")
    routes = strs("route")
    brand = normalize_ws(brands[0]) if brands else ""
    generic = normalize_ws(generics[0]).lower() if generics else drug
    title = _brand_generic(brand, generic)
    meta: dict[str, Any] = {
        "set_id": None,
        "provenance_note": "derived per-drug export of one openFDA label: the SPL set id, "
        "version and effective time are not in the source",
        "drug_name": drug,
        "generic_names": generics,
        "manufacturer_names": manufacturers,
        "product_type": strs("product_type"),
        "route": routes,
        "pharm_class_epc": strs("pharm_class_epc"),
        "pharm_class_moa": strs("pharm_class_moa"),
    }
    if unmapped:
        meta["unmapped_fields"] = sorted(unmapped)
    return Document(
        tier=Tier.LABEL,
        source_id=f"OPENFDA-DERIVED:{drug}",
        title=title,
        source_format=source_format,
        passages=build_passages(fields),
        version="",
        version_rank="",
        issuer=manufacturers[0] if manufacturers else "",
        drugs=_drugs(generics) or [drug],
        brand_names=brands,
        substance_names=strs("substance_name"),
        meta=meta,
    )
