"""Guideline and research tiers: the sentences that speak to the question, and their stance."""

from __future__ import annotations

import re
from dataclasses import dataclass

from medbrief.compose.spans import Span, sentence_spans
from medbrief.retrieve import TierHit, class_terms, drug_names_for, mentions
from medbrief.understand.question import Question

INSUFFICIENT = re.compile(r"\b(insufficient evidence|no recommendation|unable to recommend"
                          r"|support or refute|level u\b|inconclusive)", re.I)
AGAINST = re.compile(r"\b((?:recommend|suggest)(?:s|ed)? against|do not (offer|use|prescribe|recommend)"
                     r"|should not|not recommended|avoid|against the use|insufficient evidence"
                     r"|no evidence|not effective|not be used|weak against|strong against)\b", re.I)
FOR = re.compile(r"\b((?:recommend|suggest)(?:s|ed)?|should (select|use|offer|consider|pick|choose|try"
                 r"|be (used|offered|considered|tried))"
                 r"|consider|offer|may be (used|considered|offered)|is an option|options? include"
                 r"|first-line|effective|strong for|weak for)\b", re.I)
CONCLUSION_SECTIONS = ("conclusions", "conclusion", "interpretation", "discussion")


@dataclass(slots=True)
class TierSpan:
    hit: TierHit
    span: Span
    matched: str  # the drug/class/condition term this sentence speaks to
    stance: str  # for | against | neutral
    named_drug: bool  # the sentence names the drug itself (not only its class)


_CONDITION_CLAUSE = re.compile(r"^\s*(?:if|when|where|for people|in people|in patients|for patients)"
                               r"\b[^,]*,\s*", re.I)


def stance_of(text: str) -> str:
    """For / against / insufficient / neutral, judged on the main clause ("If X fails, consider
    Y" recommends Y: the failure in the condition is not a stance)."""
    text = _CONDITION_CLAUSE.sub("", text)
    if INSUFFICIENT.search(text):
        return "insufficient"
    if AGAINST.search(text):
        return "against"
    if FOR.search(text):
        return "for"
    return "neutral"


def _terms(q: Question) -> tuple[list[str], list[str], list[str]]:
    drugs = [n for g in q.generics for n in drug_names_for(g)]
    return drugs, class_terms(q.classes), q.condition_terms


def guideline_spans(hits: list[TierHit], q: Question, limit: int) -> list[TierSpan]:
    """Per guideline, the recommendation sentences that name the drug, its class or the condition."""
    drugs, classes, conds = _terms(q)
    out: list[TierSpan] = []
    for hit in hits:
        taken = 0
        for passage in hit.passages:
            for span in sentence_spans(passage):
                text = span.text
                named = mentions(text, drugs)
                matched = next((t for t in drugs if mentions(text, [t])), "")
                if not matched:
                    matched = next((t for t in classes if mentions(text, [t])), "")
                if not matched and not drugs and not classes:
                    matched = next((t for t in conds if mentions(text, [t])), "")
                if not matched:
                    continue
                out.append(TierSpan(hit, span, matched, stance_of(text), named))
                taken += 1
                if taken >= 2:
                    break
            if taken >= 2:
                break
        if len(out) >= limit:
            break
    # sentences that name the drug itself lead; class-level ones follow
    out.sort(key=lambda t: 0 if t.named_drug else 1)
    return out[:limit]


def research_spans(hits: list[TierHit], q: Question, limit: int) -> list[TierSpan]:
    """Per record, its conclusion (or the result sentence) that names the drug or condition."""
    drugs, classes, conds = _terms(q)
    wanted = drugs or classes or conds
    out: list[TierSpan] = []
    for hit in hits:
        passages = sorted(hit.passages, key=lambda p: (
            0 if p.section in CONCLUSION_SECTIONS else 1 if p.section in ("results", "abstract")
            else 2, -p.order))
        chosen: TierSpan | None = None
        for passage in passages:
            if passage.section == "title":
                continue
            spans = sentence_spans(passage)
            if passage.section not in CONCLUSION_SECTIONS:
                spans = list(reversed(spans))  # the last sentences of an abstract conclude
            for span in spans:
                matched = next((t for t in wanted if mentions(span.text, [t])), "")
                if matched:
                    chosen = TierSpan(hit, span, matched, stance_of(span.text),
                                      mentions(span.text, drugs))
                    break
            if chosen:
                break
        if chosen:
            out.append(chosen)
        if len(out) >= limit:
            break
    return out
