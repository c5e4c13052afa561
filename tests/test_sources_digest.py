"""medbrief digest parser (Markdown + YAML front matter): mapping, validation, sniffing, fuzzing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medbrief.models import LABEL_SECTIONS, Document, RecordError, StudyDesign, Tier
from medbrief.sources.base import SourceError
from medbrief.sources.digest import DigestParser, version_rank

FIX = Path(__file__).parent / "fixtures" / "digest"
PARSER = DigestParser()


def parse_bytes(data: bytes, name: str = "x.md") -> list[Document | RecordError]:
    out: list[Document | RecordError] = []
    for item in PARSER.parse(io.BytesIO(data), name):
        assert isinstance(item, Document | RecordError)
        out.append(item)
    return out


def parse_fixture(name: str) -> tuple[Document, list[RecordError]]:
    items = parse_bytes((FIX / name).read_bytes(), name)
    docs = [i for i in items if isinstance(i, Document)]
    errors = [i for i in items if isinstance(i, RecordError)]
    assert len(docs) == 1
    return docs[0], errors


def test_guideline_digest() -> None:
    doc, errors = parse_fixture("guideline.md")
    assert not errors
    assert doc.tier is Tier.GUIDELINE
    assert doc.source_id == "DIGEST:example-neck-strain-2014"
    assert doc.source_format == "digest-md"
    assert doc.issuer == "Example College of Physicians"
    assert (doc.year, doc.published) == (2014, "2014-04-26")
    assert doc.url == "https://example.org/guidelines/neck-strain"
    assert (doc.version, doc.version_rank) == ("2", "00000002")
    assert doc.conditions == ["neck strain"] and doc.drugs == ["example-relaxant"]
    assert doc.meta == {
        "demo": True,
        "source": {
            "format": "ngc-xml",
            "id": "NGC:90001",
            "file": "tests/fixtures/ngc/ngc-90001.xml",
        },
        "digest_format": 1,
    }
    recs = [p for p in doc.passages if p.section == "recommendation"]
    assert [p.meta["id"] for p in recs] == ["R1", "R2"]  # the second gets a default id
    assert recs[0].meta == {
        "id": "R1",
        "label": "R1",
        "strength": "strong",
        "quality": "moderate",
        "population": "adults with recent-onset neck strain",
    }
    assert recs[1].text.startswith("A brief trial of an anti-inflammatory drug")
    notes = [p for p in doc.passages if p.section == "notes"]
    assert (
        notes[0].text
        == "Written by the medbrief team from a synthetic test summary; not clinical advice."
    )
    assert [p.order for p in doc.passages] == [0, 1, 2]


def test_label_digest() -> None:
    doc, errors = parse_fixture("label.md")
    assert not errors
    assert doc.tier is Tier.LABEL
    assert doc.drugs == ["example-relaxant"] and doc.brand_names == ["Relaxo"]
    assert doc.published == "2020-01" and doc.year == 2020
    assert doc.meta["label_version"] == "7" and "set_id" not in doc.meta
    assert [p.section for p in doc.passages] == [
        "indications",
        "adverse_reactions",
        "warnings_precautions",
    ]
    assert doc.passages[0].section_title == "Indications and Usage"
    assert doc.passages[0].meta == {"source_section": "indications_and_usage"}


def test_research_digest() -> None:
    doc, errors = parse_fixture("research.md")
    assert not errors
    assert doc.tier is Tier.RESEARCH
    assert doc.study_design is StudyDesign.RCT
    assert doc.publication_types == ["Randomized Controlled Trial"]
    assert doc.meta["pmid"] == "99999999"
    assert [p.section for p in doc.passages] == ["results", "conclusions"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad-no-closing.md", "not closed"),
        ("bad-yaml.md", "invalid YAML"),
        ("bad-missing-title.md", "'title' is required"),
        ("bad-tier.md", "tier 'opinion'"),
        ("bad-types.md", "'year' must be"),
        ("bad-list.md", "'recommendations' must be a YAML list"),
    ],
)
def test_unusable_front_matter_is_a_source_error(name: str, message: str) -> None:
    with pytest.raises(SourceError) as exc:
        parse_bytes((FIX / name).read_bytes(), name)
    assert message in str(exc.value) and name in str(exc.value)


def test_bad_recommendations_are_record_errors_and_good_ones_kept() -> None:
    doc, errors = parse_fixture("bad-items.md")
    assert [p.meta["id"] for p in doc.passages] == ["R2"]
    reasons = {e.record.split()[-1]: e.reason for e in errors}
    assert set(reasons) == {"recommendations[0]", "recommendations[2]", "recommendations[3]"}
    assert "'text' is required" in reasons["recommendations[0]"]
    assert "'strength' must be a string" in reasons["recommendations[2]"]
    assert "mapping" in reasons["recommendations[3]"]


def test_unknown_label_section_names_the_allowed_values() -> None:
    doc, errors = parse_fixture("bad-label-section.md")
    assert [p.section for p in doc.passages] == ["indications"]
    assert len(errors) == 1 and "statements[1]" in errors[0].record
    assert "side_effects" in errors[0].reason
    assert all(s in errors[0].reason for s in LABEL_SECTIONS)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe---\n", "UTF-8"),
        (b"no front matter at all\n", "must start with a '---'"),
        (b"---\n- a\n- b\n---\n", "mapping"),
        (b"---\ntitle: x\n---\n", "medbrief_digest: 1"),
        (b"---\nmedbrief_digest: 2\ntier: label\nid: a\ntitle: t\n---\n", "unsupported"),
        (
            b"---\nmedbrief_digest: 1\ntier: research\nid: a\ntitle: t\ndesign: anecdote\n---\n",
            "design",
        ),
        (b"---\nmedbrief_digest: 1\ntier: label\nid: has space\ntitle: t\n---\n", "slug"),
        (b"---\nmedbrief_digest: 1\ntier: label\nid: a\ntitle: t\ndemo: maybe\n---\n", "demo"),
        (
            b"---\nmedbrief_digest: 1\ntier: label\nid: a\ntitle: t\ndrugs: {a: 1}\n---\n",
            "list of strings",
        ),
        (
            b"---\nmedbrief_digest: 1\ntier: label\nid: a\ntitle: t\npublished: 2020-13-45\n---\n",
            "YAML",
        ),
    ],
)
def test_more_file_errors(data: bytes, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        parse_bytes(data)


def test_version_rank() -> None:
    assert version_rank("1") == "00000001"
    assert version_rank("1.10") == "00000001.00000010"
    assert version_rank("draft") == "draft"


@pytest.mark.parametrize("name", ["guideline.md", "label.md", "research.md", "bad-items.md"])
def test_sniff_accepts_digests(name: str) -> None:
    assert PARSER.sniff((FIX / name).read_bytes(), "anything.txt")


@pytest.mark.parametrize(
    "head",
    [
        (FIX / "not-digest.md").read_bytes(),
        b"# National Guideline Clearinghouse\n\nOn July 16, 2018 the site closed.\n",
        b'<?xml version="1.0" encoding="UTF-8"?>\n<document xmlns="urn:hl7-org:v3">',
        b'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet>\n<PubmedArticleSet>',
        b"<Version><Section Name='General'><Field Name='Guideline Title'>",
        b"---\ntitle: x\n---\nmedbrief_digest: 1\n",
        b"",
    ],
)
def test_sniff_rejects_other_content(head: bytes) -> None:
    assert not PARSER.sniff(head, "digest.md")


SEEDS = [
    (FIX / n).read_bytes() for n in ("guideline.md", "label.md", "research.md", "bad-items.md")
]


def check_contract(data: bytes) -> None:
    try:
        items = list(PARSER.parse(io.BytesIO(data), "fuzz.md"))
    except SourceError:
        return
    for item in items:
        assert isinstance(item, Document | RecordError)


@settings(max_examples=200, deadline=None)
@given(
    seed=st.sampled_from(SEEDS),
    pos=st.integers(0, 2000),
    cut=st.integers(0, 2000),
    junk=st.binary(max_size=30),
)
def test_mangled_bytes(seed: bytes, pos: int, cut: int, junk: bytes) -> None:
    check_contract(seed[:pos] + junk + seed[max(pos, cut) :])


_YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(
    tier=st.sampled_from(["guideline", "label", "research", "other"]),
    fields=st.dictionaries(
        st.sampled_from(
            [
                "id",
                "title",
                "year",
                "published",
                "version",
                "demo",
                "source",
                "drugs",
                "conditions",
                "recommendations",
                "statements",
                "findings",
                "design",
                "pmid",
                "drug",
                "url",
                "issuer",
            ]
        ),
        _YAML_VALUES,
        max_size=8,
    ),
)
def test_random_front_matter(tier: str, fields: dict[str, object]) -> None:
    import yaml

    front = {"medbrief_digest": 1, "tier": tier, "id": "x", "title": "t", **fields}
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\nbody\n"
    check_contract(text.encode("utf-8", errors="replace"))
