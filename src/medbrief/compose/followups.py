"""Follow-up questions the store can answer, drawn from what the answer did not cover."""

from __future__ import annotations

from medbrief.retrieve import Evidence
from medbrief.understand.question import Question, Understander
from medbrief.understand.vocabulary import DRUG_CLASSES

# intent -> (question template, label sections that must exist for it to be answerable)
_TEMPLATES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("role_indication", "What is {drug} used for?", ("indications",)),
    ("dose", "What is the usual and maximum dose of {drug}?", ("dosage_administration",)),
    ("adverse_effects", "What are the common side effects of {drug}?", ("adverse_reactions",)),
    ("stopping_withdrawal", "How should {drug} be stopped safely?", ("warnings_precautions",)),
    ("interactions", "Which drugs and substances interact with {drug}?",
     ("drug_interactions", "warnings_precautions")),
    ("pregnancy_lactation", "Is {drug} safe during pregnancy or breastfeeding?",
     ("pregnancy", "lactation", "warnings_precautions", "specific_populations")),
    ("renal_hepatic", "Does {drug} need a dose change in kidney disease?",
     ("renal", "warnings_precautions", "specific_populations")),
    ("contraindications", "Who should not take {drug}?", ("contraindications",)),
)


def follow_up_questions(q: Question, ev: Evidence, understander: Understander,
                        limit: int = 5) -> list[str]:
    out: list[str] = []
    for generic, label in list(ev.labels.items())[:1]:
        sections = {p.section for p in label.passages}
        for intent, template, needs in _TEMPLATES:
            if intent == q.intent or intent in q.secondary:
                continue
            if any(s in sections for s in needs):
                out.append(template.format(drug=generic))
        # an alternative in the same class that the store also has a label for
        for cls in q.classes:
            for other in DRUG_CLASSES.get(cls, ()):
                if other != generic and other not in q.generics and \
                        other in understander.lexicon.generics:
                    target = q.conditions[0].name if q.conditions else "its labeled uses"
                    out.insert(min(2, len(out)), f"How does {generic} compare with {other} for "
                                                 f"{target}?")
                    break
            else:
                continue
            break
    if not ev.labels and q.named_classes:  # a class question: the same question per member drug
        template = next((t for i, t, _ in _TEMPLATES if i == q.intent),
                        "What is {drug} used for?")
        for cls in q.named_classes:
            for member in DRUG_CLASSES.get(cls, ()):
                if member in understander.lexicon.generics and len(out) < 3:
                    out.append(template.format(drug=member))
    if not ev.labels and q.conditions:
        cond = q.conditions[0].name
        out.append(f"What do guidelines recommend for {cond}?")
        out.append(f"Which medicines are used for {cond}?")
    seen: list[str] = []
    for item in out:
        if item not in seen:
            seen.append(item)
    return seen[:limit]
