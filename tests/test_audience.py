"""Audiences, plain language with recorded steps, triage and follow-ups in context."""

from __future__ import annotations

from pathlib import Path

import pytest

from docs_factory import guideline, label
from medbrief.answer import Answer
from medbrief.audience.plain import derive, plain_sentences, split
from medbrief.audience.triage import triage
from medbrief.compose.answerer import Engine
from medbrief.compose.verify import verify_answer
from medbrief.errors import InputError
from medbrief.store import open_store
from medbrief.store.repository import Store

EMERGENCIES = [
    "My son swallowed ten baclofen tablets",
    "my 3 year old ate some of my diazepam pills",
    "I took too many ibuprofen, what do I do",
    "I just took a whole bottle of tramadol",
    "I accidentally took a double dose of baclofen",
    "my husband overdosed on his pain pills",
    "I want to kill myself with my pills",
    "I want to die, how many baclofen would it take",
    "my throat is swelling after taking naproxen",
    "my lips are swelling and I have hives all over after celecoxib",
    "I can't breathe after taking my new medicine",
    "she is having trouble breathing after a diazepam overdose",
    "I have crushing chest pain after taking celecoxib",
    "I stopped baclofen and now I am having seizures",
    "he had a seizure after stopping his baclofen",
    "my mom won't wake up after taking tramadol",
    "my father is unresponsive and took extra gabapentin",
    "hallucinating since stopping baclofen yesterday",
    "the baby got into the acetaminophen bottle",
]
NOT_EMERGENCIES = [
    "What is the overdose threshold listed on the label for baclofen?",
    "What are the symptoms of baclofen overdose?",
    "What is the maximum dose of Flexeril?",
    "Can baclofen cause seizures?",
    "Is diazepam safe for children?",
    "How do I stop taking baclofen safely?",
    "What does the label say about breathing problems with gabapentin?",
    "Can ibuprofen cause chest pain?",
    "What is the role of baclofen in managing back pain?",
    "Does tramadol cause hallucinations?",
    "How much acetaminophen is too much in a day?",
    "What are the signs of an allergic reaction to naproxen?",
]


@pytest.mark.parametrize("question", EMERGENCIES)
def test_triage_flags_emergencies(question: str) -> None:
    assert triage(question).urgent, question


@pytest.mark.parametrize("question", NOT_EMERGENCIES)
def test_triage_leaves_information_questions_alone(question: str) -> None:
    assert not triage(question).urgent, question


def test_triage_set_is_large_enough() -> None:
    assert len(EMERGENCIES) + len(NOT_EMERGENCIES) >= 30


def test_plain_language_is_derived_by_recorded_steps() -> None:
    from medbrief.answer import Sentence

    s = Sentence(text="The total daily dose should not exceed a maximum of 80 mg daily "
                      "(20 mg q.i.d.), and therefore abrupt withdrawal must be avoided.",
                 citations=[1])
    pieces = plain_sentences(s)
    assert all(p.source_text == s.text for p in pieces)
    for p in pieces:
        assert derive(p.source_text or "", p.steps) == p.text
    joined = " ".join(p.text for p in pieces)
    assert "80 mg a day" in joined and "4 times a day" in joined
    assert "q.i.d" not in joined and "stopping suddenly" in joined


def test_split_never_leaves_fragments_without_a_verb() -> None:
    text = ("Relief of muscle stiffness caused by multiple sclerosis; people with spinal cord "
            "injuries and other spinal cord diseases and many other words here.")
    assert split(text) == [text]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = open_store(tmp_path / "s.sqlite3")
    with s.transaction():
        s.upsert(label("baclofen", brand="Lioresal", extra={
            "pediatric": "Safety and effectiveness in pediatric patients below the age of 12 "
                         "have not been established."}))
        s.upsert(label("tizanidine", brand="Zanaflex"))
        s.upsert(guideline("1", "low back pain"))
    return s


def _refs(a: Answer) -> list[str]:
    return sorted(f"{r.source_id}|{r.section}" for r in a.references)


def test_patient_and_physician_share_evidence(store: Store) -> None:
    engine = Engine(store)
    q = "What is the maximum dose of baclofen?"
    doc = engine.ask(q, audience="physician")
    pat = engine.ask(q, audience="patient")
    assert _refs(doc) == _refs(pat)
    assert "80 mg" in " ".join(s.text for s in doc.all_sentences())
    assert all(s.source_text for s in pat.all_sentences())
    assert pat.readability is not None and doc.readability is not None
    assert pat.disclaimer != doc.disclaimer
    assert any(n.kind == "advice" for n in pat.notices)
    assert pat.dropped_sentences == 0


def test_tampered_plain_sentence_is_dropped(store: Store) -> None:
    answer = Engine(store).ask("What is the maximum dose of baclofen?", audience="patient")
    before = len(answer.all_sentences())
    answer.sections[1].sentences[0].text = "Take as much as you like."
    verify_answer(answer, store)
    assert len(answer.all_sentences()) == before - 1


def test_urgent_notice_comes_first_and_evidence_still_given(store: Store) -> None:
    answer = Engine(store).ask("My child swallowed ten Lioresal tablets", audience="caregiver")
    assert answer.notices[0].kind == "urgent"
    assert "Poison Control" in answer.notices[0].text
    assert not answer.insufficient


def test_withdrawal_leads_safety_when_stopping(store: Store) -> None:
    answer = Engine(store).ask("How do I stop taking baclofen?")
    assert answer.safety[0].kind == "withdrawal"
    assert "abrupt" in answer.safety[0].sentences[0].text.lower()


def test_follow_up_chain(store: Store) -> None:
    engine = Engine(store)
    first = engine.ask("What is the role of baclofen in managing back pain?")
    second = engine.ask("what about tizanidine?", after=first.id)
    assert second.understanding.drugs == ["tizanidine"]
    assert second.understanding.conditions == ["low back pain"]
    assert second.previous_id == first.id
    third = engine.ask("what is the maximum dose of it?", after=second.id)
    assert third.understanding.drugs == ["tizanidine"] and third.understanding.intent == "dose"
    fourth = engine.ask("and for children?", after=third.id)
    assert fourth.understanding.drugs == ["tizanidine"]
    assert fourth.understanding.intent == "dose"
    fifth = engine.ask("and for children?", after=engine.ask("What is the dose of baclofen?").id)
    assert "pediatric" in " ".join(s.text for s in fifth.all_sentences()).lower()


def test_follow_up_to_unknown_answer_is_a_clear_error(store: Store) -> None:
    with pytest.raises(InputError) as err:
        Engine(store).ask("what about tizanidine?", after="nope")
    assert "no saved answer" in str(err.value)


@pytest.mark.shared
@pytest.mark.parametrize("question", [
    "What is the role of baclofen in managing back pain?",
    "What type of pain is baclofen used to treat?",
])
def test_canonical_questions_readability(shared_engine: Engine, question: str) -> None:
    patient = shared_engine.ask(question, audience="patient", save=False)
    physician = shared_engine.ask(question, audience="physician", save=False)
    assert patient.readability is not None and patient.readability.fk_grade <= 8.0
    assert _refs(patient) == _refs(physician)
    grades = [(r.strength, r.quality) for r in physician.references if r.tier == "guidelines"]
    assert any(g != (None, None) for g in grades)
    if "type of pain" in question:
        assert "80 mg" in " ".join(s.text for s in physician.all_sentences())


def test_glossary_prefilter_changes_nothing() -> None:
    """The keyword prefilter in glossary() is an optimisation only: same text as applying every
    entry, over all the demo pack's sentences."""
    import re as _re
    from functools import partial

    import yaml

    from medbrief.audience import plain
    from medbrief.demo import demo_pack_path

    def naive(text: str) -> str:
        for _key, rx, repl in plain._glossary():
            text = rx.sub(partial(plain._apply, repl), text)
        return text

    texts: list[str] = []
    for path in demo_pack_path().rglob("*.md"):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        for key in ("statements", "recommendations", "findings"):
            texts.extend(item["text"] for item in front.get(key) or [])
    texts += ["Arrhythmias and arrhythmia were seen; oral baclofen; health care provider.",
              "Patients on abrupt withdrawal of baclofen had hallucinations (see WARNINGS)."]
    assert len(texts) > 200
    for text in texts:
        assert plain.glossary(text) == naive(text), text
    assert _re.search("irregular heartbeat", plain.glossary(texts[-2]))


def test_class_question_points_to_member_drugs(store: Store) -> None:
    answer = Engine(store).ask("Are muscle relaxants safe in pregnancy?")
    assert answer.understanding.drugs == []
    assert "skeletal muscle relaxants" in answer.understanding.drug_classes
    label = next(s for s in answer.sections if s.tier == "label")
    assert label.note and "drug class" in label.note and "baclofen" in label.note
    assert "Is baclofen safe during pregnancy or breastfeeding?" in answer.follow_up_questions
