"""Terminal rendering (the default of ``medbrief ask``): wrapped to 100 columns, plain by default.

With ``color=True`` headings are bold (ANSI); corpus text never carries escape sequences through,
because :func:`medbrief.render.common.clean` drops control characters first.
"""

from __future__ import annotations

import textwrap

from medbrief.answer import Answer, Sentence
from medbrief.render import common as c

WIDTH = 100
BOLD, RESET = "\033[1m", "\033[0m"


class _Writer:
    def __init__(self, width: int, color: bool) -> None:
        self.width = width
        self.color = color
        self.lines: list[str] = []

    def _bold(self, text: str) -> str:
        return f"{BOLD}{text}{RESET}" if self.color else text

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def wrap(self, text: str, first: str = "", rest: str = "") -> None:
        self.lines.extend(
            textwrap.wrap(
                text,
                width=self.width,
                initial_indent=first,
                subsequent_indent=rest,
                break_long_words=False,
                break_on_hyphens=False,
            )
            or [first.rstrip()]
        )

    def title(self, text: str) -> None:
        wrapped = textwrap.wrap(text, width=self.width, break_long_words=False) or [""]
        self.lines.extend(self._bold(line) for line in wrapped)
        self.lines.append("=" * min(self.width, max(len(line) for line in wrapped)))

    def heading(self, text: str, rule: str = "-") -> None:
        self.blank()
        self.lines.append(self._bold(text))
        self.lines.append(rule * len(text))

    def subheading(self, text: str) -> None:
        self.blank()
        for line in textwrap.wrap(text, self.width - 2, break_long_words=False) or [""]:
            self.lines.append("  " + self._bold(line))

    def bullet(self, text: str, indent: int = 0) -> None:
        pad = " " * indent
        self.wrap(text, f"{pad}- ", f"{pad}  ")

    def sentences(self, sentences: list[Sentence], indent: int = 0) -> None:
        for sentence in sentences:
            self.bullet(c.sentence_line(sentence), indent)


def render_text(answer: Answer, color: bool = False, width: int = WIDTH) -> str:
    """The answer as wrapped terminal text; ANSI bold headings only when ``color`` is true."""
    w = _Writer(width, color)
    w.title(c.clean(answer.question) or "(no question)")

    bl = answer.bottom_line
    if c.is_insufficient(answer):
        w.heading(f"!! {c.INSUFFICIENT}", rule="=")
        for reason in c.insufficient_reasons(answer):
            w.bullet(reason)
    else:
        w.heading(c.BOTTOM_LINE)
    if bl.verdict is not None:
        w.wrap(c.sentence_line(bl.verdict))
    if bl.summary:
        w.blank()
        w.wrap(" ".join(c.sentence_line(s) for s in bl.summary))
    status = c.label_status_text(answer)
    if status:
        w.blank()
        w.wrap(f"FDA label status: {status}")

    for section in c.sections_to_show(answer):
        w.heading(c.section_title(section))
        if section.sentences:
            w.sentences(section.sentences)
        else:
            w.wrap(c.section_note(section))

    if answer.safety:
        w.heading(c.SAFETY)
        for item in answer.safety:
            w.subheading(c.clean(item.title) or item.kind.replace("_", " "))
            w.sentences(item.sentences, indent=2)

    if answer.references:
        w.heading(c.REFERENCES)
        for ref in c.ordered_references(answer):
            label = f"{ref.n}. "
            text = c.reference_text(ref)
            url = c.clean(ref.url)
            w.wrap(f"{text} {url}" if url else text, label, " " * len(label))

    if answer.follow_up_questions:
        w.heading(c.FOLLOW_UP)
        for question in answer.follow_up_questions:
            w.bullet(c.clean(question))

    if c.clean(answer.disclaimer):
        w.blank()
        w.wrap(c.clean(answer.disclaimer))
    w.blank()
    w.wrap(c.footer_text(answer))
    return "\n".join(w.lines)
