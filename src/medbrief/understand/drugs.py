"""Drug names in a question: generic or brand, misspellings within reason, resolved to the generic."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from medbrief.store.repository import Store
from medbrief.understand.vocabulary import BRANDS, CLASS_ALIASES, DRUG_CLASSES

_WORD = re.compile(r"[a-z][a-z0-9'-]*")
# Common English words that are close to drug names and must never fuzzy-match.
_NOT_DRUGS = frozenset({
    "pain", "back", "take", "taking", "dose", "doses", "maximum", "minimum", "pregnant", "safe",
    "while", "with", "what", "which", "treat", "treating", "types", "type", "managing", "role",
    "effects", "side", "stop", "stopping", "children", "child", "baby", "alcohol", "about",
    "spasticity", "spasms", "muscle", "muscles", "versus", "better", "daily", "tablets", "tablet",
    "capsule", "capsules", "medicine", "medication", "drug", "drugs", "used", "between", "after",
    "before", "should", "could", "would", "there", "their", "those", "these", "other", "kidney",
    "liver", "sleep", "stroke", "nursing", "breastfeeding", "interaction", "interactions",
    "overdose", "withdrawal", "pressure", "blood", "heart", "sugar", "allergy", "allergic",
})
MIN_FUZZY_LEN = 5
FUZZY_CUTOFF = 84
_SOUNDS = (("ph", "f"), ("y", "i"), ("z", "s"), ("ck", "k"), ("ee", "i"), ("ea", "i"),
           ("ou", "u"), ("ll", "l"), ("mm", "m"), ("nn", "n"), ("tt", "t"), ("ss", "s"))


def sound(word: str) -> str:
    """A crude spelling-insensitive key: baclophen and baclofen share one."""
    for a, b in _SOUNDS:
        word = word.replace(a, b)
    return word


@dataclass(slots=True, frozen=True)
class DrugMention:
    generic: str
    text: str  # the words in the question
    how: str  # generic | brand | substance | fuzzy | class


class DrugLexicon:
    """All drug names the store knows, plus the team's brand list; generic names as targets."""

    def __init__(self, names: dict[str, str]) -> None:
        # name (lower) -> generic (lower); multi-word names allowed
        self.names = names
        self.max_words = max((len(n.split()) for n in names), default=1)
        self._single = [n for n in names if " " not in n and len(n) >= MIN_FUZZY_LEN]
        self._sounds = {sound(n): n for n in self._single}
        self.generics = frozenset(names.values())

    @classmethod
    def from_store(cls, store: Store) -> DrugLexicon:
        names: dict[str, str] = {}
        rows = store.conn.execute(
            "SELECT DISTINCT t.kind, t.term, t.generic FROM doc_terms t "
            "JOIN documents d ON d.id = t.doc_id "
            "WHERE d.tier = 'label' AND t.kind IN ('drug', 'brand', 'substance')"
        ).fetchall()
        for kind, term, _generic in rows:
            if kind == "drug":
                names[term] = term
        for kind, term, generic in rows:
            if kind != "drug" and generic and term not in names:
                names[term] = generic
        for brand, generic in BRANDS.items():
            names.setdefault(brand, generic)
            names.setdefault(generic, generic)
        for members in DRUG_CLASSES.values():  # class members the team lists, e.g. tizanidine
            for generic in members:
                names.setdefault(generic, generic)
        # salts: "tramadol hydrochloride" -> "tramadol" when the base name is known
        for name in list(names):
            base = name.split()[0]
            if base != name and base in names.values():
                names.setdefault(base, base)
        return cls(names)

    def canonical(self, generic: str) -> str:
        """Collapse salt forms to the base drug: 'tramadol hydrochloride' -> 'tramadol'."""
        first = generic.split()[0] if generic else generic
        if first in self.generics or first in BRANDS.values():
            return first
        return generic

    def find(self, text: str) -> list[DrugMention]:
        words = _WORD.findall(text.lower())
        found: dict[str, DrugMention] = {}
        used: set[int] = set()
        # exact n-gram matches, longest first
        for size in range(min(self.max_words, 4), 0, -1):
            for i in range(len(words) - size + 1):
                if any(j in used for j in range(i, i + size)):
                    continue
                phrase = " ".join(words[i:i + size]).strip("'-")
                phrase = re.sub(r"'s$", "", phrase)
                generic = self.names.get(phrase)
                if generic is None:
                    continue
                generic = self.canonical(generic)
                how = "generic" if phrase == generic else (
                    "brand" if phrase in BRANDS else "substance")
                found.setdefault(generic, DrugMention(generic, phrase, how))
                used.update(range(i, i + size))
        # fuzzy single words (misspellings): only words that are not common English
        for i, word in enumerate(words):
            if i in used or len(word) < MIN_FUZZY_LEN or word in _NOT_DRUGS:
                continue
            name = self._sounds.get(sound(word))
            if name is None:
                match = process.extractOne(word, self._single, scorer=fuzz.ratio,
                                           score_cutoff=FUZZY_CUTOFF)
                if match and match[0][0] == word[0]:
                    name = match[0]
            if name is not None:
                generic = self.canonical(self.names[name])
                found.setdefault(generic, DrugMention(generic, word, "fuzzy"))
        order = {m.generic: text.lower().find(m.text) for m in found.values()}
        return sorted(found.values(), key=lambda m: order[m.generic])


def classes_of(generic: str) -> list[str]:
    return [cls for cls, members in DRUG_CLASSES.items() if generic in members]


def find_classes(text: str) -> list[str]:
    """Class phrases named in the question ("muscle relaxants", "NSAIDs")."""
    low = f" {text.lower()} "
    hits = []
    for cls, aliases in CLASS_ALIASES.items():
        if any(re.search(rf"\b{re.escape(a.lower())}\b", low) for a in (cls, *aliases)):
            hits.append(cls)
    return hits
