"""Parse a question into the typed understanding the retriever and composer use."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from medbrief.errors import InputError
from medbrief.store.repository import Store
from medbrief.understand.conditions import ConditionMention, ConditionVocabulary
from medbrief.understand.drugs import (
    CLASS_LIKE,
    DrugLexicon,
    DrugMention,
    classes_of,
    find_classes,
)
from medbrief.understand.intent import classify
from medbrief.understand.vocabulary import CONDITION_SYNONYMS

MAX_QUESTION_CHARS = 2000
_POPULATIONS = (
    ("children", re.compile(r"\b(child|children|kids?|pediatric|paediatric|infants?|toddlers?"
                            r"|adolescents?|teens?|teenagers?)\b", re.I)),
    ("older adults", re.compile(r"\b(elderly|older (adults?|people|patients)|geriatric"
                                r"|seniors?)\b", re.I)),
)


@dataclass(slots=True)
class Question:
    text: str
    drugs: list[DrugMention] = field(default_factory=list)
    conditions: list[ConditionMention] = field(default_factory=list)
    intent: str = "general"
    secondary: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)  # classes named or implied by the drugs
    named_classes: list[str] = field(default_factory=list)  # classes named in the question
    populations: list[str] = field(default_factory=list)  # children | older adults

    @property
    def generics(self) -> list[str]:
        return [d.generic for d in self.drugs]

    @property
    def condition_terms(self) -> list[str]:
        out: list[str] = []
        for c in self.conditions:
            for t in c.terms:
                if t not in out:
                    out.append(t)
        return out


class Understander:
    """Holds the store-derived vocabularies (built once per process, reused across questions)."""

    def __init__(self, lexicon: DrugLexicon, vocabulary: ConditionVocabulary) -> None:
        self.lexicon = lexicon
        self.vocabulary = vocabulary

    @classmethod
    def from_store(cls, store: Store) -> Understander:
        return cls(DrugLexicon.from_store(store), ConditionVocabulary.from_store(store))

    def understand(self, text: str, context: Question | None = None) -> Question:
        """Parse ``text``; a follow-up (``context`` = the previous question) inherits what it omits.

        "what about tizanidine?" after a baclofen/back-pain question keeps the condition and the
        intent; "what is the dose?" after it keeps the drug.
        """
        q = self._parse(text)
        if context is None:
            return q
        if not q.drugs and not q.named_classes:
            q.drugs = list(context.drugs)
        if not q.conditions:
            q.conditions = list(context.conditions)
        if q.intent == "general" and context.intent != "general":
            q.intent = context.intent
        for pop in context.populations:
            if pop not in q.populations and not q.populations:
                q.populations.append(pop)
        for d in q.drugs:
            for c in classes_of(d.generic):
                if c not in q.classes:
                    q.classes.append(c)
        return q

    def restore(self, text: str, drugs: list[str], conditions: list[str], intent: str,
                populations: list[str]) -> Question:
        """Rebuild a previous question from its saved understanding (follow-up chains)."""
        q = Question(text, [DrugMention(g, g, "context") for g in drugs],
                     [ConditionMention(c, c, CONDITION_SYNONYMS.get(c, (c,))) for c in conditions],
                     intent, [], [], [], list(populations))
        q.classes = [c for g in drugs for c in classes_of(g)]
        return q

    def _parse(self, text: str) -> Question:
        clean = " ".join(text.split())
        if not clean:
            raise InputError("the question is empty; ask e.g. \"What is the maximum dose of baclofen?\"")
        if len(clean) > MAX_QUESTION_CHARS:
            raise InputError(
                f"the question is {len(clean)} characters long; keep it under {MAX_QUESTION_CHARS}"
            )
        mentions = self.lexicon.find(clean)
        drugs = [m for m in mentions if not CLASS_LIKE.search(m.generic)]
        drug_words = {d.text for d in mentions}
        conditions = self.vocabulary.find(clean, exclude=drug_words)
        intent, secondary = classify(clean, len(drugs))
        named = find_classes(clean)
        named += [m.generic for m in mentions if CLASS_LIKE.search(m.generic)
                  and m.generic not in named]
        classes = list(named)
        for d in drugs:
            for c in classes_of(d.generic):
                if c not in classes:
                    classes.append(c)
        populations = [name for name, rx in _POPULATIONS if rx.search(clean)]
        return Question(clean, drugs, conditions, intent, secondary, classes, named, populations)
