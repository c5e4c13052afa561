"""Editorial writes: save an answer as an article, edit it, and move it through the status machine.

Every write here

* needs an active person holding the role the action requires (:mod:`.states`);
* carries the article ``revision`` the writer saw; a different stored revision means someone else
  wrote first and the write is refused (:class:`StaleWrite`) — nothing is overwritten;
* happens in one ``BEGIN IMMEDIATE`` transaction that re-reads the article, so two writers cannot
  interleave;
* appends one event to the audit trail (who, when, from, to, note, version, settings hash).
"""

from __future__ import annotations

from medbrief.answer import Answer
from medbrief.editorial import audit
from medbrief.editorial.articles import (
    Article,
    authored_since_approval,
    check_evidence_current,
    check_slug,
    get_article,
    get_version,
    insert_version,
    slugify,
    unique_slug,
)
from medbrief.editorial.checks import latest_check
from medbrief.editorial.errors import ApprovalBlocked, EditorialInputError, Forbidden, StaleWrite
from medbrief.editorial.states import TRANSITIONS, Action, Role, Status, transition
from medbrief.editorial.users import User, now, require_role
from medbrief.store.repository import Store

NOTE_MAX = 4000


def _clean_note(note: str | None) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise EditorialInputError(f"the note is {len(note)} characters; keep it under {NOTE_MAX}")
    return note


def _check_revision(store: Store, article: Article, revision: int | None) -> None:
    if revision is None:
        raise EditorialInputError(
            f"say which revision of {article.slug!r} you are acting on (it is at revision "
            f"{article.revision}): pass --revision {article.revision} or \"revision\": "
            f"{article.revision} after checking nothing changed")
    if revision != article.revision:
        last = audit.last_event(store.conn, article.id)
        since = (f"; last change: {last.action} by {last.actor} at {last.at}"
                 f" ({last.from_status or '-'} → {last.to_status})" if last else "")
        raise StaleWrite(
            f"article {article.slug!r} changed since you read it (you sent revision {revision}, "
            f"it is now revision {article.revision}, status {article.status}{since}); reload it "
            "and try again")


def create_article(store: Store, answer: Answer, actor: User, slug: str | None = None,
                   note: str = "") -> Article:
    """Save ``answer`` as a new article (version 1, status submitted)."""
    require_role(actor, Role.EDITOR, "save articles")
    note = _clean_note(note)
    if not answer.id:
        raise EditorialInputError("the answer has no id; save answers made by `medbrief ask`")
    at = now()
    with store.transaction():
        check_evidence_current(store, answer)
        if slug:
            slug = check_slug(slug)
            if store.conn.execute("SELECT 1 FROM articles WHERE slug = ?", (slug,)).fetchone():
                raise EditorialInputError(
                    f"an article {slug!r} already exists; add this answer as its new version with "
                    f"`medbrief article edit {slug} --answer {answer.id} --revision N`, or choose "
                    "another --slug")
        else:
            slug = unique_slug(store.conn, slugify(answer.question))
        cur = store.conn.execute(
            "INSERT INTO articles (slug, question, audience, status, revision, current_version, "
            "created_at, created_by, content_updated_at, status_changed_at) "
            "VALUES (?, ?, ?, ?, 1, 1, ?, ?, ?, ?)",
            (slug, answer.question, answer.audience, str(Status.SUBMITTED), at, actor.id, at, at),
        )
        article_id = int(cur.lastrowid or 0)
        insert_version(store.conn, article_id, 1, answer, actor, at, note)
        audit.record(store.conn, article_id, actor, str(Action.CREATE), None,
                     str(Status.SUBMITTED), 1, 1, answer.settings_hash, note, at)
    return get_article(store, slug)


def edit_article(store: Store, slug: str, answer: Answer, actor: User, revision: int | None,
                 note: str = "") -> Article:
    """Add ``answer`` as the article's next version; the article goes (back) to submitted."""
    note = _clean_note(note)
    at = now()
    with store.transaction():
        article = get_article(store, slug)
        rule = TRANSITIONS[Action.EDIT]
        require_role(actor, rule.roles, f"{Action.EDIT} articles")
        _check_revision(store, article, revision)
        transition(article.status, Action.EDIT, article.slug)
        check_evidence_current(store, answer)
        version = article.current_version + 1
        insert_version(store.conn, article.id, version, answer, actor, at, note)
        store.conn.execute(
            "UPDATE articles SET question = ?, audience = ?, status = ?, revision = revision + 1, "
            "current_version = ?, claimed_by = NULL, content_updated_at = ?, status_changed_at = ? "
            "WHERE id = ?",
            (answer.question, answer.audience, str(rule.target), version, at, at, article.id),
        )
        audit.record(store.conn, article.id, actor, str(Action.EDIT), str(article.status),
                     str(rule.target), version, article.revision + 1, answer.settings_hash,
                     note, at)
    return get_article(store, article.slug)


def act(store: Store, slug: str, action: Action, actor: User, revision: int | None,
        note: str = "", override_note: str | None = None) -> Article:
    """Take a status action (claim, approve, request-changes, reopen, submit, retire).

    ``override_note`` lets a reviewer approve although the latest claim check of the version
    found contradicted claims; the note is kept in the audit trail.
    """
    action = Action(action)
    if action in (Action.CREATE, Action.EDIT, Action.CHECK, Action.EVIDENCE_CHANGED):
        raise EditorialInputError(f"{action} is not a status action; use "
                                  "claim, approve, request-changes, reopen, submit or retire")
    note = _clean_note(note)
    override = _clean_note(override_note)
    at = now()
    with store.transaction():
        article = get_article(store, slug)
        rule = TRANSITIONS[action]
        require_role(actor, rule.roles, f"{action} articles")
        _check_revision(store, article, revision)
        transition(article.status, action, article.slug)
        if rule.note_required and not note:
            raise EditorialInputError(f"{action} needs a note saying why (--note \"...\")")
        current = get_version(store, article, article.current_version)
        sets = ["status = ?", "revision = revision + 1", "status_changed_at = ?"]
        params: list[object] = [str(rule.target), at]
        if action is Action.APPROVE:
            own = authored_since_approval(store.conn, article, actor.id)
            if own:
                raise Forbidden(
                    f"{actor.email} wrote version {', '.join(map(str, own))} of {article.slug!r}; "
                    "a reviewer cannot approve their own edit — another reviewer must approve it")
            blocked = latest_check(store, article.id, article.current_version)
            if blocked is not None and blocked.contradicted > 0:
                if not override:
                    raise ApprovalBlocked(
                        f"approval of {article.slug!r} is blocked: the latest claim check of "
                        f"version {article.current_version} (report {blocked.id}, "
                        f"{blocked.created_at}) found {blocked.contradicted} contradicted "
                        "claim(s); edit the article and re-check it, or approve with an override "
                        "note (--override \"why this is acceptable\")")
                note = (f"{note} — " if note else "") + (
                    f"override of claim check report {blocked.id} "
                    f"({blocked.contradicted} contradicted): {override}")
            sets += ["approved_version = current_version", "approved_at = ?", "approved_by = ?",
                     "evidence_changed_at = NULL", "evidence_note = NULL"]
            params += [at, actor.id]
        elif override:
            raise EditorialInputError("--override only applies to approve")
        if action in (Action.CLAIM, Action.REOPEN):
            sets.append("claimed_by = ?")
            params.append(actor.id)
        params.append(article.id)
        store.conn.execute(f"UPDATE articles SET {', '.join(sets)} WHERE id = ?", params)
        audit.record(store.conn, article.id, actor, str(action), str(article.status),
                     str(rule.target), article.current_version, article.revision + 1,
                     current.settings_hash, note, at)
    return get_article(store, article.slug)
