"""Turn the escaped-HTML value of one NGC summary field into an ordered list of text blocks.

NGC fields hold small HTML fragments (``<p>``, nested ``<ul>``/``<ol>``, the odd ``<table>``). The
recommendation splitter needs more than plain text: which paragraphs are headings (a paragraph
whose whole content is bold / italic / underlined), which list an item belongs to and its number
(``<ol start="21">``), the bold segments (where grades such as ``(Grade 1B)`` live). This module
walks the tags with a small tolerant tokenizer (the fragments are not always well formed) and never
raises: whatever the markup, the result is a list of :class:`Block`.

Block text is produced by :func:`medbrief.textutil.html_to_text`, so it is the source text with tags
and entities removed; table cells of one row are joined with `` | ``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from medbrief.textutil import html_to_text, normalize_ws

_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)([^<>]*)>|<!--.*?-->", re.S)
_BLOCK = frozenset(
    [
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "br",
        "tr",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "caption",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "section",
        "pre",
        "hr",
    ]
)
_CELL = frozenset(("td", "th"))
_ATTR_START = re.compile(r"""\bstart\s*=\s*["']?(\d{1,4})""", re.I)
_ATTR_VALUE = re.compile(r"""\bvalue\s*=\s*["']?(\d{1,4})""", re.I)
_ATTR_CLASS = re.compile(r"""\bclass\s*=\s*["']?([\w -]+)""", re.I)
_ATTR_TYPE = re.compile(r"list-style-type:\s*([a-z-]+)|\btype\s*=\s*[\"']?([aAiI1])", re.I)
_EMPH = re.compile(r"<\s*(strong|b|em|i|u)\b[^>]*>(.*?)<\s*/\s*\1\s*>", re.S | re.I)
_UNDERLINE = re.compile(r"<\s*span[^>]*underline[^>]*>(.*?)<\s*/\s*span\s*>", re.S | re.I)
_SUP = re.compile(r"<\s*sup\b[^>]*>\s*[\d,*\u2020\u2021\s]{1,8}<\s*/\s*sup\s*>", re.I)
_BOLD = re.compile(r"<\s*(strong|b)\b[^>]*>(.*?)<\s*/\s*\1\s*>", re.S | re.I)
_ANY_TAG = re.compile(r"<[^>]*>")
_LINK = re.compile(r"""href\s*=\s*["'](https?://[^"'\s<>]+)""", re.I)

# Mis-decoded UTF-8 (the XML has UTF-8 that was once read as Latin-1: "â\x89¥" for "≥").
_MOJIBAKE = re.compile(
    r"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def repair_mojibake(text: str) -> tuple[str, int]:
    """Undo UTF-8-read-as-Latin-1 sequences (``ï¬\\x81`` -> ``ﬁ``); returns (text, repairs)."""
    count = 0

    def fix(m: re.Match[str]) -> str:
        nonlocal count
        try:
            fixed = m.group(0).encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return m.group(0)
        count += 1
        return fixed

    if not _MOJIBAKE.search(text):
        return text, 0
    return _MOJIBAKE.sub(fix, text), count


@dataclass(slots=True)
class Block:
    """One paragraph, list item, table row or loose run of text of a field."""

    text: str  # plain text (html_to_text with keep_blocks: <br> kept as newline)
    markup: str  # the inline markup the text came from
    tag: str  # "p", "li", "tr" or "text" (loose text in a div)
    depth: int = 0  # number of enclosing lists
    number: int | None = None  # item number in an ordered list
    list_key: int = 0  # which list the item belongs to (0: not in a list)
    li_key: int = 0  # the list item this block is part of (continuations share it)
    parent_li_key: int = 0  # the list item enclosing this item's list
    table_key: int = 0
    css_class: str = ""
    heading_level: int = 0  # 0: not a heading; 1 underlined, 2 bold, 3 italic
    bold: list[str] = field(default_factory=list)  # text of the bold segments
    cells: list[str] = field(default_factory=list)  # table rows: the text of each cell
    header: bool = False  # table rows made of <th> cells only
    flat: str = ""  # the text on one line (normalize_ws)

    def __post_init__(self) -> None:
        self.flat = normalize_ws(self.text)


_INLINE_TAG = re.compile(r"<\s*/?\s*(?!br\b)[a-zA-Z][a-zA-Z0-9]*[^<>]*>|<!--.*?-->", re.S)


def inline_text(markup: str) -> str:
    """Text of inline markup: inline tags vanish (as a browser renders them), ``<br>`` -> newline."""
    return html_to_text(_INLINE_TAG.sub("", markup), keep_blocks=True)


def first_link(markup: str) -> str:
    m = _LINK.search(markup)
    return m.group(1) if m else ""


def _heading_level(markup: str, text: str) -> int:
    """1-3 if the whole block is emphasised and short enough to be a heading, else 0."""
    flat = normalize_ws(text)
    if not flat or len(flat) > 160 or "\n" in text.strip():
        return 0
    rest = _SUP.sub(" ", markup)  # footnote marks: <em>Oscillopsia</em><sup>9</sup>
    rest = _UNDERLINE.sub(" ", rest)
    rest = _EMPH.sub(" ", rest)
    if normalize_ws(inline_text(rest)).strip(" :.-\u2013") != "":
        return 0
    low = markup.lower()
    if "underline" in low or re.search(r"<\s*u\b", low):
        return 1
    if re.search(r"<\s*(strong|b)\b", low):
        return 2
    return 3


@dataclass
class _List:
    key: int
    ordered: bool
    counter: int


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.buf: list[str] = []
        self.lists: list[_List] = []
        self.lis: list[tuple[int, int | None]] = []  # (li_key, number)
        self.tables: list[int] = []
        self.cells: list[tuple[str, str]] = []  # (td/th, markup)
        self.cell_tag = "td"
        self.in_row = False
        self.css = ""
        self.next_key = 0

    def key(self) -> int:
        self.next_key += 1
        return self.next_key

    def flush(self) -> None:
        markup = "".join(self.buf)
        self.buf = []
        if self.in_row:
            self.cells.append((self.cell_tag, markup))
            return
        self._emit(markup, "li" if self.lis else "p")

    def end_cell(self) -> None:
        if self.buf:
            self.cells.append((self.cell_tag, "".join(self.buf)))
        self.buf = []

    def flush_row(self) -> None:
        self.end_cell()
        cells = [(t, c, normalize_ws(inline_text(c))) for t, c in self.cells]
        cells = [c for c in cells if c[2]]
        self.cells = []
        self.in_row = False
        if cells:
            block = self._emit(" | ".join(c[1] for c in cells), "tr")
            if block is not None:
                block.cells = [c[2] for c in cells]
                block.text = block.flat = " | ".join(block.cells)
                block.header = all(c[0] == "th" for c in cells)

    def _emit(self, markup: str, tag: str) -> Block | None:
        if not markup or markup.isspace():
            return None
        text = inline_text(markup)
        if not text.strip():
            return None
        li_key, number = self.lis[-1] if self.lis else (0, None)
        parent_li = self.lis[-2][0] if len(self.lis) > 1 else 0
        bold = [normalize_ws(inline_text(m.group(2))) for m in _BOLD.finditer(markup)]
        block = Block(
            text=text,
            markup=markup,
            tag=tag,
            depth=len(self.lists),
            number=number,
            list_key=self.lists[-1].key if self.lists and self.lis else 0,
            li_key=li_key,
            parent_li_key=parent_li,
            table_key=self.tables[-1] if self.tables else 0,
            css_class=self.css,
            bold=[b for b in bold if b],
        )
        if tag == "p" and not self.tables:
            block.heading_level = _heading_level(markup, text)
            if block.heading_level and _SUP.search(markup):
                block.text = inline_text(_SUP.sub("", markup))
                block.flat = normalize_ws(block.text)
        self.blocks.append(block)
        return block

    def open_tag(self, name: str, attrs: str) -> None:
        if name in ("ul", "ol", "dl"):
            start = _ATTR_START.search(attrs)
            counter = int(start.group(1)) - 1 if start else 0
            self.lists.append(_List(self.key(), name == "ol", counter))
        elif name == "li":
            number: int | None = None
            if self.lists:
                lst = self.lists[-1]
                value = _ATTR_VALUE.search(attrs)
                lst.counter = int(value.group(1)) if value else lst.counter + 1
                number = lst.counter if lst.ordered else None
            self.lis.append((self.key(), number))
        elif name == "table":
            self.tables.append(self.key())
        elif name == "tr":
            self.in_row = True
            self.cells = []
        elif name == "p":
            m = _ATTR_CLASS.search(attrs)
            self.css = m.group(1).strip() if m else ""

    def close_tag(self, name: str) -> None:
        if name in ("ul", "ol", "dl"):
            if self.lists:
                self.lists.pop()
        elif name == "li":
            if self.lis:
                self.lis.pop()
        elif name == "table":
            if self.tables:
                self.tables.pop()
        elif name == "tr":
            self.flush_row()
        elif name == "p":
            self.css = ""


def blocks_from_html(markup: str) -> list[Block]:
    """Split an NGC field value into blocks (never raises)."""
    walker = _Walker()
    pos = 0
    for m in _TAG.finditer(markup):
        walker.buf.append(markup[pos : m.start()])
        pos = m.end()
        if m.group(2) is None:  # comment
            continue
        closing, name = m.group(1) == "/", m.group(2).lower()
        if name == "br" or (name not in _BLOCK and name not in _CELL):
            walker.buf.append(m.group(0))  # inline markup stays with its block
            continue
        if name in _CELL:
            if walker.in_row:  # a cell boundary: what came before belongs to the previous cell
                walker.end_cell()
                if not closing:
                    walker.cell_tag = name
            continue
        if walker.in_row:
            if name not in ("tr", "table"):
                walker.buf.append(" ")  # paragraphs inside a cell stay in the cell
                continue
            walker.flush_row()
        else:
            walker.flush()
        if closing:
            walker.close_tag(name)
        else:
            walker.open_tag(name, m.group(3) or "")
    walker.buf.append(markup[pos:])
    if walker.in_row:
        walker.flush_row()
    else:
        walker.flush()
    return walker.blocks


def strip_tags(markup: str) -> str:
    return normalize_ws(html_to_text(_ANY_TAG.sub(" ", markup)))
