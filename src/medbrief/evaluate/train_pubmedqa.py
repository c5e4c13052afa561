"""Train medbrief's yes / no / maybe stance model on a PubMedQA file (the development split only).

    python -m medbrief.evaluate.train_pubmedqa --file ../shared/eval/pubmedqa-dev.json \\
        [--out src/medbrief/data/models/pubmedqa-stance.json] [--folds 10] [--seed 0]

Uses QUESTION and CONTEXTS only (never LONG_ANSWER or the annotators' predictions). Before fitting
the final model on every record it runs stratified k-fold cross-validation (fixed seed) and stores
that accuracy in the model file, so the figure reported for the development file is not the
resubstitution one. Needs scikit-learn (a dev dependency); the result is deterministic: the same
file, seed and library versions give a byte-identical model file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from medbrief.compose.stance import (
    CUE_NAMES,
    MODEL_RESOURCE,
    StanceModel,
    Tfidf,
    cues,
    negation_marked,
    results_text,
)
from medbrief.evaluate.loaders import PUBMEDQA_LABELS, PubMedQAItem, load_pubmedqa
from medbrief.evaluate.metrics import accuracy, macro_f1, per_class_counts

DEFAULT_OUT = Path(__file__).resolve().parents[1] / MODEL_RESOURCE
C = 3.0  # inverse L2 strength, chosen by 10-fold cross-validation on the development file
QUESTION_WEIGHT = 0.5
MIN_DF = 2


def fit(items: list[PubMedQAItem], c: float = C,
        cue_cache: dict[str, dict[str, float]] | None = None) -> StanceModel:
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    cache = cue_cache if cue_cache is not None else {}
    for it in items:
        if it.pmid not in cache:
            cache[it.pmid] = cues(it.question, it.contexts)
    question = Tfidf.fit([it.question for it in items], MIN_DF)
    results = Tfidf.fit([negation_marked(results_text(it.contexts)) for it in items], MIN_DF)
    cue_rows = np.array([[cache[it.pmid][n] for n in CUE_NAMES] for it in items])
    mean = cue_rows.mean(axis=0)
    scale = cue_rows.std(axis=0)
    scale[scale == 0] = 1.0
    model = StanceModel(classes=list(PUBMEDQA_LABELS), question=question, results=results,
                        question_weight=QUESTION_WEIGHT, cue_mean=[float(x) for x in mean],
                        cue_scale=[float(x) for x in scale], coef=np.zeros((3, 0)),
                        intercept=np.zeros(3), meta={})
    rows, cols, vals = [], [], []
    for r, it in enumerate(items):
        for col, v in model.features(it.question, it.contexts, cache[it.pmid]).items():
            rows.append(r)
            cols.append(col)
            vals.append(v)
    x = csr_matrix((vals, (rows, cols)), shape=(len(items), model.n_features))
    clf = LogisticRegression(C=c, max_iter=5000)
    clf.fit(x, [it.label for it in items])
    model.classes = [str(k) for k in clf.classes_]
    model.coef = np.round(clf.coef_, 6)
    model.intercept = np.round(clf.intercept_, 6)
    return model


def _scores(gold: list[str], predicted: list[str]) -> dict[str, Any]:
    return {"accuracy": accuracy(gold, predicted),
            "macro_f1": macro_f1(gold, predicted, PUBMEDQA_LABELS),
            "per_class": per_class_counts(gold, predicted, PUBMEDQA_LABELS)}


def predict(model: StanceModel, item: PubMedQAItem) -> str:
    probs = model.probabilities(item.question, item.contexts)  # cues recomputed: the real path
    return max(probs, key=lambda k: probs[k])


def cross_validate(items: list[PubMedQAItem], folds: int, seed: int) -> dict[str, Any]:
    """Stratified k-fold: each record is predicted by a model that never saw it."""
    from sklearn.model_selection import StratifiedKFold

    labels = [it.label for it in items]
    predicted = [""] * len(items)
    cache: dict[str, dict[str, float]] = {}
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(np.zeros(len(items)), labels):
        model = fit([items[i] for i in train], cue_cache=cache)
        for i in test:
            predicted[i] = predict(model, items[i])
    return {"folds": folds, "seed": seed, **_scores(labels, predicted)}


def train(path: Path, folds: int = 10, seed: int = 0) -> StanceModel:
    items = sorted(load_pubmedqa(path), key=lambda it: it.pmid)
    if len(items) < folds * 3:
        raise SystemExit(f"{path}: {len(items)} records are too few for {folds}-fold "
                         "cross-validation")
    cv = cross_validate(items, folds, seed)
    model = fit(items)
    resub = _scores([it.label for it in items], [predict(model, it) for it in items])
    import sklearn

    model.meta = {
        "name": "medbrief PubMedQA stance v1 (logistic regression)",
        "trained_on": {
            "file": path.name,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "items": len(items),
            "pmids": [it.pmid for it in items],
        },
        "cross_validation": cv,
        "resubstitution": resub,
        "hyperparameters": {"C": C, "question_weight": QUESTION_WEIGHT, "min_df": MIN_DF},
        "scikit_learn": sklearn.__version__,
        "command": f"python -m medbrief.evaluate.train_pubmedqa --file {path.name} "
                   f"--folds {folds} --seed {seed}",
    }
    return model


def write_model(model: StanceModel, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(model.to_json_dict(), sort_keys=True, separators=(",", ":"))
    out.write_text(text + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    from medbrief.errors import MedbriefError

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, required=True, help="PubMedQA development file")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        model = train(args.file, args.folds, args.seed)
    except MedbriefError as exc:
        raise SystemExit(f"error: {exc}") from None
    write_model(model, args.out)
    cv, resub = model.meta["cross_validation"], model.meta["resubstitution"]
    print(f"{args.folds}-fold cross-validated accuracy {cv['accuracy']:.3f}, macro-F1 "
          f"{cv['macro_f1']:.3f}; resubstitution (trained and scored on the same file) accuracy "
          f"{resub['accuracy']:.3f}; wrote {args.out} ({args.out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
