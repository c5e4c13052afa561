"""The editorial JSON API, as a FastAPI ``APIRouter`` (``app.include_router(router)``).

Reads of articles, their history, versions, claim checks and the review queue need no token.
Every write needs ``Authorization: Bearer <token>`` of an active person with the right role; people
management needs an admin. Errors are ``{"detail": "<one line saying what to do>"}`` with 400 (bad
input), 401 (no, unknown or revoked token), 403 (wrong role, own edit), 404, 409 (stale revision,
illegal transition, approval blocked by a claim check) or 410 (retired article).

The store comes from the :func:`editorial_store` dependency: by default a connection per request
to ``Settings().db_path`` (SQLite WAL; every write is one ``BEGIN IMMEDIATE`` transaction), which an
app can replace with ``app.dependency_overrides[editorial_store] = ...``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException
from pydantic import BaseModel, Field

from medbrief.answer import Answer
from medbrief.editorial import articles as arts
from medbrief.editorial.checks import attach_check_report, check_reports
from medbrief.editorial.errors import AuthError, EditorialError, EditorialInputError, NotFound
from medbrief.editorial.public import history_view, public_view
from medbrief.editorial.states import Action, Status, allowed_actions
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
)
from medbrief.editorial.workflow import act, create_article, edit_article
from medbrief.errors import MedbriefError
from medbrief.settings import Settings
from medbrief.store import Store, open_store
from medbrief.store.answers import load_answer

router = APIRouter(prefix="/api", tags=["editorial"])

QUEUE = [Status.SUBMITTED, Status.UNDER_REVIEW, Status.CHANGES_REQUESTED]
STATUS_ACTIONS = [Action.CLAIM, Action.APPROVE, Action.REQUEST_CHANGES, Action.REOPEN,
                  Action.SUBMIT, Action.RETIRE]


def editorial_store() -> Iterator[Store]:
    """A store connection for one request (override in the app to share another)."""
    store = open_store(Settings().db_path)
    try:
        yield store
    finally:
        store.close()


StoreDep = Annotated[Store, Depends(editorial_store)]


class EditorialHTTPException(HTTPException):
    """An editorial error on its way to the client; ``detail`` is the one-line message.

    FastAPI's default handler answers ``{"detail": message}``. An app whose own HTTPException
    handler drops ``detail`` must register a handler for this class (more specific, so it wins),
    e.g. ``app.add_exception_handler(EditorialHTTPException, ...)``, so the message that says what
    to do reaches the client.
    """


@contextmanager
def http_errors() -> Iterator[None]:
    """Editorial errors → EditorialHTTPException with the error's status and one-line message."""
    try:
        yield
    except EditorialError as exc:
        headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
        raise EditorialHTTPException(exc.http_status, str(exc), headers=headers) from None
    except MedbriefError as exc:
        raise EditorialHTTPException(400, str(exc)) from None


def _bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise AuthError("send the token as `Authorization: Bearer <token>`")
    return value.strip()


def current_user(store: StoreDep,
                 authorization: Annotated[str | None, Header()] = None) -> User:
    with http_errors():
        return authenticate(store, _bearer(authorization))


UserDep = Annotated[User, Depends(current_user)]


def article_json(store: Store, article: arts.Article) -> dict[str, Any]:
    """The staff view of an article's workflow state (no content)."""
    names = arts.user_names(store, [article.claimed_by, article.approved_by])
    data = article.to_json_dict()
    data["claimed_by"] = names.get(article.claimed_by or -1)
    data["approved_by"] = names.get(article.approved_by or -1)
    data["allowed_actions"] = [str(a) for a in allowed_actions(article.status)]
    data["url"] = f"/api/articles/{article.slug}"
    return data


# -- reads (no token) ----------------------------------------------------------------------------
@router.get("/articles")
def list_published(store: StoreDep) -> list[dict[str, Any]]:
    """Every article that is not retired, with its status."""
    live = [Status.SUBMITTED, Status.UNDER_REVIEW, Status.CHANGES_REQUESTED, Status.APPROVED]
    return [article_json(store, a) for a in arts.list_articles(store, live)]


@router.get("/review/queue")
def review_queue(store: StoreDep) -> list[dict[str, Any]]:
    """Articles waiting for a reviewer or an editor, oldest content change first."""
    return [article_json(store, a) for a in arts.list_articles(store, QUEUE)]


@router.get("/articles/{slug}")
def get_public_article(slug: str, store: StoreDep) -> dict[str, Any]:
    """The public view: latest approved version, else the pending one marked as such."""
    with http_errors():
        return public_view(store, slug).to_json_dict()


@router.get("/articles/{slug}/history")
def get_history(slug: str, store: StoreDep) -> dict[str, Any]:
    """The audit trail (every edit and transition) and the list of versions."""
    with http_errors():
        data = history_view(store, slug).to_json_dict()
        data["article"] = article_json(store, arts.get_article(store, slug))
        return data


@router.get("/articles/{slug}/versions/{version}")
def get_version(slug: str, version: int, store: StoreDep) -> dict[str, Any]:
    with http_errors():
        article = arts.get_article(store, slug)
        return arts.get_version(store, article, version).to_json_dict()


@router.get("/articles/{slug}/checks")
def get_checks(slug: str, store: StoreDep) -> list[dict[str, Any]]:
    with http_errors():
        article = arts.get_article(store, slug)
        return [r.to_json_dict() for r in check_reports(store, article.id)]


# -- article writes (token) ----------------------------------------------------------------------
class CreateArticle(BaseModel):
    answer_id: str = Field(description="id of a saved answer (from /api/ask or `medbrief ask`)")
    slug: str | None = Field(default=None, description="default: made from the question")
    note: str = ""


class NewVersion(BaseModel):
    revision: int | None = Field(default=None, description="the article revision you read")
    answer_id: str | None = Field(default=None, description="a saved answer to use, or ...")
    answer: Answer | None = Field(default=None, description="... an (edited) answer JSON")
    note: str = ""


class ActionBody(BaseModel):
    revision: int | None = Field(default=None, description="the article revision you read")
    note: str = ""
    override_note: str | None = Field(
        default=None, description="approve only: why contradicted claims are acceptable")


class CheckBody(BaseModel):
    report: Any = Field(description="the checker's report: any JSON, stored as is")
    contradicted: int = Field(ge=0, description="number of contradicted claims")
    version: int | None = Field(default=None, description="default: the current version")
    checker: str = ""


@router.post("/articles", status_code=201)
def post_article(body: CreateArticle, store: StoreDep,
                 user: UserDep) -> dict[str, Any]:
    """Save a saved answer as a new article (editor)."""
    with http_errors():
        answer = load_answer(store, body.answer_id)
        if answer is None:
            raise NotFound(f"no saved answer {body.answer_id!r}; ask the question first")
        return article_json(store, create_article(store, answer, user, body.slug, body.note))


@router.post("/articles/{slug}/versions", status_code=201)
def post_version(slug: str, body: NewVersion, store: StoreDep,
                 user: UserDep) -> dict[str, Any]:
    """Add a version (editor): a saved answer by id, or an answer JSON."""
    with http_errors():
        if (body.answer_id is None) == (body.answer is None):
            raise EditorialInputError("give exactly one of answer_id or answer")
        if body.answer_id is not None:
            answer = load_answer(store, body.answer_id)
            if answer is None:
                raise NotFound(f"no saved answer {body.answer_id!r}")
        else:
            assert body.answer is not None
            arts.get_article(store, slug)  # 404 before saving anything
            answer = arts.adopt_answer(store, body.answer)
        return article_json(store, edit_article(store, slug, answer, user, body.revision,
                                                body.note))


def _action_endpoint(action: Action) -> Callable[..., dict[str, Any]]:
    def endpoint(slug: str, body: ActionBody, store: StoreDep,
                 user: UserDep) -> dict[str, Any]:
        with http_errors():
            article = act(store, slug, action, user, body.revision, body.note,
                          body.override_note)
            return article_json(store, article)

    endpoint.__name__ = f"post_{str(action).replace('-', '_')}"
    endpoint.__doc__ = f"{action} (status action; needs a token with the right role)"
    return endpoint


for _action in STATUS_ACTIONS:
    router.add_api_route(f"/articles/{{slug}}/{_action}", _action_endpoint(_action),
                         methods=["POST"], summary=f"{_action} an article")


@router.post("/articles/{slug}/checks", status_code=201)
def post_check(slug: str, body: CheckBody, store: StoreDep,
               user: UserDep) -> dict[str, Any]:
    """Attach a claim-check report to a version (editor or reviewer)."""
    with http_errors():
        report = attach_check_report(store, slug, body.report, body.contradicted,
                                     version=body.version, checker=body.checker, actor=user)
        return report.to_json_dict(with_report=False)


# -- people (admin) ------------------------------------------------------------------------------
class NewUser(BaseModel):
    email: str
    name: str = ""
    roles: list[str]


class RolesBody(BaseModel):
    roles: list[str]


class RevokeBody(BaseModel):
    tokens_only: bool = False


@router.get("/me")
def me(user: UserDep) -> dict[str, Any]:
    return user.to_json_dict()


@router.get("/users")
def get_users(store: StoreDep,
              user: UserDep) -> list[dict[str, Any]]:
    with http_errors():
        return [u.to_json_dict() for u in list_users(store, user)]


@router.post("/users", status_code=201)
def post_user(body: NewUser, store: StoreDep,
              user: UserDep) -> dict[str, Any]:
    """Add a person (admin); the response holds their API token, shown this once."""
    with http_errors():
        added, token = add_user(store, body.email, body.name, parse_roles(body.roles), user)
        return {"user": added.to_json_dict(), "token": token}


@router.put("/users/{email}/roles")
def put_roles(email: str, body: RolesBody, store: StoreDep,
              user: UserDep) -> dict[str, Any]:
    with http_errors():
        return set_roles(store, email, parse_roles(body.roles), user).to_json_dict()


@router.post("/users/{email}/revoke")
def post_revoke(email: str, body: RevokeBody, store: StoreDep,
                user: UserDep) -> dict[str, Any]:
    with http_errors():
        n = revoke(store, email, user, tokens_only=body.tokens_only)
        return {"user": get_user(store, email).to_json_dict(), "tokens_revoked": n}


@router.post("/users/{email}/tokens", status_code=201)
def post_token(email: str, store: StoreDep,
               user: UserDep) -> dict[str, Any]:
    """A new token for ``email`` (admin, or yourself); shown this once."""
    with http_errors():
        return {"email": email, "token": issue_token(store, email, user)}
