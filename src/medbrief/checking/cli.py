"""``medbrief check FILE``: check an article's claims against the evidence in the store.

Register on the main group in ``medbrief/cli.py`` (after ``main`` is defined)::

    from medbrief.checking.cli import check
    main.add_command(check)

This module does not import ``medbrief.cli``, so the import cannot be circular.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from medbrief.checking.article import INPUT_FORMATS
from medbrief.checking.render import RENDERERS, render
from medbrief.cli_support import friendly_errors
from medbrief.errors import InputError
from medbrief.settings import Settings


@click.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="text",
              show_default=True, help="Output format of the report.")
@click.option("--input-format", "input_format", type=click.Choice(["auto", *INPUT_FORMATS]),
              default="auto", show_default=True,
              help="Format of FILE; auto decides from the file name and its content.")
@click.option("--fail-on-contradicted", is_flag=True,
              help="Exit with status 1 when any claim is contradicted.")
def check(file: Path, fmt: str, input_format: str, fail_on_contradicted: bool) -> None:
    """Check the claims of an article (plain text, Markdown or HTML; '-' reads stdin).

    Each claim about a drug gets a verdict — contradicted, unsupported, supported or out of
    scope — with the stored passages that decide it, cited as answers cite them. Contradicted
    claims are listed first.
    """
    friendly_errors(_check)(file, fmt, input_format, fail_on_contradicted)


def _check(file: Path, fmt: str, input_format: str, fail_on_contradicted: bool) -> None:
    from medbrief.checking.checker import Checker
    from medbrief.store import open_store

    settings = Settings()
    if str(file) == "-":
        text = sys.stdin.read()
        source, name = "standard input", ""
    else:
        if not file.is_file():
            raise InputError(f"{file}: no such file; give the path of a text, Markdown or HTML "
                             "article")
        text, source, name = "", str(file), file.name
    if not settings.db_path.exists():
        raise InputError(f"the store at {settings.db_path} is empty; load evidence first with "
                         "`medbrief ingest PATH` (or `medbrief ingest --demo`)")
    store = open_store(settings.db_path)
    try:
        if store.stats().documents == 0:
            raise InputError(f"the store at {settings.db_path} is empty; load evidence first "
                             "with `medbrief ingest PATH` (or `medbrief ingest --demo`)")
        checker = Checker.from_store(store)
        report = checker.check_file(file, input_format) if name else \
            checker.check_text(text, input_format, source=source)
    finally:
        store.close()
    click.echo(render(report, fmt), nl=False)
    if fail_on_contradicted and report.contradicted:
        sys.exit(1)
