"""Train medbrief's yes / no / maybe stance model on a PubMedQA file (the development split only).

    python -m medbrief.evaluate.train_pubmedqa --file ../shared/eval/pubmedqa-dev.json \\
        [--out src/medbrief/data/models/pubmedqa-stance.json] [--folds 10] [--seed 0] \\
        [--repeats 5] [--no-nested]

Uses QUESTION and CONTEXTS only (never LONG_ANSWER or the annotators' predictions). Before fitting
the final model on every record it measures the model three ways, each predicting every record with
a model that never saw it, and stores the figures in the model file:

* ``cross_validation``: stratified k-fold with the given seed (the headline figure);
* ``repeated_cross_validation``: the same k-fold with ``--repeats`` seeds (seed, seed+1, ...), to
  show how much the figure moves with the split;
* ``nested_cross_validation``: k-fold where each outer fold picks the regularisation strength C
  from ``C_GRID`` by an inner 5-fold CV on its own training part only, so the choice of C is not
  tuned on the records it is scored on.

The views, their weights and C were chosen by 5 x 10-fold repeated CV on the development file
(see ``SELECTION``): the repeated-CV figure is therefore slightly optimistic; the nested figure
re-chooses C honestly but not the views. Needs scikit-learn (a dev dependency); the result is
deterministic: the same file, options and library versions give a byte-identical model file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from medbrief.compose.stance import (
    CUE_NAMES,
    MODEL_RESOURCE,
    StanceModel,
    TextView,
    Tfidf,
    cues,
    view_text,
)
from medbrief.compose.stance_features import analyzer
from medbrief.evaluate.loaders import PUBMEDQA_LABELS, PubMedQAItem, load_pubmedqa
from medbrief.evaluate.metrics import accuracy, macro_f1, per_class_counts

DEFAULT_OUT = Path(__file__).resolve().parents[1] / MODEL_RESOURCE
# (name, source, analyzer, weight, min_df)
VIEWS: tuple[tuple[str, str, str, float, int], ...] = (
    ("question_words", "question", "word_1_2", 0.5, 2),
    ("question_chars", "question", "char_3_5", 0.5, 3),
    ("results_words", "results", "word_1_no_digits", 1.0, 2),
)
C = 30.0  # inverse L2 strength
C_GRID = (3.0, 10.0, 30.0, 100.0)
INNER_FOLDS = 5
SELECTION = ("views, view weights and C chosen by 5 x 10-fold repeated stratified CV (seeds 0-4) "
             "on this development file among ~40 variants (word/char n-grams, results views, "
             "extra cue sets, class weights, C); nested_cross_validation re-chooses C inside each "
             "outer fold")


@dataclass(slots=True, frozen=True)
class Prepared:
    """One record cut into each view's terms, with its counted cues: computed once per run."""

    label: str
    terms: tuple[tuple[str, ...], ...]
    cues: dict[str, float]


def prepare(items: Sequence[PubMedQAItem]) -> list[Prepared]:
    out = []
    for it in items:
        texts = {source: view_text(source, it.question, it.contexts)
                 for source in {v[1] for v in VIEWS}}
        terms = tuple(tuple(analyzer(v[2])(texts[v[1]])) for v in VIEWS)
        out.append(Prepared(it.label, terms, cues(it.question, it.contexts)))
    return out


def fit(items: Sequence[PubMedQAItem] | Sequence[Prepared], c: float = C) -> StanceModel:
    """A stance model fitted on ``items`` (records, or records already ``prepare``d)."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    if not items:
        raise ValueError("no records to fit on")
    prepared = _as_prepared(items)
    views = [TextView(name, source,
                      Tfidf.fit_terms((p.terms[k] for p in prepared), min_df, analyzer_name),
                      weight)
             for k, (name, source, analyzer_name, weight, min_df) in enumerate(VIEWS)]
    cue_rows = np.array([[p.cues[n] for n in CUE_NAMES] for p in prepared])
    mean = cue_rows.mean(axis=0)
    scale = cue_rows.std(axis=0)
    scale[scale == 0] = 1.0
    model = StanceModel(classes=list(PUBMEDQA_LABELS), views=views,
                        cue_mean=[float(x) for x in mean], cue_scale=[float(x) for x in scale],
                        coef=np.zeros((3, 0)), intercept=np.zeros(3), meta={})
    rows, cols, vals = [], [], []
    for r, p in enumerate(prepared):
        for col, v in model.features_from_terms(p.terms, p.cues).items():
            rows.append(r)
            cols.append(col)
            vals.append(v)
    x = csr_matrix((vals, (rows, cols)), shape=(len(prepared), model.n_features))
    clf = LogisticRegression(C=c, solver="newton-cg", max_iter=5000)
    clf.fit(x, [p.label for p in prepared])
    model.classes = [str(k) for k in clf.classes_]
    model.coef = np.round(clf.coef_, 6)
    model.intercept = np.round(clf.intercept_, 6)
    return model


def _scores(gold: list[str], predicted: list[str]) -> dict[str, Any]:
    return {"accuracy": accuracy(gold, predicted),
            "macro_f1": macro_f1(gold, predicted, PUBMEDQA_LABELS),
            "per_class": per_class_counts(gold, predicted, PUBMEDQA_LABELS)}


def _best(probs: dict[str, float]) -> str:
    return max(probs, key=lambda k: probs[k])


def predict(model: StanceModel, item: PubMedQAItem) -> str:
    return _best(model.probabilities(item.question, item.contexts))  # the real inference path


def _predict_prepared(model: StanceModel, p: Prepared) -> str:
    return _best(model.scores(model.features_from_terms(p.terms, p.cues)))


def _splits(labels: list[str], folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import StratifiedKFold

    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(labels)), labels))


def _cv_predictions(prepared: list[Prepared], folds: int, seed: int, c: float) -> list[str]:
    predicted = [""] * len(prepared)
    for train, test in _splits([p.label for p in prepared], folds, seed):
        model = fit([prepared[i] for i in train], c)
        for i in test:
            predicted[i] = _predict_prepared(model, prepared[i])
    return predicted


def cross_validate(items: Sequence[PubMedQAItem] | list[Prepared], folds: int, seed: int,
                   c: float = C) -> dict[str, Any]:
    """Stratified k-fold: each record is predicted by a model that never saw it."""
    prepared = _as_prepared(items)
    predicted = _cv_predictions(prepared, folds, seed, c)
    return {"folds": folds, "seed": seed, "C": c,
            **_scores([p.label for p in prepared], predicted)}


def summarize_runs(runs: Sequence[dict[str, Any]], folds: int, c: float = C) -> dict[str, Any]:
    """Mean, spread and per-seed figures of ``cross_validate`` runs that differ only in seed."""
    accs = [r["accuracy"] for r in runs]
    f1s = [r["macro_f1"] for r in runs]
    return {"folds": folds, "seeds": [r["seed"] for r in runs], "C": c,
            "accuracy_mean": statistics.fmean(accs), "accuracy_sd": statistics.pstdev(accs),
            "accuracy_min": min(accs), "accuracy_max": max(accs),
            "macro_f1_mean": statistics.fmean(f1s), "macro_f1_sd": statistics.pstdev(f1s),
            "per_seed": [{"seed": r["seed"], "accuracy": r["accuracy"],
                          "macro_f1": r["macro_f1"]} for r in runs]}


def nested_cross_validation(prepared: list[Prepared], folds: int, seed: int,
                            grid: Sequence[float] = C_GRID,
                            inner_folds: int = INNER_FOLDS) -> dict[str, Any]:
    """Outer k-fold; inside each outer training part an inner CV picks C from ``grid`` (ties go
    to the stronger regularisation), then a model with that C predicts the outer test fold."""
    labels = [p.label for p in prepared]
    predicted = [""] * len(prepared)
    chosen: list[float] = []
    for train, test in _splits(labels, folds, seed):
        inner = [prepared[i] for i in train]
        # a tiny file may hold fewer records of a class than there are inner folds
        k = max(2, min(inner_folds, min(Counter(p.label for p in inner).values())))
        best_c, best_acc = grid[0], -1.0
        for c in sorted(grid):
            acc = accuracy([p.label for p in inner], _cv_predictions(inner, k, seed, c))
            if acc > best_acc:
                best_c, best_acc = c, acc
        chosen.append(best_c)
        model = fit(inner, best_c)
        for i in test:
            predicted[i] = _predict_prepared(model, prepared[i])
    return {"outer_folds": folds, "inner_folds": inner_folds, "seed": seed, "C_grid": list(grid),
            "C_chosen": chosen, **_scores(labels, predicted)}


def _as_prepared(items: Sequence[PubMedQAItem] | Sequence[Prepared]) -> list[Prepared]:
    return [p if isinstance(p, Prepared) else prepare([p])[0] for p in items]


def train(path: Path, folds: int = 10, seed: int = 0, repeats: int = 5,
          nested: bool = True) -> StanceModel:
    items = sorted(load_pubmedqa(path), key=lambda it: it.pmid)
    if len(items) < folds * 3:
        raise SystemExit(f"{path}: {len(items)} records are too few for {folds}-fold "
                         "cross-validation")
    prepared = prepare(items)
    # the headline CV is the first of the repeated ones: computed once
    runs = [cross_validate(prepared, folds, s) for s in range(seed, seed + max(repeats, 1))]
    cv = runs[0]
    model = fit(prepared)
    resub = _scores([it.label for it in items], [predict(model, it) for it in items])
    import sklearn

    model.meta = {
        "name": "medbrief PubMedQA stance v2 (logistic regression: question words + question "
                "character n-grams + negation-marked results words + cues)",
        "trained_on": {
            "file": path.name,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "items": len(items),
            "pmids": [it.pmid for it in items],
        },
        "cross_validation": cv,
        "resubstitution": resub,
        "hyperparameters": {"C": C, "views": [
            {"name": n, "source": s, "analyzer": a, "weight": w, "min_df": m}
            for n, s, a, w, m in VIEWS], "solver": "newton-cg"},
        "selection": SELECTION,
        "scikit_learn": sklearn.__version__,
        "command": f"python -m medbrief.evaluate.train_pubmedqa --file {path.name} "
                   f"--folds {folds} --seed {seed} --repeats {repeats}"
                   + ("" if nested else " --no-nested"),
    }
    if repeats > 1:
        model.meta["repeated_cross_validation"] = summarize_runs(runs, folds)
    if nested:
        model.meta["nested_cross_validation"] = nested_cross_validation(prepared, folds, seed)
    return model


def write_model(model: StanceModel, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(model.to_json_dict(), sort_keys=True, separators=(",", ":"))
    out.write_text(text + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    from medbrief.errors import MedbriefError

    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--file", type=Path, required=True, help="PubMedQA development file")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=5,
                        help="seeds for the repeated cross-validation (1 = skip it)")
    parser.add_argument("--no-nested", dest="nested", action="store_false",
                        help="skip the nested cross-validation")
    args = parser.parse_args(argv)
    if args.folds < 2 or args.repeats < 1:
        parser.error("--folds must be at least 2 and --repeats at least 1")
    try:
        model = train(args.file, args.folds, args.seed, args.repeats, args.nested)
    except MedbriefError as exc:
        raise SystemExit(f"error: {exc}") from None
    write_model(model, args.out)
    meta = model.meta
    cv, resub = meta["cross_validation"], meta["resubstitution"]
    print(f"{args.folds}-fold cross-validated accuracy {cv['accuracy']:.3f}, macro-F1 "
          f"{cv['macro_f1']:.3f}; resubstitution (trained and scored on the same file) accuracy "
          f"{resub['accuracy']:.3f}")
    if "repeated_cross_validation" in meta:
        rep = meta["repeated_cross_validation"]
        print(f"repeated over seeds {rep['seeds']}: accuracy {rep['accuracy_mean']:.3f} "
              f"(sd {rep['accuracy_sd']:.3f}, {rep['accuracy_min']:.3f}-"
              f"{rep['accuracy_max']:.3f}), macro-F1 {rep['macro_f1_mean']:.3f}")
    if "nested_cross_validation" in meta:
        nest = meta["nested_cross_validation"]
        print(f"nested (C re-chosen in each outer fold, chosen {nest['C_chosen']}): accuracy "
              f"{nest['accuracy']:.3f}, macro-F1 {nest['macro_f1']:.3f}")
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
