"""Claim checking without a store: reading text/Markdown/HTML with exact offsets, dose parsing,
and splitting an article into claims and skipped (non-factual) text."""

from __future__ import annotations

import pytest

from medbrief.checking.article import detect_format, read_article
from medbrief.checking.doses import parse_doses
from medbrief.checking.extract import Extractor, first_kind
from medbrief.errors import InputError
from medbrief.understand.conditions import ConditionVocabulary
from medbrief.understand.drugs import DrugLexicon


def extractor() -> Extractor:
    lexicon = DrugLexicon({"baclofen": "baclofen", "lioresal": "baclofen", "diazepam": "diazepam"})
    vocabulary = ConditionVocabulary({"multiple sclerosis", "cerebral palsy", "stroke",
                                      "spasticity"})
    return Extractor(lexicon, vocabulary)


ARTICLE = """Baclofen: What You Need to Know

Baclofen is used to treat spasticity caused by multiple sclerosis. It can cause drowsiness.

Common Side Effects

  • Drowsiness
  • Dizziness

Back pain is very common in adults.

Talk to your doctor before starting any new medicine.

Leave a Comment
"""


def test_every_block_keeps_exact_input_offsets() -> None:
    for text, fmt in ((ARTICLE, "text"),
                      ("# Title\n\n**Baclofen** is used for [spasticity](https://x.org).\n",
                       "markdown"),
                      ("<h1>Title</h1><p>Baclofen &amp; diazepam<br>are <b>muscle</b> "
                       "relaxants.</p><script>alert(1)</script>", "html")):
        article = read_article(text, fmt)
        for block in article.blocks:
            for i, ch in enumerate(block.text):
                if ch != " ":
                    source = text[block.offsets[i]]
                    assert source == ch or (ch == "&" and source == "&"), (fmt, block.text)
    html = read_article("<p>a &lt;b&gt; c</p><script>x()</script><style>p{}</style>", "html")
    assert [b.text for b in html.blocks] == ["a <b> c"]


def test_markdown_and_html_structure() -> None:
    md = read_article("# Uses\n\n- First item\n- Second **bold** item\n\nA paragraph\nwrapped "
                      "on two lines that is long enough to be joined into one.\n", "markdown")
    assert [(b.kind, b.text) for b in md.blocks][:3] == [
        ("heading", "Uses"), ("item", "First item"), ("item", "Second bold item")]
    html = read_article("<nav>Home | About</nav><h2>Dose</h2><ul><li>5 mg daily</li></ul>",
                        "html")
    assert [(b.kind, b.text, b.boilerplate) for b in html.blocks] == [
        ("paragraph", "Home | About", True), ("heading", "Dose", False),
        ("item", "5 mg daily", False)]


def test_format_detection_and_errors() -> None:
    assert detect_format("x", "a.html") == "html"
    assert detect_format("# Heading\n\ntext") == "markdown"
    assert detect_format("<p>hello</p>") == "html"
    assert detect_format("Just words.") == "text"
    with pytest.raises(InputError, match="no text to check"):
        read_article("   \n  ")
    with pytest.raises(InputError, match="choose one of"):
        read_article("x", "pdf")
    with pytest.raises(InputError, match="characters long"):
        read_article("x" * 500_001)


def test_claims_and_skipped_text() -> None:
    result = extractor().extract(read_article(ARTICLE, "text"))
    claims = [(c.unit.text, c.kind, c.drug) for c in result.claims]
    assert claims == [
        ("Baclofen is used to treat spasticity caused by multiple sclerosis.", "indication",
         "baclofen"),
        ("It can cause drowsiness.", "side_effect", "baclofen"),
        ("Drowsiness", "side_effect", "baclofen"),
        ("Dizziness", "side_effect", "baclofen"),
    ]
    assert sorted(c.name for c in result.claims[0].conditions) == ["multiple sclerosis", "spasticity"]
    assert result.claims[2].context == "Common Side Effects"
    skipped = {(s.kind, s.unit.text) for s in result.skipped}
    assert skipped == {("heading", "Baclofen: What You Need to Know"),
                       ("heading", "Common Side Effects"),
                       ("not_about_a_drug", "Back pain is very common in adults."),
                       ("advice", "Talk to your doctor before starting any new medicine."),
                       ("marketing", "Leave a Comment")}
    assert result.drugs == ["baclofen"]


def test_list_items_read_with_their_lead_in() -> None:
    text = ("Doctors prescribe baclofen for spasticity caused by conditions such as:\n\n"
            "- Multiple sclerosis\n- Cerebral palsy\n\nWhat about diazepam?\n"
            "Diazepam is used for anxiety.\n")
    result = extractor().extract(read_article(text, "markdown"))
    items = [c for c in result.claims if c.unit.in_item]
    assert [(c.unit.text, c.kind, c.drug) for c in items] == [
        ("Multiple sclerosis", "indication", "baclofen"),
        ("Cerebral palsy", "indication", "baclofen")]
    assert [c.name for c in items[1].conditions] == ["cerebral palsy"]
    assert items[1].context.startswith("Doctors prescribe baclofen")
    assert any(s.kind == "question" for s in result.skipped)


@pytest.mark.parametrize(("text", "kind"), [
    ("Stopping it suddenly causes seizures.", "withdrawal"),
    ("Avoid it during pregnancy.", "pregnancy_lactation"),
    ("Do not mix it with alcohol.", "interaction"),
    ("Take 5 mg three times a day.", "dose"),
    ("It works by binding GABA-B receptors.", "mechanism"),
    ("It is used to treat spasticity.", "indication"),
    ("It is more sedating than diazepam.", "comparison"),
    ("People with kidney disease need care.", "renal_hepatic"),
])
def test_kind_cues(text: str, kind: str) -> None:
    assert first_kind(text) == kind


def test_dose_parsing() -> None:
    [d] = parse_doses("start at 5 mg three times daily")
    assert (d.high, d.times_a_day, d.daily_high, d.maximum) == (5, 3, 15, False)
    [d] = parse_doses("Maximum recommended dose: 80 mg per day")
    assert (d.daily_high, d.maximum) == (80, True)
    [d] = parse_doses("usually between 40-80 mg daily")
    assert (d.low, d.high, d.per_day) == (40, 80, True)
    [d] = parse_doses("never take more than 4 grams a day")
    assert (d.daily_high, d.maximum) == (4000, True)
    [d] = parse_doses("up to 120 mg of baclofen a day")
    assert (d.daily_high, d.maximum) == (120, True)
    [d] = parse_doses("10 to 15 mg/kg/day")
    assert d.per_kg and d.per_day
