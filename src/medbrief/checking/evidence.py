"""Evidence spans for claim checking: the label's sentences (long ones cut into clauses), by
section, and the findings a rule hands back — a span, its role, and the words verified in it.

A finding is cited through the answer's own :class:`~medbrief.compose.citations.CitationRegistry`
and verified with the answer's own :func:`~medbrief.compose.verify.sentence_ok`, so a claim's
evidence is held to exactly the standard of an answer sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from medbrief.checking.vocab import has_term
from medbrief.compose.spans import Span
from medbrief.store.repository import StoredDocument, StoredPassage
from medbrief.textutil import split_sentences

Role = Literal["states", "contradicts", "related"]
LONG_WORDS = 45
_CLAUSE = re.compile(r";\s+|:\s+(?=[A-Z])|\.\s+(?=[A-Z])")
_LEAD = re.compile(r"^(?:[a-z0-9]{1,2}[.)]\s+|[•\-–*]\s+)")

INDICATIONS = ("indications",)
DOSE = ("dosage_administration", "dosage_forms")
ADVERSE = ("adverse_reactions", "boxed_warning", "warnings_precautions")
CONTRA = ("contraindications",)
WARNINGS = ("boxed_warning", "warnings_precautions", "patient_counseling", "geriatric",
            "pediatric", "specific_populations", "abuse_dependence", "renal", "hepatic",
            "drug_interactions", "contraindications")
INTERACTIONS = ("drug_interactions", "warnings_precautions", "boxed_warning",
                "patient_counseling", "clinical_pharmacology", "contraindications")
PREGNANCY = ("pregnancy", "lactation", "specific_populations", "warnings_precautions",
             "contraindications", "boxed_warning", "patient_counseling")
WITHDRAWAL = ("warnings_precautions", "boxed_warning", "dosage_administration",
              "abuse_dependence", "patient_counseling")
MECHANISM = ("mechanism", "clinical_pharmacology", "description")
RENAL_HEPATIC = ("renal", "hepatic", "specific_populations", "dosage_administration",
                 "warnings_precautions", "clinical_pharmacology", "geriatric", "contraindications")
OVERDOSE = ("overdosage",)


@dataclass(slots=True)
class Finding:
    """A span that bears on a claim: ``terms`` occur in it, ``absent`` occur nowhere in its
    passage (a verified "the label does not say ..." finding)."""

    doc: StoredDocument
    span: Span
    role: Role
    terms: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.span.text


def _clauses(passage: StoredPassage, start: int, end: int) -> list[Span]:
    text = passage.text
    out: list[Span] = []
    pos = start
    for m in _CLAUSE.finditer(text, start, end):
        if text[pos:m.start()].strip():
            out.append(Span(passage, pos, m.start() + (1 if text[m.start()] == "." else 0)))
        pos = m.end()
    if text[pos:end].strip():
        out.append(Span(passage, pos, end))
    return out


def passage_spans(passage: StoredPassage) -> list[Span]:
    """Every sentence of a passage (list markers trimmed); sentences over ``LONG_WORDS`` words are
    cut into clauses so a cited span says one thing."""
    text = passage.text
    out: list[Span] = []
    for s, e in split_sentences(text):
        while s < e and text[s].isspace():
            s += 1
        if (m := _LEAD.match(text[s:e])) and m.end() < e - s:
            s += m.end()
        if len(text[s:e].split()) < 2:
            continue
        if len(text[s:e].split()) > LONG_WORDS:
            out.extend(c for c in _clauses(passage, s, e) if len(c.text.split()) >= 2)
        else:
            out.append(Span(passage, s, e))
    return out


class LabelView:
    """One label's spans by section, computed once."""

    def __init__(self, doc: StoredDocument) -> None:
        self.doc = doc
        self._by_section: dict[str, list[Span]] = {}
        seen: set[str] = set()
        for p in sorted(doc.passages, key=lambda p: p.order):
            for span in passage_spans(p):
                key = " ".join(span.text.split()).lower()
                if key in seen:
                    continue  # derived labels repeat whole passages: cite the first copy
                seen.add(key)
                self._by_section.setdefault(p.section, []).append(span)

    @property
    def generic(self) -> str:
        drugs = self.doc.document.drugs
        return drugs[0] if drugs else self.doc.document.title

    def sections(self) -> list[str]:
        return list(self._by_section)

    def spans(self, sections: Iterable[str] | None = None) -> list[Span]:
        if sections is None:
            return [s for spans in self._by_section.values() for s in spans]
        return [s for sec in sections for s in self._by_section.get(sec, [])]

    def passages(self, sections: Iterable[str]) -> list[StoredPassage]:
        wanted = set(sections)
        return [p for p in self.doc.passages if p.section in wanted]

    def finding(self, span: Span, role: Role, terms: Iterable[str] = ()) -> Finding:
        return Finding(self.doc, span, role, [t for t in terms if has_term(span.text, t)])

    def absence(self, sections: tuple[str, ...], terms: list[str]) -> Finding | None:
        """A finding that none of ``terms`` occurs in the label's ``sections`` (None if one does,
        or the label has no such section). Cites the first sentence of the first section."""
        spans = self.spans(sections)
        if not spans or any(has_term(p.text, t) for p in self.passages(sections) for t in terms):
            return None
        return Finding(self.doc, spans[0], "states", [], list(terms))
