"""One page shell for every HTML page the app serves: the web app's own pages, the editorial pages
and the claim check all extend ``web/templates/base.html`` (skip link, site header with the same
navigation, footer, the one stylesheet) and carry no inline style or script, which the app's
Content-Security-Policy would block. The answer page and the editorial article show the one
review-status stepper."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from medbrief.checking import Checker
from medbrief.checking.render import CHECK_CSS, REPORT_CSS, render_html
from medbrief.compose.answerer import Engine
from medbrief.editorial.workflow import create_article
from medbrief.settings import Settings
from medbrief.store import open_store
from medbrief.web.app import create_app
from medbrief.web.templating import TEMPLATE_DIR, human_date, stylesheet
from test_editorial_support import evidence_store, hand_answer, make_team

NAV = [("/", "Ask a question"), ("/check", "Check an article"), ("/review", "Review queue"),
       ("/policy", "Editorial policy")]
HOSTILE = ('Examplofen <style>body{}</style> <b style="color:red" onclick="x()">is used</b> '
           '<script>alert(1)</script> for spasticity. The maximum dose is 80 mg a day.')


class Page(HTMLParser):
    """The parts of a page the shell test looks at."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.first_in_body: tuple[str, dict[str, str | None]] | None = None
        self.nav_links: list[tuple[str, str]] = []
        self.landmarks: list[str] = []       # header/main/footer directly in <body>
        self.stylesheets: list[str] = []
        self.inline: list[str] = []          # inline styles, inline scripts, event handlers
        self._in_nav = False
        self._href: str | None = None
        self._text = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = dict(attrs)
        if self.stack and self.stack[-1] == "body":
            if self.first_in_body is None:
                self.first_in_body = (tag, d)
            if tag in ("header", "main", "footer"):
                self.landmarks.append(f"{tag}.{d.get('class') or d.get('id')}")
        if tag == "style":
            self.inline.append("<style>")
        if tag == "script" and not d.get("src"):
            self.inline.append("<script> without src")
        for name, _ in attrs:
            if name == "style" or name.startswith("on"):
                self.inline.append(f"{name}= on <{tag}>")
        if tag == "link" and d.get("rel") == "stylesheet":
            self.stylesheets.append(str(d.get("href")))
        if tag == "nav" and d.get("aria-label") == "Site":
            self._in_nav = True
        if tag == "a" and self._in_nav:
            self._href, self._text = str(d.get("href")), ""
        if tag not in ("meta", "link", "input", "br", "img"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.nav_links.append((self._href, self._text.strip()))
            self._href = None
        if tag == "nav":
            self._in_nav = False
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text += data


def shell(html: str) -> str:
    """The page without what a page puts in the shell: its title, its main content and which
    navigation link is marked current."""
    html = re.sub(r"<title>.*?</title>", "<title></title>", html, flags=re.S)
    html = re.sub(r'(<main id="main" tabindex="-1">).*(</main>)', r"\1\2", html, flags=re.S)
    return html.replace(' aria-current="page"', "")


@pytest.fixture
def pages(home: Path) -> Iterator[dict[str, httpx.Response]]:
    """Every kind of HTML page the app serves, over a store with one answer saved as an article."""
    store = evidence_store(Settings().db_path)
    team = make_team(store)
    answer = hand_answer(store)
    create_article(store, answer, team.editor, slug="dose")
    store.close()
    store = open_store(Settings().db_path)
    app = create_app(Engine(store))

    async def go() -> dict[str, httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        html = {"accept": "text/html"}
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver",
                                     headers=html) as c:
            return {
                "/": await c.get("/"),
                "/policy": await c.get("/policy"),
                "answer": await c.get(f"/answers/{answer.id}"),
                "/review": await c.get("/review"),
                "article": await c.get("/articles/dose"),
                "history": await c.get("/articles/dose/history"),
                "GET /check": await c.get("/check"),
                "POST /check": await c.post("/check", data={"text": HOSTILE, "format": "text"}),
                "POST /check blank": await c.post("/check", data={"text": " "}),
                "404": await c.get("/nowhere"),
                "css": await c.get("/static/medbrief.css"),
            }

    try:
        yield asyncio.run(go())
    finally:
        store.close()


def test_every_page_has_the_one_shell_and_no_inline_style_or_script(
        pages: dict[str, httpx.Response]) -> None:
    css = pages.pop("css")
    expected = {"POST /check blank": 400, "404": 404}
    shells = {}
    for name, resp in pages.items():
        assert resp.status_code == expected.get(name, 200), (name, resp.text[:300])
        assert resp.headers["content-type"].startswith("text/html"), name
        assert "style-src 'self'" in resp.headers["content-security-policy"]
        html = resp.text
        page = Page(html)
        assert page.first_in_body == ("a", {"class": "skip-link", "href": "#main"}), name
        assert page.landmarks == ["header.site-header", "main.main", "footer.site-footer"], name
        assert page.nav_links == NAV, name
        assert len(page.stylesheets) == 1 and page.stylesheets[0].startswith(
            "/static/medbrief.css?v="), name
        assert page.inline == [], name
        assert "<style" not in html.lower() and "<script" not in html.lower(), name
        assert html.count("<html") == 1 and html.count("<body") == 1, name
        shells[name] = shell(html)
    assert len(set(shells.values())) == 1, "pages differ outside <title> and <main>"
    # the stylesheet those pages link has the rules of the answer, the claim check and the site
    assert css.status_code == 200 and css.text == stylesheet()
    for rule in (".mb-claim", ".mb-contradicted", ".check-form textarea", ".stepper",
                 ".site-header", ".queue th"):
        assert rule in css.text, rule


def test_the_current_page_is_marked_in_the_navigation(pages: dict[str, httpx.Response]) -> None:
    current = {"/": "/", "/policy": "/policy", "/review": "/review", "GET /check": "/check",
               "POST /check": "/check", "answer": None, "article": None, "404": None}
    for name, href in current.items():
        marked = re.findall(r'<a href="([^"]+)" aria-current="page">', pages[name].text)
        assert marked == ([href] if href else []), name


def test_check_page_keeps_its_form_and_escapes_everything(
        pages: dict[str, httpx.Response]) -> None:
    form = pages["GET /check"].text
    assert "<title>Check an article — medbrief</title>" in form
    assert '<h1 id="check-heading">Check an article</h1>' in form
    for field in ('<form method="post" action="/check">', '<label for="text">',
                  'id="text" name="text"', '<label for="format">', 'id="format" name="format"',
                  '<option value="auto" selected>Detect</option>'):
        assert field in form, field
    report = pages["POST /check"].text
    assert '<article class="mb-check">' in report and "claims checked" in report
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    assert "&lt;style&gt;" in report and '<option value="text" selected>' in report
    assert report.count("<h1") == 1  # the report's; the form below it has an h2
    blank = pages["POST /check blank"].text
    assert 'role="alert"' in blank and "Paste an article to check." in blank
    assert 'aria-invalid="true"' in blank


def _review_section(html: str) -> str:
    found = re.search(r'<section class="review".*?</section>', html, flags=re.S)
    assert found, html[:500]
    return found.group(0)


def test_answer_page_and_article_share_the_review_stepper(
        pages: dict[str, httpx.Response]) -> None:
    answer, article = (_review_section(pages[k].text) for k in ("answer", "article"))
    assert answer == article  # the same article version, the same partial
    assert 'aria-current="step"' in answer and "— current step</span>" in answer
    assert answer.count('class="visually-hidden"') == 3 and "— not reached</span>" in answer
    assert 'href="/articles/dose/history">Review history</a>' in answer
    assert "Submitted for medical review." in answer
    templates = sorted(p.name for p in TEMPLATE_DIR.glob("*.html")
                       if 'class="stepper"' in p.read_text(encoding="utf-8"))
    assert templates == ["_review_status.html"]


def test_human_date() -> None:
    assert human_date("2025-05-20T10:00:00+00:00") == "May 20, 2025"
    assert human_date("2025-05-02") == "May 2, 2025"
    assert human_date(None) == "" and human_date("") == ""
    assert human_date("soon") == "soon"


def test_cli_html_report_stays_a_standalone_document(home: Path) -> None:
    """``medbrief check --format html`` writes a file, not a page served under the CSP: it keeps
    its own document with the style inline."""
    store = evidence_store(Settings().db_path)
    try:
        report = Checker.from_store(store).check_text(HOSTILE, input_format="text")
    finally:
        store.close()
    html = render_html(report)
    assert html.startswith("<!DOCTYPE html>") and f"<style>{CHECK_CSS}</style>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert ".mb-claim" in CHECK_CSS and REPORT_CSS in stylesheet()
