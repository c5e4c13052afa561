"""Renderers: one function per output format, ``Answer -> str``.

``RENDERERS`` is a plain registry (format name -> function); :func:`render` looks a format up and
raises :class:`~medbrief.errors.InputError` naming the valid formats for an unknown one. ``text`` is
the default of ``medbrief ask``; call :func:`medbrief.render.text.render_text` directly (or pass
``color=True`` to :func:`render`) for ANSI-bold headings.
"""

from __future__ import annotations

from collections.abc import Callable

from medbrief.answer import Answer
from medbrief.errors import InputError
from medbrief.render.html import answer_body_html, render_html
from medbrief.render.jsonout import answer_schema, render_json
from medbrief.render.markdown import render_markdown
from medbrief.render.text import render_text

DEFAULT_FORMAT = "text"

RENDERERS: dict[str, Callable[[Answer], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
    "html": render_html,
}


def formats() -> list[str]:
    """The valid format names, sorted."""
    return sorted(RENDERERS)


def render(answer: Answer, fmt: str = DEFAULT_FORMAT, *, color: bool = False) -> str:
    """``answer`` in format ``fmt``; ``color`` only affects ``text`` (ANSI bold headings)."""
    renderer = RENDERERS.get(fmt)
    if renderer is None:
        raise InputError(f"unknown format {fmt!r}; choose one of: {', '.join(formats())}")
    if fmt == "text" and color:
        return render_text(answer, color=True)
    return renderer(answer)


__all__ = [
    "DEFAULT_FORMAT",
    "RENDERERS",
    "answer_body_html",
    "answer_schema",
    "formats",
    "render",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
]
