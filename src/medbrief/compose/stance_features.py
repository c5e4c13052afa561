"""The text features of the PubMedQA-style stance model (see ``stance.py``).

Three ways of cutting text into terms, a small TF-IDF that works on any of them, the negation
marking of the results, and the counted cues. Plain Python: the same code serves training (with
scikit-learn fitting the weights) and inference (numpy only).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

Analyzer = Callable[[str], list[str]]

_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_DIGIT = re.compile(r"\d")
_NEG_TOKEN = re.compile(r"[a-z0-9]+|[.,;:!?]")
_NEGATORS = frozenset({"no", "not", "without", "neither", "nor", "never", "none", "cannot"})
_STOP = frozenset({
    "a", "an", "the", "of", "in", "on", "and", "or", "to", "for", "with", "by", "is", "are",
    "was", "were", "be", "been", "do", "does", "did", "can", "could", "should", "would", "will",
    "may", "might", "it", "its", "this", "that", "these", "those", "as", "at", "from", "than",
    "not", "no", "vs", "versus", "patients", "patient", "study",
})
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
SIGNIFICANT = re.compile(r"\bsignificant(ly)?\b|\bp\s*[<≤]\s*0?\.0[0-5]\d*|\bp\s*[<≤]\s*0?\.00",
                         re.I)
NOT_SIGNIFICANT = re.compile(
    r"\b(no|not|non|without|nor)\b[^.;]{0,40}\b(significant\w*|differ\w*|associat\w*|correlat\w*"
    r"|effect|change\w*|improv\w*|benefit\w*|predict\w*|influence\w*|impact\w*|increase\w*"
    r"|reduc\w*)|\bsimilar\b|\bcomparable\b|\bp\s*[>≥=]\s*0?\.(0[5-9]|[1-9])|\bn\.?s\.?\b"
    r"|\bfailed to\b|\bno longer\b|\bequivalent\b|\bindependent of\b", re.I)
HEDGE = re.compile(r"\b(trend\w*|tended|marginal\w*|borderline|however|although|but|only"
                   r"|partially|mixed|inconsistent|limited|unclear|may|might|some|subgroup)\b", re.I)
_P_VALUE = re.compile(r"\bp\s*([<>=≤≥])\s*(0?\.\d+)", re.I)
_NEGATION_IN_QUESTION = re.compile(r"\b(no|not|without|neither|nor|never|none|cannot|n't)\b", re.I)
CUE_NAMES = ("all_not_significant", "all_significant", "best_overlap", "best_not_significant",
             "best_significant", "contexts", "hedged", "has_p", "n_p", "not_significant",
             "overlap_not_significant", "overlap_significant", "question_negated", "results_length",
             "share_p_significant", "significant")


def _words(text: str) -> set[str]:
    return {w[:6] for w in re.findall(r"[a-z][a-z0-9-]+", text.lower())
            if w not in _STOP and len(w) > 2}


def negation_marked(text: str) -> str:
    """'no significant difference, but' -> 'no NOT_significant NOT_difference but'."""
    out: list[str] = []
    negated = False
    for tok in _NEG_TOKEN.findall(text.lower()):
        if tok in ".,;:!?":
            negated = False
            continue
        if tok in _NEGATORS:
            negated = True
            out.append(tok)
            continue
        out.append(f"NOT_{tok}" if negated else tok)
    return " ".join(out)


def results_text(contexts: Sequence[str]) -> str:
    """The last two contexts: the results (and usually the methods or results before them)."""
    return " ".join(contexts[-2:])


def cues(question: str, contexts: Sequence[str]) -> dict[str, float]:
    """The counted cues (see ``stance.py``), by name."""
    results = contexts[-1] if contexts else ""
    q_words = _words(question)
    sentences = [s for s in _SENT.split(results) if s.strip()]
    total = len(sentences) or 1
    sig = nosig = hedged = 0
    overlap_sig = overlap_nosig = 0.0
    best = (0.0, False, False)
    for s in sentences:
        overlap = len(q_words & _words(s)) / (len(q_words) or 1)
        has_sig, has_nosig = bool(SIGNIFICANT.search(s)), bool(NOT_SIGNIFICANT.search(s))
        sig += has_sig
        nosig += has_nosig
        hedged += bool(HEDGE.search(s))
        overlap_sig += overlap * has_sig
        overlap_nosig += overlap * has_nosig
        if overlap > best[0]:
            best = (overlap, has_sig, has_nosig)
    p_values = [float(v) for _, v in _P_VALUE.findall(results)]
    everything = " ".join(contexts)
    return {
        "significant": sig / total,
        "not_significant": nosig / total,
        "hedged": hedged / total,
        "overlap_significant": overlap_sig,
        "overlap_not_significant": overlap_nosig,
        "best_overlap": best[0],
        "best_significant": float(best[1]),
        "best_not_significant": float(best[2]),
        "n_p": float(len(p_values)),
        "has_p": float(bool(p_values)),
        "share_p_significant": (sum(v < 0.05 for v in p_values) / len(p_values)
                                if p_values else 0.5),
        "question_negated": float(bool(_NEGATION_IN_QUESTION.search(question))),
        "contexts": float(len(contexts)),
        "results_length": math.log1p(len(results)),
        "all_not_significant": math.log1p(len(NOT_SIGNIFICANT.findall(everything))),
        "all_significant": math.log1p(len(SIGNIFICANT.findall(everything))),
    }


def ngrams(text: str) -> list[str]:
    """Lower-cased words of two or more characters, and adjacent pairs of them."""
    toks = _TOKEN.findall(text.lower())
    return toks + [f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)]


def words_without_digits(text: str) -> list[str]:
    """Lower-cased words of two or more characters that carry no digit ("p", "0", "12" dropped):
    numbers in results name doses and counts, not stances."""
    return [t for t in _TOKEN.findall(text.lower()) if not _DIGIT.search(t)]


def char_ngrams(text: str) -> list[str]:
    """Character 3- to 5-grams of the lower-cased text, spaces collapsed and the ends padded: they
    let "necessary"/"necessity" or "predict"/"predictive" share weight on a small training set."""
    padded = " " + " ".join(text.lower().split()) + " "
    return [padded[i:i + n] for n in (3, 4, 5) for i in range(len(padded) - n + 1)]


ANALYZERS: dict[str, Analyzer] = {
    "word_1_2": ngrams,
    "word_1_no_digits": words_without_digits,
    "char_3_5": char_ngrams,
}


def analyzer(name: str) -> Analyzer:
    try:
        return ANALYZERS[name]
    except KeyError:
        raise ValueError(f"unknown analyzer {name!r} (known: {', '.join(ANALYZERS)})") from None


class Tfidf:
    """TF-IDF (sublinear tf, smoothed idf, l2-normalised rows) over the terms of ``analyzer``."""

    def __init__(self, vocabulary: dict[str, int], idf: list[float],
                 analyzer_name: str = "word_1_2") -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self.analyzer_name = analyzer_name
        self.analyze = analyzer(analyzer_name)

    @classmethod
    def fit(cls, docs: list[str], min_df: int = 2, analyzer_name: str = "word_1_2") -> Tfidf:
        analyze = analyzer(analyzer_name)
        return cls.fit_terms([analyze(d) for d in docs], min_df, analyzer_name)

    @classmethod
    def fit_terms(cls, docs: Iterable[Sequence[str]], min_df: int = 2,
                  analyzer_name: str = "word_1_2") -> Tfidf:
        """Fit on documents already cut into terms (by the analyzer named)."""
        df: Counter[str] = Counter()
        n = 0
        for terms in docs:
            df.update(set(terms))
            n += 1
        kept = sorted(t for t, k in df.items() if k >= min_df)
        idf = [math.log((1 + n) / (1 + df[t])) + 1.0 for t in kept]
        return cls({t: i for i, t in enumerate(kept)}, idf, analyzer_name)

    def transform(self, doc: str) -> dict[int, float]:
        return self.transform_terms(self.analyze(doc))

    def transform_terms(self, terms: Sequence[str]) -> dict[int, float]:
        counts = Counter(t for t in terms if t in self.vocabulary)
        row = {self.vocabulary[t]: (1.0 + math.log(c)) * self.idf[self.vocabulary[t]]
               for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in row.values()))
        return {i: v / norm for i, v in row.items()} if norm else {}

    def terms_in_order(self) -> list[str]:
        return sorted(self.vocabulary, key=self.vocabulary.__getitem__)
