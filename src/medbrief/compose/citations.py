"""Reference numbering and AMA-style reference lines.

A reference is a document (research), a guideline recommendation (guideline + its grade), or a
label section (label + section). Numbers are handed out in order of first citation and renumbered
after verification so the list never has unused or dangling entries.
"""

from __future__ import annotations

from medbrief.answer import Answer, Reference, Sentence, Support, TierName
from medbrief.compose.spans import Span
from medbrief.models import LABEL_SECTION_TITLES
from medbrief.store.repository import StoredDocument

_TIER: dict[str, TierName] = {"guideline": "guidelines", "label": "label", "research": "research"}


def _grade(span: Span) -> tuple[str | None, str | None]:
    meta = span.passage.meta
    strength = meta.get("strength")
    quality = meta.get("quality")
    direction = meta.get("direction")  # "for" / "against", when the source grades direction
    if strength and direction and str(direction).lower() not in str(strength).lower():
        strength = f"{strength} {direction}"
    return (str(strength) if strength else None, str(quality) if quality else None)


def reference_line(doc: StoredDocument, span: Span) -> Reference:
    d = doc.document
    tier = _TIER[str(d.tier)]
    year = d.year
    if tier == "label":
        section = LABEL_SECTION_TITLES.get(span.passage.section, span.passage.section)
        set_id = d.meta.get("set_id")
        ident = (f"DailyMed set id {set_id}" if set_id else "set id not recorded in the source record")
        version = f", version {d.version}" if d.version else ""
        dated = f" ({d.published})" if d.published else ""
        maker = f" {d.issuer.rstrip('.')}." if d.issuer else ""
        line = f"{d.title}.{maker} FDA drug label, section “{section}”. {ident}{version}{dated}."
        if d.source_format == "digest-md":
            line += " Demo digest written by the medbrief team from the label; not reviewed."
        return Reference(n=0, tier=tier, source_id=d.source_id, title=d.title, citation=line,
                         url=d.url, section=section, year=year, version=d.version or None)
    if tier == "guidelines":
        strength, quality = _grade(span)
        grade = []
        if strength:
            grade.append(f"strength of recommendation: {strength}")
        if quality:
            grade.append(f"quality of evidence: {quality}")
        grade_text = "; ".join(grade) if grade else "grade not stated in the source"
        line = f"{d.issuer or 'Guideline developer not stated'}. {d.title} {year or 'n.d.'}. " \
               f"Recommendation — {grade_text}. ({d.source_id})"
        return Reference(n=0, tier=tier, source_id=d.source_id, title=d.title, citation=line,
                         url=d.url, section="; ".join(grade) or None, year=year,
                         strength=strength, quality=quality)
    authors = d.meta.get("authors")
    author_text = f"{authors}. " if isinstance(authors, str) and authors else ""
    design = str(d.study_design) if d.study_design else "other"
    pmid = d.source_id.split(":", 1)[1] if d.source_id.startswith("PMID:") else d.source_id
    line = f"{author_text}{d.title} {d.issuer + '. ' if d.issuer else ''}{year or 'n.d.'}. " \
           f"PMID: {pmid}. Study design: {design}."
    return Reference(n=0, tier=tier, source_id=d.source_id, title=d.title, citation=line,
                     url=d.url, section=None, year=year, study_design=design)


class CitationRegistry:
    def __init__(self) -> None:
        self._numbers: dict[tuple[str, ...], int] = {}
        self.references: list[Reference] = []

    @staticmethod
    def _key(doc: StoredDocument, span: Span) -> tuple[str, ...]:
        tier = str(doc.document.tier)
        if tier == "label":
            return (doc.document.source_id, span.passage.section)
        if tier == "guideline":
            return (doc.document.source_id, str(span.passage.id))
        return (doc.document.source_id,)

    def cite(self, doc: StoredDocument, span: Span) -> Support:
        key = self._key(doc, span)
        n = self._numbers.get(key)
        if n is None:
            n = len(self.references) + 1
            self._numbers[key] = n
            ref = reference_line(doc, span)
            ref.n = n
            self.references.append(ref)
        return Support(passage_id=span.passage.id, ref=n, start=span.start, end=span.end,
                       quote=span.text)

    def quote(self, doc: StoredDocument, span: Span) -> Sentence:
        """A sentence that is the span's own words."""
        support = self.cite(doc, span)
        return Sentence(text=span.text, citations=[support.ref], support=[support], check="quote")

    def claim(self, text: str, cited: list[tuple[StoredDocument, Span]], terms: list[str],
              absent_terms: list[str] | None = None) -> Sentence:
        """A sentence in medbrief's words, verified by ``terms`` (present) / ``absent_terms``."""
        supports = [self.cite(doc, span) for doc, span in cited]
        refs = sorted({s.ref for s in supports})
        return Sentence(text=text, citations=refs, support=supports,
                        check="absent" if absent_terms and not terms else "contains",
                        terms=terms, absent_terms=absent_terms or [])


def renumber(answer: Answer) -> None:
    """Number references by first appearance; drop any reference no sentence cites."""
    order: dict[int, int] = {}
    for sentence in answer.all_sentences():
        for n in sentence.citations:
            if n not in order:
                order[n] = len(order) + 1
    for sentence in answer.all_sentences():
        sentence.citations = sorted({order[n] for n in sentence.citations if n in order})
        for s in sentence.support:
            s.ref = order.get(s.ref, 0)
    kept = [r for r in answer.references if r.n in order]
    for r in kept:
        r.n = order[r.n]
    answer.references = sorted(kept, key=lambda r: r.n)
