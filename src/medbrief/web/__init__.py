"""The web app and REST API (``medbrief serve``): answer pages people read, JSON other systems call.

Modules, one concern each: ``app`` (assembly and error handlers), ``pages`` (HTML routes), ``api``
(JSON routes), ``views`` (what both share), ``service`` (the one Engine per process, locked and
cached), ``review`` (review status shown on a page), ``errors`` (the one error shape), ``security``
(headers, size limit, last-resort 500), ``templating`` and ``policy`` (safe HTML), ``cli``
(``serve``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from medbrief.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # lazy: `medbrief --help` imports medbrief.web.cli, which must not load FastAPI and the Engine
    if name == "create_app":
        from medbrief.web.app import create_app

        return create_app
    raise AttributeError(name)
