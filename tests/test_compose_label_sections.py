"""The label sentences an answer cites come from the part of the label the question is about."""

from __future__ import annotations

from pathlib import Path

import pytest

from docs_factory import label
from medbrief.answer import Answer
from medbrief.compose.answerer import Engine
from medbrief.models import LABEL_SECTION_TITLES
from medbrief.store import open_store
from medbrief.store.repository import Store

SECTIONS = {
    "mechanism": "Zorbafen is an agonist at the GABA-B receptor in the spinal cord.",
    "clinical_pharmacology": (
        "Zorbafen is an agonist at the GABA-B receptor in the spinal cord. Zorbafen is rapidly "
        "absorbed and peak plasma concentrations are reached within 2 hours. The elimination "
        "half-life of zorbafen is about 4 hours. Zorbafen is excreted mainly unchanged in the "
        "urine."),
    "description": (
        "Zorbafen is a synthetic derivative of gamma-aminobutyric acid. Its chemical name is "
        "4-amino-3-phenylbutanoic acid hydrochloride. Each tablet contains 10 mg zorbafen and the "
        "inactive ingredients lactose and povidone."),
    "how_supplied": (
        "Zorbafen tablets, 10 mg, are white, round and debossed with Z10. They are supplied in "
        "bottles of 100 tablets. Store at 20 to 25 C in a tight container."),
    "patient_counseling": "Tell patients to avoid alcohol while taking zorbafen tablets.",
    "pregnancy": (
        "There are no adequate studies of zorbafen in pregnant women. Zorbafen caused fetal "
        "harm in rats at high doses."),
    "specific_populations": (
        "Lactation: zorbafen is present in human breast milk at low levels. Advise women to "
        "monitor the breastfed infant for sedation. Safety and effectiveness in pediatric "
        "patients below the age of 12 have not been established."),
}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = open_store(tmp_path / "s.sqlite3")
    with s.transaction():
        s.upsert(label("zorbafen", brand="Zorbex", extra=SECTIONS))
    return s


def label_sections(answer: Answer) -> list[str]:
    """Canonical sections of the label sentences, in answer order."""
    by_title = {title: name for name, title in LABEL_SECTION_TITLES.items()}
    refs = {r.n: r for r in answer.references}
    return [by_title.get(refs[n].section or "", refs[n].section or "")
            for section in answer.sections if section.tier == "label"
            for s in section.sentences for n in s.citations]


def test_how_long_it_stays_cites_pharmacokinetics(store: Store) -> None:
    answer = Engine(store).ask("how long does zorbafen stay in your system", save=False)
    assert answer.understanding.intent == "mechanism"
    assert set(label_sections(answer)) == {"clinical_pharmacology"}
    assert answer.bottom_line.verdict is not None
    assert "half-life" in answer.bottom_line.verdict.text


def test_breast_milk_time_course_cites_lactation_and_half_life(store: Store) -> None:
    answer = Engine(store).ask("how long does zorbafen stay in breast milk", save=False)
    cited = label_sections(answer)
    assert "specific_populations" in cited and "clinical_pharmacology" in cited
    assert "pregnancy" not in cited
    texts = " ".join(s.text for sec in answer.sections if sec.tier == "label"
                     for s in sec.sentences)
    assert "pediatric" not in texts  # the label's other populations are not about this


def test_breastfeeding_is_not_answered_from_pregnancy(store: Store) -> None:
    answer = Engine(store).ask("can I take zorbafen while breastfeeding?", save=False)
    cited = label_sections(answer)
    assert cited and "pregnancy" not in cited


def test_appearance_cites_only_appearance_sentences(store: Store) -> None:
    answer = Engine(store).ask("what does zorbafen look like", save=False)
    texts = [s.text for sec in answer.sections if sec.tier == "label" for s in sec.sentences]
    assert any("debossed" in t for t in texts)
    # the description says nothing of colour or shape here: none of it answers
    assert "description" not in label_sections(answer)
    assert not any("alcohol" in t for t in texts)


def test_drug_class_leads_with_the_description(store: Store) -> None:
    answer = Engine(store).ask("what class of drug is zorbafen", save=False)
    assert answer.bottom_line.verdict is not None
    assert "derivative" in answer.bottom_line.verdict.text
    assert "mechanism" in label_sections(answer)


def test_where_it_comes_from_cites_the_description(store: Store) -> None:
    answer = Engine(store).ask("where does zorbafen come from", save=False)
    assert label_sections(answer)[0] == "description"
    assert answer.bottom_line.verdict is not None
    assert "synthetic" in answer.bottom_line.verdict.text
