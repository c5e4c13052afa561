"""What every human-readable format shares: the page anatomy, its headings and safe text/URL helpers.

Page anatomy (all human formats, in this order):

1. the question as title;
2. **Bottom line** — the verdict line, then the summary paragraph (and the FDA-label status when
   the answer carries one); for an insufficient-evidence answer an **Insufficient evidence**
   heading with the notes saying why replaces it;
3. the tier sections ("From the Guidelines", "From the FDA Drug Label", "From the Research") in
   tier order, each sentence followed by its citation markers ``[1][2]``; an empty section shows
   its ``note``;
4. **Safety** (each item's title and cited sentences), when present;
5. **References** — ``n. citation — section — url``;
6. **Follow-up questions**;
7. the disclaimer;
8. a footer line: corpus snapshot, settings hash, answer id.

Outbound links: only ``http``/``https`` URLs whose host is exactly one of
:data:`ALLOWED_LINK_HOSTS` (and which carry no user-info) become links. Everything else — including
guideline URLs on other hosts, which come from the ingested documents and so are corpus-controlled —
is shown as plain (escaped) text, never as a link.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from medbrief.answer import Answer, Reference, Section, Sentence

TIER_ORDER: dict[str, int] = {"guidelines": 0, "label": 1, "research": 2}
TIER_TITLES: dict[str, str] = {
    "guidelines": "From the Guidelines",
    "label": "From the FDA Drug Label",
    "research": "From the Research",
}

BOTTOM_LINE = "Bottom line"
INSUFFICIENT = "Insufficient evidence"
SAFETY = "Safety"
REFERENCES = "References"
FOLLOW_UP = "Follow-up questions"

INSUFFICIENT_STATUS = "insufficient_evidence"
NO_NOTE = "No evidence from this tier."
NO_REASON = "The indexed evidence does not support an answer to this question."

LABEL_STATUS_TEXT: dict[str, str] = {
    "labeled": "FDA-labeled indication",
    "excluded": "excluded by the FDA label",
    "off_label": "off-label (not an FDA-labeled indication)",
}

ALLOWED_LINK_HOSTS: frozenset[str] = frozenset({
    "pubmed.ncbi.nlm.nih.gov",
    "www.ncbi.nlm.nih.gov",
    "dailymed.nlm.nih.gov",
    "www.guideline.gov",
    "guideline.gov",
})

# C0/C1 control characters (ESC included: no terminal escape sequences from corpus text), DEL,
# and the bidi overrides that can disguise text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_WS = re.compile(r"\s+")


def clean(text: str | None) -> str:
    """One line of displayable text: control characters dropped, whitespace collapsed."""
    if not text:
        return ""
    return _WS.sub(" ", _CONTROL.sub(" ", text)).strip()


def safe_url(url: str | None) -> str | None:
    """``url`` if it may be rendered as a link (http/https, allowlisted host), else ``None``."""
    if not url or url != url.strip() or _CONTROL.search(url) or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or parts.username or parts.password:
        return None
    if port is not None or (parts.hostname or "") not in ALLOWED_LINK_HOSTS:
        return None
    if parts.netloc.lower() != parts.hostname:
        return None
    return url


def ordered_sections(answer: Answer) -> list[Section]:
    """The answer's sections in tier order (guidelines, label, research); stable otherwise."""
    return sorted(answer.sections, key=lambda s: TIER_ORDER.get(s.tier, len(TIER_ORDER)))


def section_title(section: Section) -> str:
    return clean(section.title) or TIER_TITLES.get(section.tier, section.tier)


def citation_numbers(sentence: Sentence) -> list[int]:
    """The sentence's citation numbers, de-duplicated, in the order given."""
    return list(dict.fromkeys(sentence.citations))


def markers(sentence: Sentence) -> str:
    return "".join(f"[{n}]" for n in citation_numbers(sentence))


def sentence_line(sentence: Sentence) -> str:
    """Plain text of a sentence followed by its citation markers."""
    text, marks = clean(sentence.text), markers(sentence)
    return f"{text} {marks}" if marks else text


def label_status_text(answer: Answer) -> str | None:
    """Human wording of the FDA-label status of an indication question, if the answer has one."""
    raw = answer.bottom_line.label_status
    if not raw:
        return None
    return LABEL_STATUS_TEXT.get(raw, clean(raw.replace("_", " ")))


def is_insufficient(answer: Answer) -> bool:
    return answer.bottom_line.status == INSUFFICIENT_STATUS


def insufficient_reasons(answer: Answer) -> list[str]:
    """Why there is no answer: each tier's note ("From the Research: ..."), or a generic reason."""
    reasons = [
        f"{section_title(s)}: {clean(s.note)}"
        for s in ordered_sections(answer)
        if s.note and clean(s.note)
    ]
    return reasons or [NO_REASON]


def sections_to_show(answer: Answer) -> list[Section]:
    """All sections normally; for an insufficient answer only those that still have sentences."""
    sections = ordered_sections(answer)
    if is_insufficient(answer):
        return [s for s in sections if s.sentences]
    return sections


def section_note(section: Section) -> str:
    return clean(section.note) or NO_NOTE


def reference_text(ref: Reference) -> str:
    """The reference line without its number or url: citation (or title), then section."""
    citation = clean(ref.citation) or clean(ref.title) or clean(ref.source_id)
    section = clean(ref.section)
    if not section or section in citation:
        return citation
    return f"{citation} — {section}"


def ordered_references(answer: Answer) -> list[Reference]:
    return sorted(answer.references, key=lambda r: r.n)


def reference_numbers(answer: Answer) -> set[int]:
    return {r.n for r in answer.references}


def footer_text(answer: Answer) -> str:
    return (
        f"Corpus snapshot: {clean(answer.corpus_snapshot) or '-'} · "
        f"Settings: {clean(answer.settings_hash) or '-'} · "
        f"Answer id: {clean(answer.id) or '-'}"
    )
