"""Plain-Python evaluation metrics: ROUGE-L recall, token F1, accuracy, macro-F1, per-class counts.

Tokens are lower-cased runs of letters and digits (punctuation dropped, no stemming, no stop-word
removal), so "Take 1 tablet." and "take 1 TABLET" are the same three tokens.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

_TOKEN = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence of two token sequences.

    Bit-parallel (Allison & Dix 1986, Hyyrö 2004): one big-integer row per token of ``b``, so a
    1,000 x 1,000 comparison costs 1,000 integer operations instead of a million table cells.
    """
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for i, tok in enumerate(a):
        masks[tok] = masks.get(tok, 0) | (1 << i)
    full = (1 << len(a)) - 1
    v = full
    for tok in b:
        u = v & masks.get(tok, 0)
        v = ((v + u) | (v - u)) & full
    return len(a) - v.bit_count()


def rouge_l_recall(candidate: str, reference: str) -> float:
    """Share of the reference's tokens covered, in order, by the candidate (LCS / |reference|)."""
    ref = tokens(reference)
    if not ref:
        return 0.0
    return lcs_length(ref, tokens(candidate)) / len(ref)


def token_f1(candidate: str, reference: str) -> float:
    """Harmonic mean of token precision and recall (bags of tokens, SQuAD style)."""
    cand, ref = tokens(candidate), tokens(reference)
    if not cand or not ref:
        return 0.0
    common = sum((Counter(cand) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(cand), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def accuracy(gold: Sequence[Any], predicted: Sequence[Any]) -> float:
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    if not gold:
        return 0.0
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)


def per_class_counts(gold: Sequence[str], predicted: Sequence[str],
                     labels: Sequence[str] | None = None) -> dict[str, dict[str, float]]:
    """For each label: gold count, predicted count, correct, precision, recall and F1.

    Precision (recall) is 0 when the label is never predicted (never gold), as in scikit-learn's
    ``zero_division=0``.
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    names = list(labels) if labels is not None else sorted(set(gold) | set(predicted))
    g_count, p_count = Counter(gold), Counter(predicted)
    correct = Counter(g for g, p in zip(gold, predicted, strict=True) if g == p)
    out: dict[str, dict[str, float]] = {}
    for name in names:
        tp = correct[name]
        precision = tp / p_count[name] if p_count[name] else 0.0
        recall = tp / g_count[name] if g_count[name] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[name] = {"gold": g_count[name], "predicted": p_count[name], "correct": tp,
                     "precision": precision, "recall": recall, "f1": f1}
    return out


def macro_f1(gold: Sequence[str], predicted: Sequence[str],
             labels: Sequence[str] | None = None) -> float:
    """Unweighted mean of the per-label F1 (labels: the given ones, else every label seen)."""
    counts = per_class_counts(gold, predicted, labels)
    if not counts:
        return 0.0
    return sum(c["f1"] for c in counts.values()) / len(counts)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def share(numerator: int, denominator: int) -> float | None:
    """numerator / denominator, or None when nothing was counted (shown as "n/a")."""
    return numerator / denominator if denominator else None
