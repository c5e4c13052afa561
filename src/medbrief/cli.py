"""The ``medbrief`` command line. Every user-facing error is one line, never a traceback."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from medbrief.cli_support import friendly_errors
from medbrief.errors import MedbriefError
from medbrief.settings import Settings
from medbrief.store import Store, open_store


def _store() -> Store:
    return open_store(Settings().db_path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="medbrief")
def main() -> None:
    """medbrief: tiered, cited answers to clinical questions from the evidence.

    The store lives in $MEDBRIEF_HOME (default ~/.local/share/medbrief).
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--demo", is_flag=True, help="Ingest the demo evidence pack shipped with medbrief.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; failures and the summary only.")
@friendly_errors
def ingest(paths: tuple[Path, ...], demo: bool, quiet: bool) -> None:
    """Ingest files or folders (recursive); formats are recognised by content."""
    from tqdm import tqdm

    from medbrief.ingest import IngestMessage, ingest_paths

    targets = list(paths)
    if demo:
        from medbrief.demo import demo_pack_path

        targets.append(demo_pack_path())
    if not targets:
        raise click.UsageError("give at least one PATH, or --demo")
    store = _store()
    bar = tqdm(unit=" rec", desc="ingest", disable=True if quiet else None, file=sys.stderr,
               mininterval=0.5)

    def on_message(msg: IngestMessage) -> None:
        if msg.kind == "failed" or not quiet:
            bar.write(msg.line(), file=sys.stderr)

    try:
        report = ingest_paths(store, targets, on_record=bar.update, on_message=on_message)
        bar.close()
        if report.counts["ingested"] or report.counts["updated"] or report.counts["deleted"]:
            from medbrief.store.index import get_index

            backend = Settings().search_backend
            started = time.perf_counter()
            get_index(store, backend).prepare()
            if not quiet:
                click.echo(f"search index ({backend}) ready in "
                           f"{time.perf_counter() - started:.1f}s", err=True)
    finally:
        bar.close()
        store.close()
    click.echo(report.summary())
    if report.failed:
        sys.exit(1)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object with stable keys.")
@friendly_errors
def stats(as_json: bool) -> None:
    """Documents and passages by tier, format and label section."""
    store = _store()
    st = store.stats()
    store.close()
    data = st.to_json_dict()
    if as_json:
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    click.echo(f"store: {Settings().db_path}")
    click.echo(f"corpus snapshot: {st.snapshot}")
    click.echo(f"documents: {st.documents:,}   passages: {st.passages:,}")
    click.echo("\nby tier:")
    for tier, counts in st.by_tier.items():
        click.echo(f"  {tier:<10} {counts['documents']:>8,} documents {counts['passages']:>10,} passages")
    click.echo("\nby source format:")
    for fmt, n in st.by_format.items():
        click.echo(f"  {fmt:<16} {n:>8,}")
    click.echo("\nlabel sections (labels having each):")
    for sec, n in st.label_sections.items():
        click.echo(f"  {sec:<22} {n:>6,}")
    click.echo("\nresearch study designs:")
    for design, n in st.study_designs.items():
        click.echo(f"  {design or 'unknown':<18} {n:>6,}")
    click.echo(
        f"\nguideline recommendations: {st.guideline_recommendations:,} "
        f"({st.graded_recommendations:,} with strength or quality stated)"
    )
    click.echo(f"retracted papers: {st.retracted:,}   superseded versions in history: "
               f"{st.history_versions:,}")


@main.command()
@click.argument("source_id")
@click.option("--json", "as_json", is_flag=True, help="The document as JSON.")
@friendly_errors
def show(source_id: str, as_json: bool) -> None:
    """Show one document (e.g. PMID:12345, SETID:<uuid>, NGC:11196) with its passages."""
    store = _store()
    stored = store.get_document(source_id)
    if stored is None and ":" not in source_id:
        for prefix in ("PMID", "SETID", "NGC", "DIGEST", "OPENFDA-DERIVED"):
            stored = store.get_document(f"{prefix}:{source_id}")
            if stored:
                break
    history = store.history(stored.document.source_id) if stored else []
    store.close()
    if stored is None:
        raise MedbriefError(
            f"no document {source_id!r} in the store; ids look like PMID:12345, SETID:<set id>, "
            "NGC:11196 (see `medbrief stats`)"
        )
    doc = stored.document
    if as_json:
        data = doc.to_json_dict()
        data["history"] = history
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"{doc.source_id}  [{doc.tier}, {doc.source_format}]  version {doc.version or '-'}")
    click.echo(doc.title)
    for label, value in (("issuer", doc.issuer), ("published", doc.published), ("url", doc.url),
                         ("design", doc.study_design or ""), ("drugs", ", ".join(doc.drugs)),
                         ("conditions", ", ".join(doc.conditions[:12]))):
        if value:
            click.echo(f"  {label}: {value}")
    if doc.retracted:
        click.echo("  RETRACTED")
    for h in history:
        click.echo(f"  history: version {h['version'] or '-'} ({h['reason']} {h['superseded_at']})")
    for p in stored.passages:
        extra = " ".join(f"{k}={v}" for k, v in p.meta.items() if k in ("strength", "quality"))
        click.echo(f"\n[{p.order}] {p.section}" + (f" — {p.section_title}" if p.section_title else "")
                   + (f" ({extra})" if extra else ""))
        click.echo(p.text)


@main.group()
def index() -> None:
    """Maintain the full-text index (derived from the store)."""


@index.command("rebuild")
@friendly_errors
def index_rebuild() -> None:
    """Rebuild the search index from the store of record."""
    from medbrief.store.index import get_index

    settings = Settings()
    store = _store()
    get_index(store, settings.search_backend).rebuild()
    store.close()
    click.echo(f"rebuilt the {settings.search_backend} index")


@main.command()
@click.argument("question")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json", "html"]),
              default="text", show_default=True, help="Output format.")
@click.option("--audience", type=click.Choice(["patient", "caregiver", "nurse", "pharmacist",
                                               "physician"]),
              default="physician", show_default=True, help="Who the answer is written for.")
@click.option("--ensure-data", is_flag=True,
              help="If the store is empty, ingest the demo evidence pack first.")
@click.option("--after", "after", metavar="ANSWER_ID", default=None,
              help="Ask a follow-up in the context of an earlier answer.")
@friendly_errors
def ask(question: str, fmt: str, audience: str, ensure_data: bool, after: str | None) -> None:
    """Answer a clinical QUESTION from the evidence, tier by tier, every sentence cited."""
    from medbrief.compose.answerer import Engine
    from medbrief.render import render

    store = _store()
    try:
        if ensure_data and store.stats().documents == 0:
            from medbrief.demo import demo_pack_path
            from medbrief.ingest import ingest_paths

            click.echo("The store is empty: loading the demo evidence pack "
                       "(demo content, not reviewed).", err=True)
            report = ingest_paths(store, [demo_pack_path()])
            click.echo(report.summary(), err=True)
        answer = Engine(store).ask(question, audience=audience, after=after)  # type: ignore[arg-type]
    finally:
        store.close()
    click.echo(render(answer, fmt))


def _register_subcommands() -> None:
    """Commands that live with their feature (editorial workflow, web app, checks, evaluation)."""
    from medbrief.bench_cli import bench
    from medbrief.checking.cli import check
    from medbrief.checking.review_hook import review_check
    from medbrief.editorial.cli import article, review, users
    from medbrief.evaluate.cli import eval_group
    from medbrief.web.cli import serve

    review.add_command(review_check)
    for command in (review, users, article, serve, check, bench, eval_group):
        main.add_command(command)


_register_subcommands()


def run() -> None:
    """Console entry point: an unexpected failure is one line, not a traceback.

    Set MEDBRIEF_DEBUG=1 to see the traceback when reporting a bug.
    """
    import os

    try:
        main(standalone_mode=True)
    except Exception as exc:  # last-resort guard at the process boundary; nothing continues after it
        if os.environ.get("MEDBRIEF_DEBUG"):
            raise
        click.echo(f"internal error: {type(exc).__name__}: {exc} — this is a bug in medbrief; "
                   "rerun with MEDBRIEF_DEBUG=1 and report the output", err=True)
        sys.exit(70)
