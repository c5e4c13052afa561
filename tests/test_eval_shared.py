"""Both evaluation commands on the real development files, against the store built from
../shared/data. The figures must be computed (and consistent), whatever their values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from medbrief.evaluate.cli import eval_group
from medbrief.settings import HOME_ENV, default_shared

pytestmark = pytest.mark.shared

EVAL = default_shared() / "eval"


def _run(*args: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(eval_group, [*args, "--json", "--errors", "5"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_medicationqa_dev(shared_store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(HOME_ENV, str(shared_store_path.parent))
    s = _run("medicationqa", "--file", str(EVAL / "medicationqa-dev.jsonl"))
    n = s["rows"]
    assert n == sum(1 for line in (EVAL / "medicationqa-dev.jsonl").open() if line.strip())
    f, i, le, cov = s["focus"], s["intent"], s["label_evidence"], s["coverage"]
    assert f["named_focus_rows"] + f["no_focus_rows"] + f["descriptive_focus_rows"] == n
    assert 0 < f["exact"] <= f["partial"] <= f["named_focus_rows"]
    assert f["exact_share"] == f["exact"] / f["named_focus_rows"]
    assert i["mapped_rows"] + i["unmapped_rows"] == n and i["unknown_types"] == []
    assert sum(t["rows"] for t in i["by_type"].values()) == n
    assert i["accuracy"] == i["correct"] / i["mapped_rows"]
    assert 0 < le["answerable_rows"] <= le["dailymed_rows"]
    assert le["right_section"] <= le["right_label"] <= le["answerable_rows"]
    assert le["answerable_rows"] + sum(le["not_answerable"].values()) == le["dailymed_rows"]
    assert cov["answered"] + sum(cov["reasons"].values()) == n
    for scope in ("all_rows", "dailymed_answerable_rows"):
        o = s["overlap"][scope]
        for name in ("answer", "bottom_line", "baseline"):
            assert 0 <= o[name]["rouge_l_recall"] <= 1 and 0 <= o[name]["token_f1"] <= 1
    assert len(s["errors"]) == 5 and all(e["failed"] for e in s["errors"])


def test_pubmedqa_dev() -> None:
    s = _run("pubmedqa", "--file", str(EVAL / "pubmedqa-dev.json"))
    assert s["items"] == 500
    counts = s["gold_counts"]
    assert sum(counts.values()) == 500
    assert s["systems"]["always_yes"]["accuracy"] == counts["yes"] / 500
    assert s["systems"]["annotator"]["items"] == 500
    # the model was trained on this very file: the table must say so and carry the CV figure
    assert s["overlap_with_training"] == 500 and s["medbrief_is_resubstitution"] is True
    cv = s["model"]["cross_validation"]
    assert cv["folds"] == 10 and 0.4 < cv["accuracy"] < s["systems"]["medbrief"]["accuracy"]


def test_stance_model_is_reproducible_from_the_dev_file(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from medbrief.compose.stance import default_model, load_model
    from medbrief.evaluate import train_pubmedqa

    out = tmp_path / "model.json"
    train_pubmedqa.main(["--file", str(EVAL / "pubmedqa-dev.json"), "--out", str(out)])
    fresh, shipped = load_model(out), default_model()
    assert fresh.meta["cross_validation"] == shipped.meta["cross_validation"]
    assert fresh.meta["trained_on"]["sha256"] == shipped.meta["trained_on"]["sha256"]
    assert fresh.question.vocabulary == shipped.question.vocabulary
    assert fresh.coef.shape == shipped.coef.shape
    assert abs(fresh.coef - shipped.coef).max() < 1e-4
