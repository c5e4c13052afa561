"""``medbrief eval``: measure medbrief on real question sets (MedicationQA, PubMedQA).

Register in medbrief.cli with ``main.add_command(eval_group)``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from medbrief.errors import InputError, MedbriefError
from medbrief.settings import Settings


def _fail(exc: MedbriefError) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(2)


@click.group("eval")
def eval_group() -> None:
    """Measure medbrief on real evaluation sets (see docs/benchmarks.md)."""


@eval_group.command("medicationqa")
@click.option("--file", "path", required=True, type=click.Path(path_type=Path),
              help="MedicationQA file: one JSON object a line.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object with every figure.")
@click.option("--errors", "n_errors", type=click.IntRange(min=0), default=0, show_default=True,
              help="Also show the N worst misses.")
def medicationqa(path: Path, as_json: bool, n_errors: int) -> None:
    """Focus drug, question type -> intent, label section, answer overlap and coverage.

    Uses the store in $MEDBRIEF_HOME; build it first with `medbrief ingest ../shared/data`.
    """
    try:
        _medicationqa(path, as_json, n_errors)
    except MedbriefError as exc:
        _fail(exc)


def _medicationqa(path: Path, as_json: bool, n_errors: int) -> None:
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
    if as_json:
        if n_errors:
            summary["errors"] = misses
        click.echo(json.dumps(summary, indent=2, sort_keys=True, ensure_ascii=False))
        return
    click.echo(medicationqa_table(summary))
    if n_errors:
        click.echo(medicationqa_errors(misses))


@eval_group.command("pubmedqa")
@click.option("--file", "path", required=True, type=click.Path(path_type=Path),
              help="PubMedQA file: one JSON object keyed by PMID.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object with every figure.")
@click.option("--errors", "n_errors", type=click.IntRange(min=0), default=0, show_default=True,
              help="Also show the N worst misses.")
def pubmedqa(path: Path, as_json: bool, n_errors: int) -> None:
    """yes / no / maybe from QUESTION + CONTEXTS: accuracy, macro-F1, per-class counts."""
    try:
        from medbrief.evaluate.loaders import load_pubmedqa
        from medbrief.evaluate.pubmedqa import evaluate, worst
        from medbrief.evaluate.report import pubmedqa_errors, pubmedqa_table

        items = load_pubmedqa(path)
        summary, results = evaluate(items, str(path))
    except MedbriefError as exc:
        _fail(exc)
        return
    misses = worst(results, n_errors) if n_errors else []
    if as_json:
        if n_errors:
            summary["errors"] = misses
        click.echo(json.dumps(summary, indent=2, sort_keys=True, ensure_ascii=False))
        return
    click.echo(pubmedqa_table(summary))
    if n_errors:
        click.echo(pubmedqa_errors(misses))
