"""Plain-language sentences derived from verified evidence sentences by recorded steps.

Every step is deterministic, so verification can re-derive the plain text from the verified source
sentence and the recorded steps: the citation check holds for every audience.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache, partial

from medbrief.answer import Sentence
from medbrief.audience.glossary import DOSE_WORDS, GLOSSARY


@lru_cache(maxsize=1)
def _glossary() -> list[tuple[str, re.Pattern[str], str]]:
    def boundary(pattern: str) -> str:
        # whole words only where the pattern starts/ends with a word character
        head = r"(?<![\w-])" if re.match(r"[\w(\\]", pattern) else ""
        tail = r"(?![\w-])" if re.search(r"[\w)]$", pattern) else ""
        return f"{head}{pattern}{tail}"

    def keyword(pattern: str) -> str:
        # a literal word every match must contain: lets glossary() skip most regexes cheaply.
        # Escapes, groups, classes and optional characters are removed first; alternation at the
        # top level means no single keyword exists.
        p = re.sub(r"\\.", " ", pattern.lower())
        p = re.sub(r"\([^()]*\)", " ", p)
        p = re.sub(r"\[[^]]*\]", " ", p)
        p = re.sub(r".[?*]", " ", p)
        if "|" in p:
            return ""
        words = re.findall(r"[a-z]{3,}", p)
        return max(words, key=len) if words else ""

    return [(keyword(p), re.compile(boundary(p), re.I), r) for p, r in GLOSSARY]


def _keep_case(match: re.Match[str], replacement: str) -> str:
    original = match.group(0)
    replacement = match.expand(replacement)
    if original[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def glossary(text: str) -> str:
    low = text.lower()
    for key, rx, repl in _glossary():
        if key and key not in low:
            continue
        replaced = rx.sub(partial(_apply, repl), text)
        if replaced != text:
            text, low = replaced, replaced.lower()
    return text


def _apply(replacement: str, match: re.Match[str]) -> str:
    return _keep_case(match, replacement)


def doses(text: str) -> str:
    for pattern, repl in DOSE_WORDS:
        text = re.sub(pattern, repl, text, flags=re.I)
    return text


_REFS = re.compile(r"\s*\((?:see|refer to)\b[^)]*\)", re.I)
_USP = re.compile(r",?\s+USP\b")


def cleanup(text: str) -> str:
    """Drop cross-references "(see WARNINGS)" and ", USP"; tidy spaces before punctuation."""
    text = _REFS.sub("", text)
    text = _USP.sub("", text)
    text = re.sub(r"\s+([.,;:])", r"\1", text)
    return re.sub(r"\s{2,}", " ", text).strip()


MAX_WORDS = 16
_SPLIT_AT = re.compile(r";\s+|,\s+(?=(?:but|so|although|because|while)\b)"
                       r"|,?\s+and,?\s+(?=(?:so|therefore|then)\b)|\.\s+(?=[A-Z])|\s+(?=After that,)"
                       r"|\s+(?=but the\b)")
# A piece must read as a sentence of its own: it needs a verb.
_VERB = re.compile(r"\b(is|are|was|were|be|been|has|have|had|should|may|might|can|could|will|"
                   r"must|do|does|did|occur\w*|cause\w*|reduce\w*|increase\w*|take\w*|use[ds]?|"
                   r"give[ns]?|start\w*|stop\w*|suggest\w*|recommend\w*|help\w*|work\w*|"
                   r"need\w*|lead\w*|improve\w*|show\w*|report\w*|select|offer\w*|consider\w*)\b",
                   re.I)


_DOSE_STEP = re.compile(r"(for \d+ (?:days|weeks))\s+(?=\d)")
_DOSE = re.compile(r"\b\d+(?:\.\d+)? ?(?:mg|mcg|g|mL)\b")


def schedule(text: str) -> str:
    """A run-on titration schedule ("5 mg t.i.d. for 3 days 10 mg ...") becomes a list of steps."""
    return _DOSE_STEP.sub(r"\1; ", text)




_CLAUSES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r",\s+which\s+(?=(?:is|are|was|were|may|can|could|might|has|have|causes?|"
                r"leads?|results?|increases?|reduces?)\b)"), ". This "),
    (re.compile(r",\s+and\s+(?=(?:it|they|this|these|patients|people|you|the drug|the dose)\s+"
                r"(?:is|are|was|were|may|can|should|must|has|have|will|could)\b)"), ". "),
    (re.compile(r",?\s+because\s+(?=\w+\s+\w+\s+\w+)"), ". This is because "),
    (re.compile(r";\s+however,\s+"), ". However, "),
)


def clauses(text: str) -> str:
    """Break long sentences at clause joints into separate sentences (split happens later)."""
    if len(text.split()) <= MAX_WORDS:
        return text
    for rx, repl in _CLAUSES:
        text = rx.sub(repl, text)
    return re.sub(r"\. ([a-z])", lambda m: ". " + m.group(1).upper(), text)


_FRONT = re.compile(r"^(For people with|For patients with|In people with|If|When) ([^,]{8,}?), "
                    r"([a-z].{15,}?)\.?$")


def front_clause(text: str) -> str:
    """Move a leading condition after the main clause: "For people with X, do Y." ->
    "Do Y. This is for people with X." (short sentences, main point first)."""
    m = _FRONT.match(text)
    if not m:
        return text
    lead, cond, rest = m.groups()
    tail = "This applies " + lead.lower() if lead in ("If", "When") else "This is " + lead.lower()
    return f"{rest[0].upper()}{rest[1:]}. {tail} {cond}."


def _sentence_case(piece: str) -> str:
    piece = piece.strip().rstrip(",;")
    piece = re.sub(r"^(?:and|but|which|although)\s+", "", piece)
    piece = re.sub(r"^so,\s+", "So ", piece)
    if not piece:
        return piece
    piece = piece[0].upper() + piece[1:]
    return piece if piece.endswith((".", "!", "?")) else piece + "."


def split(text: str) -> list[str]:
    """Split a long sentence at clause boundaries into short sentences (≥ 4 words each)."""
    if len(text.split()) <= MAX_WORDS:
        return [text]
    raw = _SPLIT_AT.split(text)
    pieces: list[str] = []
    for part in raw:
        if pieces and len(part.split()) < 4 or pieces and len(pieces[-1].split()) < 4:
            pieces[-1] = f"{pieces[-1].rstrip('.')} {part}"
        else:
            pieces.append(part)
    out = [_sentence_case(p) for p in pieces if p.strip()]
    if len(out) > 1 and not all(_VERB.search(p) or _DOSE.search(p) for p in out):
        return [text]  # splitting would leave a fragment without a verb: keep it whole
    return out


STEPS: dict[str, Callable[[str], str]] = {"glossary": glossary, "doses": doses, "cleanup": cleanup,
                                          "schedule": schedule, "front_clause": front_clause,
                                          "clauses": clauses}
PLAIN_STEPS = ("glossary", "doses", "schedule", "cleanup", "front_clause", "clauses")


def derive(source: str, steps: list[str]) -> str:
    """Re-derive a plain sentence from its source sentence and recorded steps."""
    text = source
    for step in steps:
        if step.startswith("split:"):
            k, n = (int(x) for x in step[len("split:"):].split("/"))
            pieces = split(text)
            if len(pieces) != n or not 1 <= k <= n:
                raise ValueError(f"split step {step} does not match the source sentence")
            text = pieces[k - 1]
        else:
            text = STEPS[step](text)
    return text


def plain_sentences(sentence: Sentence) -> list[Sentence]:
    """The plain-language versions of one verified sentence (one or more, same citations)."""
    source = sentence.text
    simplified = source
    for step in PLAIN_STEPS:
        simplified = STEPS[step](simplified)
    pieces = split(simplified)
    out: list[Sentence] = []
    for k, piece in enumerate(pieces, start=1):
        steps = [*PLAIN_STEPS, f"split:{k}/{len(pieces)}"]
        out.append(sentence.model_copy(update={"text": piece, "source_text": source,
                                               "steps": steps}))
    return out
