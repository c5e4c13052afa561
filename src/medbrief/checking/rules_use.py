"""Verdict rules for uses (indications): the label's Indications section first, then guideline
recommendations and research on the condition.

Per condition the claim names:

* the label says the drug's efficacy in it is not established / it is not indicated / it did
  not benefit (in Indications or Warnings) -> **contradicted** (unless the article says so too);
* the label lists it among the uses -> **supported** (contradicted if the article calls it
  off-label);
* the label does not mention it -> an article that calls the use off-label or unapproved is
  **supported** (the Indications section does not list it); one that says the FDA approved it is
  **contradicted**; otherwise a guideline recommendation that names the drug decides (for or
  against), or research when the article cites studies; failing that **unsupported**, with
  guideline recommendations on the drug's class shown as related evidence.

A claim naming several conditions is contradicted if any one is, supported if all are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from medbrief.checking import evidence as ev
from medbrief.checking.evidence import Finding, LabelView, passage_spans
from medbrief.checking.matching import Claim, Outcome, overlap_rule
from medbrief.checking.vocab import OFF_LABEL, ON_LABEL_ASSERTION, RESEARCH_CUE, has_term
from medbrief.compose.label import NEGATION
from medbrief.compose.spans import Span
from medbrief.store.repository import StoredDocument
from medbrief.understand.conditions import ConditionMention

# The label's ways of saying a use is not established (the answer's NEGATION plus "not found
# effective" and "not demonstrated").
USE_NEGATION = re.compile(NEGATION.pattern + r"|\bnot (?:been )?(?:found|proven|demonstrated) "
                          r"(?:to be )?(?:effective|useful)|\bnot been demonstrated\b", re.I)
_CLAUSE_SPLIT = re.compile(r";|\bbut\b|\bhowever\b|\bwhereas\b", re.I)
_QUALIFIER = re.compile(r"^\W*(?:resulting from|due to|caused by|secondary to|associated with"
                        r"|of|from|in)\s+((?:\w[\w'-]*\s*){1,4})", re.I)
_GENERIC_MODIFIERS = ("muscle", "chronic", "acute", "severe", "mild", "painful", "involuntary",
                      "muscular")
_NEG_CLAIM = re.compile(r"\bnot (?:been )?(?:established|effective|recommended|approved|indicated|"
                        r"shown|proven|useful)|\bno (?:significant |proven |real )?benefit"
                        r"|\bdoes(?: not|n't) (?:work|help)|\bineffective\b|\bshould not be used",
                        re.I)
_GUIDE_AGAINST = re.compile(r"\bagainst\b|\b(?:should|do|does|must) not (?:be )?(?:use|offer|prescrib"
                            r"|recommend|give|routinely)\w*|\bnot (?:be )?(?:recommended|used|"
                            r"prescribed|offered)\b|\binsufficient evidence\b|\bno evidence\b"
                            r"|\bnot enough evidence\b|\bcannot be made\b|\bnot routinely\b"
                            r"|\bavoid\w*", re.I)
_GUIDE_FOR = re.compile(r"\brecommend\w*|\bsuggest\w*|\bconsider\w*|\bshould (?:be )?(?:offer|use|"
                        r"prescrib|select|consider)\w*|\bmay (?:be )?(?:use|prescrib|offer|"
                        r"consider)\w*|\bfirst-line\b|\beffective\b|\bselect\b|\bcan be (?:given|used|offered|"
                        r"considered|prescribed)\b", re.I)


@dataclass(slots=True)
class GuidelineSpan:
    doc: StoredDocument
    span: Span
    names_drug: bool  # names the drug itself (else its class)


class UseSources(Protocol):
    def guideline_spans(self, drug: str, condition: ConditionMention) -> list[GuidelineSpan]: ...

    def research_spans(self, drug: str, condition: ConditionMention) -> list[
        tuple[StoredDocument, Span]]: ...


def condition_terms(condition: ConditionMention) -> list[str]:
    terms = list(condition.terms)
    for t in list(terms):
        words = t.split()
        if len(words) > 1 and words[0] in _GENERIC_MODIFIERS:
            terms.append(" ".join(words[1:]))
    return list(dict.fromkeys(terms))


def _qualified_elsewhere(span_text: str, term: str, claim_text: str) -> bool:
    """The span's statement is about ``term`` *resulting from* something the claim does not name
    ("muscle spasm resulting from rheumatic disorders" vs a claim about spasms in MS)."""
    m = re.search(re.escape(term), span_text, re.I)
    if not m:
        return False
    q = _QUALIFIER.match(span_text[m.end():])
    if not q:
        return False
    words = [w for w in re.findall(r"[a-z]{5,}", q.group(1).lower())]
    return bool(words) and not any(w[:6] in claim_text.lower() for w in words)


def label_status(label: LabelView, condition: ConditionMention, claim_text: str) -> tuple[
        str, Span | None, str]:
    """(excluded | labeled | absent, deciding span, the label's word for it)."""
    terms = condition_terms(condition)
    negatives = label.spans(ev.INDICATIONS) + label.spans(("warnings_precautions",
                                                            "boxed_warning"))
    for span in negatives:
        for clause in _CLAUSE_SPLIT.split(span.text):
            term = next((t for t in terms if has_term(clause, t)), None)
            if term and USE_NEGATION.search(clause) and \
                    not _qualified_elsewhere(clause, term, claim_text):
                return "excluded", span, term
    for span in label.spans(ev.INDICATIONS):
        term = next((t for t in terms if has_term(span.text, t)), None)
        if term and not USE_NEGATION.search(span.text):
            return "labeled", span, term
    return "absent", None, ""


def _guideline_verdict(c: Claim, cond: ConditionMention, src: UseSources,
                       negative_claim: bool) -> tuple[str, str, list[Finding]] | None:
    hits = src.guideline_spans(c.drug, cond)
    named = [h for h in hits if h.names_drug]
    for h in named:
        against = bool(_GUIDE_AGAINST.search(h.span.text))
        favour = bool(_GUIDE_FOR.search(h.span.text)) and not against
        if not (against or favour):
            continue
        agrees = against == negative_claim
        verdict = "supported" if agrees else "contradicted"
        how = "recommends against it or finds the evidence insufficient" if against \
            else "recommends it"
        return verdict, f"a guideline on {cond.name} {how}", [
            Finding(h.doc, h.span, "states" if agrees else "contradicts", [c.drug])]
    return None


def _related_guidelines(c: Claim, cond: ConditionMention, src: UseSources) -> list[Finding]:
    out: list[Finding] = []
    for h in src.guideline_spans(c.drug, cond)[:3]:
        out.append(Finding(h.doc, h.span, "related", []))
    return out


def _one(c: Claim, cond: ConditionMention, src: UseSources) -> tuple[str, str, list[Finding]]:
    text = c.text
    off_label = bool(OFF_LABEL.search(text))
    negative = bool(_NEG_CLAIM.search(c.own))
    if c.label is not None:
        status, span, term = label_status(c.label, cond, text)
        if status == "excluded":
            assert span is not None
            agrees = off_label or negative
            f = c.label.finding(span, "states" if agrees else "contradicts", [term])
            extra = [x for x in (_guideline_verdict(c, cond, src, True) or ("", "", []))[2]]
            for x in extra:
                x.role = "states" if agrees else "contradicts"
            if agrees:
                return "supported", f"the label says {c.drug} is not established or not " \
                    f"recommended for {cond.name}", [f, *extra]
            return "contradicted", f"the label says the efficacy of {c.drug} in {cond.name} has " \
                "not been established / it is not recommended or not indicated", [f, *extra]
        if status == "labeled":
            assert span is not None
            if off_label or negative:
                return "contradicted", f"{cond.name} is a labeled use of {c.drug}", [
                    c.label.finding(span, "contradicts", [term])]
            return "supported", f"the label lists {cond.name} among the uses of {c.drug}", [
                c.label.finding(span, "states", [term])]
        absent = c.label.absence(ev.INDICATIONS, condition_terms(cond))
        if absent is not None and off_label:
            return "supported", f"{cond.name} is not among the label's indications " \
                "(an off-label use, as the article says)", [absent,
                                                             *_related_guidelines(c, cond, src)]
        if absent is not None and ON_LABEL_ASSERTION.search(text):
            absent.role = "contradicts"
            return "contradicted", f"the label's indications do not include {cond.name}", [
                absent]
    decided = _guideline_verdict(c, cond, src, negative)
    if decided is not None:
        return decided
    if RESEARCH_CUE.search(text):
        papers = src.research_spans(c.drug, cond)
        if papers:
            doc, span = papers[0]
            return "supported", f"research in the store studies {c.drug} for {cond.name}", [
                Finding(doc, span, "states", [])]
    related = _related_guidelines(c, cond, src)
    where = "the label does not list it" if c.label is not None else "the store has no label"
    guide = "; guideline recommendations on it do not name the drug" if related else \
        "; no guideline recommendation names the drug for it"
    return "unsupported", f"{cond.name}: {where}{guide}", related


def check_indication(c: Claim, src: UseSources) -> Outcome:
    if not c.draft.conditions:
        if c.label is not None:
            return overlap_rule(c, ev.INDICATIONS + ev.DOSE, "Indications and Dosage sections")
        return Outcome("unsupported", "Use: the claim names no condition to check.", [])
    parts = [_one(c, cond, src) for cond in c.draft.conditions]
    for verdict in ("contradicted", "unsupported", "supported"):
        if any(v == verdict for v, _, _ in parts):
            chosen = [p for p in parts if p[0] == verdict]
            reason = "; ".join(dict.fromkeys(r for _, r, _ in chosen))
            findings = [f for _, _, fs in parts for f in fs]
            return Outcome(verdict, "Use: " + reason[:1].upper() + reason[1:] + ".",
                           findings)
    return Outcome("unsupported", "Use: nothing to check.", [])


def guideline_spans_for(doc: StoredDocument, names: list[str], class_terms: list[str]
                        ) -> list[GuidelineSpan]:
    """Recommendation sentences of a guideline that name the drug (or else its class)."""
    out: list[GuidelineSpan] = []
    for p in doc.passages:
        for span in passage_spans(p):
            if any(has_term(span.text, n) for n in names):
                out.append(GuidelineSpan(doc, span, True))
            elif any(has_term(span.text, t) for t in class_terms):
                out.append(GuidelineSpan(doc, span, False))
    return out
