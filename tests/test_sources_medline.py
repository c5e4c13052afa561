"""MEDLINE (.nbib) text parser: mapping, parity with the XML, bad records, sniffing, fuzzing."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medbrief.models import Deletion, Document, ParseItem, RecordError, StudyDesign, Tier
from medbrief.sources import medline
from medbrief.sources.base import SNIFF_BYTES, SourceError
from medbrief.sources.medline import MedlineTextParser, split_labelled_abstract
from medbrief.sources.pubmed import PubmedXmlParser

FIX = Path(__file__).parent / "fixtures" / "pubmed"
PARSER = MedlineTextParser()
RECORDS = (FIX / "records.nbib").read_bytes()


def parse_bytes(data: bytes, name: str = "records.nbib") -> list[ParseItem]:
    return list(PARSER.parse(io.BytesIO(data), name))


def docs(items: list[ParseItem]) -> dict[str, Document]:
    return {d.meta["pmid"]: d for d in items if isinstance(d, Document)}


def test_parse_records() -> None:
    items = parse_bytes(RECORDS)
    assert [type(i) for i in items] == [Document, Document, Document]
    doc = docs(items)["90000001"]
    assert doc.tier == Tier.RESEARCH
    assert doc.source_format == "medline-text"
    assert doc.source_id == "PMID:90000001"
    # continuation lines are joined with one space
    assert doc.title == "Low-dose metformin versus placebo for adults with prediabetes: a randomised trial."
    assert doc.version == "1"
    assert doc.version_rank == "2024-03-05"  # LR
    assert doc.published == "2023-09-14"
    assert doc.year == 2023
    assert doc.issuer == "Journal of example metabolic research"
    assert doc.drugs == ["blood glucose", "metformin"]
    assert doc.conditions == ["Adult", "Blood Glucose", "Humans", "Metformin", "Prediabetic State"]
    assert doc.meta["mesh_major"] == ["Blood Glucose", "Metformin", "Prediabetic State"]
    assert doc.meta["doi"] == "10.9999/articleid.0001"  # AID before LID
    assert doc.meta["authors"] == ["Alvarez MJ", "Okafor C", "EXAMPLE Trial Investigators"]
    assert doc.meta["authors_et_al"] == 2
    assert doc.meta["comments_corrections"] == [{"reftype": "CommentIn", "pmid": "90000050"}]
    assert doc.study_design == StudyDesign.RCT
    assert [(p.section, p.section_title) for p in doc.passages] == [
        ("title", ""),
        ("background", "BACKGROUND"),
        ("objective", "AIMS"),
        ("methods", "METHODS"),
        ("results", "RESULTS"),
        ("conclusions", "CONCLUSIONS"),
        ("trial registration", "TRIAL REGISTRATION"),
    ]
    assert doc.passages[3].text.startswith("We randomly assigned 240 adults")
    assert doc.passages[3].text.endswith("change in fasting plasma glucose.")


def test_retracted_and_dates() -> None:
    doc = docs(parse_bytes(RECORDS))["90000070"]
    assert doc.retracted is True
    assert doc.meta["comments_corrections"] == [{"reftype": "RetractionIn", "pmid": "90000071"}]
    assert doc.published == "2001"  # "2001 Jan-Feb" -> year, as the XML MedlineDate
    assert doc.version_rank == "2001-03-15"  # no LR: DCOM
    assert [p.section for p in doc.passages] == ["title", "abstract"]
    assert doc.drugs == ["vitamins"]
    assert doc.meta["mesh_major"] == ["Hip Fractures", "Vitamins"]


def test_case_report_without_abstract() -> None:
    doc = docs(parse_bytes(RECORDS))["90000080"]
    assert [p.section for p in doc.passages] == ["title"]
    assert doc.study_design == StudyDesign.CASE_REPORT
    assert doc.retracted is False
    assert doc.meta["expression_of_concern"] is True
    assert doc.meta["status"] == "PubMed-not-MEDLINE"
    assert doc.meta["doi"] == "10.9999/casereport.0080"
    assert doc.published == "2019"
    assert doc.meta["authors_et_al"] == 0


def test_same_mapping_as_xml() -> None:
    text = docs(parse_bytes(RECORDS))["90000001"]
    xml_items = list(PubmedXmlParser().parse(io.BytesIO((FIX / "articleset.xml").read_bytes()), "a.xml"))
    xml = docs(xml_items)["90000001"]
    for attr in ("source_id", "title", "version", "version_rank", "issuer", "published", "year", "url",
                 "drugs", "conditions", "study_design", "retracted"):
        assert getattr(text, attr) == getattr(xml, attr), attr
    assert set(text.publication_types) == set(xml.publication_types)
    assert [(p.section, p.section_title, p.text) for p in text.passages] == [
        (p.section, p.section_title, p.text) for p in xml.passages
    ]
    for key in ("doi", "mesh", "mesh_major", "authors", "authors_et_al", "language", "status",
                "comments_corrections", "retraction_notice", "expression_of_concern"):
        assert text.meta[key] == xml.meta[key], key
    assert set(text.meta) == set(xml.meta)


def test_labelled_abstract_splitting() -> None:
    assert split_labelled_abstract("BACKGROUND: One. METHODS: Two (n=3). RESULT(S): Three.") == [
        ("BACKGROUND", "One."), ("METHODS", "Two (n=3)."), ("RESULT(S)", "Three.")
    ]
    # not starting with a label: one unlabelled part, even if a label-like word appears later
    text = "We studied HIV. RESULTS: none."
    assert split_labelled_abstract(text) == [("", text)]
    assert split_labelled_abstract("Ratio was 2:1 in NYHA class II.") == [("", "Ratio was 2:1 in NYHA class II.")]


def test_missing_blank_line_bom_crlf_and_latin1() -> None:
    data = (
        b"\xef\xbb\xbfPMID- 1\r\nTI  - First title\r\n      continues\r\nPT  - Review\r\n"
        b"PMID- 2\r\nTI  - Caf\xe9 au lait spots\r\nPT  - Case Reports\r\n"
    )
    items = parse_bytes(data)
    assert [i.title for i in items] == ["First title continues", "Caf\u00e9 au lait spots"]  # type: ignore[union-attr]
    assert [i.study_design for i in items] == [StudyDesign.REVIEW, StudyDesign.CASE_REPORT]  # type: ignore[union-attr]


@pytest.mark.parametrize("size", [1, 3, 17, 4096])
def test_read_size_does_not_change_the_result(size: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(medline, "_READ_SIZE", size)
    data = RECORDS.replace(b"\n", b"\r\n")  # CRLF blank lines split across reads too
    got = [d.to_json_dict() for d in parse_bytes(data)]  # type: ignore[union-attr]
    monkeypatch.undo()
    assert got == [d.to_json_dict() for d in parse_bytes(RECORDS)]  # type: ignore[union-attr]


def test_bad_records_are_reported_and_good_ones_kept() -> None:
    blocks = [b.strip("\n") for b in RECORDS.decode().split("\n\n")]
    assert len(blocks) == 3
    no_pmid = "TI  - A record without its identifier.\nPT  - Journal Article"
    bad_pmid = "PMID- 12ab\nTI  - Garbled identifier."
    data = "\n\n".join([blocks[0], no_pmid, bad_pmid, blocks[1], blocks[2]]).encode()
    items = parse_bytes(data)
    summary = [(type(i).__name__, getattr(i, "source_id", getattr(i, "record", ""))) for i in items]
    assert summary[0] == ("Document", "PMID:90000001")
    assert summary[1][0] == "RecordError" and summary[1][1].startswith("line ")
    assert summary[2] == ("RecordError", "PMID 12ab")
    assert summary[3:] == [("Document", "PMID:90000070"), ("Document", "PMID:90000080")]
    assert "no PMID" in items[1].reason  # type: ignore[union-attr]


class _FailingStream(io.RawIOBase):
    def __init__(self, data: bytes, exc: BaseException) -> None:
        self._buf = io.BytesIO(data)
        self._exc = exc

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._buf.read(size)
        if not data:
            raise self._exc
        return data


def test_stream_failure_keeps_good_records() -> None:
    cut = RECORDS.index(b"PMID- 90000080")
    items = list(PARSER.parse(_FailingStream(RECORDS[:cut + 20], EOFError("gzip ended")), "x.gz"))  # type: ignore[arg-type]
    assert [type(i) for i in items] == [Document, Document, RecordError]
    assert "EOFError" in items[-1].reason  # type: ignore[union-attr]
    with pytest.raises(SourceError, match="truncated or corrupt"):
        list(PARSER.parse(_FailingStream(b"", EOFError("x")), "x.gz"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"\n\n  \n", "empty file"),
        (b"TI  - no PMID first\n", "not MEDLINE text"),
        (b"<?xml version='1.0'?><PubmedArticleSet/>", "not MEDLINE text"),
    ],
)
def test_unreadable_files(data: bytes, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        parse_bytes(data)


def test_sniff() -> None:
    assert PARSER.sniff(RECORDS[:SNIFF_BYTES], "x")
    assert PARSER.sniff(b"\xef\xbb\xbf\n\nPMID- 123\nTI  - x\n", "x")
    assert PARSER.sniff(b"PMID- 123\r\nOWN - NLM\r\n", "x")
    assert PARSER.sniff(b"PMID- 123", "x")


@pytest.mark.parametrize(
    "head",
    [
        b'<?xml version="1.0"?>\n<PubmedArticleSet><PubmedArticle>',
        b'<?xml version="1.0"?>\n<document xmlns="urn:hl7-org:v3">',
        b"<Version><VersionID>1</VersionID>",
        b"# PMID- 123 in markdown\n",
        b"PMID- abc\n",
        b"PMID-\n",
        b"Some text\nPMID- 123\n",
        b"PMID- 123abc\n",
        b"",
        b"random words",
    ],
)
def test_sniff_negatives(head: bytes) -> None:
    assert not PARSER.sniff(head, "x.nbib")


def _check(data: bytes) -> None:
    try:
        items = parse_bytes(data, "fuzz.nbib")
    except SourceError as exc:
        assert str(exc)
        return
    for item in items:
        assert isinstance(item, Document | Deletion | RecordError)
        if isinstance(item, Document):
            assert item.source_id[5:].isdigit()
            assert [p.order for p in item.passages] == list(range(len(item.passages)))
            item.content_hash()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.floats(0, 1))
def test_fuzz_truncated(frac: float) -> None:
    _check(RECORDS[: int(len(RECORDS) * frac)])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.floats(0, 1), st.integers(0, 10), st.binary(max_size=12)), min_size=1, max_size=8))
def test_fuzz_mutated(edits: list[tuple[float, int, bytes]]) -> None:
    buf = bytearray(RECORDS)
    for pos, delete, insert in edits:
        at = int(len(buf) * pos)
        buf[at : at + delete] = insert
    _check(bytes(buf))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300), st.text(max_size=300))
def test_fuzz_random(data: bytes, text: str) -> None:
    _check(data)
    _check(b"PMID- 1\n" + data)
    _check(("PMID- 2\n" + text).encode("utf-8", "surrogatepass"))


@pytest.mark.shared
def test_real_medline_file(shared_data: Path) -> None:
    path = shared_data / "pubmed" / "p1m-ortho-qs-global" / "pubmed_result_45_medline.txt"
    data = path.read_bytes()
    assert PARSER.sniff(data[:SNIFF_BYTES], path.name)
    assert not PubmedXmlParser().sniff(data[:SNIFF_BYTES], path.name)
    items = parse_bytes(data, path.name)
    assert all(isinstance(i, Document) for i in items)
    found = docs(items)
    assert len(found) == 45
    designs = Counter(d.study_design for d in found.values())
    assert designs[StudyDesign.RCT] > 0 and designs[StudyDesign.OBSERVATIONAL] > 0
    for doc in found.values():
        assert doc.title and doc.year and doc.issuer and doc.version_rank
    assert sum(len(d.passages) > 1 for d in found.values()) >= 40
    sections = Counter(p.section for d in found.values() for p in d.passages)
    assert sections["methods"] > 5 and sections["results"] > 5
    assert found["27978846"].meta["comments_corrections"] == [{"reftype": "ErratumIn", "pmid": "28222758"}]
    # and no XML file is taken for MEDLINE text
    for xml in (shared_data / "pubmed").rglob("*.xml"):
        assert not PARSER.sniff(xml.read_bytes()[:SNIFF_BYTES], xml.name)
