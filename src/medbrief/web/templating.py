"""Jinja2 templates with autoescaping always on, and the stylesheet the pages link to.

Every value a template prints is escaped by Jinja (``autoescape=True`` for every template, whatever
its name); the only ``|safe`` output in the templates is the editorial policy, which
:mod:`medbrief.web.policy` renders from Markdown with raw HTML disabled. Undefined variables are
errors (``StrictUndefined``), so a typo cannot silently print nothing.

Every HTML page the app serves — the web app's own, the editorial pages
(:mod:`medbrief.editorial.pages`) and the claim check (:mod:`medbrief.checking.web`) — extends the
one page shell ``templates/base.html``. Routers mounted without the web app (tests, other apps) use
:func:`shared_templates`, the same instance ``create_app`` uses.

The stylesheet is :data:`medbrief.render.html.ANSWER_CSS` (the answer's own styles, shared with
``medbrief ask --format html``), then :data:`medbrief.checking.render.REPORT_CSS` (the claim-check
report's, shared with ``medbrief check --format html``), then ``static/web.css`` (the site around
them). It is served as one file, ``/static/medbrief.css``, because the Content-Security-Policy
forbids inline styles.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from medbrief.checking.render import REPORT_CSS
from medbrief.render import common
from medbrief.render.html import ANSWER_CSS

HERE = Path(__file__).resolve().parent
TEMPLATE_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"


def stylesheet() -> str:
    web_css = (STATIC_DIR / "web.css").read_text(encoding="utf-8")
    return "\n".join((ANSWER_CSS, REPORT_CSS, web_css))


def human_date(value: str | None) -> str:
    """``2025-05-20T10:00:00+00:00`` → ``May 20, 2025``; ``""`` for ``None`` or ``""``, and the
    input unchanged if it is no date."""
    if not value:
        return ""
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


@cache
def shared_templates() -> Templates:
    """The one :class:`Templates` of this process (built on first use)."""
    return Templates()
