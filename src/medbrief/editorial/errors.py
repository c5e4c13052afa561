"""Editorial errors: one line each, saying what went wrong and how to fix it.

Each class carries the HTTP status the JSON API answers with, so the CLI and the API share one
vocabulary: 401 no/invalid/revoked token, 403 wrong role or self-approval, 404 unknown article or
user, 409 a stale write, an illegal transition or a blocked approval.
"""

from __future__ import annotations

from medbrief.errors import InputError, MedbriefError


class EditorialError(MedbriefError):
    """Base of the editorial errors."""

    http_status = 400


class EditorialInputError(EditorialError, InputError):
    """Bad input (slug, note, answer id...)."""

    http_status = 400


class AuthError(EditorialError):
    """No identity, or one that is unknown or revoked."""

    http_status = 401


class Forbidden(EditorialError):
    """A known person without the right to do this (wrong role, own edit)."""

    http_status = 403


class NotFound(EditorialError):
    http_status = 404


class StaleWrite(EditorialError):
    """The writer saw an older revision than the stored one (optimistic concurrency)."""

    http_status = 409


class IllegalTransition(EditorialError):
    """The action is not allowed from the article's current status."""

    http_status = 409


class ApprovalBlocked(EditorialError):
    """The latest claim check found contradicted claims and no override note was given."""

    http_status = 409


class Gone(EditorialError):
    """The article was retired: it is no longer published."""

    http_status = 410
