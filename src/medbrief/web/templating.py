"""Jinja2 templates with autoescaping always on, and the stylesheet the pages link to.

Every value a template prints is escaped by Jinja (``autoescape=True`` for every template, whatever
its name); the only ``|safe`` output in the templates is the editorial policy, which
:mod:`medbrief.web.policy` renders from Markdown with raw HTML disabled. Undefined variables are
errors (``StrictUndefined``), so a typo cannot silently print nothing.

The stylesheet is :data:`medbrief.render.html.ANSWER_CSS` (the answer's own styles, shared with
``medbrief ask --format html``) followed by ``static/web.css`` (the site around it). It is served as
one file, ``/static/medbrief.css``, because the Content-Security-Policy forbids inline styles.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from medbrief.render import common
from medbrief.render.html import ANSWER_CSS

HERE = Path(__file__).resolve().parent
TEMPLATE_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"


def stylesheet() -> str:
    return ANSWER_CSS + "\n" + (STATIC_DIR / "web.css").read_text(encoding="utf-8")


def human_date(value: str) -> str:
    """``2025-05-20T10:00:00+00:00`` → ``May 20, 2025`` (the input unchanged if it is no date)."""
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value
    return f"{when:%B} {when.day}, {when.year}"


def query(**params: str | None) -> str:
    """A URL query string from the non-empty ``params`` (escaped by Jinja when printed)."""
    return urlencode({k: v for k, v in params.items() if v})


class Templates:
    def __init__(self) -> None:
        self.env = Environment(
            loader=FileSystemLoader(str(TEMPLATE_DIR)),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.css = stylesheet().encode()
        self.css_version = hashlib.sha256(self.css).hexdigest()[:12]
        self.env.globals.update(
            clean=common.clean,
            query=query,
            human_date=human_date,
            css_version=self.css_version,
        )

    def render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)
