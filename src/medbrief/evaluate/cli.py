"""``medbrief eval``: measure medbrief on real question sets (MedicationQA, PubMedQA).

Register in medbrief.cli with ``main.add_command(eval_group)``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from medbrief.cli_support import friendly_errors
from medbrief.errors import InputError
from medbrief.settings import Settings


def _emit(summary: dict[str, Any], misses: list[Any], as_json: bool,
          table: Callable[[dict[str, Any]], str], errors: Callable[[list[Any]], str]) -> None:
    """One JSON object (misses under "errors" when asked), or the table and the worst misses."""
    if as_json:
        if misses:
            summary["errors"] = misses
        click.echo(json.dumps(summary, indent=2, sort_keys=True, ensure_ascii=False))
        return
    click.echo(table(summary))
    if misses:
        click.echo(errors(misses))


@click.group("eval")
def eval_group() -> None:
    """Measure medbrief on real evaluation sets (see docs/benchmarks.md)."""


@eval_group.command("medicationqa")
@click.option("--file", "path", required=True, type=click.Path(path_type=Path),
              help="MedicationQA file: one JSON object a line.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object with every figure.")
@click.option("--errors", "n_errors", type=click.IntRange(min=0), default=0, show_default=True,
              help="Also show the N worst misses.")
@friendly_errors
def medicationqa(path: Path, as_json: bool, n_errors: int) -> None:
    """Focus drug, question type -> intent, label section, answer overlap and coverage.

    Uses the store in $MEDBRIEF_HOME; build it first with `medbrief ingest ../shared/data`.
    """
    from tqdm import tqdm

    from medbrief.compose.answerer import Engine
    from medbrief.evaluate.loaders import load_medicationqa
    from medbrief.evaluate.medicationqa import MedicationQAEvaluator, summarize, worst
    from medbrief.evaluate.report import medicationqa_errors, medicationqa_table
    from medbrief.store import open_store

    rows = load_medicationqa(path)
    settings = Settings()
    if not settings.db_path.exists():
        raise InputError(f"no store at {settings.db_path}; build it with `medbrief ingest "
                         "../shared/data` (or set MEDBRIEF_HOME to the folder of a built store)")
    store = open_store(settings.db_path)
    try:
        if store.conn.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is None:
            raise InputError(f"the store at {settings.db_path} is empty; build it with "
                             "`medbrief ingest ../shared/data`")
        evaluator = MedicationQAEvaluator(Engine(store, settings))
        with tqdm(total=len(rows), desc="medicationqa", unit=" q", file=sys.stderr,
                  disable=None, mininterval=0.5) as bar:
            results = evaluator.run(rows, progress=bar.update)
        summary = summarize(results, str(path))
        summary["store"] = {"path": str(settings.db_path), "snapshot": store.snapshot()}
    finally:
        store.close()
    misses = worst(results, n_errors) if n_errors else []
    _emit(summary, misses, as_json, medicationqa_table, medicationqa_errors)


@eval_group.command("pubmedqa")
@click.option("--file", "path", required=True, type=click.Path(path_type=Path),
              help="PubMedQA file: one JSON object keyed by PMID.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object with every figure.")
@click.option("--errors", "n_errors", type=click.IntRange(min=0), default=0, show_default=True,
              help="Also show the N worst misses.")
@friendly_errors
def pubmedqa(path: Path, as_json: bool, n_errors: int) -> None:
    """yes / no / maybe from QUESTION + CONTEXTS: accuracy, macro-F1, per-class counts."""
    from medbrief.evaluate.loaders import load_pubmedqa
    from medbrief.evaluate.pubmedqa import evaluate, worst
    from medbrief.evaluate.report import pubmedqa_errors, pubmedqa_table

    summary, results = evaluate(load_pubmedqa(path), str(path))
    misses = worst(results, n_errors) if n_errors else []
    _emit(summary, misses, as_json, pubmedqa_table, pubmedqa_errors)
