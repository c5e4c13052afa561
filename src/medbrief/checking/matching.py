"""What the rules share: the outcome type, the claim under check, and the word-overlap matcher
used where no specific rule applies (warnings, renal/hepatic, overdose, other statements)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from medbrief.checking.evidence import Finding, LabelView, Role
from medbrief.checking.extract import Draft
from medbrief.checking.vocab import FILLER, WORD_SYNONYMS
from medbrief.compose.spans import Span

Verdict = Literal["contradicted", "unsupported", "supported", "out_of_scope"]
VERDICTS: tuple[str, ...] = ("contradicted", "unsupported", "supported", "out_of_scope")
_WORD = re.compile(r"[a-z][a-z'-]*[a-z]|[a-z]")
_SUFFIXES = ("ations", "ation", "ities", "ity", "ness", "ments", "ment", "ingly", "ing", "edly",
             "ed", "ies", "es", "ly", "s", "al", "ic", "y", "e")
# Overlap needed for the matcher to call a claim stated by a span.
MIN_COVERAGE = 0.6
MIN_MATCHED = 2


@dataclass(slots=True)
class Outcome:
    verdict: Verdict
    reason: str
    findings: list[Finding] = field(default_factory=list)


@dataclass(slots=True)
class Claim:
    """A draft claim together with the label it is checked against (None: no label)."""

    draft: Draft
    label: LabelView | None
    names: list[str]  # the drug's names (generic and brands), lower case

    @property
    def text(self) -> str:
        """The claim's own words plus any run-in/lead-in it leans on (headings excluded)."""
        return self.draft.analysis

    @property
    def own(self) -> str:
        return self.draft.unit.text

    @property
    def drug(self) -> str:
        return self.draft.drug


def stem(word: str) -> str:
    word = WORD_SYNONYMS.get(word, word)
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def content_words(text: str, exclude: Iterable[str] = ()) -> dict[str, str]:
    """stem -> first surface word, for the words of ``text`` that carry meaning."""
    skip = {w.lower() for name in exclude for w in name.split()}
    out: dict[str, str] = {}
    for m in _WORD.finditer(text.lower().replace("’", "'")):
        w = m.group(0).strip("'-")
        if len(w) < 3 or w in FILLER or w in skip:
            continue
        out.setdefault(stem(w), w)
    return out


def span_words(span_text: str) -> dict[str, str]:
    """stem -> surface word as written in the span (for verification terms)."""
    out: dict[str, str] = {}
    for m in _WORD.finditer(span_text.lower()):
        w = m.group(0).strip("'-")
        if len(w) >= 3:
            out.setdefault(stem(w), w)
    return out


def best_overlap(claim_text: str, spans: list[Span], exclude: Iterable[str]) -> tuple[
        float, Span | None, list[str]]:
    """The span sharing the largest share of the claim's content words: (coverage, span, the
    shared words as the span writes them)."""
    words = content_words(claim_text, exclude)
    if not words:
        return 0.0, None, []
    best: tuple[float, int, Span | None, list[str]] = (0.0, 0, None, [])
    for span in spans:
        have = span_words(span.text)
        shared = [have[s] for s in words if s in have]
        coverage = len(shared) / len(words)
        if (coverage, len(shared)) > (best[0], best[1]):
            best = (coverage, len(shared), span, shared)
    return best[0], best[2], best[3]


def overlap_rule(c: Claim, sections: tuple[str, ...] | None, what: str) -> Outcome:
    """Supported when one label span shares most of the claim's content words."""
    assert c.label is not None
    coverage, span, shared = best_overlap(c.own, c.label.spans(sections), c.names)
    if span is not None and coverage >= MIN_COVERAGE and len(shared) >= MIN_MATCHED:
        return Outcome("supported", f"The label's {what} states this "
                       f"({len(shared)} of the claim's key words in one sentence).",
                       [c.label.finding(span, "states", shared)])
    related = [c.label.finding(span, "related", shared)] \
        if span is not None and len(shared) >= MIN_MATCHED else []
    return Outcome("unsupported", f"The label's {what} does not state this.", related)


def finding(label: LabelView, span: Span, role: Role, terms: Iterable[str]) -> Finding:
    return label.finding(span, role, terms)
