"""The article status machine: statuses, roles, actions and the only legal transitions.

::

    create ──► submitted ──claim──► under_review ──approve──► approved
                  ▲  │                   │                       │
       edit/submit│  └─edit (new version)│request-changes        ├─reopen / evidence-changed ─► under_review
                  │                      ▼                       └─edit (new version) ─► submitted
           changes_requested ◄───────────┘
    retire: from any status but retired ─► retired (final)

``TRANSITIONS`` is the single source of truth; :func:`transition` checks an action against it and
raises :class:`~medbrief.editorial.errors.IllegalTransition` naming the actions allowed instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from medbrief.editorial.errors import IllegalTransition


class Status(StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.SUBMITTED: "Submitted",
    Status.UNDER_REVIEW: "Under Review",
    Status.APPROVED: "Approved",
    Status.CHANGES_REQUESTED: "Changes Requested",
    Status.RETIRED: "Retired",
}


class Role(StrEnum):
    EDITOR = "editor"        # saves answers as articles, edits, resubmits
    REVIEWER = "reviewer"    # medical reviewer: claims, approves, requests changes, reopens
    ADMIN = "admin"          # manages people and tokens; may retire articles


class Action(StrEnum):
    CREATE = "create"
    EDIT = "edit"
    SUBMIT = "submit"
    CLAIM = "claim"
    APPROVE = "approve"
    REQUEST_CHANGES = "request-changes"
    REOPEN = "reopen"
    RETIRE = "retire"
    EVIDENCE_CHANGED = "evidence-changed"  # the system, after an ingest changed cited evidence
    CHECK = "check"                        # a claim-check report was attached (no status change)


@dataclass(frozen=True, slots=True)
class Rule:
    sources: frozenset[Status]
    target: Status
    roles: frozenset[Role]          # empty: only the system may take this action
    note_required: bool = False


def _rule(sources: set[Status], target: Status, roles: set[Role], note: bool = False) -> Rule:
    return Rule(frozenset(sources), target, frozenset(roles), note)


_LIVE = {Status.SUBMITTED, Status.UNDER_REVIEW, Status.APPROVED, Status.CHANGES_REQUESTED}

TRANSITIONS: dict[Action, Rule] = {
    Action.EDIT: _rule({Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.APPROVED},
                       Status.SUBMITTED, {Role.EDITOR}),
    Action.SUBMIT: _rule({Status.CHANGES_REQUESTED}, Status.SUBMITTED, {Role.EDITOR}, note=True),
    Action.CLAIM: _rule({Status.SUBMITTED}, Status.UNDER_REVIEW, {Role.REVIEWER}),
    Action.APPROVE: _rule({Status.UNDER_REVIEW}, Status.APPROVED, {Role.REVIEWER}),
    Action.REQUEST_CHANGES: _rule({Status.UNDER_REVIEW}, Status.CHANGES_REQUESTED,
                                  {Role.REVIEWER}, note=True),
    Action.REOPEN: _rule({Status.APPROVED}, Status.UNDER_REVIEW, {Role.REVIEWER}, note=True),
    Action.EVIDENCE_CHANGED: _rule({Status.APPROVED}, Status.UNDER_REVIEW, set()),
    Action.RETIRE: _rule(_LIVE, Status.RETIRED, {Role.REVIEWER, Role.ADMIN}, note=True),
}

# The actions a person can take (the system-only ones are excluded from "allowed" lists).
USER_ACTIONS = [a for a, r in TRANSITIONS.items() if r.roles]


def allowed_actions(status: Status) -> list[Action]:
    return [a for a in USER_ACTIONS if status in TRANSITIONS[a].sources]


def describe_allowed(status: Status) -> str:
    actions = allowed_actions(status)
    if not actions:
        return f"{status} is final; no action is allowed (save the answer as a new article instead)"
    return f"from {status} you can: " + ", ".join(
        f"{a} (→ {TRANSITIONS[a].target})" for a in actions)


def transition(status: Status, action: Action, slug: str) -> Rule:
    """The rule for ``action`` from ``status``, or IllegalTransition naming the allowed actions."""
    rule = TRANSITIONS.get(action)
    if rule is None or status not in rule.sources:
        raise IllegalTransition(f"cannot {action} article {slug!r}: it is {status}; "
                                + describe_allowed(status))
    return rule
