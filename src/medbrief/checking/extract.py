"""Claim extraction: an article's blocks in, checkable claims about drugs and skipped text out.

Each sentence of a paragraph and each list item is one unit. A unit is skipped (and counted) when
it is a heading, a question, advice to see a professional, marketing/boilerplate, or says nothing
about a drug; otherwise it is a claim with a subject drug, a kind (indication, dose, side effect
...) and the conditions it names. Context the unit leans on — the heading above it, the lead-in
sentence of a list ("... conditions such as:"), a run-in label ("Alcohol: increases ...") — is
kept with the claim and used to read it, but the claim's location is the unit's own text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from medbrief.checking.article import Article, Block
from medbrief.checking.vocab import (
    ADVICE,
    AGENT_GROUPS,
    ANAPHOR,
    EFFECT_GROUPS,
    KIND_CUES,
    MARKETING,
    MISSED_DOSE,
    QUESTION,
    find_groups,
)
from medbrief.textutil import split_sentences
from medbrief.understand.conditions import ConditionMention, ConditionVocabulary
from medbrief.understand.drugs import DrugLexicon, DrugMention, find_classes

ClaimKind = Literal["indication", "dose", "side_effect", "contraindication", "warning",
                    "interaction", "mechanism", "pregnancy_lactation", "withdrawal",
                    "renal_hepatic", "overdose", "comparison", "other"]
SkipKind = Literal["heading", "question", "advice", "marketing", "lead_in", "not_about_a_drug"]
CLAIM_KINDS: tuple[str, ...] = ("indication", "dose", "side_effect", "contraindication", "warning",
                                "interaction", "mechanism", "pregnancy_lactation", "withdrawal",
                                "renal_hepatic", "overdose", "comparison", "other")
SKIP_KINDS: tuple[str, ...] = ("heading", "question", "advice", "marketing", "lead_in",
                               "not_about_a_drug")
# Kinds an item's own words decide; otherwise the list's lead-in or heading says what it lists.
_SPECIFIC = frozenset({"withdrawal", "pregnancy_lactation", "interaction", "contraindication",
                       "renal_hepatic", "overdose"})
# Kinds specific enough that a sentence without a drug name is read as being about the drug the
# article is discussing ("Gradual tapering prevents withdrawal symptoms.").
_STRONG = frozenset({"dose", "side_effect", "withdrawal", "interaction", "contraindication",
                     "pregnancy_lactation", "renal_hepatic", "overdose"})
# Conditions the store's vocabulary knows that are never what a drug claim is "for".
_NOT_CONDITIONS = frozenset({"europe", "brain", "spinal cord", "united states", "adults", "nerve",
                             "muscle", "muscles", "sleep", "movement", "falls", "accidents",
                             "depression", "breastfeeding", "pregnancy", "mobility", "comfort",
                             "side effects", "drug therapy", "medication", "weight", "body weight",
                             "kidney disease", "renal insufficiency", "alcohol drinking",
                             "severe", "mild", "attention", "risk", "central nervous system",
                             "blood pressure", "pain", "fever", "headache", "seizures"})
_RUN_IN = re.compile(r"^([A-Z][^:.!?]{1,60}):\s+(?=\S)")
_CLASS_WORD = re.compile(r"\b(?:agents?|inhibitors?|drugs|analgesics|antagonists|agonists|blockers"
                         r"|antidepressive|anti-inflammatory)\b", re.I)
_MARKER = re.compile(r"(?:[QA]\d{1,2}|\d{1,2}|[a-z])[.:)]", re.I)
_ABBREV_PAREN = re.compile(r"\s*\((?:[A-Z][A-Za-z0-9-]{0,7})\)")


@dataclass(slots=True)
class Unit:
    """A sentence, list item or heading of the article, with its input offsets."""

    text: str
    start: int
    end: int
    block: int
    in_item: bool = False


@dataclass(slots=True)
class Draft:
    """A claim before checking: what it says, about which drug, of what kind."""

    unit: Unit
    analysis: str  # the text read to check it (context + the unit)
    context: str  # heading / lead-in / run-in it leans on ("" if none)
    drug: str  # generic name of the subject drug
    drug_text: str  # the words naming it (or "it", ...)
    others: list[str] = field(default_factory=list)  # other drugs named
    kind: str = "other"
    conditions: list[ConditionMention] = field(default_factory=list)


@dataclass(slots=True)
class SkippedUnit:
    unit: Unit
    kind: str


@dataclass(slots=True)
class Extraction:
    claims: list[Draft] = field(default_factory=list)
    skipped: list[SkippedUnit] = field(default_factory=list)
    drugs: list[str] = field(default_factory=list)  # drugs the article names, most named first


def first_kind(text: str, vocabulary: bool = True) -> str | None:
    """The first kind whose cue words occur; else ``side_effect`` if a side effect is named."""
    for kind, rx in KIND_CUES:
        if rx.search(text):
            return kind
    if vocabulary and find_groups(text, EFFECT_GROUPS):
        return "side_effect"
    return None


def _units(block: Block, index: int) -> list[Unit]:
    if block.kind == "heading":
        s, e = block.source_span(0, len(block.text))
        return [Unit(block.text, s, e, index)]
    out: list[Unit] = []
    for a, b in split_sentences(block.text):
        while a < b and block.text[a] in " \u2014-":
            a += 1
        if a >= b:
            continue
        if out and _MARKER.fullmatch(out[-1].text) and out[-1].block == index:
            marker = out.pop()  # "Q1." split off its question: one unit
            s, e = marker.start, block.source_span(a, b)[1]
            out.append(Unit(f"{marker.text} {block.text[a:b]}", s, e, index,
                            in_item=block.kind == "item"))
            continue
        s, e = block.source_span(a, b)
        out.append(Unit(block.text[a:b], s, e, index, in_item=block.kind == "item"))
    return out


class Extractor:
    def __init__(self, lexicon: DrugLexicon, vocabulary: ConditionVocabulary) -> None:
        self.lexicon = lexicon
        self.vocabulary = vocabulary

    def drugs_in(self, text: str) -> list[DrugMention]:
        """Drug names written in full (misspelling-tolerant matching is for questions, not prose).
        Class words ("antidepressants", "NSAIDs", "MAO inhibitors") are not a claim's subject:
        they are what it compares with or warns about."""
        return [m for m in self.lexicon.find(text) if m.how != "fuzzy"
                and not _CLASS_WORD.search(m.generic) and not find_classes(m.text)
                and not find_groups(m.text, AGENT_GROUPS)]

    def conditions_in(self, text: str, drug_words: set[str]) -> list[ConditionMention]:
        clean = _ABBREV_PAREN.sub("", text)
        clean = re.sub(r"(?<=[a-z])-(?=related|induced|associated|caused)", " ", clean, flags=re.I)
        found = self.vocabulary.find(clean, exclude=drug_words)
        return [c for c in found if c.name not in _NOT_CONDITIONS and c.text not in drug_words
                and c.name not in drug_words]

    def extract(self, article: Article) -> Extraction:
        result = Extraction()
        counts: Counter[str] = Counter()
        for block in article.blocks:
            for mention in self.drugs_in(block.text):
                counts[mention.generic] += 1
        result.drugs = [g for g, _ in counts.most_common()]
        heading = ""
        heading_drug: str | None = None
        last_drug: str | None = None
        lead = ""  # the paragraph that introduces the list below it
        lead_drug: str | None = None
        after_question: str | None = None
        for index, block in enumerate(article.blocks):
            units = _units(block, index)
            if block.kind == "heading":
                unit = units[0]
                kind = "marketing" if MARKETING.search(unit.text) or block.boilerplate \
                    else "heading"
                result.skipped.append(SkippedUnit(unit, kind))
                heading = unit.text
                named = self.drugs_in(unit.text)
                heading_drug = named[0].generic if named else None
                if heading_drug:
                    last_drug = heading_drug
                lead, lead_drug = "", None
                continue
            if block.kind != "item":
                lead, lead_drug = "", None
            question_drug = after_question
            after_question = None
            run_in = ""
            for i, unit in enumerate(units):
                text = unit.text
                named = self.drugs_in(text)
                if block.boilerplate or MARKETING.search(text):
                    result.skipped.append(SkippedUnit(unit, "marketing"))
                    continue
                if QUESTION.search(text):
                    result.skipped.append(SkippedUnit(unit, "question"))
                    if named:
                        last_drug = after_question = named[0].generic
                    continue
                if block.kind == "item" and i == 0 and (m := _RUN_IN.match(text)):
                    run_in = m.group(1)
                context_parts = [p for p in (lead if block.kind == "item" else "",
                                             run_in if i > 0 else "") if p]
                own_kind = first_kind(text)
                if ADVICE.search(text) and (MISSED_DOSE.search(text) or own_kind not in (
                        "withdrawal", "interaction", "contraindication")):
                    result.skipped.append(SkippedUnit(unit, "advice"))
                    continue
                if text.rstrip().endswith(":") and (not named or own_kind == "comparison"):
                    result.skipped.append(SkippedUnit(unit, "lead_in"))
                    continue
                if block.kind == "item" and heading and not lead and own_kind not in _SPECIFIC:
                    context_parts.append(heading)
                context = " ".join(context_parts)
                analysis = f"{context} {text}".strip() if context else text
                kind = own_kind or "other"
                if block.kind == "item" and own_kind not in _SPECIFIC:
                    kind = first_kind(context) or kind
                cue_text = analysis if block.kind == "item" else text
                drug, drug_text = self._subject(named, text, cue_text, kind, block, lead_drug,
                                                last_drug, heading_drug, question_drug)
                if drug is None:
                    result.skipped.append(SkippedUnit(unit, "not_about_a_drug"))
                    continue
                words = {mention.text for mention in named} | {drug}
                conditions = self.conditions_in(text, words)
                if not conditions and kind == "indication":
                    for extra in (run_in, lead if block.kind == "item" else "", heading):
                        conditions = self.conditions_in(extra, words) if extra else []
                        if conditions:
                            if extra is heading:
                                analysis = f"{heading}: {analysis}"
                                context = " ".join(p for p in (context, heading) if p)
                            break
                others = [mention.generic for mention in named if mention.generic != drug]
                result.claims.append(Draft(unit, analysis, context, drug, drug_text, others,
                                           kind, conditions))
                last_drug = drug
            if block.kind != "item":
                last = units[-1].text if units else ""
                if last.rstrip().endswith(":"):
                    lead = block.text
                    named_lead = self.drugs_in(block.text)
                    lead_drug = named_lead[0].generic if named_lead else last_drug
                    if first_kind(last) == "comparison":  # "compared to X or Y:" lists the
                        lead_drug = heading_drug or last_drug  # article's drug's merits
                    if ADVICE.search(last):
                        lead = ""  # "discuss the following with your doctor:" adds nothing
        return result

    @staticmethod
    def _subject(named: list[DrugMention], text: str, cue_text: str, kind: str, block: Block,
                 lead_drug: str | None, last_drug: str | None, heading_drug: str | None,
                 question_drug: str | None) -> tuple[str | None, str]:
        if named:
            return named[0].generic, named[0].text
        if block.kind == "item" and lead_drug:
            return lead_drug, "(the list's drug)"
        if question_drug:
            return question_drug, "(the question's drug)"
        anaphor = ANAPHOR.search(text)
        if anaphor and last_drug:
            return last_drug, anaphor.group(0)
        if kind in _STRONG and first_kind(cue_text, vocabulary=False) in _STRONG:
            drug = heading_drug or last_drug
            if drug:
                return drug, "(the article's drug)"
        return None, ""
