"""Sentence spans of stored passages: the unit every answer sentence is cut from and cited to."""

from __future__ import annotations

import re
from dataclasses import dataclass

from medbrief.store.repository import StoredPassage
from medbrief.textutil import split_sentences

# Leading clutter a label sentence may start with: an ALL-CAPS heading ("INDICATIONS AND USAGE"),
# a numbered heading ("5.1 "), a list marker ("b. "), a run-in title ("Abrupt Drug Withdrawal: ").
_CAPS_HEADING = re.compile(r"^(?:\d+(?:\.\d+)*\s+)?(?:[A-Z][A-Z0-9&/,()'-]*\s+){1,8}(?=[A-Z][a-z])")
_LIST_MARKER = re.compile(r"^(?:[a-z0-9]{1,2}[.)]|[•\-–*])\s+")
_RUN_IN = re.compile(r"^(?:[A-Z][\w'-]*\s+){0,5}[A-Z]?[\w'-]*:\s+(?=[A-Z])")
MIN_WORDS = 5
MAX_WORDS = 70


@dataclass(slots=True, frozen=True)
class Span:
    passage: StoredPassage
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.passage.text[self.start:self.end]


def _trim(text: str, start: int, end: int) -> int:
    for rx in (_CAPS_HEADING, _LIST_MARKER, _RUN_IN):
        m = rx.match(text[start:end])
        if m and m.end() < end - start:
            start += m.end()
    return start


def sentence_spans(passage: StoredPassage) -> list[Span]:
    """Citable sentences of a passage (headings trimmed, fragments and table rows dropped)."""
    text = passage.text
    out: list[Span] = []
    for s, e in split_sentences(text):
        s = _trim(text, s, e)
        chunk = text[s:e]
        words = chunk.split()
        if not (MIN_WORDS <= len(words) <= MAX_WORDS):
            continue
        letters = sum(c.isalpha() for c in chunk)
        if letters < 0.6 * len(chunk.replace(" ", "")):
            continue  # mostly numbers/symbols: a table row
        if chunk.isupper():
            continue
        if not chunk[0].isupper() and not chunk[0].isdigit():
            continue
        out.append(Span(passage, s, e))
    return out
