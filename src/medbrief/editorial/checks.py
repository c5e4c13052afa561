"""Claim-check reports attached to article versions: the interface for ``medbrief.checking``.

The checker owns the report's content; the editorial workflow stores it as opaque JSON next to a
count of contradicted claims, and uses only that count:

* :func:`attach_check_report` — attach a report to a version (default: the current one). Appends a
  ``check`` event to the audit trail; the status and revision do not change.
* :func:`latest_check` — the newest report of a version, or ``None``.
* approval (:func:`medbrief.editorial.workflow.act` with ``approve``) is refused with
  :class:`~medbrief.editorial.errors.ApprovalBlocked` while the latest report of the current
  version has ``contradicted > 0``, unless the reviewer gives an override note (kept in the audit
  trail). Editing the article makes a new version, which has no report until it is re-checked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from medbrief.editorial import audit
from medbrief.editorial.articles import get_article, get_version
from medbrief.editorial.errors import EditorialInputError
from medbrief.editorial.states import Action, Role
from medbrief.editorial.users import User, now, require_role
from medbrief.store.repository import Store


@dataclass(frozen=True, slots=True)
class CheckReport:
    id: int
    article_id: int
    version: int
    checker: str
    contradicted: int
    report_json: str
    created_at: str
    created_by: int | None

    def report(self) -> Any:
        return json.loads(self.report_json)

    def to_json_dict(self, with_report: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "version": self.version, "checker": self.checker,
                                "contradicted": self.contradicted, "created_at": self.created_at}
        if with_report:
            data["report"] = self.report()
        return data


_COLS = "id, article_id, version, checker, contradicted, report_json, created_at, created_by"


def attach_check_report(store: Store, slug: str, report: Any, contradicted: int, *,
                        version: int | None = None, checker: str = "",
                        actor: User | None = None) -> CheckReport:
    """Attach a claim-check ``report`` (any JSON value, or a JSON string) to a version.

    ``actor`` is the person who ran the check (editor or reviewer), or ``None`` when the system ran
    it automatically.
    """
    if actor is not None:
        require_role(actor, frozenset({Role.EDITOR, Role.REVIEWER}), "attach claim checks")
    if isinstance(contradicted, bool) or not isinstance(contradicted, int) or contradicted < 0:
        raise EditorialInputError("contradicted must be a whole number of claims, 0 or more")
    if isinstance(report, str):
        try:
            json.loads(report)
        except ValueError as exc:
            raise EditorialInputError(f"the check report is not valid JSON ({exc})") from None
        report_json = report
    else:
        try:
            report_json = json.dumps(report, ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError) as exc:
            raise EditorialInputError(f"the check report cannot be stored as JSON ({exc})") from None
    at = now()
    with store.transaction():
        article = get_article(store, slug)
        target = get_version(store, article, version or article.current_version)
        cur = store.conn.execute(
            "INSERT INTO check_reports (article_id, version, checker, contradicted, report_json, "
            "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (article.id, target.version, checker, contradicted, report_json, at,
             actor.id if actor else None),
        )
        report_id = int(cur.lastrowid or 0)
        label = f" by {checker}" if checker else ""
        audit.record(store.conn, article.id, actor, str(Action.CHECK), str(article.status),
                     str(article.status), target.version, article.revision, target.settings_hash,
                     f"claim check report {report_id}{label}: {contradicted} contradicted "
                     "claim(s)", at)
    found = latest_check(store, article.id, target.version)
    assert found is not None
    return found


def latest_check(store: Store, article_id: int, version: int) -> CheckReport | None:
    row = store.conn.execute(
        f"SELECT {_COLS} FROM check_reports WHERE article_id = ? AND version = ? "
        "ORDER BY id DESC LIMIT 1", (article_id, version),
    ).fetchone()
    return CheckReport(*row) if row else None


def check_reports(store: Store, article_id: int) -> list[CheckReport]:
    rows = store.conn.execute(
        f"SELECT {_COLS} FROM check_reports WHERE article_id = ? ORDER BY id", (article_id,))
    return [CheckReport(*r) for r in rows]
