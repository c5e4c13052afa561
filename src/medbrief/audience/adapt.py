"""Tailor a verified answer to its reader: same evidence and citations, a different register."""

from __future__ import annotations

from medbrief.answer import Answer, Notice, Readability, Sentence
from medbrief.audience.plain import plain_sentences
from medbrief.audience.readability import fk_grade

PUBLIC = ("patient", "caregiver")


def _plain(sentences: list[Sentence]) -> list[Sentence]:
    return [p for s in sentences for p in plain_sentences(s)]


def adapt(answer: Answer) -> Answer:
    """Rewrite for patients and caregivers (in place); measure readability for every audience."""
    if answer.audience in PUBLIC:
        bl = answer.bottom_line
        if bl.verdict is not None:
            pieces = plain_sentences(bl.verdict)
            bl.verdict = pieces[0]
            bl.summary = pieces[1:] + _plain(bl.summary)
        else:
            bl.summary = _plain(bl.summary)
        for section in answer.sections:
            section.sentences = _plain(section.sentences)
        for item in answer.safety:
            item.sentences = _plain(item.sentences)
        drugs = answer.understanding.drugs
        if drugs:
            who = "you" if answer.audience == "patient" else "the person you care for"
            answer.notices.append(Notice(
                kind="advice",
                text=f"Talk to a doctor or pharmacist before {who} start, stop or change "
                     f"{' or '.join(drugs)}. Do not stop suddenly unless a doctor tells you to."))
    text = " ".join(s.text for s in answer.all_sentences())
    answer.readability = Readability(
        audience=answer.audience, fk_grade=round(fk_grade(text), 1),
        sentences=len(answer.all_sentences()), words=len(text.split()))
    return answer
