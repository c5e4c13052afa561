"""End to end: a real headless Chromium against ``medbrief serve`` (uvicorn on a free loopback port,
a fresh demo-pack store): ask the baclofen question as a patient, read the sections and references,
follow a citation, ask a follow-up; check an article and read an editorial article, styled by the
one stylesheet with no Content-Security-Policy violation. Screenshots go to tests/artifacts/
(git-ignored).

Needs Debian's ``chromium`` and ``chromium-driver`` (/usr/bin); .ci/run installs them. Skipped when
they are absent, except in CI (CI=true), where their absence is a failure.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).parent / "artifacts"
SEED = "What is the role of baclofen in managing back pain?"
FOLLOW_UP = "What is the usual dose?"

_missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
if _missing and os.environ.get("CI") != "true":
    pytest.skip(f"{' and '.join(_missing)} not installed (apt-get install chromium "
                "chromium-driver); this test is required when CI=true", allow_module_level=True)

from selenium import webdriver  # noqa: E402 - after the skip: selenium may be needed only here
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from medbrief.editorial.states import Role  # noqa: E402
from medbrief.editorial.users import add_user  # noqa: E402
from medbrief.editorial.workflow import create_article  # noqa: E402
from medbrief.store import open_store  # noqa: E402
from medbrief.store.answers import load_answer  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The MEDBRIEF_HOME of the server (its store is ``medbrief.sqlite3`` there)."""
    return tmp_path_factory.mktemp("web-e2e") / "home"


@pytest.fixture(scope="module")
def server(server_home: Path) -> Iterator[str]:
    """``python -m medbrief.web`` (= ``medbrief serve``) on a fresh store, loaded by --ensure-data."""
    assert not _missing, f"CI=true but {_missing} missing: .ci/run must install chromium"
    tmp = server_home.parent
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDBRIEF_")}
    env["MEDBRIEF_HOME"] = str(server_home)
    log = (tmp / "server.log").open("w+b")
    proc = subprocess.Popen(
        [sys.executable, "-m", "medbrief.web", "--host", "127.0.0.1", "--port", str(port),
         "--ensure-data"], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, f"server exited: {(tmp / 'server.log').read_text()}"
            try:
                with urllib.request.urlopen(base + "/", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                assert time.monotonic() < deadline, "server did not start within 60 s"
                time.sleep(0.2)
        yield base
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    output = (tmp / "server.log").read_text()
    assert "Traceback" not in output, output
    assert "demo evidence pack" in output


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never download anything
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 "--hide-scrollbars", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def screenshot(driver: WebDriver, name: str, width: int) -> Path:
    """A full-page screenshot at ``width`` CSS pixels."""
    ARTIFACTS.mkdir(exist_ok=True)
    driver.set_window_size(width, 900)
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    driver.set_window_size(width, min(height + 150, 8000))
    path = ARTIFACTS / f"{name}.png"
    assert driver.save_screenshot(str(path)), path
    driver.set_window_size(1280, 900)
    return path


def _csp_violations(driver: WebDriver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser")
            if "Content Security Policy" in e["message"] or "Refused to" in e["message"]]


# Installed through the DevTools protocol, so it runs before the page's own content and is not
# itself subject to the page's Content-Security-Policy.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline"));
});
"""
CSP_BLOCKED_PAGE = ("data:text/html,<meta http-equiv=\"Content-Security-Policy\" "
                    "content=\"style-src 'self'\"><style>p { color: red; }</style><p>x</p>")


def _reported_violations(driver: WebDriver) -> list[str]:
    found = driver.execute_script("return window.__cspViolations")
    assert found is not None, "the securitypolicyviolation listener is not installed"
    return [str(v) for v in found]


def _assert_styled_shell(driver: WebDriver, current: str | None) -> None:
    """The page is in the one page shell, styled by /static/medbrief.css, with no CSP violation."""
    links = driver.find_elements(By.CSS_SELECTOR, ".site-header nav a")
    assert [a.text for a in links] == ["Ask a question", "Check an article", "Review queue",
                                       "Editorial policy"]
    marked = [a.text for a in links if a.get_attribute("aria-current") == "page"]
    assert marked == ([current] if current else [])
    assert driver.find_element(By.CSS_SELECTOR, "body > footer.site-footer").is_displayed()
    sheets = driver.execute_script(
        "return [...document.styleSheets].map(s => [s.href, s.cssRules.length])")
    assert len(sheets) == 1 and "/static/medbrief.css" in sheets[0][0] and sheets[0][1] > 50
    # rules of web.css applied: the skip link is moved off screen, the header has its colour
    skip = driver.find_element(By.CSS_SELECTOR, ".skip-link")
    assert skip.value_of_css_property("position") == "absolute"
    assert driver.find_element(By.CSS_SELECTOR, ".site-header").value_of_css_property(
        "background-color") not in ("rgba(0, 0, 0, 0)", "")
    assert _reported_violations(driver) == [] and _csp_violations(driver) == []


def _save_as_article(home: Path, answer_id: str, slug: str) -> None:
    """An editor saves the answer as an article, in the server's store (as the CLI would)."""
    store = open_store(home / "medbrief.sqlite3")
    try:
        admin, _ = add_user(store, "admin@example.org", "Ada Admin", frozenset({Role.ADMIN}), None)
        editor, _ = add_user(store, "ed@example.org", "Ed Editor", frozenset({Role.EDITOR}), admin)
        answer = load_answer(store, answer_id)
        assert answer is not None, answer_id
        create_article(store, answer, editor, slug=slug)
    finally:
        store.close()


def test_patient_asks_reads_follows_a_citation_and_follows_up(server: str,
                                                               browser: WebDriver) -> None:
    d, wait = browser, WebDriverWait(browser, 30)
    d.set_window_size(1280, 900)
    d.get(server + "/")
    assert d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    # keyboard: the first Tab reaches the skip link
    d.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert d.switch_to.active_element.text == "Skip to main content"
    screenshot(d, "home-desktop", 1280)
    screenshot(d, "home-phone", 390)

    # choose "patient" (by its label, as a person would) and ask the seed question
    d.find_element(By.XPATH, "//label[contains(., 'Patient')]").click()
    assert d.find_element(By.CSS_SELECTOR, "input[value=patient]").is_selected()
    d.find_element(By.ID, "question").send_keys(SEED)
    d.find_element(By.CSS_SELECTOR, "form.ask-form button[type=submit]").click()
    wait.until(ec.url_contains("/answers/"))
    first_url = d.current_url
    assert d.find_element(By.TAG_NAME, "h1").text == SEED
    cookie = d.get_cookie("medbrief_audience")
    assert cookie is not None and cookie["value"] == "patient" and cookie["sameSite"] == "Lax"

    headings = [h.text for h in d.find_elements(By.CSS_SELECTOR, "article h2")]
    for expected in ("Bottom line", "From the Guidelines", "From the FDA Drug Label",
                     "From the Research", "Safety", "References", "Have a follow-up question?"):
        assert expected in headings, headings
    banner = d.find_element(By.CSS_SELECTOR, ".banner")
    assert banner.text.startswith("Pending human review — use with caution.")
    assert banner.value_of_css_property("background-color") not in ("rgba(0, 0, 0, 0)", "")
    steps = [s.text for s in d.find_elements(By.CSS_SELECTOR, ".stepper .step-label")]
    assert steps == ["Submitted", "Under Review", "Approved"]
    references = d.find_elements(By.CSS_SELECTOR, ".mb-references li")
    assert len(references) >= 3
    for link in d.find_elements(By.CSS_SELECTOR, ".mb-references a"):
        assert link.get_attribute("rel") == "noopener noreferrer"
    screenshot(d, "answer-desktop", 1280)
    screenshot(d, "answer-phone", 390)

    # follow a citation to its reference
    cite = d.find_element(By.CSS_SELECTOR, ".mb-tier a.cite")
    target = cite.get_attribute("href").rsplit("#", 1)[1]
    cite.click()
    wait.until(ec.url_contains("#" + target))
    ref = d.find_element(By.ID, target)
    assert ref.is_displayed() and ref.text
    top = d.execute_script("return arguments[0].getBoundingClientRect().top", ref)
    assert 0 <= top < d.execute_script("return window.innerHeight")
    assert d.execute_script("return document.querySelector(':target') === arguments[0]", ref)
    ARTIFACTS.mkdir(exist_ok=True)
    d.save_screenshot(str(ARTIFACTS / "citation-followed.png"))

    # ask a follow-up in context
    box = d.find_element(By.ID, "follow-up-question")
    box.send_keys(FOLLOW_UP)
    d.find_element(By.CSS_SELECTOR, ".follow-up button[type=submit]").click()
    wait.until(lambda drv: "/answers/" in drv.current_url
               and drv.current_url.split("#")[0] != first_url)
    assert d.find_element(By.TAG_NAME, "h1").text == FOLLOW_UP
    context = d.find_element(By.CSS_SELECTOR, ".context a")
    assert context.text == SEED and context.get_attribute("href") == first_url
    page_text = d.find_element(By.TAG_NAME, "main").text
    assert "baclofen" in page_text.lower() and "mg" in page_text
    screenshot(d, "follow-up-desktop", 1280)

    # a suggested follow-up is a plain link that answers too
    suggestion = d.find_element(By.CSS_SELECTOR, ".suggested a")
    text = suggestion.text
    suggestion.click()
    wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), text))
    assert _csp_violations(d) == []


def test_error_pages_in_the_browser(server: str, browser: WebDriver) -> None:
    browser.get(server + "/answers/0000000000000000")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Page not found"
    assert "Traceback" not in browser.page_source
    browser.get(server + "/policy")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Editorial policy"
    screenshot(browser, "policy-phone", 390)


def test_check_and_editorial_pages_are_styled_under_the_csp(server: str, server_home: Path,
                                                             browser: WebDriver) -> None:
    d, wait = browser, WebDriverWait(browser, 30)
    d.set_window_size(1280, 900)
    listener = d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                                 {"source": CSP_LISTENER})["identifier"]
    try:
        # the detectors work: an inline style under `style-src 'self'` is reported by both
        d.get(CSP_BLOCKED_PAGE)
        wait.until(lambda drv: _reported_violations(drv))
        assert _reported_violations(d)[0].startswith("style-src")
        assert _csp_violations(d)

        # the claim check: the form, then its report, in the page shell and styled
        d.get(server + "/check")
        assert d.title == "Check an article — medbrief"
        _assert_styled_shell(d, "Check an article")
        box = d.find_element(By.ID, "text")
        assert box.value_of_css_property("min-height") == "288px"  # .check-form textarea: 18rem
        box.send_keys("Baclofen is used to relieve spasticity resulting from multiple sclerosis. "
                      "The maximum dose of baclofen is 200 mg per day.")
        d.find_element(By.CSS_SELECTOR, ".check-form button[type=submit]").click()
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "article.mb-check")))
        assert d.title == "Claim check report — medbrief"
        _assert_styled_shell(d, "Check an article")
        claims = d.find_elements(By.CSS_SELECTOR, ".mb-claim")
        assert claims, d.find_element(By.TAG_NAME, "main").text
        for claim in claims:  # REPORT_CSS: a coloured bar by verdict
            assert claim.value_of_css_property("border-left-width") == "4px"
            assert claim.value_of_css_property("border-left-style") == "solid"
        screenshot(d, "check-report-desktop", 1280)
        screenshot(d, "check-report-phone", 390)

        # an editorial article: the queue, the article with its review stepper, its history
        d.get(server + "/ask?" + urlencode({"question": SEED, "audience": "patient"}))
        wait.until(ec.url_contains("/answers/"))
        _save_as_article(server_home, d.current_url.rsplit("/", 1)[1], "baclofen-back-pain")
        d.get(server + "/review")
        _assert_styled_shell(d, "Review queue")
        d.find_element(By.CSS_SELECTOR, "table.queue a[href$='/articles/baclofen-back-pain']").click()
        wait.until(ec.url_contains("/articles/baclofen-back-pain"))
        _assert_styled_shell(d, None)
        stepper = d.find_element(By.CSS_SELECTOR, ".review .stepper")
        assert stepper.value_of_css_property("display") == "flex"
        current = d.find_element(By.CSS_SELECTOR, ".stepper [aria-current=step]")
        assert current.find_element(By.CSS_SELECTOR, ".step-label").text == "Submitted"
        hidden = current.find_element(By.CSS_SELECTOR, ".visually-hidden")  # "— current step"
        assert hidden.value_of_css_property("position") == "absolute"
        assert hidden.value_of_css_property("width") == "1px"
        assert d.find_element(By.CSS_SELECTOR, ".banner-pending").value_of_css_property(
            "background-color") not in ("rgba(0, 0, 0, 0)", "")
        screenshot(d, "article-desktop", 1280)
        screenshot(d, "article-phone", 390)
        d.find_element(By.LINK_TEXT, "Review history").click()
        wait.until(ec.url_contains("/history"))
        _assert_styled_shell(d, None)
        assert d.find_element(By.TAG_NAME, "h1").text == "Review history"
    finally:
        d.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": listener})
