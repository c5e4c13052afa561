"""HTML rendering: a self-contained HTML5 page (``render_html``) and the embeddable answer body
(``answer_body_html``) for the web app.

Safety rules:

* every piece of answer text goes through :func:`html.escape` (corpus text may contain ``<script>``
  or entities such as ``&lt;``, which must show literally);
* citation markers are ``<sup><a href="#ref-N">[N]</a></sup>`` — only for numbers that exist in the
  reference list (whose items carry ``id="ref-N"``); an unknown number is shown unlinked;
* outbound links only for URLs accepted by :func:`medbrief.render.common.safe_url` (http/https and
  an allowlisted host), always with ``rel="noopener noreferrer"``; any other URL is escaped text;
* no JavaScript, no inline ``style``/event attributes; the only CSS is :data:`ANSWER_CSS`, put in a
  ``<style>`` block by ``render_html`` (the web app serves it as a stylesheet instead, for CSP).
"""

from __future__ import annotations

from html import escape

from medbrief.answer import Answer, Sentence
from medbrief.render import common as c

ANSWER_CSS = """\
:root { color-scheme: light dark; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 46rem; margin: 0 auto; padding: 1rem; }
.mb-answer h1 { font-size: 1.5rem; line-height: 1.25; margin: 0.5rem 0 1rem; }
.mb-answer h2 { font-size: 1.2rem; margin: 1.5rem 0 0.5rem; }
.mb-answer h3 { font-size: 1.05rem; margin: 1rem 0 0.25rem; }
.mb-answer p, .mb-answer li { overflow-wrap: anywhere; }
.mb-answer sup a { text-decoration: none; }
.mb-bottom-line { border-left: 4px solid #2a7ab0; padding: 0.25rem 0 0.25rem 0.75rem; }
.mb-verdict { font-weight: 600; }
.mb-insufficient { border-left: 4px solid #c0392b; padding: 0.25rem 0 0.25rem 0.75rem; }
.mb-insufficient h2 { color: #c0392b; }
.mb-note { font-style: italic; opacity: 0.8; }
.mb-safety { border: 1px solid #d4a017; border-radius: 6px; padding: 0 1rem 0.5rem; margin: 1.5rem 0; }
.mb-references li:target { background: rgba(255, 215, 0, 0.25); }
.mb-url { word-break: break-all; }
.mb-disclaimer { font-size: 0.9rem; border-top: 1px solid #8884; padding-top: 0.75rem; }
.mb-meta { font-size: 0.8rem; opacity: 0.75; }
"""


def _e(text: str | None) -> str:
    return escape(c.clean(text), quote=True)


def _markers(sentence: Sentence, known: set[int]) -> str:
    out = []
    for n in c.citation_numbers(sentence):
        if n in known:
            out.append(f'<sup><a href="#ref-{n}" aria-label="reference {n}">[{n}]</a></sup>')
        else:
            out.append(f"<sup>[{n}]</sup>")
    return "".join(out)


def _sentence(sentence: Sentence, known: set[int]) -> str:
    return f"{_e(sentence.text)}{_markers(sentence, known)}"


def _sentence_list(sentences: list[Sentence], known: set[int]) -> list[str]:
    return ["<ul>", *(f"<li>{_sentence(s, known)}</li>" for s in sentences), "</ul>"]


def url_html(url: str) -> str:
    """An allowlisted URL as a link, anything else as escaped text."""
    safe = c.safe_url(url)
    if safe:
        href = escape(safe, quote=True)
        return f'<a href="{href}" rel="noopener noreferrer">{href}</a>'
    return f'<span class="mb-url">{_e(url)}</span>'


def answer_body_html(answer: Answer) -> str:
    """The answer as an ``<article>`` fragment (headings h1 → h2 → h3), for embedding."""
    known = c.reference_numbers(answer)
    out: list[str] = ['<article class="mb-answer">', f"<h1>{_e(answer.question) or 'Answer'}</h1>"]

    bl = answer.bottom_line
    if c.is_insufficient(answer):
        out.append('<section class="mb-insufficient">')
        out.append(f"<h2>{escape(c.INSUFFICIENT)}</h2>")
        out += ["<ul>", *(f"<li>{_e(r)}</li>" for r in c.insufficient_reasons(answer)), "</ul>"]
    else:
        out.append('<section class="mb-bottom-line">')
        out.append(f"<h2>{escape(c.BOTTOM_LINE)}</h2>")
    if bl.verdict is not None:
        out.append(f'<p class="mb-verdict">{_sentence(bl.verdict, known)}</p>')
    if bl.summary:
        out.append(f'<p class="mb-summary">{" ".join(_sentence(s, known) for s in bl.summary)}</p>')
    status = c.label_status_text(answer)
    if status:
        out.append(f'<p class="mb-label-status">FDA label status: {_e(status)}</p>')
    out.append("</section>")

    for section in c.sections_to_show(answer):
        out.append(f'<section class="mb-tier mb-tier-{escape(section.tier)}">')
        out.append(f"<h2>{_e(c.section_title(section))}</h2>")
        if section.sentences:
            out += _sentence_list(section.sentences, known)
        else:
            out.append(f'<p class="mb-note">{_e(c.section_note(section))}</p>')
        out.append("</section>")

    if answer.safety:
        out += ['<aside class="mb-safety" aria-label="Safety">', f"<h2>{escape(c.SAFETY)}</h2>"]
        for item in answer.safety:
            out.append(f"<h3>{_e(item.title) or escape(item.kind.replace('_', ' '))}</h3>")
            out += _sentence_list(item.sentences, known)
        out.append("</aside>")

    if answer.references:
        out += ['<section class="mb-references">', f"<h2>{escape(c.REFERENCES)}</h2>", "<ol>"]
        for ref in c.ordered_references(answer):
            line = _e(c.reference_text(ref))
            if c.clean(ref.url):
                line += f" — {url_html(ref.url)}"
            out.append(f'<li id="ref-{ref.n}" value="{ref.n}">{line}</li>')
        out += ["</ol>", "</section>"]

    if answer.follow_up_questions:
        out += ['<section class="mb-follow-up">', f"<h2>{escape(c.FOLLOW_UP)}</h2>", "<ul>"]
        out += [f"<li>{_e(q)}</li>" for q in answer.follow_up_questions]
        out += ["</ul>", "</section>"]

    if c.clean(answer.disclaimer):
        out.append(f'<p class="mb-disclaimer" role="note">{_e(answer.disclaimer)}</p>')
    out.append(f'<footer class="mb-meta"><p>{_e(c.footer_text(answer))}</p></footer>')
    out.append("</article>")
    return "\n".join(out)


def render_html(answer: Answer) -> str:
    """A complete, self-contained HTML5 page for the answer (no scripts, CSS in one <style>)."""
    title = c.clean(answer.question) or "Answer"
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title, quote=True)} — medbrief</title>",
        f"<style>\n{ANSWER_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        answer_body_html(answer),
        "</main>",
        "</body>",
        "</html>",
    ])
