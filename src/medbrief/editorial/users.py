"""People, roles and API tokens.

A token is ``mbt_`` + 43 random URL-safe characters. Only its SHA-256 hex digest (and its first 12
characters, to tell tokens apart in lists) is stored; the token itself is shown once, when it is
created. The very first person added to an empty store needs no acting admin and must be an admin
(bootstrap); after that only admins manage people.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from medbrief.editorial.errors import AuthError, EditorialInputError, Forbidden, NotFound
from medbrief.editorial.states import Role
from medbrief.store.repository import Store

TOKEN_PREFIX = "mbt_"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class User:
    id: int
    email: str
    name: str
    roles: frozenset[Role]
    created_at: str
    revoked_at: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def has(self, role: Role) -> bool:
        return role in self.roles

    def roles_text(self) -> str:
        return ", ".join(sorted(self.roles)) or "no role"

    def public_dict(self) -> dict[str, Any]:
        """What anyone may see about a person (names appear on the public history page)."""
        return {"name": self.name, "roles": sorted(self.roles)}

    def to_json_dict(self) -> dict[str, Any]:
        return {"id": self.id, "email": self.email, "name": self.name, "roles": sorted(self.roles),
                "created_at": self.created_at, "revoked_at": self.revoked_at,
                "active": self.active}


def parse_roles(values: list[str] | tuple[str, ...]) -> frozenset[Role]:
    roles: set[Role] = set()
    for value in values:
        for part in value.split(","):
            part = part.strip().lower()
            if not part:
                continue
            try:
                roles.add(Role(part))
            except ValueError:
                raise EditorialInputError(
                    f"unknown role {part!r}; choose from: {', '.join(r.value for r in Role)}"
                ) from None
    if not roles:
        raise EditorialInputError("give at least one role: editor, reviewer or admin")
    return frozenset(roles)


def _user_from_row(conn: sqlite3.Connection, row: tuple[Any, ...]) -> User:
    uid, email, name, created_at, revoked_at = row
    roles = frozenset(Role(r[0]) for r in conn.execute(
        "SELECT role FROM user_roles WHERE user_id = ?", (uid,)))
    return User(int(uid), email, name, roles, created_at, revoked_at)


_USER_COLS = "id, email, name, created_at, revoked_at"


def get_user(store: Store, email: str) -> User:
    row = store.conn.execute(f"SELECT {_USER_COLS} FROM users WHERE email = ?",
                             (email.strip(),)).fetchone()
    if row is None:
        raise NotFound(f"no user {email!r}; see `medbrief users list` (an admin adds people "
                       "with `medbrief users add EMAIL --role ...`)")
    return _user_from_row(store.conn, row)


def user_by_id(store: Store, user_id: int) -> User | None:
    row = store.conn.execute(f"SELECT {_USER_COLS} FROM users WHERE id = ?",
                             (user_id,)).fetchone()
    return _user_from_row(store.conn, row) if row else None


def list_users(store: Store, actor: User) -> list[User]:
    require_role(actor, Role.ADMIN, "list people")
    rows = store.conn.execute(f"SELECT {_USER_COLS} FROM users ORDER BY email").fetchall()
    return [_user_from_row(store.conn, r) for r in rows]


def user_count(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM users").fetchone()[0])


def require_role(user: User, role: Role | frozenset[Role], doing: str) -> None:
    """Forbidden unless ``user`` is active and holds ``role`` (or one of a set of roles)."""
    if not user.active:
        raise AuthError(f"{user.email} was revoked on {user.revoked_at}; ask an admin")
    needed = frozenset({role}) if isinstance(role, Role) else role
    if not needed & user.roles:
        want = " or ".join(sorted(needed))
        raise Forbidden(f"{user.email} ({user.roles_text()}) cannot {doing}: that needs the "
                        f"{want} role; an admin can grant it with "
                        f"`medbrief users roles {user.email} --role ...`")


def _new_token(conn: sqlite3.Connection, user_id: int) -> str:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    conn.execute(
        "INSERT INTO api_tokens (user_id, token_hash, prefix, created_at) VALUES (?, ?, ?, ?)",
        (user_id, hash_token(token), token[:12], now()),
    )
    return token


def add_user(store: Store, email: str, name: str, roles: frozenset[Role],
             actor: User | None) -> tuple[User, str]:
    """Add a person and issue their first API token (returned once, never stored)."""
    email = email.strip()
    if not _EMAIL.match(email):
        raise EditorialInputError(f"{email!r} is not an email address (name@example.org)")
    if not roles:
        raise EditorialInputError("give at least one role: editor, reviewer or admin")
    name = name.strip() or email.split("@")[0]
    with store.transaction():
        if actor is None:
            if user_count(store):
                raise AuthError("adding people needs an admin: pass --as ADMIN_EMAIL or set "
                                "MEDBRIEF_TOKEN to an admin's token")
            if Role.ADMIN not in roles:
                raise EditorialInputError("the first person in an empty store must be an admin "
                                          "(--role admin); they then add everyone else")
        else:
            require_role(actor, Role.ADMIN, "add people")
        if store.conn.execute("SELECT 1 FROM users WHERE email = ?", (email,)).fetchone():
            raise EditorialInputError(f"{email} already exists; change their roles with "
                                      f"`medbrief users roles {email} --role ...`")
        cur = store.conn.execute(
            "INSERT INTO users (email, name, created_at, created_by) VALUES (?, ?, ?, ?)",
            (email, name, now(), actor.id if actor else None),
        )
        uid = int(cur.lastrowid or 0)
        store.conn.executemany("INSERT INTO user_roles (user_id, role) VALUES (?, ?)",
                               [(uid, str(r)) for r in sorted(roles)])
        token = _new_token(store.conn, uid)
    user = user_by_id(store, uid)
    assert user is not None
    return user, token


def set_roles(store: Store, email: str, roles: frozenset[Role], actor: User) -> User:
    require_role(actor, Role.ADMIN, "change roles")
    if not roles:
        raise EditorialInputError("give at least one role: editor, reviewer or admin")
    with store.transaction():
        user = get_user(store, email)
        if user.id == actor.id and Role.ADMIN not in roles:
            raise Forbidden("you cannot remove your own admin role; ask another admin")
        store.conn.execute("DELETE FROM user_roles WHERE user_id = ?", (user.id,))
        store.conn.executemany("INSERT INTO user_roles (user_id, role) VALUES (?, ?)",
                               [(user.id, str(r)) for r in sorted(roles)])
    return get_user(store, email)


def issue_token(store: Store, email: str, actor: User) -> str:
    """A new token for ``email`` (an admin, or the person themself rotating their own)."""
    with store.transaction():
        user = get_user(store, email)
        if user.id != actor.id:
            require_role(actor, Role.ADMIN, "issue tokens for other people")
        elif not actor.active:
            raise AuthError(f"{actor.email} is revoked; ask an admin")
        if not user.active:
            raise EditorialInputError(f"{email} was revoked on {user.revoked_at}; revoked people "
                                      "get no new tokens")
        return _new_token(store.conn, user.id)


def revoke(store: Store, email: str, actor: User, tokens_only: bool = False) -> int:
    """Revoke a person (and all their tokens), or only their tokens. Returns tokens revoked."""
    require_role(actor, Role.ADMIN, "revoke people or tokens")
    at = now()
    with store.transaction():
        user = get_user(store, email)
        if not tokens_only:
            if user.id == actor.id:
                raise Forbidden("you cannot revoke yourself; ask another admin")
            if not user.active:
                raise EditorialInputError(f"{email} was already revoked on {user.revoked_at}")
            store.conn.execute("UPDATE users SET revoked_at = ?, revoked_by = ? WHERE id = ?",
                               (at, actor.id, user.id))
        cur = store.conn.execute(
            "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
            (at, user.id))
        return int(cur.rowcount)


def token_prefixes(store: Store, user: User) -> list[dict[str, Any]]:
    rows = store.conn.execute(
        "SELECT prefix, created_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id",
        (user.id,))
    return [{"prefix": p, "created_at": c, "revoked_at": r} for p, c, r in rows]


def authenticate(store: Store, token: str | None) -> User:
    """The active person a token belongs to, or AuthError saying why not."""
    if not token:
        raise AuthError("this needs an API token: send `Authorization: Bearer <token>` "
                        "(an admin issues one with `medbrief users token EMAIL`)")
    token = token.strip()
    row = store.conn.execute(
        "SELECT user_id, revoked_at FROM api_tokens WHERE token_hash = ?", (hash_token(token),)
    ).fetchone()
    if row is None:
        raise AuthError("unknown API token; check it was copied whole (it starts with "
                        f"{TOKEN_PREFIX!r}) or ask an admin for a new one")
    if row[1] is not None:
        raise AuthError(f"this API token was revoked on {row[1]}; ask an admin for a new one "
                        "(`medbrief users token EMAIL`)")
    user = user_by_id(store, int(row[0]))
    if user is None or not user.active:
        raise AuthError("the person this token belongs to was revoked; ask an admin")
    return user
