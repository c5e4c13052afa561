"""The demo evidence pack shipped in src/medbrief/data/demo.

1. Every digest has valid YAML front matter with the required fields (read with yaml.safe_load,
   independent of the digest parser).
2. (shared) Every dose, frequency and percentage in a label statement appears in the label
   section of the source record that the statement names.
3. (shared) No run of 12 or more words in any digest text is copied verbatim from its source.
"""

from __future__ import annotations

import gzip
import html
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from medbrief.demo import demo_pack_path
from medbrief.models import LABEL_SECTIONS
from medbrief.settings import default_shared

TIERS = ("guideline", "label", "research")
TIER_DIRS = {"guideline": "guidelines", "label": "labels", "research": "research"}
SOURCE_FORMATS = {"ngc-xml", "openfda-derived", "openfda-json", "pubmed-xml", "medline-text"}
DESIGNS = {
    "guideline",
    "meta-analysis",
    "systematic review",
    "RCT",
    "other trial",
    "observational",
    "case report",
    "review",
    "other",
}
SHINGLE = 12

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.S)


# --------------------------------------------------------------------------- loading


def digest_files() -> list[Path]:
    root = demo_pack_path()
    return sorted(p for p in root.rglob("*.md") if p.name.lower() != "readme.md")


def split_digest(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(text)
    assert match, f"{path.name}: no '---' YAML front matter block"
    meta = yaml.safe_load(match.group(1))
    assert isinstance(meta, dict), f"{path.name}: front matter is not a mapping"
    return meta, match.group(2)


@cache
def load_all() -> tuple[tuple[Path, dict[str, Any], str], ...]:
    return tuple((p, *split_digest(p)) for p in digest_files())


def digest_texts(meta: dict[str, Any], body: str) -> Iterator[str]:
    """Every piece of prose the medbrief team wrote (titles are citations, not prose)."""
    for key in ("recommendations", "statements", "findings"):
        for item in meta.get(key) or []:
            yield str(item["text"])
    if body.strip():
        yield body


def ids(paths: list[Path]) -> list[str]:
    return [f"{p.parent.name}/{p.name}" for p in paths]


# --------------------------------------------------------------------------- 1. structure


def test_pack_exists_and_has_all_tiers() -> None:
    root = demo_pack_path()
    assert root.is_dir(), root
    tiers = {meta["tier"] for _, meta, _ in load_all()}
    assert tiers == set(TIERS)


def test_ids_are_unique() -> None:
    seen: dict[str, Path] = {}
    for path, meta, _ in load_all():
        assert meta["id"] not in seen, (
            f"{path.name} and {seen[meta['id']].name} share id {meta['id']}"
        )
        seen[meta["id"]] = path


@pytest.mark.parametrize("path", digest_files(), ids=ids(digest_files()))
def test_digest_front_matter(path: Path) -> None:
    meta, body = split_digest(path)
    name = path.name
    assert meta.get("medbrief_digest") == 1, name
    assert meta.get("demo") is True, f"{name}: demo must be true"
    tier = meta.get("tier")
    assert tier in TIERS, name
    assert path.parent.name == TIER_DIRS[tier], f"{name}: tier {tier} in folder {path.parent.name}"
    assert isinstance(meta.get("id"), str) and re.fullmatch(r"[a-z0-9][a-z0-9-]*", meta["id"]), name
    for key in ("title", "issuer", "version"):
        assert isinstance(meta.get(key), str) and meta[key].strip(), f"{name}: {key}"
    year = meta.get("year")
    assert year is None or (isinstance(year, int) and 1950 <= year <= 2030), f"{name}: year"
    source = meta.get("source")
    assert isinstance(source, dict), f"{name}: source"
    assert source.get("format") in SOURCE_FORMATS, f"{name}: source.format"
    assert isinstance(source.get("id"), str) and source["id"], f"{name}: source.id"
    file = source.get("file")
    assert isinstance(file, str) and file and not file.startswith("/") and ".." not in file, name
    for key in ("conditions", "drugs"):
        assert isinstance(meta.get(key), list), f"{name}: {key}"
    assert "demo content" in body.lower() and "not" in body.lower(), f"{name}: body must say demo"

    if tier == "label":
        assert isinstance(meta.get("drug"), str) and meta["drug"], name
        assert meta["drug"] in meta["drugs"], name
        assert isinstance(meta.get("brand_names"), list), name
        assert source["format"] in {"openfda-derived", "openfda-json"}, name
        statements = meta.get("statements")
        assert isinstance(statements, list) and statements, f"{name}: statements"
        for st in statements:
            assert st.get("section") in LABEL_SECTIONS, f"{name}: section {st.get('section')!r}"
            assert isinstance(st.get("text"), str) and st["text"].strip(), name
            assert isinstance(st.get("source_section"), str) and st["source_section"], name
        if meta.get("set_id") is not None:
            assert source["id"] == f"SETID:{meta['set_id']}", name
    elif tier == "guideline":
        assert source["format"] == "ngc-xml" and source["id"].startswith("NGC:"), name
        recs = meta.get("recommendations")
        assert isinstance(recs, list) and recs, f"{name}: recommendations"
        rec_ids = [r.get("id") for r in recs]
        assert len(set(rec_ids)) == len(rec_ids), f"{name}: duplicate recommendation ids"
        for rec in recs:
            assert isinstance(rec.get("text"), str) and rec["text"].strip(), name
            assert "strength" in rec and "quality" in rec, f"{name}: {rec.get('id')}"
            for key in ("strength", "quality", "population"):
                assert rec.get(key) is None or isinstance(rec[key], str), f"{name}: {key}"
    else:
        assert source["format"] in {"pubmed-xml", "medline-text"}, name
        pmid = meta.get("pmid")
        assert isinstance(pmid, str) and pmid.isdigit(), f"{name}: pmid must be a quoted string"
        assert source["id"] == f"PMID:{pmid}", name
        assert meta.get("design") in DESIGNS, f"{name}: design {meta.get('design')!r}"
        findings = meta.get("findings")
        assert isinstance(findings, list) and findings, f"{name}: findings"
        for finding in findings:
            assert isinstance(finding.get("text"), str) and finding["text"].strip(), name


def test_label_digests_cover_required_drugs() -> None:
    drugs = {meta["drug"] for _, meta, _ in load_all() if meta["tier"] == "label"}
    required = {
        "baclofen",
        "cyclobenzaprine",
        "diazepam",
        "gabapentin",
        "pregabalin",
        "duloxetine",
        "ibuprofen",
        "naproxen",
        "acetaminophen",
        "celecoxib",
        "meloxicam",
        "tramadol",
    }
    assert required <= drugs, sorted(required - drugs)


# --------------------------------------------------------------------------- source access


def shared_data_dir() -> Path:
    return default_shared() / "data"


@cache
def label_record(file: str) -> dict[str, str]:
    """Section name -> text for an openFDA-derived file or a full openFDA label response."""
    raw = json.loads((shared_data_dir() / file).read_text(encoding="utf-8"))
    if "sections" in raw:
        return {k: str(v) for k, v in raw["sections"].items()}
    record = raw["results"][0] if "results" in raw else raw
    out: dict[str, str] = {}
    for key, value in record.items():
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[key] = "\n\n".join(value)
        elif isinstance(value, str):
            out[key] = value
    return out


_TAG = re.compile(r"<[^>]+>")


@cache
def ngc_text(file: str) -> str:
    text = (shared_data_dir() / file).read_text(encoding="utf-8")
    for _ in range(3):  # field values are escaped HTML inside XML attributes
        text = html.unescape(_TAG.sub(" ", text))
    return _TAG.sub(" ", text)


def _pubmed_xml_records(path: Path) -> Iterator[tuple[str, str]]:
    from lxml import etree

    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as fh:
        for _, elem in etree.iterparse(fh, tag="MedlineCitation"):
            pmid = elem.findtext("PMID") or ""
            title = (
                "".join(elem.find(".//ArticleTitle").itertext())
                if elem.find(".//ArticleTitle") is not None
                else ""
            )
            abstract = " ".join("".join(a.itertext()) for a in elem.iter("AbstractText"))
            yield pmid, f"{title}\n{abstract}"
            elem.clear()


def _medline_records(path: Path) -> Iterator[tuple[str, str]]:
    pmid, fields, tag = "", {"TI": [], "AB": []}, ""
    for line in path.read_text(encoding="utf-8").splitlines() + ["PMID- end"]:
        if line[:4].strip() and line[4:6] == "- ":
            tag = line[:4].strip()
            value = line[6:]
            if tag == "PMID":
                if pmid:
                    yield pmid, " ".join(fields["TI"]) + "\n" + " ".join(fields["AB"])
                pmid, fields = value.strip(), {"TI": [], "AB": []}
                continue
        else:
            value = line.strip()
        if tag in fields:
            fields[tag].append(value.strip())


@cache
def research_text(file: str, pmid: str) -> str:
    path = shared_data_dir() / file
    records = _medline_records(path) if path.suffix == ".txt" else _pubmed_xml_records(path)
    for found, text in records:
        if found == pmid:
            return text
    raise AssertionError(f"PMID {pmid} not found in {file}")


def source_text(meta: dict[str, Any]) -> str:
    file = meta["source"]["file"]
    if meta["tier"] == "label":
        return "\n".join(label_record(file).values())
    if meta["tier"] == "guideline":
        return ngc_text(file)
    return research_text(file, meta["pmid"])


def with_source(tier: str | None = None) -> list[tuple[Path, dict[str, Any], str]]:
    return [
        (p, m, b)
        for p, m, b in load_all()
        if (tier is None or m["tier"] == tier)
        and (shared_data_dir() / m["source"]["file"]).is_file()
    ]


# --------------------------------------------------------------------------- 2. numbers

_UNIT = (
    r"mg/kg/day|mg/kg|mg/day|mg/m2|mg|mcg|g|ml|%|"
    r"times (?:a|per) day|times daily|hours?|days?|weeks?|months?|years?"
)
_SAME_UNIT_RANGE = re.compile(
    rf"(\d[\d.,]*)\s?({_UNIT})\s*(?:-|to|through)\s*(\d[\d.,]*)\s?\2(?![a-z])"
)
_RANGE = re.compile(r"(\d)\s*(?:-|to|through)\s*(\d)")
_QUANTITY = re.compile(
    rf"(?<![\d.,])(\d[\d,]*(?:\.\d+)?(?:-\d[\d,]*(?:\.\d+)?)?)\s?({_UNIT})(?![a-z])"
)
_PLURAL = {"hours": "hour", "days": "day", "weeks": "week", "months": "month", "years": "year"}


def normalise_numbers(text: str) -> str:
    text = text.lower().replace("\u00a0", " ").replace("µg", "mcg").replace("μg", "mcg")
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"(\d)\s+%", r"\1%", text)
    text = re.sub(rf"(\d)-({_UNIT})(?![a-z])", r"\1 \2", text)
    text = re.sub(r"\b(hours|days|weeks|months|years)\b", lambda m: _PLURAL[m.group(1)], text)
    text = _SAME_UNIT_RANGE.sub(r"\1-\3 \2", text)
    return _RANGE.sub(r"\1-\2", text)


def quantities(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in _QUANTITY.finditer(normalise_numbers(text))]


def quantity_in(number: str, unit: str, normalised_source: str) -> bool:
    """The quantity, with its unit, is in the source.

    Tables flattened to running text lose the unit next to each cell ("Total Daily Dose Range
    (mg/day) ... 400 to 1400"), so a range or a number of 100 or more may also stand bare in the
    source, provided the unit occurs somewhere in the same section. Single small numbers, the
    usual percentages, must appear with their unit.
    """
    number_re = rf"(?<![\d.,]){re.escape(number)}"
    if re.search(rf"{number_re}\s?{re.escape(unit)}(?![a-z])", normalised_source):
        return True
    if "-" in number or float(number.replace(",", "")) >= 100:
        bare = re.search(rf"{number_re}(?![\d,]|\.\d)", normalised_source)
        return bare is not None and unit in normalised_source
    return False


def test_quantity_normalisation() -> None:
    assert quantities("usually 40 to 80 mg daily, drowsiness (10 to 63%)") == [
        ("40-80", "mg"),
        ("10-63", "%"),
    ]
    assert quantities("5 mg to 10 mg for 3 days") == [("5-10", "mg"), ("3", "day")]
    src = normalise_numbers("total daily dose should not exceed a maximum of 80 mg daily (10 %)")
    assert quantity_in("80", "mg", src)
    assert quantity_in("10", "%", src)
    assert not quantity_in("8", "mg", src)
    assert not quantity_in("0", "mg", src)
    assert not quantity_in("100", "mg", src)
    table = normalise_numbers("Total Daily Dose Range (mg/day) >30 to 59 400 to 1400 200 BID")
    assert quantity_in("400-1400", "mg/day", table)
    assert not quantity_in("400-1200", "mg/day", table)
    assert not quantity_in("200", "%", table)


@pytest.mark.shared
def test_label_numbers_match_source_section() -> None:
    digests = with_source("label")
    assert digests, "no label digest has its source file in the shared data"
    problems: list[str] = []
    for path, meta, _ in digests:
        record = label_record(meta["source"]["file"])
        for st in meta["statements"]:
            section = st["source_section"]
            if section not in record:
                problems.append(f"{path.name}: source_section {section!r} not in source record")
                continue
            src = normalise_numbers(record[section])
            for number, unit in quantities(st["text"]):
                if not quantity_in(number, unit, src):
                    problems.append(
                        f"{path.name}: '{number} {unit}' not in {section}: {st['text']}"
                    )
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- 3. no copying


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9]+", " ", html.unescape(text).lower()).split()


def shingles(tokens: list[str]) -> set[str]:
    return {" ".join(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}


def test_shingles_catch_a_copied_run() -> None:
    source = shingles(
        words(
            "Start therapy at a low dosage and increase gradually until optimum effect is achieved."
        )
    )
    copied = words(
        "Doctors should start therapy at a low dosage and increase gradually until optimum effect."
    )
    assert shingles(copied) & source
    assert (
        not shingles(words("Treatment begins low and is raised step by step until it works well."))
        & source
    )


@pytest.mark.shared
def test_no_verbatim_runs_from_source() -> None:
    digests = with_source()
    assert digests, "no digest has its source file in the shared data"
    problems: list[str] = []
    for path, meta, body in digests:
        source = shingles(words(source_text(meta)))
        for text in digest_texts(meta, body):
            copied = sorted(shingles(words(text)) & source)
            if copied:
                problems.append(
                    f"{path.parent.name}/{path.name}: copied run '{copied[0]}' in: {text[:120]}"
                )
    assert not problems, "\n".join(problems)


@pytest.mark.shared
def test_every_digest_source_file_exists() -> None:
    missing = [
        f"{p.name}: {m['source']['file']}"
        for p, m, _ in load_all()
        if not (shared_data_dir() / m["source"]["file"]).is_file()
    ]
    assert not missing, "\n".join(missing)
