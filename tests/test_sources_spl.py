"""SplXmlParser: SPL XML label -> Document (fixtures are synthetic SPL in tests/fixtures/spl)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medbrief.models import LABEL_SECTIONS, Document, RecordError, Tier
from medbrief.sources.base import SNIFF_BYTES, SourceError
from medbrief.sources.spl import (
    CHUNK_MAX,
    SINGLE_PASSAGE_MAX,
    SplXmlParser,
    chunk_spans,
)

FIXTURES = Path(__file__).parent / "fixtures" / "spl"
PARSER = SplXmlParser()


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _parse(data: bytes, name: str = "test.xml") -> Document:
    items = list(PARSER.parse(io.BytesIO(data), name))
    assert len(items) == 1 and isinstance(items[0], Document)
    return items[0]


def _by_title(doc: Document) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in doc.passages:
        out.setdefault(p.section_title, []).append(p.section)
    return out


HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<document xmlns="urn:hl7-org:v3">
  <id root="44444444-5555-4666-8777-888888888888"/>
  <code code="34391-3" codeSystem="2.16.840.1.113883.6.1" displayName="HUMAN PRESCRIPTION DRUG LABEL"/>
  <title>SAMPLEX tablets</title>
  <effectiveTime value="20200102"/>
  <setId root="cccccccc-dddd-4eee-8fff-000000000000"/>
  <versionNumber value="2"/>
  <component><structuredBody>{body}</structuredBody></component>
</document>"""


def _spl(body: str) -> bytes:
    return HEADER.format(body=body).encode()


def _section(code: str, title: str, text: str, children: str = "") -> str:
    title_el = f"<title>{title}</title>" if title else ""
    return (
        f'<component><section><code code="{code}" codeSystem="2.16.840.1.113883.6.1"/>'
        f"{title_el}<text>{text}</text>{children}</section></component>"
    )


# ------------------------------------------------------------------------------------- sniff


def test_sniff_accepts_spl_fixtures() -> None:
    for name in ("rx_plr.xml", "otc_drug_facts.xml", "no_setid.xml"):
        assert PARSER.sniff(_fixture(name)[:SNIFF_BYTES], name)


@pytest.mark.parametrize(
    "head",
    [
        b'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st '
        b'January 2019//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_190101.dtd">\n'
        b"<PubmedArticleSet><PubmedArticle><MedlineCitation Status=\"MEDLINE\">",
        b'<?xml version="1.0" encoding="UTF-8"?>\n<Version><VersionNumber>1</VersionNumber>'
        b"<Guideline><Title>Example guideline</Title>",
        b'<?xml version="1.0"?><ClinicalDocument xmlns="urn:hl7-org:v3"><id root="1"/>',
        b'<?xml version="1.0"?><document><title>not HL7</title></document>',
        b'<?xml version="1.0"?><root><document xmlns="urn:hl7-org:v3"/></root>',
        b'{"results": [{"set_id": "x"}]}',
        b"",
        b"\x00\x01\x02 binary",
        b'<?xml version="1.0"?><!-- unterminated comment <document xmlns="urn:hl7-org:v3">',
    ],
)
def test_sniff_rejects_other_content(head: bytes) -> None:
    assert not PARSER.sniff(head, "file.xml")


def test_sniff_decides_by_content_not_name() -> None:
    head = _fixture("rx_plr.xml")[:SNIFF_BYTES]
    assert PARSER.sniff(head, "pubmed24n0001.xml.gz")
    assert not PARSER.sniff(b"<PubmedArticleSet/>", "label-spl.xml")


def test_sniff_prefixed_namespace_bom_and_doctype() -> None:
    head = (
        b'\xef\xbb\xbf<?xml version="1.0"?>\n<!DOCTYPE document [<!ENTITY x "y">]>\n'
        b'<!-- c --><v3:document xmlns:v3="urn:hl7-org:v3"><v3:id root="1"/>'
    )
    assert PARSER.sniff(head, "x")
    assert not PARSER.sniff(b'<v3:document xmlns="urn:hl7-org:v3">', "x")


# ---------------------------------------------------------------------------- document header


def test_prescription_label_header_mapping() -> None:
    doc = _parse(_fixture("rx_plr.xml"), "rx_plr.xml")
    set_id = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
    assert doc.tier is Tier.LABEL
    assert doc.source_format == "spl-xml"
    assert doc.source_id == f"SETID:{set_id}"
    assert doc.version == "7"
    assert doc.version_rank == "00000007-20190304"
    assert doc.title == "ZENTRAVA (fictolol hydrochloride) tablet, film coated"
    assert doc.issuer == "Examplar Pharma Inc."
    assert doc.published == "2019-03-04" and doc.year == 2019
    assert doc.url == f"https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid={set_id}"
    assert doc.drugs == ["fictolol hydrochloride"]
    assert doc.brand_names == ["Zentrava"]
    assert doc.substance_names == ["fictolol hydrochloride", "fictolol"]  # not the inactive one
    assert doc.meta["set_id"] == set_id
    assert doc.meta["spl_id"] == "11111111-2222-4333-8444-555555555555"
    assert doc.meta["effective_time"] == "20190304"
    assert doc.meta["document_type"] == "HUMAN PRESCRIPTION DRUG LABEL"
    # the highlights boilerplate is gone from the cleaned document title
    assert doc.meta["document_title"] == "ZENTRAVA® (fictolol hydrochloride) tablets, for oral use"


def test_version_rank_sorts_versions() -> None:
    old = _parse(_spl(_section("34067-9", "1 INDICATIONS", "<paragraph>Old.</paragraph>")))
    newer = _parse(
        _spl(_section("34067-9", "1 INDICATIONS", "<paragraph>New.</paragraph>")).replace(
            b'versionNumber value="2"', b'versionNumber value="10"'
        )
    )
    assert old.version_rank < newer.version_rank


def test_otc_label_mapping_and_combination_split() -> None:
    doc = _parse(_fixture("otc_drug_facts.xml"), "otc.xml")
    assert doc.meta["document_type"] == "HUMAN OTC DRUG LABEL"
    assert doc.brand_names == ["COLDAWAY Night Relief"]  # <suffix> joined with a space
    assert doc.drugs == ["doxylamine succinate", "dextromethorphan hbr"]
    assert "dextromethorphan" in doc.substance_names
    assert doc.title.startswith("COLDAWAY Night Relief (doxylamine succinate")
    sections = _by_title(doc)
    assert sections["Active ingredients (in each 15 mL)"] == ["description"]
    assert sections["Uses"] == ["indications"]
    assert sections["Do not use"] == ["contraindications"]
    assert sections["Ask a doctor or pharmacist before use if you are"] == ["drug_interactions"]
    assert sections["Keep out of reach of children."] == ["warnings_precautions"]
    assert sections["Directions"] == ["dosage_administration"]
    assert sections["Other information"] == ["other"]
    directions = next(p for p in doc.passages if p.section_title == "Directions")
    assert directions.text.split("\n") == [
        "adults and children 12 years and over; 30 mL every 6 hours",
        "children under 12 years; do not use",
    ]
    assert not any("carton panel" in p.text for p in doc.passages)


# ----------------------------------------------------------------------------------- sections


def test_section_mapping_of_prescription_label() -> None:
    doc = _parse(_fixture("rx_plr.xml"))
    sections = _by_title(doc)
    assert sections["WARNING: RISK OF SUDDEN BRADYCARDIA"] == ["boxed_warning"]
    assert sections["1 INDICATIONS AND USAGE"] == ["indications"]
    assert sections["2.1 Recommended Dosage"] == ["dosage_administration"]
    # the nested boxed-warning code only draws a box inside 2.2: it stays dosage
    assert sections["2.2 Dosage in Elderly Patients"] == ["dosage_administration"] * 2
    assert sections["4 CONTRAINDICATIONS"] == ["contraindications"]
    # a title-only subsection: older PLR labels put the contraindication in the heading
    assert sections["4.1 Decompensated heart failure"] == ["contraindications"]
    # 8.1 and its untitled unclassified subsection (which takes the parent's heading)
    assert sections["8.1 Pregnancy"] == ["pregnancy", "pregnancy"]
    assert sections["8.2 Lactation"] == ["lactation"]
    assert sections["8.6 Renal Impairment"] == ["renal"]  # unclassified, refined by its heading
    assert sections["15 REFERENCES"] == ["other"]
    assert [p.section for p in doc.passages].count("boxed_warning") == 1
    assert all(p.section in LABEL_SECTIONS for p in doc.passages)
    assert [p.order for p in doc.passages] == list(range(len(doc.passages)))


def test_skipped_and_empty_sections() -> None:
    doc = _parse(_fixture("rx_plr.xml"))
    codes = {p.meta["code"] for p in doc.passages}
    assert not codes & {"48780-1", "51945-4", "43683-2"}  # product data, package label, RMC
    text = "\n".join(p.text for p in doc.passages)
    assert "PACKAGE PANEL" not in text and "Product data text" not in text
    assert "HIGHLIGHT-ONLY" not in text  # highlights excerpts repeat the full text
    # "2 DOSAGE AND ADMINISTRATION" has no text of its own, only subsections
    assert "2 DOSAGE AND ADMINISTRATION" not in _by_title(doc)


def test_passage_meta_and_headings() -> None:
    doc = _parse(_fixture("rx_plr.xml"))
    preg = [p for p in doc.passages if p.section_title == "8.1 Pregnancy"]
    assert preg[0].meta["code"] == "42228-7" and preg[0].meta["part"] == 0
    assert preg[0].meta["section_id"] == "00000000-0000-4000-8000-000000000011"
    assert preg[1].meta["code"] == "42229-5" and preg[1].meta.get("heading_from_parent")
    hf = next(p for p in doc.passages if p.section_title.startswith("4.1"))
    assert hf.text == "4.1 Decompensated heart failure" and hf.meta["title_only"]


def test_text_flattening_lists_tables_footnotes() -> None:
    doc = _parse(_fixture("rx_plr.xml"))
    by_title = {p.section_title: p.text for p in doc.passages}
    assert by_title["1 INDICATIONS AND USAGE"].split("\n") == [
        "ZENTRAVA is a fictional selective blocker indicated for:",
        "the treatment of stage 1 hypertension in adults",
        "rate control in chronic atrial fibrillation",
    ]
    assert by_title["2.1 Recommended Dosage"].split("\n") == [
        "Start with 25 mg once daily. The dose may be doubled after one week.",
        "Table 1. Daily Dose by Indication",
        "Indication; Starting dose; Maximum dose",
        "Hypertension; 25 mg; 100 mg[1]",
        "Atrial fibrillation; 12.5 mg; 50 mg[1]",
        "Doses apply to adults only.",  # tfoot after tbody, as rendered
        "[1] Only in patients with normal renal function.",
        "Exposure rises 10^3-fold in overdose models.",
    ]
    assert by_title["WARNING: RISK OF SUDDEN BRADYCARDIA"] == (
        "Stopping ZENTRAVA abruptly can provoke marked bradycardia in some patients. "
        "Taper the dose over two weeks [see Warnings and Precautions (5.1)]."
    )
    assert by_title["15 REFERENCES"].startswith("[1] Example A, Sample B.")


def test_top_level_unclassified_and_unknown_codes_use_title() -> None:
    body = (
        _section("42229-5", "Drug Interactions With Antacids", "<paragraph>Space doses.</paragraph>")
        + _section("99999-9", "Overdose management", "<paragraph>Call a poison center.</paragraph>")
        + _section("99999-9", "Miscellany", "<paragraph>Lot numbers.</paragraph>")
        + _section("42229-5", "", "<paragraph>Untitled trailer.</paragraph>")
    )
    doc = _parse(_spl(body))
    assert [p.section for p in doc.passages] == [
        "drug_interactions",
        "overdosage",
        "other",
        "other",
    ]


def test_long_section_is_split_at_sentence_boundaries() -> None:
    sentences = [
        f"Finding {i} was observed in the fictional cohort with a frequency of {i % 7} percent."
        for i in range(60)
    ]
    body = _section("34092-7", "14 CLINICAL STUDIES", f"<paragraph>{' '.join(sentences)}</paragraph>")
    doc = _parse(_spl(body))
    parts = [p for p in doc.passages if p.section == "clinical_studies"]
    full = " ".join(sentences)
    assert len(parts) >= 3
    assert [p.meta["part"] for p in parts] == list(range(len(parts)))
    assert all(p.meta["parts"] == len(parts) for p in parts)
    assert all(len(p.text) <= SINGLE_PASSAGE_MAX for p in parts)
    assert all(p.text.endswith("percent.") for p in parts)  # cut at sentence ends
    assert " ".join(p.text for p in parts) == full  # nothing lost, nothing reworded
    assert all(p.section_title == "14 CLINICAL STUDIES" for p in parts)


def test_short_section_stays_one_passage() -> None:
    text = "A short but complete sentence. " * 50  # ~1550 chars
    doc = _parse(_spl(_section("34089-3", "11 DESCRIPTION", f"<paragraph>{text}</paragraph>")))
    assert len(doc.passages) == 1 and "parts" not in doc.passages[0].meta


def test_chunk_spans_hard_splits_unbroken_text() -> None:
    text = " ".join(["word"] * 2000)  # 9999 chars, no sentence boundary
    spans = chunk_spans(text)
    assert len(spans) > 1
    assert all(e - s <= SINGLE_PASSAGE_MAX for s, e in spans)
    assert "".join(text[s:e] for s, e in spans).replace(" ", "") == text.replace(" ", "")


@given(st.text(alphabet=st.sampled_from("ab .\nA1?!(\"'"), max_size=6000))
@settings(max_examples=150, deadline=None)
def test_chunk_spans_property(text: str) -> None:
    spans = chunk_spans(text)
    pos = 0
    for s, e in spans:
        assert pos <= s < e <= len(text)
        pos = e
    if len(text) > SINGLE_PASSAGE_MAX:
        assert all(e - s <= SINGLE_PASSAGE_MAX for s, e in spans)
        assert all(e - s <= CHUNK_MAX for s, e in spans[:-1])
    kept = "".join(text[s:e] for s, e in spans)
    assert "".join(kept.split()) == "".join(text.split())


# ------------------------------------------------------------------------------------- errors


def test_missing_set_id_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="setId"):
        list(PARSER.parse(io.BytesIO(_fixture("no_setid.xml")), "no_setid.xml"))


def test_truncated_file_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="not well-formed XML.*re-download"):
        list(PARSER.parse(io.BytesIO(_fixture("broken_truncated.xml")), "broken.xml"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"<PubmedArticleSet><PubmedArticle/></PubmedArticleSet>", "not an HL7 v3"),
        (b'<document xmlns="urn:other"/>', "not an HL7 v3"),
        (_spl(""), "no <structuredBody> sections"),
        (HEADER.replace("<component><structuredBody>{body}</structuredBody></component>", "").encode(), "no <structuredBody>"),
        (_spl(_section("51945-4", "PRINCIPAL DISPLAY PANEL", "<paragraph>Carton</paragraph>")), "none with text"),
        (_spl(_section("34067-9", "1 INDICATIONS", "")), "none with text"),
        (b'<?xml version="1.0" encoding="no-such-codec"?><document/>', "not well-formed"),
        (b'<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><document xmlns="urn:hl7-org:v3">&e;</document>', "setId"),
    ],
)
def test_unreadable_inputs_raise_source_error(data: bytes, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        list(PARSER.parse(io.BytesIO(data), "bad.xml"))


def test_external_entities_are_not_resolved() -> None:
    body = _section("34067-9", "1 INDICATIONS", "<paragraph>Before &ext; after.</paragraph>")
    data = _spl(body).replace(
        b"<document",
        b'<!DOCTYPE document [<!ENTITY ext SYSTEM "file:///etc/hostname">]>\n<document',
        1,
    )
    try:
        doc = _parse(data)
    except SourceError:
        return
    host = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else "\0"
    assert host not in doc.passages[0].text


def test_unreadable_stream_is_a_source_error() -> None:
    class Broken(io.BytesIO):
        def read(self, *args: object) -> bytes:
            raise OSError("Not a gzipped file")

    with pytest.raises(SourceError, match="cannot read"):
        list(PARSER.parse(Broken(), "x.xml.gz"))


def test_deeply_nested_markup_does_not_crash() -> None:
    depth = 1500
    inline = "<content>" * depth + "deep text" + "</content>" * depth
    sections = "".join(
        f'<component><section><code code="42229-5"/><title>Level {i}</title>'
        f"<text><paragraph>Text {i}.</paragraph></text>"
        for i in range(300)
    ) + "</section></component>" * 300
    body = _section("34067-9", "1 INDICATIONS", f"<paragraph>{inline}</paragraph>", sections)
    try:
        doc = _parse(_spl(body))
    except SourceError:
        return  # libxml2's own depth limit: a clear error is fine too
    assert "deep text" in doc.passages[0].text
    assert len(doc.passages) == 301


# ---------------------------------------------------------------------------------- hypothesis


def _check(data: bytes) -> None:
    assert isinstance(PARSER.sniff(data[:SNIFF_BYTES], "fuzz.xml"), bool)
    try:
        items = list(PARSER.parse(io.BytesIO(data), "fuzz.xml"))
    except SourceError as err:
        assert str(err)
        return
    for item in items:
        assert isinstance(item, Document | RecordError)
        if isinstance(item, Document):
            assert item.source_id.startswith("SETID:") and len(item.source_id) > 6
            assert item.passages and item.title
            for p in item.passages:
                assert p.section in LABEL_SECTIONS and p.text.strip()


SEEDS = [_fixture("rx_plr.xml"), _fixture("otc_drug_facts.xml")]
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@given(st.sampled_from(SEEDS), st.integers(min_value=0, max_value=20000))
@FUZZ
def test_fuzz_truncated(seed: bytes, cut: int) -> None:
    _check(seed[:cut])


@given(st.binary(max_size=4000))
@FUZZ
def test_fuzz_random_bytes(data: bytes) -> None:
    _check(data)


@given(
    st.sampled_from(SEEDS),
    st.lists(
        st.tuples(st.integers(0, 20000), st.integers(0, 40), st.binary(max_size=12)),
        min_size=1,
        max_size=8,
    ),
)
@FUZZ
def test_fuzz_byte_mutations(seed: bytes, edits: list[tuple[int, int, bytes]]) -> None:
    data = bytearray(seed)
    for pos, delete, insert in edits:
        pos %= len(data) + 1
        data[pos : pos + delete] = insert
    _check(bytes(data))


XML_BITS = st.sampled_from(
    [
        "<", ">", "&", "&amp;", "&#0;", "]]>", "<![CDATA[x]]>", "</section>", "<section>",
        "<text>", "</text>", "<br/>", "<footnote>", "<footnoteRef IDREF=\"fn1\"/>", "\u00e9",
        '<code code="34066-1"/>', '<code code="42229-5"/>', '<setId root=""/>', "\x00", "\ud7ff",
    ]
)


@given(st.sampled_from(SEEDS), st.lists(st.tuples(st.integers(0, 20000), XML_BITS), max_size=6))
@FUZZ
def test_fuzz_markup_insertions(seed: bytes, edits: list[tuple[int, str]]) -> None:
    text = seed.decode()
    for pos, bit in edits:
        pos %= len(text) + 1
        text = text[:pos] + bit + text[pos:]
    _check(text.encode("utf-8", errors="surrogatepass"))


TAGS = ["paragraph", "list", "item", "table", "tr", "td", "th", "caption", "content", "sup",
        "footnote", "linkHtml", "renderMultiMedia", "thead", "tbody", "tfoot", "sub"]


@st.composite
def _markup(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 3 if depth < 4 else 0))):
        if draw(st.booleans()):
            parts.append(draw(st.text(alphabet="ab. 1A\n", max_size=20)))
        else:
            tag = draw(st.sampled_from(TAGS))
            attrs = ' ID="fn1"' if tag == "footnote" else ""
            parts.append(f"<{tag}{attrs}>{draw(_markup(depth + 1))}</{tag}>")
    return "".join(parts)


@st.composite
def _sections(draw: st.DrawFn, depth: int = 0) -> str:
    out = []
    for _ in range(draw(st.integers(1 if depth == 0 else 0, 3 if depth < 3 else 0))):
        code = draw(st.sampled_from(["34066-1", "42229-5", "34067-9", "51945-4", "77290-5", "", "x"]))
        title = draw(st.sampled_from(["", "8.6 Hepatic Impairment", "Notes", "<br/>"]))
        text = draw(_markup())
        out.append(_section(code, title, text, draw(_sections(depth + 1))))
    return "".join(out)


@given(_sections())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_fuzz_random_section_trees(body: str) -> None:
    _check(_spl(body))


# ---------------------------------------------------------------------------------- real data


def _shared_doc(shared_data: Path, stem: str) -> Document:
    path = shared_data / "spl-xml" / f"{stem}.xml"
    with path.open("rb") as fh:
        return _single(list(PARSER.parse(fh, path.name)))


def _single(items: list[object]) -> Document:
    assert len(items) == 1 and isinstance(items[0], Document)
    return items[0]


@pytest.mark.shared
def test_every_shared_spl_file_parses(shared_data: Path) -> None:
    files = sorted((shared_data / "spl-xml").glob("*.xml"))
    assert len(files) >= 6
    for path in files:
        with path.open("rb") as fh:
            assert PARSER.sniff(fh.read(SNIFF_BYTES), path.name), path.name
            fh.seek(0)
            doc = _single(list(PARSER.parse(fh, path.name)))
        assert re.fullmatch(r"SETID:[0-9a-f-]{36}", doc.source_id), path.name
        assert re.fullmatch(r"\d{8}-\d{8}", doc.version_rank), path.name
        assert doc.title and "highlights do not include" not in doc.title.lower()
        assert doc.issuer and doc.year and doc.drugs and doc.brand_names
        assert doc.meta["document_type"].startswith("HUMAN")
        assert len(doc.passages) >= 10
        assert all(p.meta["code"] not in ("48780-1", "51945-4") for p in doc.passages)
        assert all(0 < len(p.text) <= SINGLE_PASSAGE_MAX for p in doc.passages)
        assert all(p.section in LABEL_SECTIONS for p in doc.passages)


@pytest.mark.shared
def test_shared_lipitor_section_mapping(shared_data: Path) -> None:
    doc = _shared_doc(shared_data, "lipitor-orig")
    assert doc.source_id == "SETID:c6e131fe-e7df-4876-83f7-9156fc4e8228"
    assert doc.version == "11" and doc.published == "2014-01-13"
    assert doc.title == "LIPITOR (atorvastatin calcium) tablet, film coated"
    assert doc.issuer == "Parke-Davis Div of Pfizer Inc"
    assert doc.drugs == ["atorvastatin calcium"]
    assert "atorvastatin" in doc.substance_names
    sections = {p.section for p in doc.passages}
    assert {
        "indications", "dosage_administration", "dosage_forms", "contraindications",
        "warnings_precautions", "adverse_reactions", "drug_interactions", "pregnancy",
        "lactation", "pediatric", "geriatric", "hepatic", "overdosage", "description",
        "mechanism", "clinical_pharmacology", "clinical_studies", "how_supplied",
        "patient_counseling",
    } <= sections
    by_title = _by_title(doc)
    assert set(by_title["1.2 Hyperlipidemia"]) == {"indications"}
    assert set(by_title["5.1 Skeletal Muscle"]) == {"warnings_precautions"}
    assert set(by_title["7.10 Warfarin"]) == {"drug_interactions"}
    assert set(by_title["8.1 Pregnancy"]) == {"pregnancy"}
    assert set(by_title["8.6 Hepatic Impairment"]) == {"hepatic"}
    assert any(t.startswith("4.2") and "Hypersensitivity" in t for t in by_title)  # title-only
    assert not any("PRINCIPAL DISPLAY PANEL" in t for t in by_title)
    indications = " ".join(p.text for p in doc.passages if p.section == "indications")
    assert "LIPITOR" in indications
    table = next(p.text for p in doc.passages if "Table 1. Drug Interactions" in p.text)
    assert "Cyclosporine, HIV protease inhibitors (tipranavir plus ritonavir)" in table
    assert "; Avoid atorvastatin" in table


@pytest.mark.shared
def test_shared_special_cases(shared_data: Path) -> None:
    humira = _shared_doc(shared_data, "humira")
    assert humira.passages[0].section == "boxed_warning"
    assert humira.drugs == ["adalimumab"]  # not the kit's alcohol prep pad
    cough = _shared_doc(shared_data, "cough")
    assert cough.meta["document_type"] == "HUMAN OTC DRUG LABEL"
    assert {"diphenhydramine hcl", "phenylephrine hcl"} <= set(cough.drugs)
    assert "boxed_warning" not in {p.section for p in cough.passages}  # box used for layout
    haloperidol = _shared_doc(shared_data, "no-title")
    assert haloperidol.title == "Haloperidol tablet"
    assert [p.section for p in haloperidol.passages].count("boxed_warning") == 1
    viagra = _shared_doc(shared_data, "64f8040f-938d-4236-8e22-c838c9b5f8da")
    assert {"renal", "hepatic"} <= {p.section for p in viagra.passages}
    assert viagra.version_rank == "00000020-20171107"


@pytest.mark.parametrize(("title", "section"), [
    ("4 CONTRAINDICATIONS", "contraindications"),
    ("Contraindications", "contraindications"),
    ("1 INDICATIONS AND USAGE", "indications"),
    ("2.1 Dosage and Administration", "dosage_administration"),
    ("3 DOSAGE FORMS AND STRENGTHS", "dosage_forms"),
    ("8.1 Pregnancy", "pregnancy"),
    ("Unrelated heading", "other"),
])
def test_section_from_untitled_heading(title: str, section: str) -> None:
    """A heading without a LOINC code is filed by its words ("contraindications" contains
    "indications", which once filed contraindications under indications)."""
    from medbrief.sources.label_sections import section_from_title

    assert section_from_title(title) == section
