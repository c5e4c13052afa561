"""``medbrief bench``: the benchmarks of ``bench/run.py`` as a command (code in medbrief.benchmark)."""

from __future__ import annotations

from pathlib import Path

import click

from medbrief.benchmark import SECTIONS


@click.command("bench")
@click.option("--quick", is_flag=True,
              help="Smaller synthetic files, fewer queries, a ~150k-passage scale-up (< 3 min).")
@click.option("--only", "only", multiple=True, type=click.Choice(SECTIONS),
              help="Run only this section (repeatable). Default: all of them.")
@click.option("--keep", is_flag=True, help="Keep the temporary stores and synthetic files.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Results JSON (default bench/results/latest.json).")
@click.option("--workdir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Where to create the temporary folder (default: the system temp folder).")
@click.option("--scale-passages", type=click.IntRange(min=1000), default=None,
              help="Passages in the scale-up store (default 1,000,000; 150,000 with --quick).")
@click.option("--shared-store", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Reuse an existing store of all the shared data instead of building one (its bm25s index is rebuilt).")
@click.option("--profile", is_flag=True, help="cProfile missed targets even with --quick.")
def bench(quick: bool, only: tuple[str, ...], keep: bool, out: Path | None,
          workdir: Path | None, scale_passages: int | None, shared_store: Path | None,
          profile: bool) -> None:
    """Measure ingest throughput, search and ask latency, and a ~1M-passage scale-up.

    Reads the shared data (MEDBRIEF_SHARED, default ../shared), writes the results to
    bench/results/latest.json and prints a table. See docs/benchmarks.md.
    """
    from medbrief.benchmark import Options, main

    opts = Options(quick=quick, only=tuple(only) or SECTIONS, keep=keep, out=out,
                   workdir=workdir, scale_passages=scale_passages, shared_store=shared_store,
                   profile=profile, echo=lambda line: click.echo(line))
    try:
        main(opts)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
