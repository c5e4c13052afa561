"""The ask behaviours of issue 3 on a store built from the real ../shared/data."""

from __future__ import annotations

import re

import pytest

from medbrief.answer import Answer
from medbrief.compose.answerer import Engine

pytestmark = pytest.mark.shared


def _text(answer: Answer) -> str:
    return " ".join(s.text for s in answer.all_sentences())


def _section(answer: Answer, tier: str) -> str:
    return " ".join(s.text for s in next(x for x in answer.sections if x.tier == tier).sentences)


def _refs(answer: Answer, tier: str) -> list[str]:
    return [r.source_id for r in answer.references if r.tier == tier]


def _assert_well_cited(answer: Answer) -> None:
    numbers = {r.n for r in answer.references}
    assert {n for s in answer.all_sentences() for n in s.citations} == numbers
    assert sorted(numbers) == list(range(1, len(numbers) + 1))
    assert answer.dropped_sentences == 0, "the composer produced a sentence it could not verify"


def test_baclofen_back_pain(shared_engine: Engine) -> None:
    a = shared_engine.ask("What is the role of baclofen in managing back pain?")
    bl = a.bottom_line
    assert bl.label_status == "off_label"
    assert bl.verdict is not None and "not among baclofen's FDA-labeled indications" in bl.verdict.text
    summary = " ".join(s.text for s in bl.summary)
    assert "spasticity resulting from multiple sclerosis" in summary
    assert "spinal cord" in summary
    label_refs = {r.n for r in a.references if r.tier == "label"}
    assert set(bl.verdict.citations) <= label_refs
    label_text = _section(a, "label")
    assert "spasticity resulting from multiple sclerosis" in label_text
    assert "not indicated in the treatment of skeletal muscle spasm resulting from rheumatic" \
        in label_text
    # guidelines: the low back pain guidelines on skeletal muscle relaxants (ACP 2017 among them)
    assert "NGC:11196" in _refs(a, "guidelines")
    assert re.search(r"muscle relaxant", _section(a, "guidelines"), re.I)
    acp = next(r for r in a.references if r.source_id == "NGC:11196")
    assert acp.strength == "strong" and acp.quality == "moderate"
    # research: only records that are about the question, or an explicit note
    research = next(x for x in a.sections if x.tier == "research")
    if research.sentences:
        for s in research.sentences:
            assert re.search(r"baclofen", s.text, re.I) and re.search(r"back", s.text, re.I)
    else:
        assert research.note and "No research record" in research.note
    _assert_well_cited(a)


def test_baclofen_type_of_pain(shared_engine: Engine) -> None:
    a = shared_engine.ask("What type of pain is baclofen used to treat?")
    text = _text(a)
    assert "flexor spasms and concomitant pain" in text
    label_text = _section(a, "label")
    assert re.search(r"stroke, cerebral palsy, and Parkinson's disease has not been established",
                     label_text)
    assert re.search(r"titration", label_text, re.I)
    assert re.search(r"maximum of 80 mg", label_text)
    safety = " ".join(s.text for i in a.safety if i.kind == "withdrawal" for s in i.sentences)
    assert re.search(r"abrupt", safety, re.I)
    _assert_well_cited(a)


def test_flexeril_maximum_dose(shared_engine: Engine) -> None:
    a = shared_engine.ask("What is the maximum dose of Flexeril?")
    assert a.understanding.drugs == ["cyclobenzaprine"]
    assert not a.insufficient
    assert re.search(r"\b(5|10) mg\b", a.bottom_line.verdict.text)  # type: ignore[union-attr]
    assert all(r.tier != "label" or "cyclobenzaprine" in r.title.lower() for r in a.references)
    _assert_well_cited(a)


def test_ibuprofen_pregnancy(shared_engine: Engine) -> None:
    a = shared_engine.ask("Can I take ibuprofen while pregnant?")
    assert a.understanding.intent == "pregnancy_lactation"
    assert re.search(r"pregnan", a.bottom_line.verdict.text, re.I)  # type: ignore[union-attr]
    for s in next(x for x in a.sections if x.tier == "label").sentences:
        assert re.search(r"pregnan|fetal|fetus|neonat|lactat|breast|nursing|milk|delivery",
                         s.text, re.I)
    _assert_well_cited(a)


def test_baclofen_vs_tizanidine(shared_engine: Engine) -> None:
    a = shared_engine.ask("baclofen vs tizanidine for spasticity")
    assert a.understanding.intent == "comparison"
    assert "baclofen" in a.understanding.drugs
    assert not a.insufficient
    label = next(x for x in a.sections if x.tier == "label")
    if "tizanidine" not in {r.title.lower() for r in a.references}:
        assert label.note and "tizanidine" in label.note
    _assert_well_cited(a)


def test_drug_not_in_store(shared_engine: Engine) -> None:
    a = shared_engine.ask("What is the usual dose of onasemnogene?")
    assert a.insufficient
    assert a.references == []


def test_retracted_papers_are_never_cited(shared_engine: Engine) -> None:
    store = shared_engine.store
    rows = store.conn.execute(
        "SELECT title FROM documents WHERE retracted = 1 LIMIT 3").fetchall()
    for (title,) in rows:
        a = shared_engine.ask(title[:200])
        retracted = {r[0] for r in store.conn.execute(
            "SELECT source_id FROM documents WHERE retracted = 1")}
        assert not retracted & {r.source_id for r in a.references}
