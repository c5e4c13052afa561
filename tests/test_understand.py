"""Understanding questions: drugs (brand, generic, misspelt), conditions with lay synonyms, intent."""

from __future__ import annotations

from pathlib import Path

import pytest

from docs_factory import guideline, label
from medbrief.errors import InputError
from medbrief.store import open_store
from medbrief.understand.intent import classify
from medbrief.understand.question import Understander


@pytest.fixture
def understander(tmp_path: Path) -> Understander:
    store = open_store(tmp_path / "s.sqlite3")
    with store.transaction():
        store.upsert(label("baclofen", brand="Lioresal"))
        store.upsert(label("cyclobenzaprine hydrochloride", brand="Cyclobenzaprine"))
        store.upsert(label("ibuprofen", brand="Advil Liqui-Gels"))
        store.upsert(guideline("1", "low back pain"))
        store.upsert(guideline("2", "spasticity"))
    return Understander.from_store(store)


@pytest.mark.parametrize(("question", "drugs"), [
    ("What is the role of baclofen in managing back pain?", ["baclofen"]),
    ("What is the maximum dose of Flexeril?", ["cyclobenzaprine"]),
    ("Is Lioresal safe for my back?", ["baclofen"]),
    ("how much baclophen can i take", ["baclofen"]),
    ("Can I take ibuprofen while pregnant?", ["ibuprofen"]),
    ("baclofen vs Flexeril for spasms", ["baclofen", "cyclobenzaprine"]),
    ("What helps back pain?", []),
    ("What is the dose of zorblaxamab?", []),  # not a drug anywhere
    # drugs the store has no label for come from the general name list (data/lexicon)
    ("What is the dose of zolgensma?", ["onasemnogene abeparvovec"]),
    ("why did my doctor give me keppra", ["levetiracetam"]),
    ("how long does marijuana stay in your system", ["cannabis"]),
    ("how often do you need a shingles vaccine", ["zoster vaccine"]),
    # plurals, maker prefixes, names split in two, written-out combinations
    ("what do percocets look like", ["oxycodone"]),
    ("what is the medication riva-clonazepam", ["clonazepam"]),
    ("why did my doctor give me level iracetam", ["levetiracetam"]),
    ("how much acetaminophen in acetaminophen and codeine", ["acetaminophen", "codeine"]),
    ("Does the program control the difference?", []),  # everyday words are not misspelt drugs
])
def test_drugs_resolve_to_generic(understander: Understander, question: str,
                                  drugs: list[str]) -> None:
    assert understander.understand(question).generics == drugs


def test_conditions_use_lay_synonyms(understander: Understander) -> None:
    q = understander.understand("What is the role of baclofen in managing back pain?")
    assert [c.name for c in q.conditions] == ["low back pain"]
    assert "back pain" in q.condition_terms
    q2 = understander.understand("Does baclofen help MS spasticity?")
    assert {c.name for c in q2.conditions} == {"multiple sclerosis", "spasticity"}


def test_classes_are_implied_by_drugs(understander: Understander) -> None:
    q = understander.understand("Is baclofen good for back pain?")
    assert "skeletal muscle relaxants" in q.classes
    q2 = understander.understand("Are muscle relaxants good for back pain?")
    assert q2.named_classes == ["skeletal muscle relaxants"]


@pytest.mark.parametrize(("question", "intent"), [
    ("What is the role of baclofen in managing back pain?", "role_indication"),
    ("What type of pain is baclofen used to treat?", "role_indication"),
    ("What is the maximum dose of Flexeril?", "dose"),
    ("Can I take ibuprofen while pregnant?", "pregnancy_lactation"),
    ("baclofen vs tizanidine for spasticity", "comparison"),
    ("Can I drink alcohol with baclofen?", "interactions"),
    ("What are the side effects of baclofen?", "adverse_effects"),
    ("How do I stop taking baclofen?", "stopping_withdrawal"),
    ("My child swallowed ten baclofen tablets", "overdose"),
    ("How does baclofen work?", "mechanism"),
    ("Is baclofen safe with kidney disease?", "renal_hepatic"),
    ("Who should not take baclofen?", "contraindications"),
    ("Tell me about baclofen", "general"),
    ("what does baclofen look like", "product"),
    ("what are the inactive ingredients in baclofen", "product"),
    ("how should baclofen be stored", "product"),
    ("how to take baclofen with food", "administration"),
    ("how you use baclofen", "administration"),
    ("what time of day should I take baclofen", "administration"),
    ("how long does baclofen stay in your system", "mechanism"),
    ("how soon does baclofen start working", "mechanism"),
    ("how long do the side effects of baclofen last", "adverse_effects"),
    ("is lyrica the same as gabapentin", "comparison"),
    ("why did my doctor give me baclofen", "role_indication"),
])
def test_intent(question: str, intent: str) -> None:
    assert classify(question, 1)[0] == intent


@pytest.mark.parametrize("bad", ["", "   ", "x" * 2001])
def test_bad_questions_get_clear_errors(understander: Understander, bad: str) -> None:
    with pytest.raises(InputError) as err:
        understander.understand(bad)
    assert "question" in str(err.value)


def test_hostile_question_text_is_understood_safely(understander: Understander) -> None:
    q = understander.understand('baclofen" OR 1=1 -- NEAR(pain) * <script>alert(1)</script>')
    assert q.generics == ["baclofen"]
