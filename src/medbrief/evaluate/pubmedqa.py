"""PubMedQA (Jin et al., EMNLP 2019) against medbrief's stance model: yes / no / maybe from the
question and the abstract without its conclusion ("reasoning-required" setting).

LONG_ANSWER (the conclusion) is never read. When the file carries ``reasoning_required_pred`` (one
annotator's own answer, as the development file does) it is scored as a human reference point.
Records the model was trained on are counted and flagged: on them the figure is resubstitution,
and the cross-validated accuracy stored with the model is shown next to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from medbrief.compose.stance import default_model
from medbrief.evaluate.loaders import PUBMEDQA_LABELS, PubMedQAItem
from medbrief.evaluate.metrics import accuracy, macro_f1, per_class_counts

PUBLISHED = {"always_yes": 0.552, "single_human": 0.780, "best_published": 0.82,
             "source": "Jin et al., EMNLP 2019 (PQA-L test set, reasoning-required setting)"}
TARGET_ACCURACY = 0.70


@dataclass(slots=True)
class ItemResult:
    pmid: str
    question: str
    gold: str
    predicted: str
    probabilities: dict[str, float]


def _system(gold: list[str], predicted: list[str]) -> dict[str, Any]:
    return {"accuracy": accuracy(gold, predicted),
            "macro_f1": macro_f1(gold, predicted, PUBMEDQA_LABELS),
            "per_class": per_class_counts(gold, predicted, PUBMEDQA_LABELS)}


def evaluate(items: list[PubMedQAItem], file: str = "") -> tuple[dict[str, Any],
                                                                   list[ItemResult]]:
    model = default_model()
    results = []
    for it in items:
        probs = model.probabilities(it.question, it.contexts)
        best = max(probs, key=lambda k: probs[k])
        results.append(ItemResult(it.pmid, it.question, it.label, best,
                                  {k: round(v, 4) for k, v in probs.items()}))
    gold = [r.gold for r in results]
    systems: dict[str, Any] = {
        "medbrief": _system(gold, [r.predicted for r in results]),
        "always_yes": _system(gold, ["yes"] * len(gold)),
    }
    annotated = [it for it in items if it.annotator is not None]
    if annotated:
        systems["annotator"] = _system([it.label for it in annotated],
                                       [str(it.annotator) for it in annotated])
        systems["annotator"]["items"] = len(annotated)
    trained = set(model.meta.get("trained_on", {}).get("pmids", []))
    meta = model.meta
    overlap = sum(1 for it in items if it.pmid in trained)
    summary = {
        "file": file,
        "items": len(items),
        "gold_counts": {label: gold.count(label) for label in PUBMEDQA_LABELS},
        "systems": systems,
        "overlap_with_training": overlap,
        "medbrief_is_resubstitution": overlap == len(items),
        "model": {
            "name": meta.get("name", "unnamed"),
            "trained_on": {k: v for k, v in meta.get("trained_on", {}).items() if k != "pmids"},
            "cross_validation": meta.get("cross_validation", {}),
            "resubstitution": meta.get("resubstitution", {}),
        },
        "published": PUBLISHED,
        "target_accuracy": TARGET_ACCURACY,
    }
    return summary, results


def worst(results: list[ItemResult], n: int) -> list[dict[str, Any]]:
    """The ``n`` misses the model was most sure of."""
    misses = [r for r in results if r.predicted != r.gold]
    misses.sort(key=lambda r: (-r.probabilities[r.predicted], r.pmid))
    return [{"pmid": r.pmid, "question": r.question, "gold": r.gold, "predicted": r.predicted,
             "probabilities": r.probabilities} for r in misses[:n]]
