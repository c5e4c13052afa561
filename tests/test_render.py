"""Renderers (text, markdown, json, html) and the JSON contract (schemas/answer.schema.json)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medbrief.answer import (
    Answer,
    BottomLine,
    Reference,
    SafetyItem,
    ScoredPassage,
    Section,
    Sentence,
    Support,
    Understanding,
)
from medbrief.errors import InputError
from medbrief.render import RENDERERS, formats, render
from medbrief.render.common import ALLOWED_LINK_HOSTS, clean, safe_url
from medbrief.render.html import ANSWER_CSS, answer_body_html, render_html
from medbrief.render.jsonout import (
    SCHEMA_ID,
    SCHEMA_PATH,
    answer_schema,
    load_schema,
    render_json,
    schema_text,
)
from medbrief.render.markdown import render_markdown
from medbrief.render.text import render_text

HOSTILE = "<script>alert(1)</script>"
JS_URL = "javascript:alert(document.cookie)"
EVIL_URL = "https://evil.example.com/guideline?x=<b>"
PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/12345678/"
DAILYMED_URL = "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=abc-123"


def sent(text: str, *refs: int) -> Sentence:
    support = [Support(passage_id=100 + n, ref=n, start=0, end=len(text), quote=text) for n in refs]
    return Sentence(text=text, citations=list(refs), support=support)


def full_answer() -> Answer:
    return Answer(
        id="ans-7f3a",
        question="Is sertraline safe in pregnancy? " + HOSTILE,
        audience="pharmacist",
        understanding=Understanding(drugs=["sertraline"], conditions=["pregnancy"],
                                    intent="safety"),
        bottom_line=BottomLine(
            verdict=sent("Sertraline is an option in pregnancy when benefits outweigh risks.", 1),
            summary=[sent("Guidelines prefer SSRIs such as sertraline.", 1),
                     sent("Data show a small absolute risk & <b>no</b> clear signal.", 3, 4)],
            status="answered",
            label_status="labeled",
        ),
        # Deliberately out of tier order: rendering must put guidelines, label, research.
        sections=[
            Section(tier="research", title="From the Research",
                    sentences=[sent("A cohort of 1000 pregnancies found no increase " + HOSTILE,
                                    3),
                               sent("A meta-analysis reported &lt;2% risk \x1b[31mred\x1b[0m.",
                                    4)]),
            Section(tier="guidelines", title="From the Guidelines",
                    sentences=[sent("SSRIs are first line for perinatal depression.", 1)]),
            Section(tier="label", title="From the FDA Drug Label", sentences=[],
                    note="The label has no pregnancy recommendation for this use."),
        ],
        safety=[
            SafetyItem(kind="boxed_warning", title="Boxed warning: suicidality",
                       sentences=[sent("Antidepressants increase suicidal thoughts.", 2)]),
            SafetyItem(kind="populations", title="Pregnancy <i>and</i> lactation",
                       sentences=[sent("Neonates may show adaptation symptoms.", 2, 1)]),
        ],
        references=[
            Reference(n=1, tier="guidelines", source_id="ngc:123", title="Perinatal depression",
                      citation="ACOG. Perinatal depression guideline. 2023.", url=EVIL_URL,
                      section="Grade A"),
            Reference(n=2, tier="label", source_id="spl:abc-123", title="Sertraline label",
                      citation="Sertraline tablets [package insert]. " + HOSTILE,
                      url=DAILYMED_URL, section="Boxed Warning"),
            Reference(n=3, tier="research", source_id="pmid:12345678", title="Cohort",
                      citation="Doe J. A cohort. JAMA. 2020;1:1-2.", url=PUBMED_URL, year=2020,
                      study_design="cohort"),
            Reference(n=4, tier="research", source_id="pmid:999", title="Meta",
                      citation="Roe R. A meta-analysis. BMJ. 2021.", url=JS_URL),
        ],
        follow_up_questions=["What dose of sertraline is used in pregnancy?",
                             "Is sertraline safe while breastfeeding? " + HOSTILE],
        disclaimer="For information only; not medical advice.",
        corpus_snapshot="snap-2024-05-01",
        settings_hash="sha-abc123",
        created_at="2024-05-01T00:00:00Z",
        passages=[ScoredPassage(passage_id=101, source_id="ngc:123", tier="guidelines",
                                section="Recommendations", score=3.5)],
        dropped_sentences=1,
    )


def insufficient_answer() -> Answer:
    return Answer(
        id="ans-none",
        question="Does drug X cure condition Y?",
        bottom_line=BottomLine(status="insufficient_evidence"),
        sections=[
            Section(tier="guidelines", title="From the Guidelines",
                    note="No guideline addresses drug X."),
            Section(tier="label", title="From the FDA Drug Label",
                    note="No FDA label for drug X is indexed."),
            Section(tier="research", title="From the Research", note="No study matched."),
        ],
        disclaimer="For information only; not medical advice.",
        corpus_snapshot="snap-1",
        settings_hash="set-1",
    )


# --- helpers ----------------------------------------------------------------------------------

class Page(HTMLParser):
    """Collects what the tests need from rendered HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[str, str]] = []
        self.text_parts: list[str] = []
        self._heading: tuple[str, list[str]] | None = None
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading = (tag, [])
        self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._heading and tag == self._heading[0]:
            self.headings.append((tag, "".join(self._heading[1]).strip()))
            self._heading = None

    def handle_data(self, data: str) -> None:
        in_style = bool(self._stack) and self._stack[-1] in ("style", "title")
        if not in_style:
            self.text_parts.append(data)
        if self._heading:
            self._heading[1].append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.text_parts))

    def find(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for t, attrs in self.tags if t == tag]


def parse(markup: str) -> Page:
    page = Page()
    page.feed(markup)
    page.close()
    return page


def assert_in_order(haystack: str, needles: list[str]) -> None:
    pos = 0
    for needle in needles:
        found = haystack.find(needle, pos)
        assert found >= 0, f"{needle!r} missing or out of order after position {pos}"
        pos = found + len(needle)


def visible(fmt: str, answer: Answer) -> str:
    """The rendered answer as comparable text (HTML parsed to its text content)."""
    out = render(answer, fmt)
    return parse(out).text if fmt == "html" else out


ANATOMY = [
    "Is sertraline safe in pregnancy?",
    "Bottom line",
    "Sertraline is an option in pregnancy",
    "Guidelines prefer SSRIs",
    "From the Guidelines",
    "SSRIs are first line",
    "From the FDA Drug Label",
    "The label has no pregnancy recommendation",
    "From the Research",
    "A cohort of 1000 pregnancies",
    "A meta-analysis reported",
    "Safety",
    "Boxed warning: suicidality",
    "Antidepressants increase suicidal thoughts.",
    "Neonates may show adaptation symptoms.",
    "References",
    "ACOG. Perinatal depression guideline.",
    "Roe R. A meta-analysis.",
    "Follow-up questions",
    "What dose of sertraline",
    "For information only; not medical advice.",
    "snap-2024-05-01",
    "sha-abc123",
    "ans-7f3a",
]

HUMAN = ["text", "markdown", "html"]


# --- anatomy ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", HUMAN)
def test_anatomy_in_order(fmt: str) -> None:
    assert_in_order(visible(fmt, full_answer()), ANATOMY)


@pytest.mark.parametrize("fmt", HUMAN)
def test_sentences_carry_citation_markers(fmt: str) -> None:
    out = visible(fmt, full_answer())
    out = re.sub(r"\s+", " ", out)
    for needle in ("outweigh risks.[1]", "clear signal.[3][4]", "perinatal depression.[1]",
                   "symptoms.[2][1]"):
        text, marks = needle.split("[", 1)
        assert re.search(re.escape(text) + r"\s?" + re.escape("[" + marks), out), needle


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_every_cited_number_is_a_reference(fmt: str) -> None:
    out = render(full_answer(), fmt)
    body, refs = out.split("References", 1)
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
    listed = {int(n) for n in re.findall(r"^(\d+)\.", refs, re.M)}
    assert cited == {1, 2, 3, 4}
    assert cited <= listed == {1, 2, 3, 4}


@pytest.mark.parametrize("fmt", HUMAN)
def test_insufficient_evidence(fmt: str) -> None:
    answer = insufficient_answer()
    assert answer.insufficient
    out = visible(fmt, answer)
    assert_in_order(out, [
        "Does drug X cure condition Y?",
        "Insufficient evidence",
        "No guideline addresses drug X.",
        "No FDA label for drug X is indexed.",
        "No study matched.",
        "For information only; not medical advice.",
        "snap-1",
    ])
    assert "Bottom line" not in out


def test_insufficient_without_notes_still_says_why() -> None:
    answer = Answer(id="x", question="q?", bottom_line=BottomLine(status="insufficient_evidence"),
                    disclaimer="Not advice.")
    for fmt in HUMAN:
        out = visible(fmt, answer)
        assert "Insufficient evidence" in out and "does not support an answer" in out
        assert "Not advice." in out


# --- text -------------------------------------------------------------------------------------

def test_text_fits_100_columns_without_ansi() -> None:
    out = render_text(full_answer())
    assert all(len(line) <= 100 for line in out.splitlines())
    assert "\x1b" not in out  # corpus escape sequences dropped, no colour by default
    assert render(full_answer()) == out  # text is the default format


def test_text_color_only_bolds_headings() -> None:
    out = render_text(full_answer(), color=True)
    assert "\x1b[1mBottom line\x1b[0m" in out
    assert "\x1b[31m" not in out
    assert render(full_answer(), "text", color=True) == out


def test_text_wraps_long_sentences() -> None:
    answer = full_answer()
    answer.sections[1].sentences[0] = sent("word " * 60 + "end.", 1)
    out = render_text(answer)
    assert max(len(line) for line in out.splitlines()) <= 100
    assert "end. [1]" in out


# --- markdown ---------------------------------------------------------------------------------

def test_markdown_escapes_markup_and_links_only_allowlisted_urls() -> None:
    out = render_markdown(full_answer())
    prose = re.sub(r"`[^`]*`", "", out)  # code spans are literal
    assert "<script>" not in prose and "<b>" not in prose and "<i>" not in prose
    assert r"\<script\>alert(1)\</script\>" in out
    assert r"\&lt;2%" in out  # an entity in corpus text stays literal
    assert f"<{PUBMED_URL}>" in out and f"<{DAILYMED_URL}>" in out
    assert f"`{JS_URL}`" in out and f"`{EVIL_URL}`" in out
    assert f"]({JS_URL}" not in out and f"<{JS_URL}>" not in out
    assert out.startswith("# Is sertraline safe")
    headings = re.findall(r"^(#+) (.*)$", out, re.M)
    assert [h for h, _ in headings][0] == "#"
    assert ("###", "Boxed warning: suicidality") in headings


def test_markdown_keeps_gapped_reference_numbers() -> None:
    answer = full_answer()
    answer.references = [r for r in answer.references if r.n != 2]
    out = render_markdown(answer)
    assert r"- 3\. Doe J." in out


# --- html -------------------------------------------------------------------------------------

def test_html_page_shell() -> None:
    out = render_html(full_answer())
    page = parse(out)
    assert out.startswith("<!DOCTYPE html>")
    assert page.find("html") == [{"lang": "en"}]
    assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in page.find(
        "meta")
    assert len(page.find("main")) == 1
    assert ANSWER_CSS in out
    body = answer_body_html(full_answer())
    assert body in out
    assert "<html" not in body and "<style" not in body


def test_html_escapes_hostile_text() -> None:
    answer = full_answer()
    out = render_html(answer)
    page = parse(out)
    assert page.find("script") == []
    assert page.find("b") == [] and page.find("i") == []
    assert HOSTILE in page.text  # shown literally, as text
    assert "&lt;2% risk" in page.text  # the entity in the corpus is not decoded
    assert "\x1b" not in out
    for _, attrs in page.tags:
        assert not any(name.startswith("on") or name == "style" for name in attrs)


def test_html_links_are_safe() -> None:
    page = parse(render_html(full_answer()))
    hrefs = [a["href"] or "" for a in page.find("a")]
    assert hrefs
    assert not any("javascript:" in h.lower() for h in hrefs)
    external = [a for a in page.find("a") if not (a["href"] or "").startswith("#")]
    assert {a["href"] for a in external} == {PUBMED_URL, DAILYMED_URL}
    for a in external:
        assert urlsplit(a["href"] or "").hostname in ALLOWED_LINK_HOSTS
        assert set((a.get("rel") or "").split()) >= {"noopener", "noreferrer"}
    assert EVIL_URL in page.text and JS_URL in page.text  # shown, not linked


def test_html_citations_target_reference_ids() -> None:
    page = parse(answer_body_html(full_answer()))
    ids = {attrs["id"] for _, attrs in page.tags if attrs.get("id")}
    targets = [(a["href"] or "")[1:] for a in page.find("a") if (a["href"] or "").startswith("#")]
    assert set(targets) == {"ref-1", "ref-2", "ref-3", "ref-4"}
    assert set(targets) <= ids
    items = [attrs for attrs in page.find("li") if (attrs.get("id") or "").startswith("ref-")]
    assert [(li["id"], li["value"]) for li in items] == [(f"ref-{n}", str(n)) for n in range(1, 5)]


def test_html_unknown_citation_is_not_a_dangling_link() -> None:
    answer = full_answer()
    answer.bottom_line.summary.append(sent("Orphan claim.", 9))
    page = parse(answer_body_html(answer))
    assert "#ref-9" not in [a["href"] for a in page.find("a")]
    assert "Orphan claim.[9]" in page.text


def test_html_heading_outline_and_safety_aside() -> None:
    page = parse(render_html(full_answer()))
    levels = [int(tag[1]) for tag, _ in page.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert [t for _, t in page.headings] == [
        "Is sertraline safe in pregnancy? " + HOSTILE, "Bottom line", "From the Guidelines",
        "From the FDA Drug Label", "From the Research", "Safety", "Boxed warning: suicidality",
        "Pregnancy <i>and</i> lactation", "References", "Follow-up questions",
    ]
    assert {"class": "mb-safety", "aria-label": "Safety"} in page.find("aside")


def test_html_insufficient_heading() -> None:
    page = parse(render_html(insufficient_answer()))
    assert ("h2", "Insufficient evidence") in page.headings
    assert page.find("aside") == []


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=80))
def test_html_any_text_is_inert(text: str) -> None:
    answer = Answer(id="h", question=text, bottom_line=BottomLine(verdict=sent(text, 1)),
                    references=[Reference(n=1, tier="research", source_id="s", title=text,
                                          citation=text, url=text)])
    page = parse(answer_body_html(answer))
    assert [t for t, _ in page.tags if t not in {"article", "h1", "section", "h2", "p", "sup",
                                                 "a", "ol", "li", "span", "footer", "ul"}] == []
    assert clean(text) in page.text


# --- json and the schema ----------------------------------------------------------------------

@pytest.mark.parametrize("answer", [full_answer(), insufficient_answer()])
def test_json_validates_and_round_trips(answer: Answer) -> None:
    out = render(answer, "json")
    data = json.loads(out)
    jsonschema.Draft202012Validator(load_schema()).validate(data)
    assert Answer.model_validate(data) == answer
    assert Answer.model_validate_json(out) == answer
    assert data == answer.model_dump(mode="json")  # nothing excluded
    assert out.startswith("{\n  ")


def test_json_keeps_hostile_text_verbatim() -> None:
    data = json.loads(render_json(full_answer()))
    assert data["references"][3]["url"] == JS_URL
    assert HOSTILE in data["question"]


def test_schema_rejects_bad_answers() -> None:
    validator = jsonschema.Draft202012Validator(load_schema())
    good = full_answer().model_dump(mode="json")
    bad_tier = json.loads(json.dumps(good))
    bad_tier["sections"][0]["tier"] = "blog"
    assert not validator.is_valid(bad_tier)
    missing = {k: v for k, v in good.items() if k != "question"}
    assert not validator.is_valid(missing)


def test_committed_schema_is_current() -> None:
    assert SCHEMA_PATH.is_file(), "run: python scripts/write_schema.py"
    assert load_schema() == answer_schema(), "schema drifted; run: python scripts/write_schema.py"
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text()
    schema = load_schema()
    assert schema["$id"] == SCHEMA_ID and schema["title"]
    jsonschema.Draft202012Validator.check_schema(schema)


def test_schema_documents_public_keys() -> None:
    """docs/answer-json.md names every top-level and nested property of the schema."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "answer-json.md").read_text()
    schema = answer_schema()
    names = set(schema["properties"])
    for definition in schema["$defs"].values():
        names |= set(definition.get("properties", {}))
    missing = sorted(n for n in names if f"`{n}`" not in doc)
    assert not missing, f"undocumented keys in docs/answer-json.md: {missing}"


# --- registry and URL policy ------------------------------------------------------------------

def test_registry() -> None:
    assert formats() == ["html", "json", "markdown", "text"]
    for fmt, fn in RENDERERS.items():
        assert isinstance(fn(full_answer()), str), fmt


def test_unknown_format_names_valid_ones() -> None:
    with pytest.raises(InputError) as exc:
        render(full_answer(), "pdf")
    message = str(exc.value)
    assert "pdf" in message
    assert all(fmt in message for fmt in ("text", "markdown", "json", "html"))


@pytest.mark.parametrize(("url", "ok"), [
    (PUBMED_URL, True),
    (DAILYMED_URL, True),
    ("http://www.ncbi.nlm.nih.gov/pmc/articles/PMC1/", True),
    ("https://www.guideline.gov/summaries/summary/1", True),
    ("https://PubMed.ncbi.nlm.nih.gov/1/", True),
    (JS_URL, False),
    ("JavaScript:alert(1)", False),
    ("data:text/html,<script>", False),
    (EVIL_URL, False),
    ("https://pubmed.ncbi.nlm.nih.gov.evil.com/", False),
    ("https://pubmed.ncbi.nlm.nih.gov@evil.com/", False),
    ("https://user@pubmed.ncbi.nlm.nih.gov/", False),
    ("https://pubmed.ncbi.nlm.nih.gov:8443/", False),
    ("//pubmed.ncbi.nlm.nih.gov/1/", False),
    ("https://pubmed.ncbi.nlm.nih.gov/1/ x", False),
    (" https://pubmed.ncbi.nlm.nih.gov/1/", False),
    ("https://[::1/", False),
    ("", False),
])
def test_safe_url(url: str, ok: bool) -> None:
    assert (safe_url(url) == url) is ok
