"""The editorial policy page: ``docs/editorial-policy.md`` rendered as safe HTML.

Markdown is rendered by markdown-it-py with raw HTML **disabled** (``html: False``): any ``<tag>``
in the file is shown as text, never passed through, and markdown-it refuses ``javascript:``,
``vbscript:``, ``file:`` and ``data:`` link targets. The file is read again when it changes.
"""

from __future__ import annotations

import threading
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup

# The policy lives with the other docs of the repository (src/medbrief/web/policy.py → repo root).
DEFAULT_POLICY_PATH = Path(__file__).resolve().parents[3] / "docs" / "editorial-policy.md"


def render_markdown(text: str) -> Markup:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    return Markup(md.render(text))  # noqa: S704 - html disabled: markdown-it escapes all text


class Policy:
    """The rendered policy, cached until the file's modification time changes."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or DEFAULT_POLICY_PATH
        self._lock = threading.Lock()
        self._mtime: float | None = None
        self._html: Markup | None = None

    def html(self) -> Markup | None:
        """The policy as HTML, or ``None`` when the file is missing or unreadable."""
        try:
            mtime = self.path.stat().st_mtime
        except OSError:
            return None
        with self._lock:
            if self._html is None or mtime != self._mtime:
                try:
                    text = self.path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    return None
                self._html, self._mtime = render_markdown(text), mtime
            return self._html
