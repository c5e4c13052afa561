"""Composition on a hand-made store: tiers, citations, verification, insufficient evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from docs_factory import guideline, label, paper
from medbrief.answer import Answer
from medbrief.compose.answerer import Engine
from medbrief.compose.verify import verify_answer
from medbrief.models import StudyDesign
from medbrief.store import open_store
from medbrief.store.repository import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = open_store(tmp_path / "s.sqlite3")
    with s.transaction():
        s.upsert(label("baclofen", brand="Lioresal"))
        s.upsert(guideline("1", "low back pain"))
        s.upsert(paper("100", "Baclofen for acute low back pain: a randomized trial",
                       "Baclofen reduced low back pain more than placebo in this trial."))
        s.upsert(paper("101", "Baclofen and back pain, retracted",
                       "Baclofen cured all low back pain.", retracted=True))
        s.upsert(paper("102", "A case of baclofen and low back pain",
                       "One patient with low back pain improved on baclofen.",
                       design=StudyDesign.CASE_REPORT, year=1990))
    return s


def _check_citations(answer: Answer) -> None:
    numbers = {r.n for r in answer.references}
    used = {n for s in answer.all_sentences() for n in s.citations}
    assert used == numbers, "no dangling or unused references"
    assert sorted(numbers) == list(range(1, len(numbers) + 1))
    for s in answer.all_sentences():
        assert s.citations and s.support


def test_off_label_question(store: Store) -> None:
    answer = Engine(store).ask("What is the role of baclofen in managing back pain?")
    assert answer.bottom_line.label_status == "off_label"
    assert answer.bottom_line.verdict is not None
    assert "not among baclofen's FDA-labeled indications" in answer.bottom_line.verdict.text
    summary = " ".join(s.text for s in answer.bottom_line.summary)
    assert "spasticity resulting from multiple sclerosis" in summary
    assert "skeletal muscle relaxants" in summary  # the guideline's class-level recommendation
    assert "does not name baclofen" in summary
    tiers = {s.tier: s for s in answer.sections}
    assert tiers["label"].sentences and tiers["guidelines"].sentences
    research_refs = [r for r in answer.references if r.tier == "research"]
    assert [r.source_id for r in research_refs][0] == "PMID:100"  # RCT above case report
    assert "PMID:101" not in {r.source_id for r in answer.references}  # retracted: never cited
    _check_citations(answer)
    assert answer.corpus_snapshot == store.snapshot() and len(answer.settings_hash) == 16


def test_excluded_condition(store: Store) -> None:
    answer = Engine(store).ask("Does baclofen work for stroke?")
    assert answer.bottom_line.label_status == "excluded"
    assert "not been established" in answer.bottom_line.verdict.text  # type: ignore[union-attr]


def test_dose_question_leads_with_maximum(store: Store) -> None:
    answer = Engine(store).ask("What is the maximum dose of Lioresal?")
    assert "80 mg" in answer.bottom_line.verdict.text  # type: ignore[union-attr]
    assert any(i.kind == "withdrawal" for i in answer.safety)
    _check_citations(answer)


def test_unknown_drug_is_insufficient(store: Store) -> None:
    answer = Engine(store).ask("What is the dose of zolgensma?")
    assert answer.insufficient
    assert answer.references == [] and answer.bottom_line.verdict is None
    assert all(s.note for s in answer.sections)


def test_tampered_sentences_are_dropped_and_references_renumbered(store: Store) -> None:
    answer = Engine(store).ask("What is the role of baclofen in managing back pain?")
    before = len(answer.all_sentences())
    label_section = next(s for s in answer.sections if s.tier == "label")
    label_section.sentences[0].text = "Baclofen cures back pain in everyone."  # not what it cites
    answer.bottom_line.summary[0].support[0].quote = "forged quote"  # span no longer matches
    verify_answer(answer, store)
    assert len(answer.all_sentences()) == before - 2
    assert answer.dropped_sentences == 2
    _check_citations(answer)


def test_absence_claims_are_checked(store: Store) -> None:
    answer = Engine(store).ask("What is the role of baclofen in managing back pain?")
    verdict = answer.bottom_line.verdict
    assert verdict is not None and verdict.check == "absent"
    verdict.absent_terms = ["spasticity"]  # the cited passage does mention it: claim is false
    verify_answer(answer, store)
    assert answer.bottom_line.verdict is None or "spasticity" not in \
        answer.bottom_line.verdict.absent_terms
