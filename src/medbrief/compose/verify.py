"""Check every answer sentence against the stored passages it cites; drop what fails.

A sentence survives only if each of its spans still reads, character for character, what it
quoted, and its own check holds: a quoted sentence equals its span; a claim's terms occur in its
spans; an absence claim's terms occur nowhere in the cited passages.
"""

from __future__ import annotations

import re

from medbrief.answer import Answer, Sentence
from medbrief.audience.plain import derive
from medbrief.compose.citations import renumber
from medbrief.store.repository import Store, StoredPassage

_WS = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip().lower()


def _has(text: str, term: str) -> bool:
    # letters-only boundaries, as retrieval matches them: "baclofen1" (a footnote) names baclofen
    return re.search(rf"(?<![a-z]){re.escape(_norm(term))}(?![a-z])", text) is not None


def sentence_ok(sentence: Sentence, passages: dict[int, StoredPassage]) -> bool:
    if not sentence.support or not sentence.citations:
        return False
    base = sentence.text
    if sentence.source_text is not None:  # plain language: must re-derive from the source
        try:
            if derive(sentence.source_text, sentence.steps) != sentence.text:
                return False
        except (ValueError, KeyError):
            return False
        base = sentence.source_text
    quotes: list[str] = []
    for s in sentence.support:
        p = passages.get(s.passage_id)
        if p is None or not (0 <= s.start < s.end <= len(p.text)):
            return False
        if p.text[s.start:s.end] != s.quote:
            return False
        if s.ref not in sentence.citations:
            return False
        quotes.append(_norm(s.quote))
    joined = " ".join(quotes)
    if sentence.check == "quote":
        return _norm(base) in quotes
    if any(not _has(joined, t) for t in sentence.terms):
        return False
    if sentence.absent_terms:
        whole = " ".join(_norm(passages[s.passage_id].text) for s in sentence.support)
        if any(_has(whole, t) for t in sentence.absent_terms):
            return False
    return bool(sentence.terms or sentence.absent_terms)


def verify_answer(answer: Answer, store: Store) -> Answer:
    """Drop unverifiable sentences, fix section notes, renumber references (in place)."""
    ids = sorted({s.passage_id for sent in answer.all_sentences() for s in sent.support})
    passages = store.passages_by_ids(ids)
    dropped = 0

    def keep(sentences: list[Sentence]) -> list[Sentence]:
        nonlocal dropped
        kept = [s for s in sentences if sentence_ok(s, passages)]
        dropped += len(sentences) - len(kept)
        return kept

    bl = answer.bottom_line
    if bl.verdict is not None and not sentence_ok(bl.verdict, passages):
        dropped += 1
        bl.verdict = None
    bl.summary = keep(bl.summary)
    if bl.verdict is None and bl.summary:
        bl.verdict = bl.summary.pop(0)
    for section in answer.sections:
        section.sentences = keep(section.sentences)
        if not section.sentences and not section.note:
            section.note = "Nothing in this tier could be verified against its sources."
    for item in answer.safety:
        item.sentences = keep(item.sentences)
    answer.safety = [i for i in answer.safety if i.sentences]
    answer.dropped_sentences += dropped
    renumber(answer)
    return answer
