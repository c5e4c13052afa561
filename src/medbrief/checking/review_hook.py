"""Claim checks in the editorial workflow: ``medbrief review check SLUG``.

The sentences of the article's current version (as the editor left them, one paragraph each) are
checked claim by claim against the store,
and the report is attached to that version; while it has contradicted claims, approval is blocked
unless a reviewer overrides with a note (see medbrief.editorial.checks).
"""

from __future__ import annotations

import click

from medbrief.answer import Answer
from medbrief.checking.checker import Checker
from medbrief.checking.report import CheckReport
from medbrief.cli_support import friendly_errors
from medbrief.compose.answerer import Engine
from medbrief.editorial.articles import get_article, get_version
from medbrief.editorial.checks import attach_check_report
from medbrief.settings import Settings
from medbrief.store import Store, open_store


def check_article(store: Store, slug: str) -> CheckReport:
    article = get_article(store, slug)
    version = get_version(store, article, article.current_version)
    answer = Answer.model_validate_json(version.answer_json)
    text = "\n\n".join(s.text for s in answer.all_sentences())
    report = Checker(Engine(store)).check_text(
        text, input_format="text", source=f"article {slug} version {version.version}")
    attach_check_report(store, slug, report.model_dump(mode="json"), report.contradicted,
                        version=version.version, checker=report.checker)
    return report


@click.command("check")
@click.argument("slug")
@friendly_errors
def review_check(slug: str) -> None:
    """Claim-check the current version of article SLUG and attach the report for the reviewer."""
    store = open_store(Settings().db_path)
    try:
        report = check_article(store, slug)
    finally:
        store.close()
    counts = ", ".join(f"{k} {v}" for k, v in report.counts.model_dump().items())
    click.echo(f"checked {slug}: {report.contradicted} contradicted claim(s)"
               + (f" ({counts})" if counts else "")
               + ("; approval is blocked until a reviewer overrides with a note"
                  if report.contradicted else ""))
