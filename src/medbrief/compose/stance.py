"""Does a study's abstract answer its question yes, no or maybe? (PubMedQA-style stance)

``predict_stance(question, contexts)`` reads the question and the abstract without its conclusion
(background, methods, results) and returns "yes", "no" or "maybe". It is a multinomial logistic
regression over three views of the text:

* the question's words and word pairs (TF-IDF): "Is routine ... necessary?" leans "no";
* the last two contexts — usually the results — with negation marked ("no significant difference"
  -> ``no NOT_significant NOT_difference``), TF-IDF;
* a dozen counted cues: share of results sentences reporting significance or its absence, p-values
  under / over 0.05, hedges ("trend", "however"), and how much the question's words overlap the
  sentences carrying each cue.

The weights live in ``data/models/pubmedqa-stance.json``, trained only on the PubMedQA development
file by ``python -m medbrief.evaluate.train_pubmedqa`` (which also records its cross-validated
accuracy there). Inference is plain Python and numpy: no scikit-learn at run time.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import numpy as np

from medbrief.errors import MedbriefError

Stance = Literal["yes", "no", "maybe"]
MODEL_RESOURCE = "data/models/pubmedqa-stance.json"

_TOKEN = re.compile(r"(?u)\b\w\w+\b")
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


def results_text(contexts: list[str] | tuple[str, ...]) -> str:
    return " ".join(contexts[-2:])


def cues(question: str, contexts: list[str] | tuple[str, ...]) -> dict[str, float]:
    """The counted cues (see the module docstring), by name."""
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


class Tfidf:
    """TF-IDF (sublinear tf, smoothed idf, l2-normalised rows) over ``ngrams``."""

    def __init__(self, vocabulary: dict[str, int], idf: list[float]) -> None:
        self.vocabulary = vocabulary
        self.idf = idf

    @classmethod
    def fit(cls, docs: list[str], min_df: int = 2) -> Tfidf:
        df: Counter[str] = Counter()
        for doc in docs:
            df.update(set(ngrams(doc)))
        terms = sorted(t for t, n in df.items() if n >= min_df)
        n = len(docs)
        idf = [math.log((1 + n) / (1 + df[t])) + 1.0 for t in terms]
        return cls({t: i for i, t in enumerate(terms)}, idf)

    def transform(self, doc: str) -> dict[int, float]:
        counts = Counter(t for t in ngrams(doc) if t in self.vocabulary)
        row = {self.vocabulary[t]: (1.0 + math.log(c)) * self.idf[self.vocabulary[t]]
               for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in row.values()))
        return {i: v / norm for i, v in row.items()} if norm else {}


@dataclass(slots=True)
class StanceModel:
    classes: list[str]
    question: Tfidf
    results: Tfidf
    question_weight: float
    cue_mean: list[float]
    cue_scale: list[float]
    coef: np.ndarray  # classes x features
    intercept: np.ndarray
    meta: dict[str, Any]

    @property
    def n_features(self) -> int:
        return len(self.question.vocabulary) + len(self.results.vocabulary) + len(CUE_NAMES)

    def features(self, question: str, contexts: list[str] | tuple[str, ...],
                 cue_values: dict[str, float] | None = None) -> dict[int, float]:
        """One sparse feature row: question TF-IDF, results TF-IDF, standardised cues."""
        row = {i: v * self.question_weight for i, v in self.question.transform(question).items()}
        offset = len(self.question.vocabulary)
        row.update({offset + i: v for i, v in
                    self.results.transform(negation_marked(results_text(contexts))).items()})
        offset += len(self.results.vocabulary)
        values = cue_values if cue_values is not None else cues(question, contexts)
        for j, name in enumerate(CUE_NAMES):
            row[offset + j] = (values[name] - self.cue_mean[j]) / self.cue_scale[j]
        return row

    def probabilities(self, question: str, contexts: list[str] | tuple[str, ...]
                      ) -> dict[str, float]:
        row = self.features(question, contexts)
        idx = np.fromiter(row.keys(), dtype=np.int64, count=len(row))
        val = np.fromiter(row.values(), dtype=np.float64, count=len(row))
        scores = self.coef[:, idx] @ val + self.intercept
        scores = np.exp(scores - scores.max())
        probs = scores / scores.sum()
        return {c: float(p) for c, p in zip(self.classes, probs, strict=True)}

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "classes": self.classes,
            "question_vocabulary": sorted(self.question.vocabulary,
                                          key=self.question.vocabulary.__getitem__),
            "question_idf": [round(x, 6) for x in self.question.idf],
            "results_vocabulary": sorted(self.results.vocabulary,
                                         key=self.results.vocabulary.__getitem__),
            "results_idf": [round(x, 6) for x in self.results.idf],
            "question_weight": self.question_weight,
            "cue_names": list(CUE_NAMES),
            "cue_mean": [round(x, 6) for x in self.cue_mean],
            "cue_scale": [round(x, 6) for x in self.cue_scale],
            "coef": [[round(float(x), 6) for x in row] for row in self.coef],
            "intercept": [round(float(x), 6) for x in self.intercept],
            "meta": self.meta,
        }

    @classmethod
    def from_json_dict(cls, data: dict[str, Any]) -> StanceModel:
        if list(data.get("cue_names", [])) != list(CUE_NAMES):
            raise MedbriefError("the stance model was trained with other cue features; retrain "
                                "it with `python -m medbrief.evaluate.train_pubmedqa`")
        qv, rv = data["question_vocabulary"], data["results_vocabulary"]
        return cls(
            classes=list(data["classes"]),
            question=Tfidf({t: i for i, t in enumerate(qv)}, list(data["question_idf"])),
            results=Tfidf({t: i for i, t in enumerate(rv)}, list(data["results_idf"])),
            question_weight=float(data["question_weight"]),
            cue_mean=list(data["cue_mean"]), cue_scale=list(data["cue_scale"]),
            coef=np.asarray(data["coef"], dtype=np.float64),
            intercept=np.asarray(data["intercept"], dtype=np.float64),
            meta=dict(data.get("meta", {})),
        )


def load_model(path: Path | None = None) -> StanceModel:
    """The stance model at ``path``, or the one shipped with medbrief."""
    where = str(path) if path else f"medbrief/{MODEL_RESOURCE}"
    try:
        if path is None:
            text = files("medbrief").joinpath(MODEL_RESOURCE).read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        return StanceModel.from_json_dict(json.loads(text))
    except FileNotFoundError:
        raise MedbriefError(f"no stance model at {where}; build it with `python -m "
                            "medbrief.evaluate.train_pubmedqa --file PUBMEDQA_DEV_JSON`") from None
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise MedbriefError(f"the stance model at {where} is unreadable ({exc}); rebuild it with "
                            "`python -m medbrief.evaluate.train_pubmedqa`") from None


@lru_cache(maxsize=1)
def default_model() -> StanceModel:
    return load_model()


def stance_probabilities(question: str, contexts: list[str] | tuple[str, ...]
                         ) -> dict[str, float]:
    """P(yes), P(no), P(maybe) for ``question`` given the abstract's ``contexts``."""
    return default_model().probabilities(question, contexts)


def predict_stance(question: str, contexts: list[str] | tuple[str, ...]) -> Stance:
    """"yes", "no" or "maybe": what the study (``contexts``, without its conclusion) answers."""
    probs = stance_probabilities(question, contexts)
    best = max(probs, key=lambda c: probs[c])
    return best  # type: ignore[return-value]
