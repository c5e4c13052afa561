"""Markdown rendering (CommonMark). Corpus text is backslash-escaped so it cannot become markup.

Allowlisted URLs (see :func:`medbrief.render.common.safe_url`) are autolinks ``<https://...>``;
any other URL is shown as a code span, so neither CommonMark nor GFM's autolinker makes it a link.
"""

from __future__ import annotations

import re

from medbrief.answer import Answer, Sentence
from medbrief.render import common as c

# Every character that can start inline markup or raw HTML, or an entity (``&lt;``), plus ``#``
# and ``|`` (headings, GFM tables). CommonMark lets any ASCII punctuation be backslash-escaped.
_SPECIAL = re.compile(r"([\\`*_\[\]<>&#|!~])")
_TICKS = re.compile(r"`+")
_LIST_START = re.compile(r"(\d+)([.)])")


def md_escape(text: str | None) -> str:
    """Cleaned text with every markup character backslash-escaped."""
    escaped = _SPECIAL.sub(r"\\\1", c.clean(text))
    # At the start of a line (or list item) "1." / "+" / "-" would open a (nested) list and "="
    # could underline a heading.
    m = _LIST_START.match(escaped)
    if m:
        return f"{m[1]}\\{m[2]}{escaped[m.end():]}"
    if escaped[:1] in ("+", "-", "="):
        return "\\" + escaped
    return escaped


def code_span(text: str) -> str:
    """``text`` as an inline code span (literal, never linked)."""
    text = c.clean(text)
    longest = max((len(m) for m in _TICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def url_md(url: str) -> str:
    safe = c.safe_url(url)
    return f"<{safe}>" if safe else code_span(url)


def sentence_md(sentence: Sentence) -> str:
    marks = c.markers(sentence)
    text = md_escape(sentence.text)
    return f"{text} {marks}" if marks else text


def render_markdown(answer: Answer) -> str:
    """The answer as a Markdown document."""
    out: list[str] = [f"# {md_escape(answer.question) or '(no question)'}", ""]

    bl = answer.bottom_line
    if c.is_insufficient(answer):
        out += [f"## ⚠ {c.INSUFFICIENT}", ""]
        out += [f"- {md_escape(reason)}" for reason in c.insufficient_reasons(answer)]
        out.append("")
    else:
        out += [f"## {c.BOTTOM_LINE}", ""]
    if bl.verdict is not None:
        out += [f"**{sentence_md(bl.verdict)}**", ""]
    if bl.summary:
        out += [" ".join(sentence_md(s) for s in bl.summary), ""]
    status = c.label_status_text(answer)
    if status:
        out += [f"FDA label status: {md_escape(status)}", ""]

    for section in c.sections_to_show(answer):
        out += [f"## {md_escape(c.section_title(section))}", ""]
        if section.sentences:
            out += [f"- {sentence_md(s)}" for s in section.sentences]
        else:
            out.append(f"*{md_escape(c.section_note(section))}*")
        out.append("")

    if answer.safety:
        out += [f"## {c.SAFETY}", ""]
        for item in answer.safety:
            out += [f"### {md_escape(item.title) or item.kind.replace('_', ' ')}", ""]
            out += [f"- {sentence_md(s)}" for s in item.sentences]
            out.append("")

    if answer.references:
        out += [f"## {c.REFERENCES}", ""]
        refs = c.ordered_references(answer)
        # An ordered list renumbers from its first item; with gaps keep the numbers literal.
        numbered = [r.n for r in refs] == list(range(1, len(refs) + 1))
        for ref in refs:
            prefix = f"{ref.n}." if numbered else f"- {ref.n}\\."
            line = f"{prefix} {md_escape(c.reference_text(ref))}"
            if c.clean(ref.url):
                line += f" {url_md(ref.url)}"
            out.append(line)
        out.append("")

    if answer.follow_up_questions:
        out += [f"## {c.FOLLOW_UP}", ""]
        out += [f"- {md_escape(q)}" for q in answer.follow_up_questions]
        out.append("")

    if c.clean(answer.disclaimer):
        out += [f"> {md_escape(answer.disclaimer)}", ""]
    out += ["---", "", f"*{md_escape(c.footer_text(answer))}*"]
    return "\n".join(out)
