"""Does a study's abstract answer its question yes, no or maybe? (PubMedQA-style stance)

``predict_stance(question, contexts)`` reads the question and the abstract without its conclusion
(background, methods, results) and returns "yes", "no" or "maybe". It is a multinomial logistic
regression over four views of the text (``stance_features.py`` computes them):

* the question's words and word pairs (TF-IDF): "Is routine ... necessary?" leans "no";
* the question's character 3- to 5-grams (TF-IDF), so "necessary"/"necessity" share weight;
* the last two contexts — usually the results — with negation marked ("no significant difference"
  -> ``no NOT_significant NOT_difference``), words without digits, TF-IDF;
* a dozen counted cues: share of results sentences reporting significance or its absence, p-values
  under / over 0.05, hedges ("trend", "however"), and how much the question's words overlap the
  sentences carrying each cue.

The weights live in ``data/models/pubmedqa-stance.json``, trained only on the PubMedQA development
file by ``python -m medbrief.evaluate.train_pubmedqa`` (which also records its cross-validated
accuracy there). Inference is plain Python and numpy: no scikit-learn at run time.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import numpy as np

from medbrief.compose.stance_features import (
    ANALYZERS,
    CUE_NAMES,
    HEDGE,
    NOT_SIGNIFICANT,
    SIGNIFICANT,
    Tfidf,
    char_ngrams,
    cues,
    negation_marked,
    ngrams,
    results_text,
    words_without_digits,
)
from medbrief.errors import MedbriefError

__all__ = [
    "CUE_NAMES", "HEDGE", "MODEL_FORMAT", "MODEL_RESOURCE", "NOT_SIGNIFICANT", "SIGNIFICANT",
    "SOURCES", "Stance", "StanceModel", "Tfidf", "TextView", "char_ngrams", "cues",
    "default_model", "load_model", "negation_marked", "ngrams", "predict_stance", "results_text",
    "stance_probabilities", "view_text", "words_without_digits",
]

Stance = Literal["yes", "no", "maybe"]
MODEL_RESOURCE = "data/models/pubmedqa-stance.json"
MODEL_FORMAT = 2
SOURCES = ("question", "results")


def view_text(source: str, question: str, contexts: Sequence[str]) -> str:
    """The text a view reads: the question, or the negation-marked results."""
    if source == "question":
        return question
    if source == "results":
        return negation_marked(results_text(contexts))
    raise ValueError(f"unknown text source {source!r} (known: {', '.join(SOURCES)})")


@dataclass(slots=True)
class TextView:
    """One TF-IDF block of the feature row: which text, cut how, scaled by ``weight``."""

    name: str
    source: str  # one of SOURCES
    tfidf: Tfidf
    weight: float


@dataclass(slots=True)
class StanceModel:
    classes: list[str]
    views: list[TextView]
    cue_mean: list[float]
    cue_scale: list[float]
    coef: np.ndarray  # classes x features
    intercept: np.ndarray
    meta: dict[str, Any]

    @property
    def question(self) -> Tfidf:
        """The question's word TF-IDF (the first view that reads the question)."""
        return next(v.tfidf for v in self.views if v.source == "question")

    @property
    def n_features(self) -> int:
        return sum(len(v.tfidf.vocabulary) for v in self.views) + len(CUE_NAMES)

    def view_terms(self, question: str, contexts: Sequence[str]) -> list[list[str]]:
        """Each view's terms for one record (what ``features_from_terms`` takes)."""
        texts = {s: view_text(s, question, contexts) for s in {v.source for v in self.views}}
        return [v.tfidf.analyze(texts[v.source]) for v in self.views]

    def features_from_terms(self, terms: Sequence[Sequence[str]], cue_values: dict[str, float]
                            ) -> dict[int, float]:
        """One sparse feature row from each view's terms and the counted cues."""
        if len(terms) != len(self.views):
            raise ValueError(f"expected terms for {len(self.views)} views, got {len(terms)}")
        row: dict[int, float] = {}
        offset = 0
        for view, view_terms in zip(self.views, terms, strict=True):
            row.update({offset + i: v * view.weight
                        for i, v in view.tfidf.transform_terms(view_terms).items()})
            offset += len(view.tfidf.vocabulary)
        for j, name in enumerate(CUE_NAMES):
            row[offset + j] = (cue_values[name] - self.cue_mean[j]) / self.cue_scale[j]
        return row

    def features(self, question: str, contexts: Sequence[str],
                 cue_values: dict[str, float] | None = None) -> dict[int, float]:
        """One sparse feature row: the TF-IDF views, then the standardised cues."""
        values = cue_values if cue_values is not None else cues(question, contexts)
        return self.features_from_terms(self.view_terms(question, contexts), values)

    def scores(self, row: dict[int, float]) -> dict[str, float]:
        """Class probabilities for one feature row."""
        idx = np.fromiter(row.keys(), dtype=np.int64, count=len(row))
        val = np.fromiter(row.values(), dtype=np.float64, count=len(row))
        logits = self.coef[:, idx] @ val + self.intercept
        exp = np.exp(logits - logits.max())
        probs = exp / exp.sum()
        return {c: float(p) for c, p in zip(self.classes, probs, strict=True)}

    def probabilities(self, question: str, contexts: Sequence[str]) -> dict[str, float]:
        return self.scores(self.features(question, contexts))

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "classes": self.classes,
            "views": [{"name": v.name, "source": v.source, "analyzer": v.tfidf.analyzer_name,
                       "weight": v.weight, "vocabulary": v.tfidf.terms_in_order(),
                       "idf": [round(x, 6) for x in v.tfidf.idf]} for v in self.views],
            "cue_names": list(CUE_NAMES),
            "cue_mean": [round(x, 6) for x in self.cue_mean],
            "cue_scale": [round(x, 6) for x in self.cue_scale],
            "coef": [[round(float(x), 6) for x in row] for row in self.coef],
            "intercept": [round(float(x), 6) for x in self.intercept],
            "meta": self.meta,
        }

    @classmethod
    def from_json_dict(cls, data: dict[str, Any]) -> StanceModel:
        retrain = "retrain it with `python -m medbrief.evaluate.train_pubmedqa`"
        if data.get("format") != MODEL_FORMAT:
            raise MedbriefError(f"the stance model has format {data.get('format', 1)!r}, this "
                                f"medbrief reads format {MODEL_FORMAT}; {retrain}")
        if list(data.get("cue_names", [])) != list(CUE_NAMES):
            raise MedbriefError(f"the stance model was trained with other cue features; {retrain}")
        views = []
        for v in data["views"]:
            if v["source"] not in SOURCES or v["analyzer"] not in ANALYZERS:
                raise MedbriefError(f"the stance model's view {v.get('name')!r} reads "
                                    f"{v['source']!r} with {v['analyzer']!r}, which this "
                                    f"medbrief does not know; {retrain}")
            vocab = list(v["vocabulary"])
            if len(vocab) != len(v["idf"]):
                raise ValueError(f"view {v['name']!r}: {len(vocab)} terms but "
                                 f"{len(v['idf'])} idf values")
            tfidf = Tfidf({t: i for i, t in enumerate(vocab)}, [float(x) for x in v["idf"]],
                          str(v["analyzer"]))
            views.append(TextView(str(v["name"]), str(v["source"]), tfidf, float(v["weight"])))
        model = cls(
            classes=[str(c) for c in data["classes"]], views=views,
            cue_mean=[float(x) for x in data["cue_mean"]],
            cue_scale=[float(x) for x in data["cue_scale"]],
            coef=np.asarray(data["coef"], dtype=np.float64),
            intercept=np.asarray(data["intercept"], dtype=np.float64),
            meta=dict(data.get("meta", {})),
        )
        if model.coef.shape != (len(model.classes), model.n_features) \
                or model.intercept.shape != (len(model.classes),):
            raise ValueError(f"weights of shape {model.coef.shape} do not fit "
                             f"{len(model.classes)} classes x {model.n_features} features")
        return model


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
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
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
