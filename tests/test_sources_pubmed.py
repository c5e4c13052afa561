"""PubMed XML parser: mapping, deletions, bad records, broken files, sniffing, fuzzing, real data."""

from __future__ import annotations

import gzip
import io
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medbrief.models import Deletion, Document, ParseItem, RecordError, StudyDesign, Tier
from medbrief.sources.base import SNIFF_BYTES, SourceError
from medbrief.sources.pubmed import PubmedXmlParser, root_tag
from medbrief.sources.pubmed_record import (
    PART_MAX,
    PART_MIN,
    SPLIT_OVER,
    abstract_section,
    compact_date,
    iso_date,
    split_long,
)

FIX = Path(__file__).parent / "fixtures" / "pubmed"
PARSER = PubmedXmlParser()


def parse_bytes(data: bytes, name: str = "test.xml") -> list[ParseItem]:
    return list(PARSER.parse(io.BytesIO(data), name))


def parse_fixture(name: str) -> list[ParseItem]:
    return parse_bytes((FIX / name).read_bytes(), name)


def docs_by_pmid(items: list[ParseItem]) -> dict[str, Document]:
    return {d.meta["pmid"]: d for d in items if isinstance(d, Document)}


# --------------------------------------------------------------------------- mapping


def test_structured_abstract_rct() -> None:
    items = parse_fixture("articleset.xml")
    assert all(isinstance(i, Document) for i in items)
    doc = docs_by_pmid(items)["90000001"]
    assert doc.tier == Tier.RESEARCH
    assert doc.source_id == "PMID:90000001"
    assert doc.source_format == "pubmed-xml"
    assert doc.title == "Low-dose metformin versus placebo for adults with prediabetes: a randomised trial."
    assert doc.version == "1"
    assert doc.version_rank == "2024-03-05"  # DateRevised wins over DateCompleted
    assert doc.issuer == "Journal of example metabolic research"
    assert doc.published == "2023-09-14"
    assert doc.year == 2023
    assert doc.url == "https://pubmed.ncbi.nlm.nih.gov/90000001/"
    assert doc.drugs == ["blood glucose", "metformin"]
    assert doc.conditions == ["Adult", "Blood Glucose", "Humans", "Metformin", "Prediabetic State"]
    assert doc.study_design == StudyDesign.RCT
    assert doc.publication_types == ["Journal Article", "Randomized Controlled Trial", "Multicenter Study"]
    assert doc.retracted is False
    meta = doc.meta
    assert meta["journal_iso"] == "J Ex Metab Res"
    assert meta["doi"] == "10.9999/articleid.0001"  # ArticleIdList first, never a reference's
    assert meta["mesh_major"] == ["Blood Glucose", "Metformin", "Prediabetic State"]
    # invalid (ValidYN="N") authors are not counted; collective names are authors
    assert meta["authors"] == ["Alvarez MJ", "Okafor C", "EXAMPLE Trial Investigators"]
    assert meta["authors_et_al"] == 2
    assert meta["language"] == "eng"
    assert meta["status"] == "MEDLINE"
    assert meta["comments_corrections"] == [{"reftype": "CommentIn", "pmid": "90000050"}]  # no Cites
    assert meta["retraction_notice"] is False
    assert meta["expression_of_concern"] is False

    sections = [(p.order, p.section, p.section_title) for p in doc.passages]
    assert sections == [
        (0, "title", ""),
        (1, "background", "BACKGROUND"),
        (2, "objective", "AIMS"),  # NlmCategory decides the section, Label is kept as written
        (3, "methods", "METHODS"),
        (4, "results", "RESULTS"),
        (5, "conclusions", "CONCLUSIONS"),
        (6, "trial registration", "TRIAL REGISTRATION"),
    ]
    assert doc.passages[0].text == doc.title
    # inline markup is kept as text, whitespace collapsed; CopyrightInformation is not a passage
    assert doc.passages[4].text.endswith("HbA1c changed little in either group.")
    assert not any("Copyright" in p.text for p in doc.passages)
    json.dumps(doc.to_json_dict())  # meta is JSON-serialisable
    assert Document.from_json_dict(doc.to_json_dict()) == doc


def test_long_unlabelled_abstract_is_split_at_sentences() -> None:
    doc = docs_by_pmid(parse_fixture("articleset.xml"))["90000002"]
    body = doc.passages[1:]
    assert len(body) >= 2
    assert all(p.section == "abstract" and p.section_title == "" for p in body)
    assert [p.order for p in doc.passages] == list(range(len(doc.passages)))
    assert all(p.meta["parts"] == len(body) for p in body)
    for p in body:
        assert len(p.text) <= max(SPLIT_OVER, PART_MAX + 300)
        assert p.text.endswith(".")
    assert all(len(p.text) >= PART_MIN // 2 for p in body)
    joined = " ".join(p.text for p in body)
    assert joined.startswith("High blood pressure is common")
    assert len(joined) > SPLIT_OVER


def test_medline_date_review_and_fallbacks() -> None:
    doc = docs_by_pmid(parse_fixture("articleset.xml"))["90000002"]
    assert doc.published == "1998"  # MedlineDate "1998 Dec-1999 Jan" -> year
    assert doc.year == 1998
    assert doc.version_rank == "1999-02-11"  # no DateRevised: DateCompleted
    assert doc.study_design == StudyDesign.REVIEW
    assert doc.meta["doi"] == "10.9999/elocation.0002"  # only an ELocationID
    assert doc.meta["authors"] == ["Example Working Group on Ageing"]
    assert doc.meta["authors_et_al"] == 0
    assert doc.meta["language"] == "fre"
    assert doc.drugs == []


def test_record_without_abstract_keeps_title_only() -> None:
    doc = docs_by_pmid(parse_fixture("articleset.xml"))["90000003"]
    assert [p.section for p in doc.passages] == ["title"]
    assert doc.version == "2"
    assert doc.version_rank == ""
    assert doc.published == "2021"  # Year + Season
    assert doc.study_design == StudyDesign.CASE_REPORT
    assert doc.meta["status"] == "PubMed-not-MEDLINE"
    assert doc.meta["doi"] == ""


def test_book_article() -> None:
    doc = docs_by_pmid(parse_fixture("articleset.xml"))["90000004"]
    assert doc.source_id == "PMID:90000004"
    assert doc.title == "Example Syndrome"
    assert doc.issuer == "Example Medical Press"
    assert doc.published == "2020-06"
    assert doc.version_rank == "2022-01-20"
    assert doc.study_design == StudyDesign.REVIEW
    assert doc.meta["book"] is True
    assert doc.meta["book_title"] == "Example Handbook of Inherited Conditions"
    assert doc.meta["doi"] == "10.9999/book.0004"
    assert [(p.section, p.section_title) for p in doc.passages[1:]] == [
        ("clinical characteristics", "CLINICAL CHARACTERISTICS"),
        ("management", "MANAGEMENT"),
    ]


def test_retraction_notice_and_concern() -> None:
    docs = docs_by_pmid(parse_fixture("retractions.xml"))
    retracted, notice, concern = docs["90000010"], docs["90000011"], docs["90000012"]
    assert retracted.retracted is True
    assert retracted.study_design == StudyDesign.RCT
    assert retracted.meta["comments_corrections"] == [{"reftype": "RetractionIn", "pmid": "90000011"}]
    assert notice.retracted is False
    assert notice.meta["retraction_notice"] is True
    assert concern.retracted is False
    assert concern.meta["expression_of_concern"] is True
    assert concern.study_design == StudyDesign.META_ANALYSIS
    assert concern.published == "2020-11-03"


def test_medline_citation_set_with_deletions() -> None:
    items = parse_fixture("medline_citation_set.xml")
    assert [type(i).__name__ for i in items] == ["Document", "Document", "Deletion", "Deletion"]
    sr, inproc = items[0], items[1]
    assert isinstance(sr, Document) and isinstance(inproc, Document)
    assert sr.study_design == StudyDesign.SYSTEMATIC_REVIEW  # Review + title cue
    assert sr.version_rank == "2015-09-12"
    assert sr.published == "2015-06"
    assert [p.section for p in sr.passages] == ["title", "objective", "methods", "results", "conclusions"]
    assert sr.meta["mesh_major"] == ["Low Back Pain", "Exercise Therapy"]
    assert sr.meta["journal_iso"] == "Ex. J. Pain Med."
    assert inproc.meta["status"] == "In-Process"
    assert inproc.meta["journal_iso"] == "Ex Open Nurs"  # no ISOAbbreviation: MedlineTA
    assert inproc.meta["doi"] == "10.9999/elocation.0021"
    assert inproc.study_design == StudyDesign.OTHER
    assert items[2:] == [Deletion("PMID:90000098"), Deletion("PMID:90000099")]


def test_update_file_deletions() -> None:
    items = parse_fixture("update.xml")
    assert isinstance(items[0], Document)
    assert items[0].study_design == StudyDesign.OBSERVATIONAL
    assert items[1:] == [Deletion(f"PMID:{p}") for p in ("90000091", "90000092", "90000093")]


def test_update_file_from_gzip_stream(tmp_path: Path) -> None:
    path = tmp_path / "update.xml.gz"
    path.write_bytes(gzip.compress((FIX / "update.xml").read_bytes()))
    with gzip.open(path, "rb") as stream:
        items = list(PARSER.parse(stream, path.name))  # type: ignore[arg-type]
    assert sum(isinstance(i, Deletion) for i in items) == 3


# --------------------------------------------------------------------------- shared helpers


@pytest.mark.parametrize(
    ("label", "category", "section"),
    [
        ("BACKGROUND", "BACKGROUND", "background"),
        ("AIMS", "OBJECTIVE", "objective"),
        ("Methods", "UNASSIGNED", "methods"),
        ("MAIN OUTCOME MEASURES", "", "methods"),
        ("BACKGROUND AND AIMS", "", "objective"),
        ("FINDINGS", "", "results"),
        ("INTERPRETATION", "", "conclusions"),
        ("CONCLUSION(S)", "", "conclusions"),
        ("UNLABELLED", "", "abstract"),
        ("", "", "abstract"),
        ("FUNDING", "", "funding"),
    ],
)
def test_abstract_sections(label: str, category: str, section: str) -> None:
    assert abstract_section(label, category) == section


def test_dates() -> None:
    assert iso_date("2023", "Sep", "14") == "2023-09-14"
    assert iso_date("2023", "09", "4") == "2023-09-04"
    assert iso_date("2023", "Spring") == "2023"
    assert iso_date("2023", "13") == "2023"
    assert iso_date("20x3", "Jan") == ""
    assert compact_date("20190320") == "2019-03-20"
    assert compact_date("2019") == ""


def test_split_long_run_on_text() -> None:
    short = "One sentence. Two sentences."
    assert split_long(short) == [short]
    run_on = " ".join(["word"] * 1000)  # no sentence boundary at all
    parts = split_long(run_on)
    assert len(parts) > 1 and all(PART_MIN <= len(p) <= PART_MAX for p in parts[:-1])
    assert " ".join(parts) == run_on


# --------------------------------------------------------------------------- bad input


def test_bad_records_are_reported_and_good_ones_kept() -> None:
    items = parse_fixture("missing_pmid.xml")
    kinds = [(type(i).__name__, i.record if isinstance(i, RecordError) else i.source_id)
             for i in items]
    assert kinds == [
        ("Document", "PMID:90000030"),
        ("RecordError", "record 2"),
        ("Document", "PMID:90000032"),
        ("RecordError", "PMID 9000x033"),
        ("RecordError", "PMID 90000034"),
        ("Document", "PMID:90000035"),
    ]
    errors = [i for i in items if isinstance(i, RecordError)]
    assert "no <PMID>" in errors[0].reason
    assert "not a number" in errors[1].reason
    assert "no <Article>" in errors[2].reason


def test_file_broken_halfway_yields_good_records_then_error() -> None:
    items = parse_fixture("broken.xml")
    assert [i.source_id for i in items[:2]] == ["PMID:90000060", "PMID:90000061"]  # type: ignore[union-attr]
    assert len(items) == 3
    err = items[2]
    assert isinstance(err, RecordError)
    assert err.record == "record 3"
    assert "2 records before it were kept" in err.reason
    assert "download" in err.reason


class _FailingStream(io.RawIOBase):
    """Serves ``data`` and then fails like a truncated gzip member."""

    def __init__(self, data: bytes, exc: BaseException) -> None:
        self._data = data
        self._exc = exc

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if not self._data:
            raise self._exc
        n = len(self._data) if size < 0 else size
        chunk, self._data = self._data[:n], self._data[n:]
        return chunk


def test_stream_failure_after_good_records() -> None:
    data = (FIX / "update.xml").read_bytes()
    cut = data.index(b"<DeleteCitation>")
    items = list(PARSER.parse(_FailingStream(data[:cut], EOFError("Compressed file ended")), "u.xml.gz"))  # type: ignore[arg-type]
    assert isinstance(items[0], Document)
    assert isinstance(items[-1], RecordError)
    assert "EOFError" in items[-1].reason


def test_truncated_gzip_after_good_records(tmp_path: Path) -> None:
    blob = gzip.compress((FIX / "articleset.xml").read_bytes() * 1)
    path = tmp_path / "cut.xml.gz"
    path.write_bytes(blob[: int(len(blob) * 0.8)])
    with gzip.open(path, "rb") as stream:
        items = list(PARSER.parse(stream, path.name))  # type: ignore[arg-type]
    assert any(isinstance(i, Document) for i in items)
    assert isinstance(items[-1], RecordError)


def test_stream_failure_before_any_record_is_source_error() -> None:
    with pytest.raises(SourceError, match="truncated or corrupt"):
        list(PARSER.parse(_FailingStream(b"", EOFError("boom")), "x.xml.gz"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"   \n\n", "empty file"),
        (b"this is not xml at all", "not XML"),
        (b'<?xml version="1.0"?>\n<html><body>hi</body></html>', "root element <html>"),
        (b'<?xml version="1.0"?>\n<PubmedArticleSet>\n<PubmedArticle><MedlineCitation>', "cannot be read"),
        (b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID></Oops>", "broken XML"),
    ],
)
def test_unreadable_files_raise_source_error(data: bytes, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        parse_bytes(data, "bad.xml")


def test_entities_are_not_expanded() -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [\n'
        b'<!ENTITY secret SYSTEM "file:///etc/passwd">\n<!ENTITY lol "lol">\n'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
        b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>5</PMID><Article>"
        b"<ArticleTitle>A &secret; B &lol2;</ArticleTitle></Article></MedlineCitation>"
        b"</PubmedArticle></PubmedArticleSet>"
    )
    items = parse_bytes(data)
    assert len(items) == 1 and isinstance(items[0], Document)
    assert "root:" not in items[0].title
    assert "lollol" not in items[0].title


def test_parse_streams_without_reading_everything_first() -> None:
    record = (FIX / "update.xml").read_bytes().split(b"<PubmedArticleSet>")[1].split(b"<DeleteCitation>")[0]
    n = 3000

    class Counting(io.RawIOBase):
        def __init__(self) -> None:
            self.parts: Iterator[bytes] = iter([b"<PubmedArticleSet>", *([record] * n), b"</PubmedArticleSet>"])
            self.served = 0
            self.buf = b""

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            while len(self.buf) < max(size, 1):
                part = next(self.parts, None)
                if part is None:
                    break
                self.buf += part
            out, self.buf = self.buf[:size], self.buf[size:]
            self.served += len(out)
            return out

    stream = Counting()
    gen = PARSER.parse(stream, "big.xml")  # type: ignore[arg-type]
    first = next(gen)
    assert isinstance(first, Document)
    assert stream.served < len(record) * n // 4
    assert sum(1 for _ in gen) == n - 1


# --------------------------------------------------------------------------- sniffing


@pytest.mark.parametrize(
    "name", ["articleset.xml", "medline_citation_set.xml", "update.xml", "missing_pmid.xml", "broken.xml"]
)
def test_sniff_fixtures(name: str) -> None:
    assert PARSER.sniff((FIX / name).read_bytes()[:SNIFF_BYTES], "whatever.bin")


def test_sniff_prolog_variants() -> None:
    assert PARSER.sniff(b"\xef\xbb\xbf<?xml version='1.0'?><!-- c --><PubmedArticleSet>", "x")
    assert PARSER.sniff(b"<!DOCTYPE MedlineCitationSet [ <!ENTITY a 'b'> ]>\n<MedlineCitationSet>", "x")
    assert root_tag(b"<?xml version='1.0'?>\n<PubmedArticleSet>") == "PubmedArticleSet"


@pytest.mark.parametrize(
    "head",
    [
        b'<?xml version="1.0" encoding="UTF-8"?>\n<document xmlns="urn:hl7-org:v3" classCode="DOC">',
        b'<?xml version="1.0"?>\n<Version><VersionID>1</VersionID>',
        b"# Hypertension\n\nSome markdown about <PubmedArticleSet> tags.\n",
        b"PMID- 12345\nTI  - A MEDLINE text record\n",
        b'{"results": [{"openfda": {}}]}',
        b"random text that mentions PubmedArticle",
        b"",
        b"\x00\x01\x02\x03PubmedArticleSet",
        b"<!-- <PubmedArticleSet> --><html>",
    ],
)
def test_sniff_negatives(head: bytes) -> None:
    assert not PARSER.sniff(head, "pubmed.xml")


# --------------------------------------------------------------------------- fuzzing

FIXTURE_BYTES = [
    (FIX / n).read_bytes()
    for n in ("articleset.xml", "retractions.xml", "medline_citation_set.xml", "update.xml", "missing_pmid.xml")
]


def _check(data: bytes) -> None:
    try:
        items = parse_bytes(data, "fuzz.xml")
    except SourceError as exc:
        assert str(exc)
        return
    for item in items:
        assert isinstance(item, Document | Deletion | RecordError)
        if isinstance(item, Document):
            assert item.source_id.startswith("PMID:") and item.source_id[5:].isdigit()
            assert [p.order for p in item.passages] == list(range(len(item.passages)))
            item.content_hash()  # JSON-serialisable
        elif isinstance(item, RecordError):
            assert item.record and item.reason


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIXTURE_BYTES), st.floats(0, 1))
def test_fuzz_truncated(data: bytes, frac: float) -> None:
    _check(data[: int(len(data) * frac)])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(FIXTURE_BYTES),
    st.lists(st.tuples(st.floats(0, 1), st.integers(0, 8), st.binary(max_size=12)), min_size=1, max_size=6),
)
def test_fuzz_mutated(data: bytes, edits: list[tuple[float, int, bytes]]) -> None:
    buf = bytearray(data)
    for pos, delete, insert in edits:
        at = int(len(buf) * pos)
        buf[at : at + delete] = insert
    _check(bytes(buf))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(FIXTURE_BYTES), st.data())
def test_fuzz_tag_swaps(data: bytes, draw: st.DataObject) -> None:
    tags = [b"PMID", b"Article", b"AbstractText", b"PubDate", b"Year", b"Month", b"MeshHeading",
            b"DescriptorName", b"AuthorList", b"Author", b"CommentsCorrections", b"DeleteCitation",
            b"MedlineCitation", b"Abstract", b"Journal", b"ArticleTitle"]
    old = draw.draw(st.sampled_from(tags))
    new = draw.draw(st.sampled_from([*tags, b"X", b"LastName", b"ChemicalList"]))
    _check(data.replace(old, new))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_fuzz_random_bytes(data: bytes) -> None:
    _check(data)
    _check(b'<?xml version="1.0"?>\n<PubmedArticleSet>' + data)


# --------------------------------------------------------------------------- real data


def _real_files(shared_data: Path) -> list[Path]:
    return sorted(p for p in (shared_data / "pubmed").rglob("*") if p.name.endswith((".xml", ".xml.gz")))


def _open(path: Path) -> io.BufferedIOBase:
    return gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")


@pytest.mark.shared
def test_real_pubmed_files_parse(shared_data: Path) -> None:
    files = _real_files(shared_data)
    assert len(files) >= 8
    designs: Counter[StudyDesign | None] = Counter()
    deletions: dict[str, int] = {}
    total = 0
    notices = 0
    for path in files:
        with _open(path) as stream:
            head = stream.read(SNIFF_BYTES)
        assert PARSER.sniff(head, path.name), path
        with _open(path) as stream:
            items = list(PARSER.parse(stream, path.name))  # type: ignore[arg-type]
        errors = [i for i in items if isinstance(i, RecordError)]
        assert not errors, (path, errors[:3])
        docs = [i for i in items if isinstance(i, Document)]
        assert docs, path
        total += len(docs)
        deletions[path.name] = sum(isinstance(i, Deletion) for i in items)
        for doc in docs:
            designs[doc.study_design] += 1
            notices += doc.meta["retraction_notice"]
            assert doc.title and doc.year and doc.passages[0].section == "title"
    assert total > 1000
    assert deletions["pubmed26n1335.xml.gz"] == 6
    assert deletions["pubmed20n1016.xml.gz"] > 200
    assert deletions["medline16n0902.xml.gz"] == 1
    for design in (StudyDesign.RCT, StudyDesign.META_ANALYSIS, StudyDesign.CASE_REPORT,
                   StudyDesign.SYSTEMATIC_REVIEW, StudyDesign.OBSERVATIONAL, StudyDesign.GUIDELINE):
        assert designs[design] > 0, design
    assert notices >= 1


@pytest.mark.shared
def test_real_truncated_baseline_keeps_good_records(shared_data: Path) -> None:
    path = shared_data / "pubmed" / "hugheylab-pmparser" / "pubmed26n1335.xml.gz"
    with gzip.open(path, "rb") as f:
        data = f.read()
    items = parse_bytes(data[: len(data) // 2], path.name)
    assert sum(isinstance(i, Document) for i in items) >= 5
    assert isinstance(items[-1], RecordError)
