"""NGC guideline summary parser: mapping, recommendation splitting, grades, bad input, real data."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medbrief.models import Document, Passage, RecordError, Tier
from medbrief.sources.base import SNIFF_BYTES, SourceError
from medbrief.sources.ngc import NgcXmlParser, clean_developer, parse_date_released
from medbrief.sources.ngc_grades import find_grade, nice_wording_strength, scheme_hints

FIX = Path(__file__).parent / "fixtures" / "ngc"
PARSER = NgcXmlParser()


def parse_bytes(data: bytes, name: str = "ngc-1.xml") -> list[Document | RecordError]:
    items = list(PARSER.parse(io.BytesIO(data), name))
    out: list[Document | RecordError] = []
    for item in items:
        assert isinstance(item, Document | RecordError)
        out.append(item)
    return out


def parse_fixture(name: str) -> Document:
    items = parse_bytes((FIX / name).read_bytes(), name)
    assert len(items) == 1 and isinstance(items[0], Document)
    return items[0]


def recs(doc: Document) -> list[Passage]:
    return [p for p in doc.passages if p.section == "recommendation"]


def by_label(doc: Document, label: str) -> Passage:
    found = [p for p in recs(doc) if p.meta.get("label") == label]
    assert found, f"no recommendation labelled {label!r}"
    return found[0]


# --- sniff -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["ngc-90001.xml", "ngc-90002.xml", "ngc-90003.xml", "ngc-90004-stub.xml"]
)
def test_sniff_accepts_ngc_summaries(name: str) -> None:
    head = (FIX / name).read_bytes()[:SNIFF_BYTES]
    assert PARSER.sniff(head, "renamed.bin")


@pytest.mark.parametrize(
    "head",
    [
        b'<?xml version="1.0" encoding="UTF-8"?>\n<document xmlns="urn:hl7-org:v3"><id root="x"/>',
        b'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle//EN" '
        b'"x.dtd">\n<PubmedArticleSet><PubmedArticle>',
        b"# National Guideline Clearinghouse\nOn July 16, 2018 ... <Version> is mentioned here.\n",
        b"---\nmedbrief_digest: 1\ntier: guideline\n---\n",
        b'{"results": [{"openfda": {}}]}',
        b"",
        b"<VersionInfo><Field/></VersionInfo>",
    ],
)
def test_sniff_rejects_other_formats(head: bytes) -> None:
    assert not PARSER.sniff(head, "ngc-1.xml")


# --- document mapping --------------------------------------------------------------------------


def test_document_mapping() -> None:
    doc = parse_fixture("ngc-90001.xml")
    assert doc.tier is Tier.GUIDELINE
    assert doc.source_id == "NGC:90001"
    assert doc.source_format == "ngc-xml"
    assert (
        doc.title == "Treatment of neck strain in adults: a synthetic clinical practice guideline."
    )
    assert doc.issuer == "Example College of Physicians; Example Pain Society"
    assert doc.version == doc.version_rank == doc.published == "2014-04-26"
    assert doc.year == 2014
    assert doc.url == "https://example.org/guidelines/neck-strain"
    assert doc.conditions == ["acute and chronic neck strain", "muscle spasm of the neck"]
    meta = doc.meta
    assert meta["ngc_id"] == "90001"
    assert meta["developers"] == ["Example College of Physicians", "Example Pain Society"]
    assert meta["category"] == ["Treatment", "Management"]
    assert meta["clinical_specialty"] == ["Family Practice", "Neurology"]
    assert meta["intended_users"] == ["Physicians", "Pharmacists"]
    assert meta["interventions"] == ["Muscle relaxants", "Anti-inflammatory drugs"]
    assert meta["rating_scheme_strength"].startswith("Strong: benefits clearly outweigh harms.")
    assert "Poor: little usable evidence." in meta["rating_scheme_evidence"]
    assert meta["status"].startswith("This is the current release")
    assert meta["first_released"] == "2008"
    assert [p.order for p in doc.passages] == list(range(len(doc.passages)))


def test_other_field_passages() -> None:
    doc = parse_fixture("ngc-90001.xml")
    sections = {p.section for p in doc.passages}
    assert {
        "recommendation",
        "rationale",
        "grading",
        "scope",
        "harms",
        "contraindications",
        "qualifying",
    } <= sections
    harms = [p for p in doc.passages if p.section == "harms"]
    assert (
        harms[0].text
        == "Muscle relaxants: drowsiness and dizziness\nAnti-inflammatory drugs: stomach upset"
    )
    assert harms[0].meta["heading"] == "Drug Treatment"
    scope = [p.text for p in doc.passages if p.section == "scope"]
    assert scope == [
        "To help clinicians choose treatments for neck strain in adults",
        "Adults aged 18 years or older with neck strain",
    ]
    assert all("<" not in p.text for p in doc.passages)


# --- recommendations ---------------------------------------------------------------------------


def test_acp_style_grades_and_rationale() -> None:
    doc = parse_fixture("ngc-90001.xml")
    assert [p.meta["label"] for p in recs(doc)] == ["Recommendation 1", "Recommendation 2"]
    r1 = by_label(doc, "Recommendation 1")
    assert r1.text.startswith("Recommendation 1: For adults with recent-onset neck strain")
    assert r1.text.endswith("(Grade: strong recommendation)")
    assert r1.meta["strength"] == "strong" and r1.meta["strength_class"] == "strong"
    assert r1.meta["quality"] == "moderate"
    assert r1.meta["qualities"] == ["moderate", "low"]
    assert r1.meta["heading"] == "Drug Treatment"
    r2 = by_label(doc, "Recommendation 2")
    assert (r2.meta["strength"], r2.meta["quality"]) == ("weak", "low")
    rationale = [p for p in doc.passages if p.section == "rationale"]
    # the evidence paragraph mentions "(moderate-quality evidence and ...)" but is not a statement
    assert rationale[0].text.startswith("Most people with neck strain get better")
    assert rationale[0].meta["parent_label"] == "Recommendation 1"
    assert rationale[1].meta["parent_label"] == "Recommendation 2"
    grading = [p for p in doc.passages if p.section == "grading"]
    assert grading[0].text.startswith("Definitions for the quality of evidence")  # the preamble
    assert any("High-Quality Evidence:" in p.text for p in grading)
    assert not any("Definitions" in p.text for p in recs(doc))


def test_letter_grades_lists_and_key_value_grades() -> None:
    doc = parse_fixture("ngc-90002.xml")
    rs = recs(doc)
    assert [p.meta["label"] for p in rs[:3]] == ["4", "5", "6"]  # <ol start="4">
    assert [p.meta.get("strength") for p in rs[:3]] == ["A", "C", "B"]
    nested = rs[2]
    assert (
        nested.text
        == "Before starting drug Z, check the following (Level B):\nLiver function\nCurrent sedating medicines"
    )
    loe = next(p for p in rs if "targeted injections" in p.text)
    assert loe.meta["quality"] == "B" and "strength" not in loe.meta
    grade_b = next(p for p in rs if "Pump-delivered" in p.text)
    assert grade_b.meta["strength"] == "B"
    sor = next(p for p in rs if "gradually" in p.text)
    assert sor.meta["strength"] == "A"
    vadod = next(p for p in rs if "routine massage" in p.text)
    assert (vadod.meta["strength"], vadod.meta["direction"], vadod.meta["strength_class"]) == (
        "weak",
        "against",
        "weak",
    )
    lead = next(p for p in rs if p.text.startswith("Evidence is inadequate"))
    assert lead.text.endswith("Cooling garments\nVibration plates") and lead.meta["strength"] == "U"
    context = [p for p in doc.passages if p.section == "rationale"]
    assert context and context[0].meta["heading"] == "Clinical Context"
    assert context[0].meta["parent_index"] == lead.meta["rec_index"]


def test_ungraded_summary_uses_stated_wording_convention() -> None:
    doc = parse_fixture("ngc-90003.xml")
    rs = recs(doc)
    assert [p.text.split(".")[0] for p in rs] == [
        "Do not routinely offer imaging for people with neck strain",
        "Give people advice on staying active",
        "Consider an anti-inflammatory drug for neck strain, taking into account stomach and kidney risks",
        "Do not offer muscle relaxants for long-standing neck strain",
    ]
    assert rs[1].text.endswith(
        "Include:\nInformation on the usual course of neck strain\nEncouragement to continue normal activities"
    )
    assert "strength" not in rs[1].meta
    assert (rs[2].meta["strength"], rs[2].meta["strength_basis"]) == ("conditional", "wording")
    assert (rs[3].meta["strength"], rs[3].meta["direction"]) == ("strong", "against")
    assert rs[0].meta["heading"] == "Imaging"
    assert rs[0].meta["heading_path"] == ["Assessment", "Imaging"]
    notes = [p for p in doc.passages if p.section == "note"]
    assert notes and notes[0].text.startswith("Note from the National Guideline Clearinghouse")


@pytest.mark.parametrize(
    ("text", "bold", "preamble", "expected"),
    [
        ("x (Grade: strong recommendation, high-quality evidence)", [], "", ("strong", "high")),
        (
            "x (Strong For; Reviewed, Amended)",
            ["Strong For; Reviewed, Amended"],
            "",
            ("strong", ""),
        ),
        ("x [A]", [], "", ("A", "")),
        ("x (1B).", ["1B"], "", ("1", "B")),
        ("x (LE=4, GR=C)", [], "", ("C", "4")),
        ("x (Grade A; BEL 1)", [], "", ("A", "1")),
        ("x (II-2B)", [], "", ("B", "II-2")),
        ("x (Level of evidence C)", [], "", ("", "C")),
        ("x (Strength of Recommendation: A)", [], "", ("A", "")),
        ("x (1|+++O)", [], "", ("1", "+++O")),
        ("x (A recommendation)", [], "", ("A", "")),
        ("x (Good practice statement)", [], "", ("good practice statement", "")),
        (
            "x (C)",
            [],
            "the quality of evidence (A-C) and strength (strong [grade 1], weak [grade 2])",
            ("", "C"),
        ),
        ("x (see Table 2) in stage (A) disease and more", [], "", ("", "")),
        ("x (moderate-quality evidence and a small effect on pain)", [], "", ("", "")),
    ],
)
def test_find_grade(text: str, bold: list[str], preamble: str, expected: tuple[str, str]) -> None:
    grade = find_grade(text, bold, scheme_hints(preamble))
    assert (grade.strength, grade.quality) == expected


def test_nice_wording() -> None:
    assert nice_wording_strength("Do not offer opioids for chronic pain.") == ("strong", "against")
    assert nice_wording_strength("Consider imaging in specialist settings.") == (
        "conditional",
        "for",
    )
    assert nice_wording_strength("Offer exercise.") == ("strong", "for")
    assert nice_wording_strength("Explain the diagnosis.") == ("", "")


def test_dates_and_developers() -> None:
    assert parse_date_released("2008 (revised 2014 Apr 26)") == ("2008", "2014-04-26")
    assert parse_date_released("2010 Nov (reaffirmed 2015 Oct)") == ("2010-11", "2015-10")
    assert parse_date_released("2017 Apr 4") == ("2017-04-04", "2017-04-04")
    assert parse_date_released("unknown") == ("", "")
    assert (
        clean_developer("National Guideline Centre - National Government Agency [Non-U.S.]")
        == "National Guideline Centre"
    )
    assert clean_developer(
        "Phoenix Australia - Centre for Posttraumatic Mental Health - Nonprofit Organization"
    ) == ("Phoenix Australia - Centre for Posttraumatic Mental Health")


# --- bad input ---------------------------------------------------------------------------------


def test_broken_xml_is_a_source_error() -> None:
    data = (FIX / "ngc-90005-broken.xml").read_bytes()
    with pytest.raises(SourceError, match="not well-formed XML"):
        parse_bytes(data, "ngc-90005-broken.xml")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"<document><Field Name='x'/></document>", "expected <Version>"),
        (b"<Version><Field Name='x'>", "not well-formed"),
        (
            b'<!DOCTYPE Version [<!ENTITY e SYSTEM "file:///etc/passwd">]><Version>&e;</Version>',
            "Guideline Title",
        ),
    ],
)
def test_unreadable_files(data: bytes, message: str) -> None:
    try:
        items = parse_bytes(data)
    except SourceError as exc:
        assert message in str(exc)
        return
    assert len(items) == 1 and isinstance(items[0], RecordError) and message in items[0].reason


def test_stub_without_title_is_a_record_error() -> None:
    items = parse_bytes((FIX / "ngc-90004-stub.xml").read_bytes(), "ngc-90004-stub.xml")
    assert len(items) == 1 and isinstance(items[0], RecordError)
    assert "Guideline Title" in items[0].reason


def test_source_id_without_ngc_file_name_is_a_stable_title_hash() -> None:
    data = (FIX / "ngc-90001.xml").read_bytes()
    a = parse_bytes(data, "summary.xml")[0]
    b = parse_bytes(data, "other/name.xml")[0]
    assert isinstance(a, Document) and isinstance(b, Document)
    assert re.fullmatch(r"NGC:T[0-9a-f]{12}", a.source_id) and a.source_id == b.source_id
    assert a.meta.get("ngc_id") is None


SEEDS = [(FIX / n).read_bytes() for n in ("ngc-90001.xml", "ngc-90002.xml", "ngc-90003.xml")]


def check_contract(data: bytes) -> None:
    try:
        items = list(PARSER.parse(io.BytesIO(data), "ngc-5.xml"))
    except SourceError:
        return
    for item in items:
        assert isinstance(item, Document | RecordError)
        if isinstance(item, Document):
            for p in item.passages:
                assert isinstance(p.text, str) and p.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(SEEDS),
    cut=st.integers(0, 9000),
    junk=st.binary(max_size=40),
    pos=st.integers(0, 9000),
)
def test_mangled_bytes_only_yield_documents_or_source_errors(
    seed: bytes, cut: int, junk: bytes, pos: int
) -> None:
    check_contract(seed[:pos] + junk + seed[pos:cut] if cut > pos else seed[:pos] + junk)


def _attr(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


_HTML_PIECES = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<ul>",
        "</ul>",
        "<ol start='3'>",
        "</ol>",
        "<li>",
        "</li>",
        "<strong>",
        "</strong>",
        "<em>",
        "</em>",
        "<table>",
        "<tr>",
        "<td>",
        "</td>",
        "</tr>",
        "</table>",
        "<br />",
        "(Level A)",
        "[B]",
        "(Grade 1C)",
        "Recommendation 2:",
        "Definitions",
        ":",
        "Do not offer x.",
        "Consider y.",
        "<span style='text-decoration: underline;'>",
        "</span>",
        "\u00e2\u0089\u00a5",
        "Note: ",
        "?",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    pieces=st.lists(st.one_of(_HTML_PIECES, st.text(max_size=15)), max_size=40),
    date=st.text(max_size=30),
)
def test_random_field_markup_never_escapes(pieces: list[str], date: str) -> None:
    markup = "".join(pieces)
    xml = (
        '<Version><Section Name="G"><Field Name="Guideline Title"><FieldValue Value="T"/></Field>'
        f'<Field Name="Major Recommendations"><FieldValue Value="{_attr(markup)}"/></Field>'
        f'<Field Name="Potential Harms"><FieldValue Value="{_attr(markup)}"/></Field>'
        f'<Field Name="Disease/Condition(s)"><FieldValue Value="{_attr(markup)}"/></Field>'
        f'<Field Name="Date Released"><FieldValue Value="{_attr(date)}"/></Field>'
        "</Section></Version>"
    )
    check_contract(xml.encode("utf-8", errors="replace"))


# --- real data ---------------------------------------------------------------------------------


LOW_BACK_PAIN = {
    "11196": "ACP 2017",
    "11116": "NICE 2016",
    "11288": "VA/DoD 2017",
    "11173": "ACOEM",
}


@pytest.mark.shared
def test_real_ngc_folder(shared_data: Path) -> None:
    folder = shared_data / "guidelines-ngc" / "summaries"
    files = sorted(folder.glob("ngc-*.xml"))
    assert len(files) > 1000
    docs: dict[str, Document] = {}
    started = time.perf_counter()
    for path in files:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
            assert PARSER.sniff(head, path.name), path.name
            fh.seek(0)
            try:
                items = list(PARSER.parse(fh, path.name))
            except SourceError as exc:  # allowed, but it must say what is wrong
                assert path.name in str(exc)
                continue
        for item in items:
            assert isinstance(item, Document | RecordError)
            if isinstance(item, Document):
                docs[item.source_id] = item
    elapsed = time.perf_counter() - started
    assert len(docs) == len(files)
    assert elapsed < 300

    acp = docs["NGC:11196"]
    r1 = by_label(acp, "Recommendation 1")
    assert r1.meta["strength"] == "strong" and r1.meta["quality"] == "moderate"
    assert "skeletal muscle relaxants" in r1.text
    r3 = by_label(acp, "Recommendation 3")
    assert (r3.meta["strength"], r3.meta["quality"]) == ("weak", "moderate")

    vadod = docs["NGC:11288"]
    relaxant = [p for p in recs(vadod) if "muscle relaxant" in p.text]
    assert {(p.meta["strength"], p.meta["direction"]) for p in relaxant} == {
        ("weak", "for"),
        ("weak", "against"),
    }

    for n in LOW_BACK_PAIN:
        assert recs(docs[f"NGC:{n}"]), LOW_BACK_PAIN[n]
    with_smr = [
        n
        for n in LOW_BACK_PAIN
        if any("muscle relaxant" in p.text.lower() for p in recs(docs[f"NGC:{n}"]))
    ]
    assert len(with_smr) >= 2

    nice = docs["NGC:11116"]
    no_opioids = next(
        p
        for p in recs(nice)
        if p.text.startswith("Do not offer opioids for managing chronic low back pain")
    )
    assert (
        no_opioids.meta["strength_basis"] == "wording" and no_opioids.meta["direction"] == "against"
    )

    spasticity = [d for d in docs.values() if any("baclofen" in p.text.lower() for p in recs(d))]
    assert spasticity, "some guideline recommends on baclofen"
    cp = docs["NGC:7677"]
    assert any("baclofen" in p.text and p.meta.get("strength") == "U" for p in recs(cp))


def _summary(recommendations_html: str) -> bytes:
    return (
        '<Version><Section Name="General">'
        '<Field Name="Guideline Title"><FieldValue Value="Synthetic imaging criteria"/></Field>'
        f'<Field Name="Major Recommendations"><FieldValue Value="{_attr(recommendations_html)}"/>'
        "</Field></Section></Version>"
    ).encode()


def test_rating_tables_grade_their_rows() -> None:
    html = (
        "<p><strong><span style='text-decoration: underline;'>Variant 1:</span> Adult with a"
        " sore knee.</strong></p><table><thead><tr><th>Radiologic Procedure</th><th>Rating</th>"
        "<th>Comments</th></tr></thead><tbody><tr><td>X-ray knee</td><td>9</td><td>First test."
        "</td></tr><tr><td>CT knee</td><td>2</td><td></td></tr></tbody></table>"
        "<p><strong>Footnotes</strong></p><p>1 Example footnote.</p>"
    )
    doc = parse_bytes(_summary(html), "ngc-7.xml")[0]
    assert isinstance(doc, Document)
    rows = recs(doc)
    assert [p.text for p in rows] == ["X-ray knee | 9 | First test.", "CT knee | 2"]
    assert (
        rows[0].meta["strength"] == "9" and rows[0].meta["appropriateness"] == "usually appropriate"
    )
    assert rows[1].meta["appropriateness"] == "usually not appropriate"
    assert rows[0].meta["heading"] == "Variant 1: Adult with a sore knee."
    assert [p.section for p in doc.passages if "footnote" in p.text] == ["note"]
