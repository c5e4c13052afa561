"""Small text helpers shared by parsers and the composer: markup removal, whitespace, sentences."""

from __future__ import annotations

import html
import re

_BLOCK_TAGS = re.compile(r"(?i)<\s*/?\s*(p|div|li|ul|ol|br|tr|table|h[1-6]|section|paragraph)\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")
_WS = re.compile(r"[ \t\r\f\v\u00a0\u2009\u200b]+")
_NL = re.compile(r"\s*\n\s*")


def normalize_ws(text: str) -> str:
    """Collapse runs of whitespace to single spaces and trim."""
    return _WS.sub(" ", text.replace("\n", " ")).strip()


def html_to_text(markup: str, keep_blocks: bool = False) -> str:
    """Strip tags and entities from an HTML fragment.

    With ``keep_blocks`` block-level elements (paragraphs, list items, rows) become newlines so the
    caller can split on them; otherwise the result is one line.
    """
    if not markup:
        return ""
    text = _BLOCK_TAGS.sub("\n", markup) if keep_blocks else _BLOCK_TAGS.sub(" ", markup)
    text = html.unescape(_TAG.sub(" ", text))
    if keep_blocks:
        lines = [_WS.sub(" ", line).strip() for line in text.split("\n")]
        return "\n".join(line for line in lines if line)
    return normalize_ws(text)


# Sentence boundaries: ., ! or ? followed by space and an upper-case letter / digit / quote,
# not after common abbreviations found in labels and abstracts.
_ABBREV = (
    "e.g", "i.e", "vs", "etc", "approx", "fig", "ref", "dr", "no", "al", "mg", "t.i.d", "b.i.d",
    "q.i.d", "q.d", "p.o", "u.s", "st", "inc", "co", "ltd", "jr", "sr", "resp", "min", "max",
)
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9]|[a-z][.)]\s+[A-Z])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) character spans of the sentences in ``text``.

    Spans index into ``text`` itself so a cited sentence can always be checked against the passage.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    while start < n and text[start].isspace():
        start += 1
    for m in _BOUNDARY.finditer(text):
        end = m.start()
        # include a closing quote/bracket captured before the whitespace
        while end < m.end() and not text[end].isspace():
            end += 1
        candidate = text[start:end]
        last = candidate.rstrip().rsplit(" ", 1)[-1].lower()
        if last.endswith(".") and not last.endswith((").", '".', "].")):
            tail = last.rstrip(".").lstrip("(\"'[")
            if tail in _ABBREV or (len(tail) == 1 and tail.isalpha()):
                continue
        if candidate.strip():
            spans.append((start, end))
        start = m.end()
    if start < n and text[start:].strip():
        end = n
        while end > start and text[end - 1].isspace():
            end -= 1
        spans.append((start, end))
    return spans
