"""Conditions in a question: from guideline condition fields and MeSH terms in the store, plus lay
synonyms ("back pain" -> "low back pain")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from medbrief.store.repository import Store
from medbrief.understand.vocabulary import CONDITION_SYNONYMS, NON_CONDITIONS

_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")
MAX_WORDS = 5


@dataclass(slots=True, frozen=True)
class ConditionMention:
    name: str  # canonical phrase
    text: str  # as written in the question
    terms: tuple[str, ...]  # phrases to search for


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


class ConditionVocabulary:
    def __init__(self, phrases: set[str]) -> None:
        self.phrases = phrases

    @classmethod
    def from_store(cls, store: Store) -> ConditionVocabulary:
        phrases: set[str] = set()
        for (term,) in store.conn.execute(
            "SELECT DISTINCT term FROM doc_terms WHERE kind = 'condition'"
        ):
            norm = _norm(term)
            if norm and len(norm.split()) <= MAX_WORDS and norm not in NON_CONDITIONS and \
                    len(norm) > 3:
                phrases.add(norm)
        phrases.update(_norm(k) for k in CONDITION_SYNONYMS)
        return cls(phrases)

    def find(self, text: str, exclude: set[str] | None = None) -> list[ConditionMention]:
        words = _WORD.findall(text.lower())
        words = [re.sub(r"'s$", "", w) if w not in ("parkinson's",) else w for w in words]
        exclude = exclude or set()
        used: set[int] = set()
        found: list[ConditionMention] = []
        for size in range(MAX_WORDS, 0, -1):
            for i in range(len(words) - size + 1):
                if any(j in used for j in range(i, i + size)):
                    continue
                phrase = " ".join(words[i:i + size])
                if phrase in exclude or phrase in NON_CONDITIONS:
                    continue
                if phrase in CONDITION_SYNONYMS or phrase in self.phrases:
                    terms = CONDITION_SYNONYMS.get(phrase, (phrase,))
                    found.append(ConditionMention(terms[0], phrase, tuple(terms)))
                    used.update(range(i, i + size))
        # a bare "pain" only counts when nothing more specific was found
        if len(found) > 1:
            found = [c for c in found if c.name != "pain"] or found
        return found
