"""The bottom line: a one-line verdict and a short paragraph, every sentence cited and checkable."""

from __future__ import annotations

from typing import Literal, cast

from medbrief.answer import BottomLine, Sentence
from medbrief.compose.citations import CitationRegistry
from medbrief.compose.label import (
    MAXIMUM,
    NEGATION,
    indication_phrases,
    indication_status,
    negative_indications,
    spans_in,
)
from medbrief.compose.spans import Span
from medbrief.compose.tiers import TierSpan
from medbrief.retrieve import Evidence, drug_names_for
from medbrief.store.repository import StoredDocument
from medbrief.understand.question import Question

_STANCE_VERB = {"for": "includes a recommendation for", "against": "recommends against",
                "neutral": "addresses", "insufficient": "finds insufficient evidence on"}


def _issuer_short(doc: StoredDocument) -> str:
    issuer = doc.document.issuer.split(";")[0].strip() or "A guideline"
    year = doc.document.year
    return f"{issuer} ({year})" if year else issuer


def _drug_title(generic: str) -> str:
    return generic[:1].upper() + generic[1:]


LabelStatus = Literal["labeled", "excluded", "off_label"]


def indication_bottom_line(
    label: StoredDocument, generic: str, q: Question, reg: CitationRegistry,
) -> tuple[Sentence | None, list[Sentence], LabelStatus | None]:
    status = indication_status(label, q)
    if status is None:
        return None, [], None
    verdict: Sentence | None = None
    cited = [(label, s) for s in status.spans]
    drug = _drug_title(generic)
    if status.status == "off_label":
        verdict = reg.claim(
            f"Off-label: {status.condition} is not among {generic}'s FDA-labeled indications.",
            cited, terms=[], absent_terms=q.condition_terms)
    elif status.status == "labeled":
        verdict = reg.claim(f"{drug} is FDA-labeled for {status.term}.", cited[:1],
                            terms=[status.term])
    else:
        neg = NEGATION.search(status.spans[0].text)
        phrase = neg.group(0) if neg else "not established"
        verdict = reg.claim(
            f"Not supported by the label: for {status.term}, the {generic} label says "
            f"“{phrase}”.", cited[:1], terms=[status.term, phrase])
    summary: list[Sentence] = []
    indications = spans_in(label, ("indications",))
    phrases = indication_phrases(indications)
    if status.status != "labeled":
        for span, phrase in phrases[:2]:
            summary.append(reg.claim(f"Labeled use ({generic}): {phrase}.", [(label, span)],
                                     terms=[phrase]))
    decided = {(s.passage.id, s.start) for s in status.spans} if status.status != "off_label" \
        else set()
    for span in negative_indications(label)[:2]:
        if (span.passage.id, span.start) not in decided:
            summary.append(reg.quote(label, span))
    return verdict, summary, cast(LabelStatus, status.status)


def guideline_sentences(spans: list[TierSpan], q: Question,
                        reg: CitationRegistry) -> list[Sentence]:
    if not spans:
        return []
    first = spans[0]
    doc = first.hit.document
    about = f" on {q.conditions[0].name}" if q.conditions else ""
    verb = _STANCE_VERB[first.stance]
    out = [reg.claim(f"{_issuer_short(doc)} guidance{about} {verb} {first.matched}.",
                     [(doc, first.span)], terms=[first.matched])]
    if q.generics and not first.named_drug:
        generic = q.generics[0]
        out.append(reg.claim(f"That recommendation does not name {generic} specifically.",
                             [(doc, first.span)], terms=[],
                             absent_terms=drug_names_for(generic)))
    return out


def research_sentence(spans: list[TierSpan], reg: CitationRegistry) -> list[Sentence]:
    if not spans:
        return []
    designs = sorted({str(s.hit.document.document.study_design or "other") for s in spans})
    n = len(spans)
    noun = "record" if n == 1 else "records"
    text = (f"Research: {n} {noun} in the store address{'es' if n == 1 else ''} "
            f"{spans[0].matched} ({', '.join(designs)}).")
    return [reg.claim(text, [(s.hit.document, s.span) for s in spans], terms=[spans[0].matched])]


def build_bottom_line(
    q: Question,
    ev: Evidence,
    reg: CitationRegistry,
    label_spans: dict[str, list[Span]],
    guideline_spans: list[TierSpan],
    research_spans: list[TierSpan],
) -> BottomLine:
    verdict: Sentence | None = None
    summary: list[Sentence] = []
    label_status: LabelStatus | None = None
    first_generic = next(iter(ev.labels), None)
    if first_generic and q.intent in ("role_indication", "general") and q.conditions:
        label = ev.labels[first_generic]
        verdict, summary, label_status = indication_bottom_line(label, first_generic, q, reg)
    if verdict is None:
        for generic, spans in label_spans.items():
            if spans:
                label = ev.labels[generic]
                lead = spans[0]
                if q.intent == "dose":  # the maximum is what a dose question needs first
                    lead = next((s for s in spans if MAXIMUM.search(s.text)), lead)
                verdict = reg.quote(label, lead)
                summary.extend([reg.quote(label, s) for s in spans[:3] if s is not lead][:2])
                break
    if verdict is None and guideline_spans:
        verdict = reg.quote(guideline_spans[0].hit.document, guideline_spans[0].span)
    if verdict is None and research_spans:
        verdict = reg.quote(research_spans[0].hit.document, research_spans[0].span)
    if verdict is None:
        return BottomLine(status="insufficient_evidence")
    if q.intent in ("role_indication", "general", "comparison") or not ev.labels:
        summary.extend(guideline_sentences(guideline_spans, q, reg))
    summary.extend(research_sentence(research_spans, reg))
    return BottomLine(verdict=verdict, summary=summary, status="answered",
                      label_status=label_status)
