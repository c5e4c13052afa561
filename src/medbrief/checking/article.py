"""Reading an article: plain text, Markdown or HTML in, blocks of clean text out.

Every character of a block's text remembers the offset of the character of the *input* it came
from, so a claim found in the clean text can be located (line, column, character offsets) in the
file the editor gave us, whatever its format. Markup is removed, entities decoded, and headings,
list items and paragraphs kept apart; script/style content is dropped and navigation, footer and
aside content is marked as boilerplate.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from typing import Literal

from medbrief.errors import InputError

InputFormat = Literal["text", "markdown", "html"]
INPUT_FORMATS: tuple[str, ...] = ("text", "markdown", "html")
BlockKind = Literal["heading", "paragraph", "item"]
MAX_ARTICLE_CHARS = 400_000

_BULLET = re.compile(r"^[ \t]*(?:[•●▪◦‣∙·*+\-–—]|\d{1,2}[.)])[ \t]+")
_MD_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+")
_MD_SETEXT = re.compile(r"^[ \t]{0,3}(=+|-+)[ \t]*$")
_MD_QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?")
_MD_RULE = re.compile(r"^[ \t]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_TERMINAL = re.compile(r"[.!?:;…]\s*$")


@dataclass(slots=True)
class Block:
    """A heading, paragraph or list item: clean text plus the input offset of every character."""

    kind: BlockKind
    text: str
    offsets: list[int]
    boilerplate: bool = False

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Input offsets [start, end) of the clean text [start, end)."""
        return self.offsets[start], self.offsets[end - 1] + 1


@dataclass(slots=True)
class Article:
    source_text: str
    input_format: InputFormat
    blocks: list[Block] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of an input offset."""
        if not self._line_starts:
            self._line_starts = [0] + [m.end() for m in re.finditer(r"\n", self.source_text)]
        i = bisect.bisect_right(self._line_starts, offset) - 1
        return i + 1, offset - self._line_starts[i] + 1


class _Builder:
    """Accumulates characters with their input offsets; whitespace runs collapse to one space."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.offsets: list[int] = []

    def add(self, text: str, start: int) -> None:
        for i, ch in enumerate(text):
            self.add_char(ch, start + i)

    def add_char(self, ch: str, offset: int) -> None:
        if ch.isspace() or ch in "\u200b\ufeff":
            if self.chars and self.chars[-1] != " ":
                self.chars.append(" ")
                self.offsets.append(offset)
            return
        self.chars.append(ch)
        self.offsets.append(offset)

    def take(self, kind: BlockKind, boilerplate: bool = False) -> Block | None:
        while self.chars and self.chars[-1] == " ":
            self.chars.pop()
            self.offsets.pop()
        text, offsets = "".join(self.chars), self.offsets
        self.chars, self.offsets = [], []
        if not text.strip():
            return None
        return Block(kind, text, offsets, boilerplate)


def detect_format(text: str, filename: str = "") -> InputFormat:
    """From the file name if it says, else from the content."""
    name = filename.lower()
    if name.endswith((".html", ".htm", ".xhtml")):
        return "html"
    if name.endswith((".md", ".markdown", ".mdown")):
        return "markdown"
    head = text[:4000].lower()
    if re.search(r"<(?:!doctype html|html|body|p|div|h[1-6]|article)\b", head):
        return "html"
    if re.search(r"(?m)^#{1,6} \S|^\s*[-*] \S.*\n|\*\*[^*\n]+\*\*|\[[^\]\n]+\]\([^)\s]+\)", text):
        return "markdown"
    return "text"


# --- plain text and Markdown ------------------------------------------------------------------

_MD_INLINE = re.compile(
    r"!\[[^\]]*\]\([^)]*\)"          # images: dropped
    r"|\[([^\]]+)\]\([^)]*\)"        # links: keep the text (group 1)
    r"|<[^>\n]+>"                    # inline HTML tags: dropped
    r"|(\*\*|__|\*|_|`+|~~)"         # emphasis and code markers: dropped (group 2)
)


def _add_markdown_inline(b: _Builder, line: str, start: int) -> None:
    pos = 0
    for m in _MD_INLINE.finditer(line):
        if m.group(2) and m.group(2) in ("_", "*") and \
                _is_word_char(line, m.start() - 1) and _is_word_char(line, m.end()):
            continue  # snake_case or 2*3: not emphasis
        b.add(line[pos:m.start()], start + pos)
        if m.group(1) is not None:
            b.add(m.group(1), start + m.start(1))
        pos = m.end()
    b.add(line[pos:], start + pos)


def _is_word_char(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isalnum()


def _lines(text: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    pos = 0
    for line in text.split("\n"):
        out.append((line.rstrip("\r"), pos))
        pos += len(line) + 1
    return out


def _is_heading_line(line: str, prev_blank: bool, next_blank: bool) -> bool:
    """A short line standing alone, without closing punctuation (or a short question)."""
    s = line.strip()
    if not s or not (prev_blank and next_blank) or len(s) > 90 or len(s.split()) > 12:
        return False
    if s.endswith("?"):
        return not re.match(r"(?i)q\d+[.:)]", s)  # "Q1. ...?" is an FAQ question, not a heading
    return not _TERMINAL.search(s) and (s[:1].isupper() or s[:1].isdigit())


def parse_lines(text: str, markdown: bool) -> list[Block]:
    """Plain text or Markdown: blank lines end paragraphs, markers start items."""
    lines = _lines(text)
    blocks: list[Block] = []
    b = _Builder()
    current: BlockKind | None = None

    def flush() -> None:
        nonlocal current
        if current is not None:
            block = b.take(current)
            if block is not None:
                blocks.append(block)
        current = None

    in_fence = False
    for i, (line, start) in enumerate(lines):
        stripped = line.strip()
        if markdown and stripped.startswith(("```", "~~~")):
            flush()
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        prev_blank = i == 0 or not lines[i - 1][0].strip()
        next_blank = i + 1 >= len(lines) or not lines[i + 1][0].strip()
        if not stripped:
            flush()
            continue
        if markdown and (_MD_RULE.match(line) or (_MD_SETEXT.match(line) and current is None)):
            flush()
            continue
        if markdown and _MD_SETEXT.match(line) and current == "paragraph":
            current = "heading"  # the paragraph above was a setext heading
            flush()
            continue
        offset = 0
        kind: BlockKind = "paragraph"
        if markdown and (m := _MD_HEADING.match(line)):
            offset, kind = m.end(), "heading"
        elif markdown and (m := _MD_QUOTE.match(line)):
            offset = m.end()
        if (m := _BULLET.match(line[offset:])) and kind != "heading":
            numbered = m.group(0).strip()[:1].isdigit()
            if numbered and _is_heading_line(line[offset + m.end():], prev_blank, next_blank):
                kind = "heading"  # "4. Cerebral Palsy" standing alone: a numbered heading
            else:
                kind = "item"
            offset += m.end()
        body = line[offset:]
        if markdown and kind != "heading":
            bold = re.fullmatch(r"\s*(\*\*|__)([^*_]+)\1\s*", body)
            if bold and prev_blank and next_blank and not _TERMINAL.search(bold.group(2)):
                kind = "heading"
        if kind == "paragraph" and current is None and \
                _is_heading_line(body, prev_blank, next_blank):
            kind = "heading"
        continues = (current == "paragraph" and kind == "paragraph") or \
            (current == "item" and kind == "paragraph" and line[:1] in " \t")
        if continues and _joins(lines[i - 1][0]):
            b.add_char(" ", start - 1)
        else:
            flush()
            current = kind
        if markdown:
            _add_markdown_inline(b, body.rstrip("#").rstrip() if kind == "heading" else body,
                                 start + offset)
        else:
            b.add(body, start + offset)
        if kind == "heading":
            flush()
    flush()
    return blocks


def _joins(previous: str) -> bool:
    """Does the previous line run on into this one (a hard-wrapped paragraph)?"""
    prev = previous.rstrip()
    return len(prev) >= 50 and not prev.endswith("?")


# --- HTML -------------------------------------------------------------------------------------

_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "svg", "iframe",
                        "object", "select", "button", "form"})
_BOILER_TAGS = frozenset({"nav", "footer", "aside"})
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCK_TAGS = frozenset({"p", "div", "li", "ul", "ol", "br", "tr", "td", "th", "table",
                         "section", "article", "blockquote", "header", "main", "dd", "dt", "dl",
                         "figcaption", "pre", "hr", "body", "html", "caption", "summary",
                         "details", "figure"}) | _HEADING_TAGS | _BOILER_TAGS
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed",
                   "source", "track", "wbr"})


class _HtmlReader(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.blocks: list[Block] = []
        self.b = _Builder()
        self.kind: BlockKind = "paragraph"
        self.skip = 0
        self.boiler = 0
        self.stack: list[str] = []

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _flush(self) -> None:
        block = self.b.take(self.kind, boilerplate=self.boiler > 0)
        if block is not None:
            self.blocks.append(block)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            if tag not in _VOID:
                self.skip += 1
            return
        if tag in _BLOCK_TAGS:
            self._flush()
            if tag in _HEADING_TAGS:
                self.kind = "heading"
            elif tag == "li":
                self.kind = "item"
            elif tag in ("p", "div", "td", "th", "dd", "dt", "blockquote"):
                self.kind = "paragraph"
            if tag in _BOILER_TAGS:
                self.boiler += 1
        elif tag == "img":
            return

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
            return
        if tag in _BLOCK_TAGS:
            self._flush()
            if tag in _HEADING_TAGS or tag == "li":
                self.kind = "paragraph"
            if tag in _BOILER_TAGS:
                self.boiler = max(0, self.boiler - 1)

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.b.add(data, self._offset())

    def _ref(self, raw: str, decoded: str) -> None:
        if not self.skip and decoded:
            start = self._offset()
            for ch in decoded:
                self.b.add_char(ch, start)

    def handle_entityref(self, name: str) -> None:
        self._ref(name, unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self._ref(name, unescape(f"&#{name};"))

    def close(self) -> None:
        super().close()
        self._flush()


def parse_html(text: str) -> list[Block]:
    reader = _HtmlReader(text)
    reader.feed(text)
    reader.close()
    return reader.blocks


def read_article(text: str, input_format: str = "auto", filename: str = "") -> Article:
    """Parse ``text`` (``auto`` detects the format from ``filename`` and the content)."""
    if input_format not in (*INPUT_FORMATS, "auto"):
        raise InputError(f"unknown input format {input_format!r}; choose one of: auto, "
                         f"{', '.join(INPUT_FORMATS)}")
    if len(text) > MAX_ARTICLE_CHARS:
        raise InputError(f"the article is {len(text):,} characters long; check articles of at most "
                         f"{MAX_ARTICLE_CHARS:,} characters (split longer ones)")
    fmt: InputFormat = detect_format(text, filename) if input_format == "auto" \
        else input_format  # type: ignore[assignment]
    blocks = parse_html(text) if fmt == "html" else parse_lines(text, markdown=fmt == "markdown")
    if not any(b.text.strip() for b in blocks):
        raise InputError("the article has no text to check; give a plain text, Markdown or HTML "
                         "article")
    return Article(text, fmt, blocks)
