"""openFDA drug-label JSON (API responses, bulk files, records) and the derived per-drug files."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medbrief.models import LABEL_SECTIONS, Document, ParseItem, RecordError, Tier
from medbrief.sources.base import SNIFF_BYTES, SourceError
from medbrief.sources.openfda import (
    CHUNK_MAX,
    SPLIT_ABOVE,
    OpenFDADerivedParser,
    OpenFDAJsonParser,
    fast_normalize_ws,
    split_combination,
    split_heading,
)
from medbrief.textutil import normalize_ws

FIX = Path(__file__).parent / "fixtures" / "openfda"
JSON = OpenFDAJsonParser()
DERIVED = OpenFDADerivedParser()
ZENTORA_SET = "0a1b2c3d-0000-4000-8000-00000000a001"


def parse(
    parser: OpenFDAJsonParser | OpenFDADerivedParser, data: bytes, name: str = "x.json"
) -> list[ParseItem]:
    return list(parser.parse(io.BytesIO(data), name))


def parse_fixture(
    name: str, parser: OpenFDAJsonParser | OpenFDADerivedParser = JSON
) -> list[ParseItem]:
    return parse(parser, (FIX / name).read_bytes(), name)


def docs(items: Iterable[ParseItem]) -> list[Document]:
    return [i for i in items if isinstance(i, Document)]


def errors(items: list[ParseItem]) -> list[RecordError]:
    return [i for i in items if isinstance(i, RecordError)]


def head(name: str) -> bytes:
    return (FIX / name).read_bytes()[:SNIFF_BYTES]


# ------------------------------------------------------------------------------ mapping


def test_api_response_maps_one_label() -> None:
    items = parse_fixture("api_response.json")
    assert len(items) == 1
    doc = items[0]
    assert isinstance(doc, Document)
    assert doc.tier is Tier.LABEL
    assert doc.source_format == "openfda-json"
    assert doc.source_id == f"SETID:{ZENTORA_SET}"
    assert doc.version == "7"
    assert doc.version_rank == "00000007-20231015"
    assert doc.title == "Zentora (zentorafil tartrate) oral"
    assert doc.issuer == "Fictional Pharma Inc."
    assert doc.published == "2023-10-15" and doc.year == 2023
    assert doc.url == f"https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid={ZENTORA_SET}"
    assert doc.drugs == ["zentorafil tartrate", "zentorafil"]
    assert doc.brand_names == ["Zentora"]
    assert doc.substance_names == ["ZENTORAFIL TARTRATE"]
    meta = doc.meta
    assert meta["set_id"] == ZENTORA_SET
    assert meta["spl_id"] == "9f8e7d6c-0000-4000-8000-00000000b001"
    assert meta["effective_time"] == "20231015"
    assert meta["application_number"] == ["NDA999001"]
    assert meta["product_type"] == ["HUMAN PRESCRIPTION DRUG"]
    assert meta["route"] == ["ORAL"]
    assert meta["pharm_class_epc"] == ["Fictional Vasodilator [EPC]"]
    assert meta["pharm_class_moa"] == ["Imaginary Channel Openers [MoA]"]
    assert meta["rxcui"] == ["9990001", "9990002"]
    assert meta["generic_names"] == ["ZENTORAFIL TARTRATE"]
    assert "source_file" not in meta
    assert meta["unmapped_fields"] == ["recent_major_changes"]


def test_passages_follow_fields_and_skip_tables_and_package_label() -> None:
    doc = docs(parse_fixture("api_response.json"))[0]
    fields = [p.meta["field"] for p in doc.passages]
    assert not any(f.endswith("_table") for f in fields)
    assert "package_label_principal_display_panel" not in fields
    assert "spl_product_data_elements" not in fields
    assert "recent_major_changes" not in fields
    assert [p.order for p in doc.passages] == list(range(len(doc.passages)))
    by_field = {p.meta["field"]: p for p in doc.passages if p.meta["part"] == 1}
    assert by_field["spl_unclassified_section"].section == "other"
    assert by_field["nursing_mothers"].section == "lactation"
    assert by_field["warnings_and_cautions"].section == "warnings_precautions"
    assert all(p.section in LABEL_SECTIONS for p in doc.passages)

    ind = by_field["indications_and_usage"]
    assert ind.section == "indications"
    assert ind.section_title == "1 INDICATIONS AND USAGE"
    assert ind.text.startswith("ZENTORA is indicated for the treatment")
    # list items are joined with a blank line
    dosing = by_field["dosage_and_administration"]
    assert dosing.text == (
        "The recommended starting dose is 5 mg orally once daily.\n\n"
        "Increase to 10 mg once daily after one week if tolerated."
    )
    # headings: "how supplied/storage", glued headings, and boxed warnings kept in the text
    assert by_field["how_supplied"].section_title == "16 HOW SUPPLIED/STORAGE AND HANDLING"
    assert by_field["use_in_specific_populations"].text.startswith("8.1 Pregnancy")
    assert by_field["boxed_warning"].text.startswith("WARNING: RISK OF SEVERE HYPOTENSION")
    assert by_field["boxed_warning"].section_title == "Boxed Warning"
    assert by_field["spl_unclassified_section"].section_title == "Unclassified Section"


def test_long_section_is_split_at_sentences_and_stays_faithful() -> None:
    doc = docs(parse_fixture("api_response.json"))[0]
    raw = json.loads((FIX / "api_response.json").read_text())["results"][0]["adverse_reactions"]
    parts = [p for p in doc.passages if p.meta["field"] == "adverse_reactions"]
    assert len(parts) >= 2
    assert [p.meta["part"] for p in parts] == list(range(1, len(parts) + 1))
    assert {p.section_title for p in parts} == {"6 ADVERSE REACTIONS"}
    assert {p.section for p in parts} == {"adverse_reactions"}
    for p in parts[:-1]:
        assert len(p.text) <= CHUNK_MAX
        assert p.text.endswith(".")  # cut at a sentence end
    assert len(parts[-1].text) <= SPLIT_ABOVE
    # nothing rewritten: the parts and the heading give back the source words
    _, body = split_heading("adverse_reactions", "\n\n".join(raw))
    assert normalize_ws(" ".join(p.text for p in parts)) == normalize_ws(body)
    # orders of the parts are consecutive
    orders = [p.order for p in parts]
    assert orders == list(range(orders[0], orders[0] + len(parts)))


def test_bare_record() -> None:
    items = parse_fixture("bare_record.json")
    assert len(items) == 1 and isinstance(items[0], Document)
    assert items[0].source_id == "SETID:0a1b2c3d-0000-4000-8000-00000000a002"
    assert items[0].version_rank == "00000008-20231015"


def test_list_of_records_and_combination_generics() -> None:
    found = docs(parse_fixture("records_list.json"))
    assert len(found) == 2
    combo = found[0]
    assert combo.drugs == ["fictamol", "pretendipine hydrochloride", "pretendipine"]
    assert combo.meta["generic_names"] == ["FICTAMOL AND PRETENDIPINE HYDROCHLORIDE"]
    assert combo.title == "Duofen (fictamol and pretendipine hydrochloride) oral"
    sections = [p.section for p in combo.passages]
    assert sections == ["indications", "warnings_precautions", "warnings_precautions"]
    assert combo.passages[2].section_title == "PRECAUTIONS"
    assert combo.passages[2].text == "General Use the lowest effective dose."


def test_bulk_file_keeps_records_without_openfda_block() -> None:
    items = parse_fixture("drug-label-0001-of-0001.json")
    assert errors(items) == []
    found = docs(items)
    assert [d.source_id for d in found] == [
        "SETID:c0c0c0c0-0000-4000-8000-00000000c002",
        "SETID:d0d0d0d0-0000-4000-8000-00000000d001",
        "SETID:d0d0d0d0-0000-4000-8000-00000000d002",
    ]
    otc = found[1]
    assert otc.meta["openfda_mapped"] is False
    assert otc.drugs == [] and otc.issuer == ""
    assert otc.title == "Cool Drops mentholix lozenges 20 count honey lemon"
    assert otc.published == "2020-06-11"
    by_field = {p.meta["field"]: p for p in otc.passages}
    # OTC "Drug Facts" lead-ins are sentences, not headings: kept in the text
    assert by_field["do_not_use"].text == "Do not use in children under 4 years of age."
    assert by_field["do_not_use"].section == "contraindications"
    assert by_field["purpose"].section == "indications"
    assert "questions" in otc.meta["unmapped_fields"]


def test_record_without_set_id_is_an_error_and_the_others_are_kept() -> None:
    items = parse_fixture("missing_set_id.json")
    assert len(items) == 3
    errs = errors(items)
    assert len(errs) == 1
    assert errs[0].record == "results[1]"
    assert "set_id" in errs[0].reason
    assert [d.source_id for d in docs(items)] == [
        f"SETID:{ZENTORA_SET}",
        "SETID:c0c0c0c0-0000-4000-8000-00000000c003",
    ]


def test_results_not_a_list_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="'results' is an object"):
        parse_fixture("results_not_list.json")


def test_field_with_a_number_is_a_record_error() -> None:
    items = parse_fixture("field_wrong_type.json")
    errs = errors(items)
    assert len(errs) == 1
    assert errs[0].record == "set_id c0c0c0c0-0000-4000-8000-00000000c004"
    assert "'indications_and_usage' is a number" in errs[0].reason
    assert [d.source_id for d in docs(items)] == [f"SETID:{ZENTORA_SET}"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ((FIX / "truncated.json").read_bytes(), "truncated"),
        (b"", "empty"),
        (b"\xff\xfe\x00{garbage", "JSON|UTF-8"),
        (b'{"results": [}', "invalid JSON"),
        (b"[" * 100_000, "JSON"),
        ((FIX / "timestamp.json").read_bytes(), "not an openFDA drug label"),
        (b"42", "not an openFDA drug label"),
    ],
)
def test_unreadable_files_raise_source_error(data: bytes, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        parse(JSON, data)


def test_wrong_types_inside_records() -> None:
    good = json.loads((FIX / "bare_record.json").read_text())
    cases: list[tuple[str, Any]] = [
        ("set_id", 12345),
        ("openfda", ["not", "an", "object"]),
        ("version", {"major": 1}),
        ("warnings_and_cautions", [1, 2]),
    ]
    records = []
    for key, value in cases:
        rec = dict(good)
        rec[key] = value
        records.append(rec)
    records.append("just a string")
    records.append(good)
    items = parse(JSON, json.dumps(records).encode())
    assert [type(i).__name__ for i in items] == ["RecordError"] * 5 + ["Document"]
    assert items[0] == RecordError("[0]", "set_id is a number, expected a string")
    assert "openfda" in items[1].reason  # type: ignore[union-attr]
    assert "warnings_and_cautions" in items[3].reason  # type: ignore[union-attr]


def test_version_and_dates_degrade_gracefully() -> None:
    rec = json.loads((FIX / "bare_record.json").read_text())
    rec["version"] = "v2"
    rec["effective_time"] = "2023"
    doc = docs(parse(JSON, json.dumps(rec).encode()))[0]
    assert doc.version == "v2"
    assert doc.version_rank == "00000000-2023"
    assert "not a number" in doc.meta["version_note"]
    assert doc.published == "" and doc.year is None
    del rec["version"], rec["effective_time"], rec["openfda"]
    doc = docs(parse(JSON, json.dumps(rec).encode()))[0]
    assert doc.version == "" and doc.version_rank == "00000000-"
    assert doc.title.startswith("PRINCIPAL DISPLAY PANEL NDC")
    rec = {"set_id": "abc", "indications_and_usage": [], "version": 3}
    doc = docs(parse(JSON, json.dumps(rec).encode()))[0]
    assert doc.title == "Unnamed label" and doc.passages == [] and doc.version == "3"


# ------------------------------------------------------------------------------ derived


def test_derived_file_maps_one_document() -> None:
    items = parse_fixture("derived_zentorafil.json", DERIVED)
    assert len(items) == 1
    doc = items[0]
    assert isinstance(doc, Document)
    assert doc.source_format == "openfda-derived"
    assert doc.source_id == "OPENFDA-DERIVED:zentorafil"
    assert doc.version == "" and doc.version_rank == ""
    assert doc.title == "Zentora Duo (zentorafil and fictamol tablets)"
    assert doc.drugs == ["zentorafil", "fictamol"]
    assert doc.meta["set_id"] is None
    assert "not in the source" in doc.meta["provenance_note"]
    assert doc.meta["generic_names"] == ["ZENTORAFIL AND FICTAMOL TABLETS"]
    assert doc.issuer == "Fictional Pharma Inc."
    assert doc.url == "" and doc.published == ""
    # label order, whatever the order of the file's keys
    sections = [p.section for p in doc.passages]
    assert sections[:3] == ["boxed_warning", "indications", "adverse_reactions"]
    assert sections[-2:] == ["drug_interactions", "overdosage"]
    ddi = next(p for p in doc.passages if p.section == "drug_interactions")
    assert ddi.section_title == "7 DRUG INTERACTIONS"
    assert (
        ddi.text == "Strong CYP3A4 inhibitors raise zentorafil exposure.\n\nAvoid grapefruit juice."
    )
    # the same long-section splitting as the API parser
    api = docs(parse_fixture("api_response.json"))[0]
    assert [p.text for p in doc.passages if p.section == "adverse_reactions"] == [
        p.text for p in api.passages if p.section == "adverse_reactions"
    ]


def test_derived_bad_input() -> None:
    with pytest.raises(SourceError, match="drug_name"):
        parse_fixture("derived_summary.json", DERIVED)
    with pytest.raises(SourceError):
        parse(DERIVED, b"[1, 2")
    with pytest.raises(SourceError, match="drug_name"):
        parse(DERIVED, b"[]")
    items = parse(DERIVED, json.dumps({"drug_name": "X", "sections": ["a"]}).encode())
    assert items == [RecordError("drug_name X", items[0].reason)]  # type: ignore[union-attr]
    assert "sections" in items[0].reason  # type: ignore[union-attr]
    items = parse(DERIVED, json.dumps({"drug_name": "X", "sections": {"warnings": 3}}).encode())
    assert isinstance(items[0], RecordError) and "sections.warnings" in items[0].reason


# ------------------------------------------------------------------------------- sniff

JSON_POSITIVE = [
    "api_response.json",
    "bare_record.json",
    "records_list.json",
    "drug-label-0001-of-0001.json",
    "missing_set_id.json",
    "field_wrong_type.json",
    "truncated.json",
    "results_not_list.json",
]


@pytest.mark.parametrize("name", JSON_POSITIVE)
def test_sniff_claims_openfda_json(name: str) -> None:
    assert JSON.sniff(head(name), name)
    assert not DERIVED.sniff(head(name), name)


@pytest.mark.parametrize(
    "data",
    [
        (FIX / "timestamp.json").read_bytes(),
        (FIX / "derived_zentorafil.json").read_bytes(),
        (FIX / "derived_summary.json").read_bytes(),
        b'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet>\n<PubmedArticleSet><PubmedArticle>',
        b'{"warnings": ["unused variable"], "errors": []}',
        b'{"results": [{"name": "a"}], "meta": {"count": 1}}',
        b"",
        b"\x1f\x8b\x08\x00binary",
        b"set_id,openfda\n1,2\n",
    ],
)
def test_sniff_rejects_other_content(data: bytes) -> None:
    assert not JSON.sniff(data[:SNIFF_BYTES], "labels.json")


def test_sniff_derived() -> None:
    assert DERIVED.sniff(head("derived_zentorafil.json"), "whatever.txt")
    for name in ("derived_summary.json", "timestamp.json", "api_response.json", "bare_record.json"):
        assert not DERIVED.sniff(head(name), name)


def _big(obj: Any) -> bytes:
    data = json.dumps(obj, indent=2).encode()
    assert len(data) > SNIFF_BYTES
    return data


def test_sniff_decides_on_a_truncated_head() -> None:
    """Bulk and large files: only the first 64 KiB are seen, so it is not complete JSON."""
    rec = json.loads((FIX / "bare_record.json").read_text())
    long: dict[str, Any] = {"boxed_warning": ["WARNING " * 9000]}  # set_id far beyond the head
    long.update((k, v) for k, v in rec.items() if k not in long)
    meta = json.loads((FIX / "api_response.json").read_text())["meta"]
    assert JSON.sniff(_big({"meta": meta, "results": [long]})[:SNIFF_BYTES], "a.json")
    assert JSON.sniff(_big([long])[:SNIFF_BYTES], "a.json")
    two_fields = {"warnings": ["Caution " * 9000], "precautions": ["x"]}
    assert not JSON.sniff(_big([two_fields])[:SNIFF_BYTES], "a.json")  # 2nd key beyond the head
    two_fields = {"precautions": ["x"], "warnings": ["Caution " * 9000]}
    assert JSON.sniff(_big([two_fields])[:SNIFF_BYTES], "a.json")
    derived = json.loads((FIX / "derived_zentorafil.json").read_text())
    derived["sections"]["warnings"] = "Caution. " * 9000
    big_derived = _big(derived)[:SNIFF_BYTES]
    assert DERIVED.sniff(big_derived, "d.json")
    assert not JSON.sniff(big_derived, "d.json")
    other = _big({"warnings": ["x " * 40000]})[:SNIFF_BYTES]
    assert not JSON.sniff(other, "o.json") and not DERIVED.sniff(other, "o.json")


# ------------------------------------------------------------------------------- helpers


def test_split_combination() -> None:
    assert split_combination("HYDROCHLOROTHIAZIDE AND LISINOPRIL") == [
        "hydrochlorothiazide",
        "lisinopril",
    ]
    assert split_combination("acetaminophen, caffeine") == ["acetaminophen", "caffeine"]
    assert split_combination("ELEXACAFTOR, TEZACAFTOR, AND IVACAFTOR") == [
        "elexacaftor",
        "tezacaftor",
        "ivacaftor",
    ]
    assert split_combination("LISINOPRIL AND HYDROCHLOROTHIAZIDE TABLETS") == [
        "lisinopril",
        "hydrochlorothiazide",
    ]
    assert split_combination("lidocaine/epinephrine") == ["lidocaine", "epinephrine"]
    assert split_combination("Tablets") == ["tablets"]


def test_split_heading() -> None:
    assert split_heading("pregnancy", "8.1 Pregnancy Risk Summary x") == (
        "8.1 Pregnancy",
        "Risk Summary x",
    )
    assert split_heading("information_for_patients", "Information for Patients: Ask") == (
        "Information for Patients",
        "Ask",
    )
    assert split_heading("pregnancy", "Pregnancy-related risks") == ("", "Pregnancy-related risks")
    assert split_heading("do_not_use", "Do not use if sealed") == ("", "Do not use if sealed")
    assert split_heading(
        "dosage_forms_and_strengths", "3 DOSAGE FORMS AND STRENGTHSTablets: 5 mg"
    ) == (
        "3 DOSAGE FORMS AND STRENGTHS",
        "Tablets: 5 mg",
    )


@given(
    st.text(alphabet=st.sampled_from(list("ab .\n\t\r\u00a0\u2009\u200b\u2003\x85 ")), max_size=60)
)
def test_fast_normalize_ws_equals_textutil(text: str) -> None:
    assert fast_normalize_ws(text) == normalize_ws(text)


# ---------------------------------------------------------------------------- hypothesis

FIXTURE_BYTES = [(FIX / n).read_bytes() for n in (*JSON_POSITIVE, "derived_zentorafil.json")]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def check_contract(parser: OpenFDAJsonParser | OpenFDADerivedParser, data: bytes) -> None:
    try:
        items = parse(parser, data)
    except SourceError as exc:
        assert str(exc)
        return
    for item in items:
        assert isinstance(item, Document | RecordError)
        if isinstance(item, Document):
            assert item.source_id and item.title
            assert all(p.text.strip() and p.section in LABEL_SECTIONS for p in item.passages)
            item.content_hash()  # everything in it is encodable


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIXTURE_BYTES), st.data())
def test_truncated_and_flipped_bytes(original: bytes, data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(original)))
    mangled = bytearray(original[:cut])
    for _ in range(data.draw(st.integers(0, 3))):
        if mangled:
            pos = data.draw(st.integers(0, len(mangled) - 1))
            mangled[pos] = data.draw(st.integers(0, 255))
    check_contract(JSON, bytes(mangled))
    check_contract(DERIVED, bytes(mangled))


@settings(max_examples=100)
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    JSON.sniff(data, "r.json")
    DERIVED.sniff(data, "r.json")
    check_contract(JSON, data)
    check_contract(DERIVED, data)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_records(data: st.DataObject) -> None:
    rec = json.loads((FIX / "bare_record.json").read_text())
    derived = json.loads((FIX / "derived_zentorafil.json").read_text())
    for target in (rec, rec["openfda"], derived, derived["sections"]):
        for _ in range(data.draw(st.integers(0, 3))):
            key = data.draw(st.sampled_from(sorted(target)) | st.text(max_size=10))
            target[key] = data.draw(json_values)
    wrapped = data.draw(st.sampled_from(["bare", "list", "api"]))
    payload: Any = rec if wrapped == "bare" else [rec] if wrapped == "list" else {"results": [rec]}
    check_contract(JSON, json.dumps(payload).encode())
    check_contract(DERIVED, json.dumps(derived).encode())
    check_contract(JSON, json.dumps(data.draw(json_values)).encode())


# ------------------------------------------------------------------------- real shared data


@pytest.mark.shared
def test_real_openfda_label_files(shared_data: Path) -> None:
    folder = shared_data / "openfda-labels"
    files = sorted(folder.glob("*.json"))
    assert len(files) > 300
    for path in files:
        head_bytes = path.read_bytes()[:SNIFF_BYTES]
        assert not DERIVED.sniff(head_bytes, path.name), path.name
        if path.name == "timestamp.json":
            assert not JSON.sniff(head_bytes, path.name)
            continue
        assert JSON.sniff(head_bytes, path.name), path.name
        items = parse(JSON, path.read_bytes(), path.name)
        assert errors(items) == [], path.name
        found = docs(items)
        assert len(found) >= 1, path.name
        assert all(d.source_id.startswith("SETID:") and d.passages for d in found), path.name


@pytest.mark.shared
def test_real_label_section_set(shared_data: Path) -> None:
    path = shared_data / "openfda-labels" / "ANDA062373.json"  # gentamicin in sodium chloride
    doc = docs(parse(JSON, path.read_bytes(), path.name))[0]
    assert doc.source_id == "SETID:449c9a41-d61e-49fd-b5e3-d76f74b92acf"
    assert doc.version == "17" and doc.published == "2023-01-26"
    assert doc.drugs[:2] == ["gentamicin sulfate", "gentamicin"]
    assert {p.section for p in doc.passages} == {
        "other",
        "boxed_warning",
        "description",
        "clinical_pharmacology",
        "mechanism",
        "indications",
        "contraindications",
        "warnings_precautions",
        "patient_counseling",
        "drug_interactions",
        "pregnancy",
        "lactation",
        "pediatric",
        "geriatric",
        "adverse_reactions",
        "overdosage",
        "dosage_administration",
        "how_supplied",
    }
    ind = next(p for p in doc.passages if p.section == "indications")
    assert ind.section_title == "INDICATIONS AND USAGE"


@pytest.mark.shared
def test_real_derived_files(shared_data: Path) -> None:
    folder = shared_data / "openfda-derived-labels"
    summary = (folder / "_summary.json").read_bytes()[:SNIFF_BYTES]
    assert not DERIVED.sniff(summary, "_summary.json") and not JSON.sniff(summary, "_summary.json")
    count = 0
    for path in sorted(folder.glob("*.json")):
        if path.name.startswith("_"):
            continue
        head_bytes = path.read_bytes()[:SNIFF_BYTES]
        assert DERIVED.sniff(head_bytes, path.name) and not JSON.sniff(head_bytes, path.name)
        found = docs(parse(DERIVED, path.read_bytes(), path.name))
        assert len(found) == 1 and found[0].passages, path.name
        count += 1
    assert count == 88
    baclofen = docs(parse(DERIVED, (folder / "baclofen.json").read_bytes()))[0]
    assert baclofen.source_id == "OPENFDA-DERIVED:baclofen"
    ind = [p for p in baclofen.passages if p.section == "indications"]
    assert len(ind) == 1 and ind[0].section_title == "INDICATIONS AND USAGE"
    assert "spasticity" in ind[0].text.lower()
    lisinopril = docs(parse(DERIVED, (folder / "lisinopril.json").read_bytes()))[0]
    assert lisinopril.drugs == ["lisinopril", "hydrochlorothiazide"]
