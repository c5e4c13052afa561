"""Jinja2 templates of the editorial pages (kept in Python so they ship with the package).

Autoescaping is on for every template and undefined variables are errors. The only ``Markup``
rendered is the answer body from :func:`medbrief.render.html.answer_body_html`, which escapes all
answer text itself. No inline styles or scripts (the web app's Content-Security-Policy forbids
them); the pages link the web app's stylesheet and reuse its classes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import DictLoader, Environment, StrictUndefined

STYLESHEET = "/static/medbrief.css"

BASE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{% block title %}medbrief{% endblock %} — medbrief</title>
<link rel="stylesheet" href="{{ stylesheet }}">
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header">
  <div class="wrap">
    <a class="brand" href="/">medbrief</a>
    <nav aria-label="Site">
      <ul>
        <li><a href="/">Ask a question</a></li>
        <li><a href="/review">Review queue</a></li>
        <li><a href="/policy">Editorial policy</a></li>
      </ul>
    </nav>
  </div>
</header>
<main id="main" tabindex="-1">
{% block main %}{% endblock %}
</main>
</body>
</html>
"""

STEPPER = """\
<section class="review" aria-labelledby="review-heading">
  <h2 id="review-heading" class="small-heading">Article review status</h2>
  <ol class="stepper">
  {% for step in steps %}
    <li class="step step-{{ step.state }}"{% if step.state == "current" %} aria-current="step"{% endif %}><span class="step-label">{{ step.label }}</span><span class="visually-hidden"> — {{ step.state }}</span></li>
  {% endfor %}
  </ol>
  <p class="review-meta">{{ status_label }}. Last updated: <time datetime="{{ last_updated }}">{{ human_date(last_updated) }}</time>.{% if reviewed %} Medically reviewed by {{ reviewed.by }} on <time datetime="{{ reviewed.at }}">{{ human_date(reviewed.at) }}</time>.{% endif %} <a href="/policy">View editorial policy</a> · <a href="{{ history_url }}">Review history</a></p>
</section>
"""

ARTICLE = """\
{% extends "base.html" %}
{% block title %}{{ question }}{% endblock %}
{% block main %}
{% if evidence_changed %}
<div class="banner banner-pending" role="alert"><strong>The evidence changed</strong> on <time datetime="{{ evidence_changed.at }}">{{ human_date(evidence_changed.at) }}</time>: {{ evidence_changed.reason }}. {{ evidence_changed.note }}</div>
{% endif %}
{% if pending %}
<div class="banner banner-pending" role="note"><strong>Pending medical review.</strong> This version has not yet been approved by a medical reviewer. Use with caution.</div>
{% elif not evidence_changed and stepper_status == "approved" %}
<div class="banner banner-approved" role="note">Reviewed by our medical reviewers.</div>
{% endif %}
{% if newer_pending %}
<p class="hint">A newer version of this article is awaiting medical review; this is the latest approved version (version {{ version }}).</p>
{% endif %}
{% include "stepper.html" %}
{{ body }}
{% endblock %}
"""

HISTORY = """\
{% extends "base.html" %}
{% block title %}History: {{ article.question }}{% endblock %}
{% block main %}
<h1>Review history</h1>
<p class="lede"><a href="/articles/{{ article.slug }}">{{ article.question }}</a> — status <strong>{{ article.status_label }}</strong>, version {{ article.current_version }}{% if article.approved_version %}, approved version {{ article.approved_version }}{% endif %}. Last updated: <time datetime="{{ article.last_updated }}">{{ human_date(article.last_updated) }}</time>.</p>
{% if article.evidence_changed %}
<div class="banner banner-pending" role="note"><strong>The evidence changed</strong> on <time datetime="{{ article.evidence_changed.at }}">{{ human_date(article.evidence_changed.at) }}</time>: {{ article.evidence_changed.reason }}.</div>
{% endif %}
<h2>Audit trail</h2>
<table class="history">
  <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Version</th><th scope="col">Note</th></tr></thead>
  <tbody>
  {% for e in events %}
    <tr><td><time datetime="{{ e.at }}">{{ e.at }}</time></td><td>{{ e.actor }}</td><td>{{ e.action }}</td><td>{{ e.from_status or "—" }}</td><td>{{ e.to_status }}</td><td>{{ e.version }}</td><td>{{ e.note }}</td></tr>
  {% endfor %}
  </tbody>
</table>
<h2>Versions</h2>
<table class="versions">
  <thead><tr><th scope="col">Version</th><th scope="col">Saved</th><th scope="col">Answer</th><th scope="col">Corpus snapshot</th><th scope="col">Settings</th><th scope="col">Note</th></tr></thead>
  <tbody>
  {% for v in versions %}
    <tr><td>{{ v.version }}</td><td><time datetime="{{ v.created_at }}">{{ v.created_at }}</time></td><td>{{ v.answer_id }}</td><td>{{ v.corpus_snapshot }}</td><td>{{ v.settings_hash }}</td><td>{{ v.note }}</td></tr>
  {% endfor %}
  </tbody>
</table>
<p><a href="/policy">View editorial policy</a></p>
{% endblock %}
"""

QUEUE = """\
{% extends "base.html" %}
{% block title %}Review queue{% endblock %}
{% block main %}
<h1>Review queue</h1>
<p class="lede">Articles waiting for a medical reviewer or their editor, oldest change first. Reviewers act with <code>medbrief review …</code> or the JSON API (a token is needed for every change).</p>
{% if not rows %}
<p>Nothing is waiting for review.</p>
{% else %}
<table class="queue">
  <thead><tr><th scope="col">Article</th><th scope="col">Status</th><th scope="col">Version</th><th scope="col">Revision</th><th scope="col">Last updated</th><th scope="col">Claimed by</th><th scope="col">Evidence</th></tr></thead>
  <tbody>
  {% for r in rows %}
    <tr><td><a href="/articles/{{ r.slug }}">{{ r.question }}</a> (<a href="/articles/{{ r.slug }}/history">history</a>)</td><td>{{ r.status_label }}</td><td>{{ r.current_version }}</td><td>{{ r.revision }}</td><td><time datetime="{{ r.last_updated }}">{{ human_date(r.last_updated) }}</time></td><td>{{ r.claimed_by or "—" }}</td><td>{% if r.evidence_changed %}changed{% else %}—{% endif %}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% endif %}
{% if approved %}
<h2>Approved</h2>
<ul>
{% for r in approved %}
  <li><a href="/articles/{{ r.slug }}">{{ r.question }}</a> — approved <time datetime="{{ r.approved_at }}">{{ human_date(r.approved_at) }}</time></li>
{% endfor %}
</ul>
{% endif %}
{% endblock %}
"""


def human_date(value: str | None) -> str:
    """``2025-05-20T10:00:00+00:00`` → ``May 20, 2025`` (the input unchanged if it is no date)."""
    if not value:
        return ""
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value
    return f"{when:%B} {when.day}, {when.year}"


_ENV = Environment(
    loader=DictLoader({"base.html": BASE, "stepper.html": STEPPER, "article.html": ARTICLE,
                       "history.html": HISTORY, "queue.html": QUEUE}),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.globals.update(human_date=human_date, stylesheet=STYLESHEET)


def render(name: str, **context: Any) -> str:
    return _ENV.get_template(name).render(**context)
