"""``medbrief review``, ``medbrief users`` and ``medbrief article``: the editorial workflow on the
command line.

Who is acting: the API token in ``$MEDBRIEF_TOKEN``, or ``--as EMAIL`` (also ``$MEDBRIEF_USER``)
for a person in the store. ``--as`` is attribution for someone already trusted with the store file
(anyone who can write the file can change anything in it); the token is the same check the API
makes. Every write takes ``--revision N``: the article revision you read (``review show``); if it
has changed since, the write is refused and nothing is overwritten.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import ValidationError

from medbrief.answer import Answer
from medbrief.cli_support import friendly_errors
from medbrief.editorial import audit
from medbrief.editorial.articles import (
    Article,
    adopt_answer,
    get_article,
    get_version,
    list_articles,
    user_names,
    versions,
)
from medbrief.editorial.checks import check_reports, latest_check
from medbrief.editorial.errors import AuthError, EditorialInputError
from medbrief.editorial.public import history_view
from medbrief.editorial.states import Action, Status, describe_allowed
from medbrief.editorial.users import (
    User,
    add_user,
    authenticate,
    get_user,
    issue_token,
    list_users,
    parse_roles,
    revoke,
    set_roles,
    token_prefixes,
)
from medbrief.editorial.workflow import act, create_article, edit_article
from medbrief.settings import Settings
from medbrief.store import Store, open_store

TOKEN_ENV = "MEDBRIEF_TOKEN"
USER_ENV = "MEDBRIEF_USER"
QUEUE = [Status.SUBMITTED, Status.UNDER_REVIEW, Status.CHANGES_REQUESTED]

F = TypeVar("F", bound=Callable[..., Any])
_friendly = friendly_errors


@contextmanager
def _store() -> Iterator[Store]:
    store = open_store(Settings().db_path)
    try:
        yield store
    finally:
        store.close()


def resolve_actor(store: Store, as_email: str | None, required: bool = True) -> User | None:
    """The person acting: ``$MEDBRIEF_TOKEN`` (checked like an API token) or ``--as EMAIL``."""
    token = os.environ.get(TOKEN_ENV, "").strip()
    if token:
        user = authenticate(store, token)
        if as_email and as_email.strip().lower() != user.email.lower():
            raise AuthError(f"${TOKEN_ENV} belongs to {user.email}, not {as_email}; unset one")
        return user
    if as_email:
        user = get_user(store, as_email)
        if not user.active:
            raise AuthError(f"{user.email} was revoked on {user.revoked_at}; ask an admin")
        return user
    if required:
        raise AuthError(f"say who you are: --as EMAIL (or ${USER_ENV}) or ${TOKEN_ENV}=<token>")
    return None


def _as_option(func: F) -> F:
    return click.option("--as", "as_email", metavar="EMAIL", envvar=USER_ENV,
                        help=f"Act as this person (or set ${TOKEN_ENV} to their API token).")(func)


def _revision_option(func: F) -> F:
    return click.option("--revision", type=int, required=True, metavar="N",
                        help="The article revision you read (`medbrief review show`).")(func)


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _summary_line(article: Article, names: dict[int, str]) -> str:
    claimed = f"  claimed by {names[article.claimed_by]}" if article.claimed_by in names else ""
    flag = "  EVIDENCE CHANGED" if article.evidence_changed_at else ""
    return (f"{article.slug:<42} {article.status:<17} v{article.current_version} "
            f"rev {article.revision}  updated {article.content_updated_at}{claimed}{flag}")


# -- review --------------------------------------------------------------------------------------
@click.group()
def review() -> None:
    """The review queue and the status actions of medical reviewers."""


@review.command("list")
@click.option("--status", "statuses", multiple=True,
              type=click.Choice([str(s) for s in Status]),
              help="Only these statuses (default: the queue — submitted, under_review, "
                   "changes_requested).")
@click.option("--all", "show_all", is_flag=True, help="Every article, whatever its status.")
@click.option("--json", "as_json", is_flag=True)
@_friendly
def review_list(statuses: tuple[str, ...], show_all: bool, as_json: bool) -> None:
    """Articles waiting for review (oldest change first)."""
    wanted = None if show_all else ([Status(s) for s in statuses] or QUEUE)
    with _store() as store:
        articles = list_articles(store, wanted)
        names = user_names(store, [a.claimed_by for a in articles])
    if as_json:
        _echo_json([a.to_json_dict() for a in articles])
        return
    if not articles:
        click.echo("no articles" + ("" if show_all else " waiting for review"))
    for article in articles:
        click.echo(_summary_line(article, names))


@review.command("show")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True)
@_friendly
def review_show(slug: str, as_json: bool) -> None:
    """One article: status, revision, versions, claim checks, audit trail, allowed actions."""
    with _store() as store:
        hist = history_view(store, slug)
        article = hist.article
        check = latest_check(store, article.id, article.current_version)
        reports = check_reports(store, article.id)
        names = user_names(store, [article.claimed_by, article.approved_by]
                           + [v.created_by for v in hist.versions])
    if as_json:
        data = hist.to_json_dict()
        data["checks"] = [r.to_json_dict(with_report=False) for r in reports]
        data["allowed"] = describe_allowed(article.status)
        _echo_json(data)
        return
    click.echo(f"{article.slug}: {article.question}")
    click.echo(f"  status {article.status} — revision {article.revision} — current version "
               f"v{article.current_version}, approved version "
               f"{'v' + str(article.approved_version) if article.approved_version else 'none'}")
    click.echo(f"  last updated {article.content_updated_at} (content); status changed "
               f"{article.status_changed_at}")
    if article.claimed_by in names:
        click.echo(f"  claimed by {names[article.claimed_by]}")
    if article.evidence_changed_at:
        click.echo(f"  EVIDENCE CHANGED {article.evidence_changed_at}: {article.evidence_note}")
    if check is not None:
        click.echo(f"  latest claim check of v{check.version}: report {check.id}, "
                   f"{check.contradicted} contradicted claim(s) ({check.created_at})")
    click.echo(f"  {describe_allowed(article.status)}")
    click.echo("versions:")
    for v in hist.versions:
        by = names.get(v.created_by or -1, "?")
        click.echo(f"  v{v.version}  {v.created_at}  by {by}  answer {v.answer_id}  settings "
                   f"{v.settings_hash}" + (f"  — {v.note}" if v.note else ""))
    click.echo("history:")
    for e in hist.events:
        click.echo("  " + _event_line(e))


def _event_line(e: audit.Event) -> str:
    move = f"{e.from_status or '-'} → {e.to_status}"
    return (f"{e.at}  {e.actor}  {e.action}  {move}  v{e.version} rev {e.revision}"
            + (f"  — {e.note}" if e.note else ""))


def _status_command(action: Action, help_text: str, note_required: bool) -> click.Command:
    @click.argument("slug")
    @_revision_option
    @click.option("--note", default="", required=note_required,
                  help="Why (kept in the audit trail)." + (" Required." if note_required else ""))
    @_as_option
    @_friendly
    def command(slug: str, revision: int, note: str, as_email: str | None) -> None:
        with _store() as store:
            actor = resolve_actor(store, as_email)
            assert actor is not None
            article = act(store, slug, action, actor, revision, note)
        click.echo(f"{article.slug}: {action} → {article.status} (revision {article.revision})")

    command.__doc__ = help_text
    return click.command(str(action), help=help_text)(command)


review.add_command(_status_command(Action.CLAIM, "Claim a submitted article for review.", False))
review.add_command(_status_command(
    Action.REQUEST_CHANGES, "Send an article under review back to its editor.", True))
review.add_command(_status_command(
    Action.REOPEN, "Take an approved article back under review.", True))
review.add_command(_status_command(
    Action.RETIRE, "Retire an article (final: it is no longer published).", True))


@review.command("approve")
@click.argument("slug")
@_revision_option
@click.option("--note", default="", help="Optional note for the audit trail.")
@click.option("--override", "override_note", default=None, metavar="NOTE",
              help="Approve although the latest claim check found contradicted claims; say why.")
@_as_option
@_friendly
def review_approve(slug: str, revision: int, note: str, override_note: str | None,
                   as_email: str | None) -> None:
    """Approve an article under review (not your own edit)."""
    with _store() as store:
        actor = resolve_actor(store, as_email)
        assert actor is not None
        article = act(store, slug, Action.APPROVE, actor, revision, note, override_note)
    click.echo(f"{article.slug}: approved version v{article.approved_version} "
               f"(revision {article.revision})")


# -- article -------------------------------------------------------------------------------------
@click.group()
def article() -> None:
    """Save answers as articles and edit them (editors)."""


@article.command("save")
@click.argument("answer_id")
@click.option("--slug", default=None, help="The article's address (default: from the question).")
@click.option("--note", default="", help="Note for the audit trail.")
@_as_option
@_friendly
def article_save(answer_id: str, slug: str | None, note: str, as_email: str | None) -> None:
    """Save the answer ANSWER_ID (printed under every `medbrief ask`) as an article."""
    from medbrief.store.answers import load_answer

    with _store() as store:
        actor = resolve_actor(store, as_email)
        assert actor is not None
        answer = load_answer(store, answer_id)
        if answer is None:
            raise EditorialInputError(f"no saved answer {answer_id!r}; use the id printed at the "
                                      "bottom of `medbrief ask`")
        created = create_article(store, answer, actor, slug=slug, note=note)
    click.echo(f"saved as article {created.slug} (v1, submitted, revision {created.revision})")


def _load_answer_file(path: Path) -> Answer:
    try:
        return Answer.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise EditorialInputError(f"{path}: cannot read it ({exc.strerror})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "the top level"
        raise EditorialInputError(f"{path}: not an answer JSON ({first['msg']} at {where}); "
                                  "start from `medbrief ask --format json`") from None


@article.command("edit")
@click.argument("slug")
@_revision_option
@click.option("--answer", "answer_id", default=None, metavar="ANSWER_ID",
              help="Use this saved answer as the new version.")
@click.option("--file", "file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Use this answer JSON (e.g. an edited `medbrief ask --format json`).")
@click.option("--refresh", is_flag=True,
              help="Ask the article's question again against the current evidence.")
@click.option("--note", default="", help="What changed (kept in the audit trail).")
@_as_option
@_friendly
def article_edit(slug: str, revision: int, answer_id: str | None, file: Path | None,
                 refresh: bool, note: str, as_email: str | None) -> None:
    """Add a new version of an article; it goes (back) to submitted for review."""
    from medbrief.store.answers import load_answer

    if [answer_id is not None, file is not None, refresh].count(True) != 1:
        raise click.UsageError("give exactly one of --answer ANSWER_ID, --file PATH, --refresh")
    with _store() as store:
        actor = resolve_actor(store, as_email)
        assert actor is not None
        if answer_id is not None:
            answer = load_answer(store, answer_id)
            if answer is None:
                raise EditorialInputError(f"no saved answer {answer_id!r}")
        elif file is not None:
            answer = adopt_answer(store, _load_answer_file(file))
        else:
            from medbrief.compose.answerer import Engine

            current = get_article(store, slug)
            answer = Engine(store).ask(current.question, audience=current.audience)  # type: ignore[arg-type]
        edited = edit_article(store, slug, answer, actor, revision, note)
    click.echo(f"{edited.slug}: version v{edited.current_version} saved, status {edited.status} "
               f"(revision {edited.revision})")


@article.command("submit")
@click.argument("slug")
@_revision_option
@click.option("--note", required=True, help="Why it is resubmitted without changes.")
@_as_option
@_friendly
def article_submit(slug: str, revision: int, note: str, as_email: str | None) -> None:
    """Resubmit an article with changes requested, without a new version."""
    with _store() as store:
        actor = resolve_actor(store, as_email)
        assert actor is not None
        done = act(store, slug, Action.SUBMIT, actor, revision, note)
    click.echo(f"{done.slug}: submitted again (revision {done.revision})")


@article.command("show")
@click.argument("slug")
@click.option("--version", "version", type=int, default=None,
              help="This version (default: the public one — latest approved, else pending).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json", "html"]),
              default="text", show_default=True)
@_friendly
def article_show(slug: str, version: int | None, fmt: str) -> None:
    """Show an article as the public sees it (or one VERSION of it)."""
    from medbrief.editorial.public import PENDING_NOTE, public_view
    from medbrief.render import render

    with _store() as store:
        if version is not None:
            art = get_article(store, slug)
            shown = get_version(store, art, version)
            pending = version != art.approved_version
        else:
            view = public_view(store, slug)
            art, shown, pending = view.article, view.shown, view.pending
    click.echo(f"{art.slug}  [{art.status.label}]  version v{shown.version}  last updated "
               f"{shown.created_at}", err=True)
    if pending:
        click.echo(PENDING_NOTE, err=True)
    if art.evidence_changed_at:
        click.echo(f"Evidence changed: {art.evidence_note}", err=True)
    click.echo(render(shown.answer(), fmt))


@article.command("history")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True)
@_friendly
def article_history(slug: str, as_json: bool) -> None:
    """The audit trail of an article (every edit and transition)."""
    with _store() as store:
        hist = history_view(store, slug)
        all_versions = versions(store, hist.article)
    if as_json:
        _echo_json(hist.to_json_dict())
        return
    click.echo(f"{hist.article.slug}: {len(all_versions)} version(s), status {hist.article.status}")
    for e in hist.events:
        click.echo(_event_line(e))


# -- users ---------------------------------------------------------------------------------------
@click.group()
def users() -> None:
    """People, roles and API tokens (admins)."""


@users.command("add")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True,
              help="editor, reviewer or admin (repeat or comma-separate for several).")
@click.option("--name", default="", help="Display name (shown on history pages).")
@_as_option
@_friendly
def users_add(email: str, roles: tuple[str, ...], name: str, as_email: str | None) -> None:
    """Add a person and print their API token (shown once).

    In an empty store the first person needs no --as and must be an admin.
    """
    with _store() as store:
        actor = resolve_actor(store, as_email, required=False)
        user, token = add_user(store, email, name, parse_roles(roles), actor)
    click.echo(f"added {user.email} ({user.roles_text()})")
    click.echo(f"API token (shown once; store it now): {token}")


@users.command("list")
@click.option("--json", "as_json", is_flag=True)
@_as_option
@_friendly
def users_list(as_json: bool, as_email: str | None) -> None:
    """Everyone, with roles and whether they are revoked."""
    with _store() as store:
        actor = resolve_actor(store, as_email)
        assert actor is not None
        people = list_users(store, actor)
        tokens = {u.id: token_prefixes(store, u) for u in people}
    if as_json:
        _echo_json([{**u.to_json_dict(), "tokens": tokens[u.id]} for u in people])
        return
    for u in people:
        live = sum(1 for t in tokens[u.id] if t["revoked_at"] is None)
        state = f"REVOKED {u.revoked_at}" if u.revoked_at else f"{live} active token(s)"
        click.echo(f"{u.email:<32} {u.name:<24} {u.roles_text():<26} {state}")


@users.command("revoke")
@click.argument("email")
@click.option("--tokens-only", is_flag=True,
              help="Revoke their tokens but keep the person (e.g. a leaked token).")
@_as_option
@_friendly
def users_revoke(email: str, tokens_only: bool, as_email: str | None) -> None:
    """Revoke a person and all their API tokens (or only the tokens)."""
    with _store() as store:
        actor = resolve_actor(store, as_email)
        assert actor is not None
        n = revoke(store, email, actor, tokens_only=tokens_only)
    what = "tokens of" if tokens_only else "person"
    click.echo(f"revoked {what} {email} ({n} token(s))")


@users.command("token")
@click.argument("email")
@_as_option
@_friendly
def users_token(email: str, as_email: str | None) -> None:
    """Issue a new API token for EMAIL (admins, or a person for themself); shown once."""
    with _store() as store:
        actor = resolve_actor(store, as_email)
        assert actor is not None
        token = issue_token(store, email, actor)
    click.echo(f"API token for {email} (shown once; store it now): {token}")


@users.command("roles")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True,
              help="The complete new set of roles (repeat or comma-separate).")
@_as_option
@_friendly
def users_roles(email: str, roles: tuple[str, ...], as_email: str | None) -> None:
    """Replace a person's roles."""
    with _store() as store:
        actor = resolve_actor(store, as_email)
        assert actor is not None
        user = set_roles(store, email, parse_roles(roles), actor)
    click.echo(f"{user.email}: {user.roles_text()}")


COMMANDS = (review, article, users)
