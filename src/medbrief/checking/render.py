"""The claim-check report as text, Markdown, HTML or JSON.

Every renderer shows the same things in the same order: counts by verdict, what was skipped,
then the claims — contradicted first — each with the article excerpt and where it is, the
reason, and the evidence excerpt with its reference number; then the numbered references.
HTML escapes every string (article and corpus text alike) and links only URLs the answer
renderer's :func:`~medbrief.render.common.safe_url` accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from medbrief.checking.report import VERDICT_ORDER, CheckReport, ClaimCheck, Evidence
from medbrief.errors import InputError
from medbrief.render.common import safe_url

VERDICT_TITLES = {"contradicted": "Contradicted", "unsupported": "Unsupported",
                  "supported": "Supported", "out_of_scope": "Out of scope"}
SKIP_TITLES = {"heading": "headings", "question": "questions", "advice": "advice",
               "marketing": "marketing/boilerplate", "lead_in": "list lead-ins",
               "not_about_a_drug": "not about a drug"}
ROLE_TITLES = {"states": "states", "contradicts": "contradicts", "related": "related"}
EXCERPT = 320


def _cut(text: str, n: int = EXCERPT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def summary_line(report: CheckReport) -> str:
    c = report.counts
    return (f"{report.total_claims} claims checked: {c.contradicted} contradicted, "
            f"{c.unsupported} unsupported, {c.supported} supported, {c.out_of_scope} out of scope")


def skipped_line(report: CheckReport) -> str:
    parts = [f"{SKIP_TITLES[k]} {v}" for k, v in report.skipped_counts.model_dump().items() if v]
    return "Skipped (not checkable): " + (", ".join(parts) if parts else "nothing")


def _where(claim: ClaimCheck) -> str:
    return f"line {claim.location.line}, column {claim.location.column}"


def _evidence_line(e: Evidence) -> str:
    what = "the cited section does not mention: " + ", ".join(e.terms) if e.check == "absent" \
        else _cut(e.support.quote)
    return f"{ROLE_TITLES[e.role]} [{e.ref}]: “{what}”" if e.check != "absent" \
        else f"{ROLE_TITLES[e.role]} [{e.ref}]: {what}"


def render_text(report: CheckReport) -> str:
    title = f"Claim check: {report.source}"
    out = [title, "=" * len(title), summary_line(report), skipped_line(report),
           f"Drugs named: {', '.join(report.drugs) or 'none'}", ""]
    for verdict in VERDICT_ORDER:
        claims = report.by_verdict(verdict)
        if not claims:
            continue
        head = f"{VERDICT_TITLES[verdict].upper()} ({len(claims)})"
        out += [head, "-" * len(head)]
        for claim in claims:
            out.append(f"#{claim.id} {_where(claim)} — {claim.kind.replace('_', ' ')} — "
                       f"{claim.drug}")
            out.append(f"  Article: “{_cut(claim.text)}”")
            if claim.context:
                out.append(f"  Context: {_cut(claim.context, 160)}")
            out.append(f"  Reason: {claim.reason}")
            for e in claim.evidence:
                out.append(f"  Evidence {_evidence_line(e)}")
            out.append("")
    if report.references:
        out += ["References", "----------"]
        out += [f"{r.n}. {r.citation}" + (f" {r.url}" if r.url else "") for r in report.references]
    return "\n".join(out).rstrip() + "\n"


def _md(text: str) -> str:
    """Escape Markdown control characters in corpus or article text."""
    out = []
    for ch in text:
        if ch in "\\`*_{}[]<>()#+!|~":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def render_markdown(report: CheckReport) -> str:
    out = [f"# Claim check: {_md(report.source)}", "", f"**{summary_line(report)}**", "",
           _md(skipped_line(report)), ""]
    for verdict in VERDICT_ORDER:
        claims = report.by_verdict(verdict)
        if not claims:
            continue
        out += [f"## {VERDICT_TITLES[verdict]} ({len(claims)})", ""]
        for claim in claims:
            out.append(f"### #{claim.id} — {_where(claim)} — {claim.kind.replace('_', ' ')} — "
                       f"{_md(claim.drug)}")
            out += ["", f"> {_md(_cut(claim.text))}", ""]
            if claim.context:
                out += [f"*Context:* {_md(_cut(claim.context, 160))}", ""]
            out += [f"**Reason:** {_md(claim.reason)}", ""]
            for e in claim.evidence:
                out.append(f"- {_md(_evidence_line(e))} \\[{e.ref}\\]")
            out.append("")
    if report.references:
        out += ["## References", ""]
        out += [f"{r.n}. {_md(r.citation)}" for r in report.references]
    return "\n".join(out).rstrip() + "\n"


# The report's own rules, scoped to its classes: in the web app's one stylesheet
# (medbrief.web.templating.stylesheet) and in the standalone file of render_html.
REPORT_CSS = """\
.mb-check h2 { margin-top: 1.75rem; }
.mb-claim { border-left: 4px solid #888; padding: 0.25rem 0 0.25rem 0.75rem; margin: 1rem 0; }
.mb-contradicted { border-color: #c0392b; }
.mb-unsupported { border-color: #d4a017; }
.mb-supported { border-color: #2e8b57; }
.mb-out_of_scope { border-color: #7f8c8d; }
.mb-claim blockquote { margin: 0.25rem 0; font-style: italic; }
.mb-claim p, .mb-claim li { overflow-wrap: anywhere; }
.mb-check .mb-meta { font-size: 0.85rem; opacity: 0.8; }
"""

# The standalone document of ``medbrief check --format html`` (a file, not a page the web app
# serves under its Content-Security-Policy, so its style may be inline).
CHECK_CSS = """\
:root { color-scheme: light dark; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 52rem; margin: 0 auto; padding: 1rem; }
""" + REPORT_CSS


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _claim_html(claim: ClaimCheck) -> str:
    items = []
    for e in claim.evidence:
        items.append(f'<li><span class="mb-meta">{_e(ROLE_TITLES[e.role])}</span> '
                     f'{_e(_evidence_line(e).split(": ", 1)[1])}'
                     f'<sup><a href="#ref-{e.ref}">[{e.ref}]</a></sup></li>')
    context = f'<p class="mb-meta">Context: {_e(_cut(claim.context, 160))}</p>' \
        if claim.context else ""
    evidence = f"<ul>{''.join(items)}</ul>" if items else ""
    return (f'<div class="mb-claim mb-{_e(claim.verdict)}" id="claim-{claim.id}">'
            f'<p class="mb-meta">#{claim.id} — {_e(_where(claim))} — '
            f'{_e(claim.kind.replace("_", " "))} — {_e(claim.drug)}</p>'
            f"<blockquote>{_e(_cut(claim.text))}</blockquote>{context}"
            f"<p><strong>{_e(VERDICT_TITLES[claim.verdict])}.</strong> {_e(claim.reason)}</p>"
            f"{evidence}</div>")


def report_body_html(report: CheckReport) -> str:
    """The report as an embeddable ``<article>`` (no scripts, no inline styles)."""
    parts = ['<article class="mb-check">', f"<h1>Claim check: {_e(report.source)}</h1>",
             f"<p><strong>{_e(summary_line(report))}</strong></p>",
             f'<p class="mb-meta">{_e(skipped_line(report))}</p>']
    for verdict in VERDICT_ORDER:
        claims = report.by_verdict(verdict)
        if claims:
            parts.append(f"<section><h2>{_e(VERDICT_TITLES[verdict])} ({len(claims)})</h2>")
            parts += [_claim_html(c) for c in claims]
            parts.append("</section>")
    if report.references:
        parts.append('<section><h2>References</h2><ol class="mb-references">')
        for r in report.references:
            url = safe_url(r.url)
            link = f' <a href="{_e(url)}" rel="noopener noreferrer">{_e(url)}</a>' if url else ""
            parts.append(f'<li id="ref-{r.n}">{_e(r.citation)}{link}</li>')
        parts.append("</ol></section>")
    parts.append(f'<footer class="mb-meta">Report {_e(report.id)} · corpus '
                 f"{_e(report.corpus_snapshot)} · {_e(report.checker)}</footer></article>")
    return "".join(parts)


def render_html(report: CheckReport) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Claim check: {_e(report.source)}</title><style>{CHECK_CSS}</style></head>"
            f"<body><main>{report_body_html(report)}</main></body></html>\n")


def render_json(report: CheckReport) -> str:
    return report.to_json()


RENDERERS: dict[str, Callable[[CheckReport], str]] = {
    "text": render_text, "markdown": render_markdown, "json": render_json, "html": render_html,
}


def render(report: CheckReport, fmt: str = "text") -> str:
    renderer = RENDERERS.get(fmt)
    if renderer is None:
        raise InputError(f"unknown format {fmt!r}; choose one of: {', '.join(sorted(RENDERERS))}")
    return renderer(report)
