"""The web app in process (httpx over ``ASGITransport``, the real ASGI app, a real demo-pack
store): every page and API route, the one error shape, escaping of hostile text, input limits."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import jsonschema
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from fastapi import FastAPI
from starlette.routing import BaseRoute, Route

from docs_factory import label
from medbrief.answer import Answer
from medbrief.compose.answerer import Engine
from medbrief.demo import demo_pack_path
from medbrief.ingest import ingest_paths
from medbrief.render.common import ALLOWED_LINK_HOSTS
from medbrief.render.html import ANSWER_CSS
from medbrief.store import Store, open_store
from medbrief.web import create_app
from medbrief.web.review import ReviewInfo

SEED = "What is the role of baclofen in managing back pain?"
SCHEMA = json.loads((Path(__file__).parents[1] / "src/medbrief/schemas/answer.schema.json")
                    .read_text())
JSON = {"accept": "application/json"}
HTML = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


# -- an in-process client ------------------------------------------------------------------------

class Client:
    """A blocking facade over ``httpx.AsyncClient(transport=ASGITransport(app))``; the app runs
    in the event loop of ``portal`` (one thread), so calls from many threads are concurrent."""

    def __init__(self, app: FastAPI, portal: BlockingPortal) -> None:
        self.portal = portal
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        self.http = httpx.AsyncClient(transport=transport, base_url="http://testserver",
                                      follow_redirects=False)
        self.cookies = self.http.cookies

    def request(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        return self.portal.call(partial(self.http.request, method, url, **kwargs))  # type: ignore[arg-type]

    def get(self, url: str, **kwargs: object) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: object) -> httpx.Response:
        return self.request("POST", url, **kwargs)


# -- fixtures -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def portal() -> Iterator[BlockingPortal]:
    with start_blocking_portal() as p:
        yield p


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = open_store(tmp_path_factory.mktemp("web-demo") / "medbrief.sqlite3")
    report = ingest_paths(store, [demo_pack_path()])
    assert report.counts["failed"] == 0, report.summary()
    yield store
    store.close()


@pytest.fixture(scope="module")
def engine(demo_store: Store) -> Engine:
    return Engine(demo_store)


@pytest.fixture(scope="module")
def app(engine: Engine) -> FastAPI:
    return create_app(engine)


@pytest.fixture
def client(app: FastAPI, portal: BlockingPortal) -> Client:
    return Client(app, portal)


def ask_page(client: Client, question: str = SEED, audience: str = "patient",
             **extra: str) -> tuple[str, str]:
    """Post the ask form; returns (answer id, answer page HTML)."""
    r = client.post("/ask", data={"question": question, "audience": audience, **extra})
    assert r.status_code == 303, r.text
    location = r.headers["location"]
    assert re.fullmatch(r"/answers/[0-9a-f]{16}", location), location
    page = client.get(location)
    assert page.status_code == 200
    return location.rsplit("/", 1)[1], page.text


class Links(HTMLParser):
    """Every <a> (href, rel) and every element id of a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[dict[str, str | None]] = []
        self.ids: set[str] = set()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)
        d = dict(attrs)
        if d.get("id"):
            self.ids.add(str(d["id"]))
        if tag == "a":
            self.links.append(d)


def assert_error_shape(resp: httpx.Response, status: int,
                       code: str | None = None) -> dict[str, object]:
    """The one JSON error shape: {"error": {"status", "code", "message"}}, nothing else."""
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"error"}
    err: dict[str, object] = body["error"]
    assert set(err) == {"status", "code", "message"}
    assert err["status"] == status and isinstance(err["code"], str) and err["code"]
    assert isinstance(err["message"], str) and len(err["message"]) > 20
    assert "Traceback" not in err["message"]
    if code:
        assert err["code"] == code
    return err


def assert_error_page(resp: httpx.Response, status: int) -> str:
    """An HTML error page: a real page with a heading and a way home, no stack trace."""
    assert resp.status_code == status
    assert resp.headers["content-type"].startswith("text/html")
    text = resp.text
    assert '<html lang="en">' in text and "<h1" in text and 'href="/"' in text
    assert "Traceback" not in text and 'File "' not in text
    return text


# -- pages ----------------------------------------------------------------------------------------

def test_home_page_form_selector_examples_and_headers(client: Client) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    page = Links(html)
    assert '<html lang="en">' in html and 'name="viewport"' in html
    assert 'class="skip-link" href="#main"' in html and "main" in page.ids
    assert '<label for="question">' in html and 'id="question"' in html
    assert "<legend>Which best describes you?</legend>" in html
    for audience in ("patient", "caregiver", "nurse", "pharmacist", "physician"):
        assert f'name="audience" value="{audience}"' in html
    assert 'value="patient" checked' in html  # a new visitor
    examples = [a["href"] for a in page.links if str(a["href"]).startswith("/ask?")]
    assert len(examples) >= 3
    assert parse_qs(urlsplit(str(examples[0])).query)["question"] == [SEED]
    assert "/policy" in [a["href"] for a in page.links]
    # no inline script or style anywhere (the CSP forbids them)
    assert "<script" not in html and "<style" not in html and " style=" not in html
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "form-action 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"


def test_stylesheet_is_served_with_the_answer_css(client: Client) -> None:
    html = client.get("/").text
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert href and href.group(1).startswith("/static/medbrief.css")
    r = client.get(href.group(1))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/css")
    assert ANSWER_CSS in r.text and ".stepper" in r.text and ".skip-link" in r.text
    assert r.headers["x-content-type-options"] == "nosniff"


def test_audience_is_remembered_in_a_lax_cookie(client: Client) -> None:
    r = client.post("/ask", data={"question": SEED, "audience": "nurse"})
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert cookie.startswith("medbrief_audience=nurse")
    assert "samesite=lax" in cookie and "httponly" in cookie and "path=/" in cookie
    assert 'value="nurse" checked' in client.get("/").text
    client.cookies.set("medbrief_audience", "<b>admin</b>")
    assert 'value="patient" checked' in client.get("/").text  # unknown value: ignored


def test_answer_page_anatomy(client: Client) -> None:
    answer_id, html = ask_page(client)
    page = Links(html)
    assert f"<h1 id=\"answer-title\">{SEED}</h1>" in html
    assert f"<title>{SEED} — medbrief</title>" in html
    # review: truthful banner, three-step stepper, last updated, policy link
    assert "Pending human review — use with caution." in html
    assert "Reviewed by our medical reviewers" not in html
    assert [s in html for s in ("Submitted", "Under Review", "Approved")] == [True] * 3
    assert html.count('class="step step-') == 3 and "Last updated:" in html
    assert 'href="/policy">View editorial policy</a>' in html
    # the answer in order
    headings = ["Bottom line", "From the Guidelines", "From the FDA Drug Label",
                "From the Research", "Safety", "References", "Have a follow-up question?"]
    positions = [html.index(f">{h}</h2>") for h in headings]
    assert positions == sorted(positions)
    assert html.index("Disclaimer.") > html.index(">References</h2>")
    # every citation links to a reference that exists
    cites = [str(a["href"]) for a in page.links if "cite" in str(a.get("class"))]
    assert cites and all(c.startswith("#ref-") and c[1:] in page.ids for c in cites)
    # outbound links: allowlisted hosts only, never leaking the referrer or the opener
    outbound = [a for a in page.links if str(a["href"]).startswith(("http:", "https:", "//"))]
    assert outbound
    for a in outbound:
        assert urlsplit(str(a["href"])).hostname in ALLOWED_LINK_HOSTS
        assert a["rel"] == "noopener noreferrer"
    # follow-up form in context, and suggested follow-ups as links asking in context
    assert f'name="previous_answer_id" value="{answer_id}"' in html
    suggested = [str(a["href"]) for a in page.links if str(a["href"]).startswith("/ask?")]
    assert suggested
    for href in suggested:
        assert parse_qs(urlsplit(href).query)["previous_answer_id"] == [answer_id]
    assert f"Answer id: {answer_id}" in html
    assert "<script" not in html and " style=" not in html


def test_follow_up_form_and_suggested_link_ask_in_context(client: Client,
                                                          engine: Engine) -> None:
    first_id, first = ask_page(client)
    follow_id, html = ask_page(client, "What is the usual dose?", "patient",
                               previous_answer_id=first_id)
    assert follow_id != first_id
    assert f'Follow-up to: <a href="/answers/{first_id}">{SEED}</a>' in html
    data = client.get(f"/api/answers/{follow_id}").json()
    assert data["previous_id"] == first_id and "baclofen" in data["understanding"]["drugs"]
    href = next(str(a["href"]) for a in Links(first).links if str(a["href"]).startswith("/ask?"))
    r = client.get(href)
    assert r.status_code == 303 and r.headers["location"].startswith("/answers/")
    linked = client.get("/api/answers/" + r.headers["location"].rsplit("/", 1)[1]).json()
    assert linked["previous_id"] == first_id


def test_personalize_form_rewrites_for_another_reader(client: Client) -> None:
    _, html = ask_page(client, audience="patient")
    assert '<option value="patient" selected>' in html
    pharmacist_id, html2 = ask_page(client, audience="pharmacist")
    assert '<option value="pharmacist" selected>' in html2
    assert client.get(f"/api/answers/{pharmacist_id}").json()["audience"] == "pharmacist"


def test_insufficient_evidence_page(client: Client) -> None:
    _, html = ask_page(client, "What is the best treatment for a broken zorblat widget?")
    assert ">Insufficient evidence</h2>" in html and ">Bottom line</h2>" not in html
    assert "What you can try" in html and "Name the medicine" in html
    assert "Pending human review" in html  # the banner is there on every answer


def test_policy_page_renders_the_repository_markdown(client: Client) -> None:
    r = client.get("/policy")
    assert r.status_code == 200
    html = r.text
    assert "<h1>Editorial policy</h1>" in html
    for heading in ("Who reviews answers", "How the evidence tiers are chosen",
                    "How citations are verified", "Corrections and updates", "Demo content"):
        assert f"<h2>{heading}</h2>" in html
    assert "<table>" in html and "<script" not in html


def test_policy_markdown_is_rendered_safely(engine: Engine, portal: BlockingPortal,
                                            tmp_path: Path) -> None:
    policy = tmp_path / "policy.md"
    policy.write_text("# Policy\n\n<script>alert(1)</script>\n\n<b onclick=x>bold</b> "
                      "[click](javascript:alert(2)) [ok](https://example.org/a)\n")
    c = Client(create_app(engine, policy_path=policy), portal)
    html = c.get("/policy").text
    assert "<h1>Policy</h1>" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "<b onclick" not in html and 'href="javascript' not in html
    assert '<a href="https://example.org/a">ok</a>' in html
    missing = Client(create_app(engine, policy_path=tmp_path / "nope.md"), portal)
    text = assert_error_page(missing.get("/policy"), 503)
    assert "editorial policy is not available" in text


# -- review status --------------------------------------------------------------------------------

def test_approved_review_shows_reviewers_and_history(engine: Engine,
                                                     portal: BlockingPortal) -> None:
    def approved(answer: Answer) -> ReviewInfo:
        return ReviewInfo(status="approved", last_updated="2025-05-20",
                          reviewers=("Dr. Ada <Lovelace>",), history_url="/articles/7/history")

    c = Client(create_app(engine, review_lookup=approved), portal)
    _, html = ask_page(c)
    assert "Reviewed by our medical reviewers" in html and "Pending human review" not in html
    assert "Dr. Ada &lt;Lovelace&gt;" in html
    assert html.count('class="step step-done"') == 3
    assert "Last updated: <time datetime=\"2025-05-20\">May 20, 2025</time>" in html
    assert '<a href="/articles/7/history">Review history</a>' in html


@pytest.mark.parametrize("status", ["not_submitted", "submitted", "under_review",
                                    "changes_requested", "retired"])
def test_banner_never_claims_review_unless_approved(engine: Engine, portal: BlockingPortal,
                                                   status: str) -> None:
    info = ReviewInfo(status=status, history_url="//evil.example/steal")  # type: ignore[arg-type]
    c = Client(create_app(engine, review_lookup=lambda a: info), portal)
    _, html = ask_page(c)
    assert "Pending human review — use with caution." in html
    assert "Reviewed by our medical reviewers" not in html
    assert "evil.example" not in html  # not a same-site path: not linked
    states = re.findall(r'class="step step-(\w+)"', html)
    assert "done" not in states[2:] and len(states) == 3
    if status == "under_review":
        assert states == ["done", "current", "todo"] and 'aria-current="step"' in html


# -- API ------------------------------------------------------------------------------------------

def test_api_ask_returns_the_documented_answer_json(client: Client) -> None:
    r = client.post("/api/ask", json={"question": SEED, "audience": "patient"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    data = r.json()
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    answer = Answer.model_validate(data)
    assert answer.question == SEED and answer.audience == "patient" and answer.references
    # the page shows the same answer
    page_id, html = ask_page(client, SEED, "patient")
    assert page_id == answer.id and answer.bottom_line.verdict is not None
    again = client.get(f"/api/answers/{answer.id}")
    assert again.status_code == 200 and again.json() == data
    follow = client.post("/api/ask", json={"question": "What is the usual dose?",
                                           "audience": "patient",
                                           "previous_answer_id": answer.id})
    assert follow.status_code == 200 and follow.json()["previous_id"] == answer.id


def test_repeated_questions_are_served_from_the_cache(app: FastAPI, client: Client) -> None:
    service = app.state.web.service
    client.post("/api/ask", json={"question": "What is the maximum dose of Flexeril?"})
    before = service.asked
    for _ in range(5):
        assert client.post("/api/ask", json={"question": "what is the maximum dose of  FLEXERIL?"}
                           ).status_code == 200
    assert service.asked == before


def test_concurrent_requests_share_one_engine(app: FastAPI, portal: BlockingPortal) -> None:
    questions = [f"What is the maximum dose of {d}?" for d in
                 ("baclofen", "gabapentin", "naproxen", "tramadol", "pregabalin", "ibuprofen")]

    c = Client(app, portal)

    def one(i: int) -> int:
        return c.post("/api/ask", json={"question": questions[i % len(questions)],
                                            "audience": "nurse"}).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert set(pool.map(one, range(24))) == {200}


def test_openapi_documents_both_routes_and_shapes(client: Client) -> None:
    r = client.get("/openapi.json")
    assert r.status_code == 200
    spec = r.json()
    assert {"/api/ask", "/api/answers/{answer_id}"} <= set(spec["paths"])
    assert any(p.startswith("/api/articles") for p in spec["paths"])  # editorial API joined
    schemas = spec["components"]["schemas"]
    assert {"Answer", "AskRequest", "ErrorBody"} <= set(schemas)
    ask = spec["paths"]["/api/ask"]["post"]
    assert ask["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Answer")
    assert ask["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ErrorBody")
    assert schemas["AskRequest"]["properties"]["question"]["maxLength"] == 2000
    assert client.get("/docs").status_code == 404  # no CDN-hosted docs UI (CSP)


# -- errors and limits ----------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "status", "needle"), [
    ({"question": "x" * 2001}, 422, "2000 characters"),
    ({"question": ""}, 422, "empty"),
    ({"question": "   "}, 422, "empty"),
    ({}, 422, "required"),
    ({"question": 5}, 422, "string"),
    ({"question": "dose?", "audience": "alien"}, 422, "patient, caregiver"),
    ({"question": "dose?", "previous_answer_id": "../../etc"}, 422, "previous_answer_id"),
    ({"question": "dose?", "previous_answer_id": "0123456789abcdef"}, 422, "no earlier answer"),
    (["not", "an", "object"], 422, "JSON object"),
])
def test_api_input_errors(client: Client, body: object, status: int, needle: str) -> None:
    err = assert_error_shape(client.post("/api/ask", json=body), status)
    assert needle.lower() in str(err["message"]).lower()


def test_api_body_errors(client: Client) -> None:
    bad_json = client.post("/api/ask", content=b'{"question": ',
                           headers={"content-type": "application/json"})
    assert "not valid JSON" in str(assert_error_shape(bad_json, 400, "bad_request")["message"])
    form = client.post("/api/ask", data={"question": "dose?"})
    assert_error_shape(form, 415, "unsupported_media_type")
    big = {"question": "dose?", "padding": "x" * (17 * 1024)}
    assert_error_shape(client.post("/api/ask", json=big), 413, "too_large")

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while reading
        yield b'{"question": "dose?", "padding": "'
        for _ in range(20):
            yield b"x" * 1024
        yield b'"}'

    chunked = client.post("/api/ask", content=chunks(),
                          headers={"content-type": "application/json"})
    assert_error_shape(chunked, 413, "too_large")
    assert_error_shape(client.get("/api/answers/ffffffffffffffff"), 404, "not_found")
    assert_error_shape(client.get("/api/answers/<script>"), 404, "not_found")


def test_form_input_errors_reshow_the_form(client: Client) -> None:
    long_q = "<script>alert(1)</script>" + "x" * 2000
    r = client.post("/ask", data={"question": long_q, "audience": "caregiver"})
    assert r.status_code == 422
    assert 'role="alert"' in r.text and "2000 characters or fewer" in r.text
    assert "<script>alert(1)" not in r.text and "&lt;script&gt;alert(1)" in r.text
    assert 'value="caregiver" checked' in r.text and 'aria-invalid="true"' in r.text
    assert client.get("/ask").status_code == 422
    assert_error_page(client.post("/ask", content=b"question=dose", headers={
        "content-type": "text/plain"}), 415)
    huge = client.post("/ask", data={"question": "x" * 20000})
    assert "16 KB" in assert_error_page(huge, 413)


def test_cross_site_posts_and_redirect_targets(client: Client) -> None:
    for headers in ({"origin": "https://evil.example"}, {"origin": "null"},
                    {"sec-fetch-site": "cross-site", "origin": "https://evil.example"},
                    {"sec-fetch-site": "same-site", "origin": "http://testserver.evil"}):
        r = client.post("/ask", data={"question": SEED}, headers={**headers, **HTML})
        assert_error_page(r, 403)
    for headers in ({"origin": "http://testserver"},
                    {"sec-fetch-site": "same-origin", "origin": "http://testserver"}, {}):
        assert client.post("/ask", data={"question": SEED}, headers=headers).status_code == 303
    # whatever the request carries, the redirect goes to this site's answer page
    for params in ({"question": "//evil.example", "next": "https://evil.example"},
                   {"question": SEED, "redirect": "//evil.example", "url": "javascript:x"}):
        r = client.get("/ask", params=params)
        assert r.status_code == 303
        assert re.fullmatch(r"/answers/[0-9a-f]{16}", r.headers["location"])


def _walk(routes: list[BaseRoute]) -> Iterator[Route]:
    """Every route of the app, also inside included routers (FastAPI may wrap them)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _walk(inner.routes)
        elif isinstance(route, Route):
            yield route


def _path_for(route: Route) -> str:
    return route.path.replace("{answer_id}", "0123456789abcdef")


def test_one_error_shape_for_every_route(app: FastAPI, client: Client) -> None:
    routes = list(_walk(app.routes))
    assert {r.path for r in routes} >= {"/", "/ask", "/answers/{answer_id}", "/policy",
                                        "/static/medbrief.css", "/api/ask",
                                        "/api/answers/{answer_id}", "/openapi.json"}
    for route in routes:
        path = _path_for(route)
        err = assert_error_shape(client.request("PATCH", path, headers=JSON), 405)
        assert err["code"] == "method_not_allowed"
        if not path.startswith(("/api/", "/openapi")):  # pages: an HTML page for browsers
            assert_error_page(client.request("PATCH", path, headers=HTML), 405)
    for path in ("/answers/0123456789abcdef", "/api/answers/0123456789abcdef", "/nowhere",
                 "/policy/", "/static/other.css"):
        assert_error_shape(client.get(path, headers=JSON), 404, "not_found")
    assert_error_page(client.get("/nowhere", headers=HTML), 404)
    assert_error_shape(client.post("/api/ask", content=b"{", headers={
        "content-type": "application/json"}), 400)


def test_unexpected_failures_are_a_500_without_a_traceback(
        engine: Engine, portal: BlockingPortal, caplog: pytest.LogCaptureFixture) -> None:
    def broken(answer: Answer) -> ReviewInfo:
        raise RuntimeError("secret internal detail")

    c = Client(create_app(engine, review_lookup=broken), portal)
    answer_id = c.post("/api/ask", json={"question": SEED}).json()["id"]
    page = assert_error_page(c.get(f"/answers/{answer_id}"), 500)
    assert "secret internal detail" not in page and "RuntimeError" not in page
    err = assert_error_shape(c.get(f"/answers/{answer_id}", headers=JSON), 500, "internal_error")
    assert "secret" not in str(err["message"])
    assert "secret internal detail" in caplog.text  # the operator's log has it


# -- escaping of hostile text ---------------------------------------------------------------------

def test_hostile_question_and_corpus_text_are_escaped(portal: BlockingPortal,
                                                      tmp_path: Path) -> None:
    doc = label(indications=(
        'Examplofen tablets are indicated for <script>alert("pwned")</script> spasticity '
        'resulting from multiple sclerosis <img src=x onerror=alert(1)> and &lt;b&gt;.'))
    doc.title = 'Exampla <script>alert("title")</script> tablets'
    doc.url = "javascript:alert(3)"
    store = open_store(tmp_path / "hostile.sqlite3")
    store.upsert(doc)
    c = Client(create_app(Engine(store)), portal)
    question = '<script>alert("q")</script> What is examplofen used for?'
    _, html = ask_page(c, question, "physician")
    lowered = html.lower()
    assert "<script" not in lowered and "<img" not in lowered and "onerror=alert" not in \
        lowered.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(&#34;q&#34;)&lt;/script&gt; What is examplofen" in html
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in html  # passage text
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&amp;lt;b&amp;gt;" in html  # an entity in the source shows literally
    assert "Exampla &lt;script&gt;alert(&#34;title&#34;)" in html  # reference title
    page = Links(html)
    assert not [a for a in page.links if "javascript" in str(a["href"]).lower()]
    assert '<span class="mb-url">javascript:alert(3)</span>' in html
    assert not [name for name, _ in page.attrs if name.startswith("on")]
    # the JSON API carries the raw text (it is data), served as JSON that browsers do not sniff
    api = c.post("/api/ask", json={"question": question, "audience": "physician"})
    assert api.headers["x-content-type-options"] == "nosniff"
    assert '<script>alert("pwned")</script>' in api.text.replace('\\"', '"')
    store.close()
