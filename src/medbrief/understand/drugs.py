"""Drug names in a question: generic or brand, misspellings within reason, resolved to the generic.

Names come, in order of precedence, from the labels in the store, the team's vocabulary
(vocabulary.py) and a general list of ~49,000 medicine and substance names
(data/lexicon/drug_names.tsv.gz, built by ``python -m medbrief.understand.build_drug_names`` from
the MIT-licensed drug-named-entity-recognition package), so that a drug the store has no label for
is still recognised ("the store has no FDA label for levetiracetam" rather than "no drug named").
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from rapidfuzz import fuzz, process

from medbrief.store.repository import Store
from medbrief.understand.vocabulary import BRANDS, CLASS_ALIASES, DRUG_CLASSES, SUBSTANCES

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
    "syndrome", "syndromes", "predispose", "caesarean", "cesarean",
})
MIN_FUZZY_LEN = 5
_FORM = re.compile(r"( (transdermal|topical|oral|ophthalmic|nasal|rectal|vaginal|extended-release"
                   r"|er|xr|sr))*( (patch|patches|system|tablets?|capsules?|injection|injectable"
                   r"|gel|cream|ointment|lotion|solution|suspension|spray|drops|inhaler|powder"
                   r"|syrup|oil))+$")
FUZZY_CUTOFF = 82
JOINED_CUTOFF = 88
_SOUNDS = (("ph", "f"), ("y", "i"), ("z", "s"), ("ck", "k"), ("ee", "i"), ("ea", "i"),
           ("ou", "u"), ("ll", "l"), ("mm", "m"), ("nn", "n"), ("tt", "t"), ("ss", "s"))


def sound(word: str) -> str:
    """A crude spelling-insensitive key: baclophen and baclofen share one."""
    for a, b in _SOUNDS:
        word = word.replace(a, b)
    return word


# Names in the general drug list that denote a class ("MAO inhibitors" -> "monoamine oxidase
# inhibitors"): the question treats them as classes, not as drugs that should have a label.
CLASS_LIKE = re.compile(r"\b(agents?|inhibitors?|blockers?|antagonists?|agonists?|antidepressive|"
                        r"derivatives?|drugs|preparations|compounds|combinations)\b")


@dataclass(slots=True, frozen=True)
class DrugMention:
    generic: str
    text: str  # the words in the question
    how: str  # generic | brand | substance | fuzzy | class


def _lines(resource: str) -> list[str]:
    with files("medbrief").joinpath(f"data/lexicon/{resource}").open("rb") as raw, \
            gzip.open(raw, "rt", encoding="utf-8") as fh:
        return fh.read().splitlines()


@lru_cache(maxsize=1)
def general_names() -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """(canonical -> its names, consumer medicines' generic names) from the general name list."""
    groups: dict[str, list[str]] = {}
    consumer: set[str] = set()
    for line in _lines("drug_names.tsv.gz"):
        name, canonical, flag = line.split("\t")
        groups.setdefault(canonical, []).append(name)
        if flag == "1" and name == canonical:
            consumer.add(name)
    return {c: tuple(names) for c, names in groups.items()}, frozenset(consumer)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Frequent English words (5+ letters): never read as a misspelt drug name."""
    return frozenset(_lines("common_words.txt.gz"))


class DrugLexicon:
    """All drug names the store knows, the team's vocabulary and the general name list."""

    def __init__(self, names: dict[str, str], core: frozenset[str] | None = None,
                 fuzzy: set[str] | None = None) -> None:
        # name (lower) -> generic (lower); multi-word names allowed
        self.names = names
        self.max_words = max((len(n.split()) for n in names), default=1)
        pool = names if fuzzy is None else fuzzy
        self._single = sorted(n for n in pool if " " not in n and len(n) >= MIN_FUZZY_LEN)
        self._sounds = {sound(n): n for n in self._single}
        self.generics = frozenset(names.values())
        # generics of the store and the team's vocabulary: the only ones salts collapse onto
        self.core = core if core is not None else self.generics

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
        for brand, generic in (*BRANDS.items(), *SUBSTANCES.items()):
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
        core = frozenset(names.values())
        groups, consumer = general_names()
        # misspellings: names of the store and the team, and generic names of consumer medicines
        # (brand names of the general list look too much like words: "Dilatrend", "Mucosil")
        fuzzy = set(names) | consumer
        for canonical, variants in groups.items():
            # a general name joins the store's naming when it, a sibling name or its base name
            # without a dosage form ("clonidine patch" -> "clonidine") is known there
            base = _FORM.sub("", canonical)
            target = names.get(canonical) or next(
                (names[n] for n in variants if n in names), None) or names.get(base) or (
                base if base in groups else canonical)
            for name in variants:
                names.setdefault(name, target)
        return cls(names, core, fuzzy)

    def canonical(self, generic: str) -> str:
        """Collapse salt forms to the base drug: 'tramadol hydrochloride' -> 'tramadol'."""
        first = generic.split()[0] if generic else generic
        if first in self.core or first in BRANDS.values():
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
                if generic is None and len(words[i + size - 1]) >= 4 and \
                        phrase.endswith("s"):  # plurals: "percocets", "tetanus shots"
                    generic = self.names.get(phrase[:-1])
                if generic is None and size == 1 and "-" in phrase:
                    # a maker's prefix or suffix: "riva-clonazepam", "apo-metformin"
                    generic = next((self.names[p] for p in phrase.split("-")
                                    if len(p) >= MIN_FUZZY_LEN and p in self.names), None)
                if generic is None:
                    continue
                parts = phrase.split(" and ")
                if len(parts) > 1 and all(p in self.names for p in parts):
                    # a combination written out ("acetaminophen and codeine"): each ingredient
                    for part in parts:
                        g = self.canonical(self.names[part])
                        found.setdefault(g, DrugMention(g, part, "generic" if part == g else
                                                        "substance"))
                    used.update(range(i, i + size))
                    continue
                generic = self.canonical(generic)
                how = "generic" if phrase == generic else (
                    "brand" if phrase in BRANDS else "substance")
                found.setdefault(generic, DrugMention(generic, phrase, how))
                used.update(range(i, i + size))
        common = common_words()
        # a name split in two ("level iracetam", "anti viral"): the joined words, spelt or misspelt
        for i in range(len(words) - 1):
            a, b = words[i], words[i + 1]
            if i in used or i + 1 in used or (a in common and b in common) or \
                    a in _NOT_DRUGS or b in _NOT_DRUGS or len(a + b) < 2 * MIN_FUZZY_LEN - 2:
                continue
            joined = a + b
            name = joined if joined in self.names else None
            if name is None:
                match = process.extractOne(joined, self._single, scorer=fuzz.ratio,
                                           score_cutoff=JOINED_CUTOFF)
                if match and match[0][0] == joined[0]:
                    name = match[0]
            if name is not None:
                generic = self.canonical(self.names[name])
                found.setdefault(generic, DrugMention(generic, f"{a} {b}", "fuzzy"))
                used.update((i, i + 1))
        # fuzzy single words (misspellings): only words that are not common English
        for i, word in enumerate(words):
            if i in used or len(word) < MIN_FUZZY_LEN or word in _NOT_DRUGS or word in common:
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
