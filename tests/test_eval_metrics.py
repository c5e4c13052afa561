"""Evaluation metrics on tiny hand-made inputs whose answers are worked out by hand."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medbrief.evaluate.metrics import (
    accuracy,
    lcs_length,
    macro_f1,
    per_class_counts,
    rouge_l_recall,
    share,
    token_f1,
    tokens,
)


def _lcs_table(a: list[str], b: list[str]) -> int:
    """The textbook O(n*m) dynamic programme, to check the bit-parallel one against."""
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def test_tokens_drop_case_and_punctuation() -> None:
    assert tokens("Take 1 TABLET, twice-daily.") == ["take", "1", "tablet", "twice", "daily"]
    assert tokens("") == []


@pytest.mark.parametrize(("a", "b", "n"), [
    ("a b c d", "a c d", 3),
    ("a b c", "c b a", 1),
    ("a a a", "a", 1),
    ("x y", "", 0),
    ("the cat sat on the mat", "the mat sat on the cat", 4),
])
def test_lcs_known_answers(a: str, b: str, n: int) -> None:
    assert lcs_length(a.split(), b.split()) == n
    assert lcs_length(b.split(), a.split()) == n


@given(st.lists(st.sampled_from("abcd"), max_size=40), st.lists(st.sampled_from("abcd"), max_size=40))
def test_lcs_matches_the_table(a: list[str], b: list[str]) -> None:
    assert lcs_length(a, b) == _lcs_table(a, b)


def test_rouge_l_recall() -> None:
    assert rouge_l_recall("the cat sat", "the cat sat on the mat") == pytest.approx(3 / 6)
    assert rouge_l_recall("mat the on", "the cat sat on the mat") == pytest.approx(2 / 6)
    assert rouge_l_recall("anything at all", "") == 0.0
    assert rouge_l_recall("", "the reference") == 0.0
    # recall: a longer candidate that contains the reference in order scores 1
    assert rouge_l_recall("first the cat then sat", "the cat sat") == 1.0


def test_token_f1() -> None:
    # common tokens a, b: precision 2/3, recall 2/4 -> F1 = 4/7
    assert token_f1("a b c", "a b d d") == pytest.approx(4 / 7)
    assert token_f1("a a", "a") == pytest.approx(2 * (1 / 2) * 1 / (1 / 2 + 1))
    assert token_f1("x y", "a b") == 0.0
    assert token_f1("", "a b") == 0.0
    assert token_f1("Same words.", "same WORDS") == 1.0


def test_accuracy() -> None:
    assert accuracy(["yes", "no", "maybe"], ["yes", "yes", "maybe"]) == pytest.approx(2 / 3)
    assert accuracy([], []) == 0.0
    with pytest.raises(ValueError):
        accuracy(["yes"], ["yes", "no"])


def test_per_class_counts_and_macro_f1() -> None:
    gold = ["yes", "yes", "no", "maybe"]
    pred = ["yes", "no", "no", "yes"]
    counts = per_class_counts(gold, pred, ["yes", "no", "maybe"])
    assert counts["yes"] == {"gold": 2, "predicted": 2, "correct": 1, "precision": 0.5,
                             "recall": 0.5, "f1": 0.5}
    assert counts["no"]["precision"] == 0.5 and counts["no"]["recall"] == 1.0
    assert counts["no"]["f1"] == pytest.approx(2 / 3)
    assert counts["maybe"] == {"gold": 1, "predicted": 0, "correct": 0, "precision": 0.0,
                               "recall": 0.0, "f1": 0.0}
    assert macro_f1(gold, pred, ["yes", "no", "maybe"]) == pytest.approx((0.5 + 2 / 3 + 0) / 3)
    # the always-"yes" baseline: F1 of "yes" only, averaged over the three classes
    always = ["yes"] * 4
    assert macro_f1(gold, always, ["yes", "no", "maybe"]) == pytest.approx((2 / 3) / 3)
    # without explicit labels, every label seen in either list counts
    assert set(per_class_counts(["a"], ["b"])) == {"a", "b"}
    assert macro_f1(["a"], ["b"]) == 0.0


@settings(deadline=None)  # the first call imports scikit-learn
@given(st.lists(st.tuples(st.sampled_from(["yes", "no", "maybe"]),
                          st.sampled_from(["yes", "no", "maybe"])), min_size=1, max_size=60))
def test_macro_f1_agrees_with_scikit_learn(pairs: list[tuple[str, str]]) -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    gold = [g for g, _ in pairs]
    pred = [p for _, p in pairs]
    labels = ["yes", "no", "maybe"]
    expected = metrics.f1_score(gold, pred, labels=labels, average="macro", zero_division=0)
    assert macro_f1(gold, pred, labels) == pytest.approx(expected)
    assert accuracy(gold, pred) == pytest.approx(metrics.accuracy_score(gold, pred))


def test_share() -> None:
    assert share(1, 4) == 0.25
    assert share(0, 0) is None
