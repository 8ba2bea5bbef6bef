"""The chat widget in headless Chromium, against the real service on loopback over a tiny corpus.

The demo page (`GET /`) embeds `widget.js` under hostile legacy CSS; each test opens it afresh and drives the
widget as a person would: keyboard to the launcher, type, read the answer, follow a citation, give feedback.
"""

from __future__ import annotations

import gzip
import os

import httpx
import pytest

from api_server import serve
from assistant.api.app import create_app
from assistant.api.services import Services
from assistant.config import PROJECT_ROOT
from browser.chromium import chromium, require_chromium
from conftest import make_settings
from corpus.ingest import ingest
from index.embedder import HashingEmbedder
from samples import MANIFEST, NEW_EDITION, OLD_EDITION, REPORT

pytestmark = pytest.mark.browser
WIDGET = PROJECT_ROOT / "bots" / "widget" / "widget.js"
BUDGET_GZ = 30 * 1024
REFERRALS = "how many referrals to children's social care in 2016/17"
URGENT = "a child just told me her dad hits her"
NOT_FOUND = "how do I renew a parking permit for my car"

# Records every /api/ask request body the widget sends (the widget calls the global fetch at request time).
SPY = """
window.__asked = [];
const real = window.fetch;
window.fetch = function (url, init) {
  if (String(url).includes('/api/ask')) window.__asked.push(JSON.parse(init.body));
  return real.apply(this, arguments);
};
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    settings = make_settings(tmp_path_factory.mktemp("widget"), ask_rate_per_minute=1000, abstain_min_strength=0.3)
    for name, text in {"corpus.toml": MANIFEST, "thresholds-2015.md": OLD_EDITION,
                       "thresholds-2018.md": NEW_EDITION, "annual-report.md": REPORT}.items():
        (settings.corpus_dir / name).write_text(text, encoding="utf-8")
    assert ingest(settings, HashingEmbedder()).usable
    services = Services(settings, HashingEmbedder())
    with serve(create_app(settings, services)) as url:
        yield url, services


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    with chromium() as driver:
        yield driver


@pytest.fixture
def page(browser, server):
    """The demo page, freshly loaded, with the widget mounted; no console errors allowed by the end."""
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server[0] + "/")
    WebDriverWait(browser, 15).until(
        lambda d: d.execute_script("var h = document.getElementById('lscb-assistant');"
                                   "return !!(h && h.shadowRoot && h.shadowRoot.querySelector('.launch'))"))
    browser.execute_script(SPY)
    yield Widget(browser, server[0])
    for handle in browser.window_handles[1:]:
        browser.switch_to.window(handle)
        browser.close()
    browser.switch_to.window(browser.window_handles[0])
    # A document opened from a citation (a plain-text file) makes Chromium ask for /favicon.ico, which the
    # service does not serve; that request is the browser's, not the widget's.
    errors = [e for e in browser.get_log("browser")
              if e["level"] == "SEVERE" and "/favicon.ico " not in e["message"]]
    assert not errors, errors


class Widget:
    """The widget as a person sees it: its shadow root, the launcher, the panel, the answers."""

    def __init__(self, driver, base: str) -> None:
        from selenium.webdriver.common.by import By

        self.driver, self.base, self.by = driver, base, By
        self.root = driver.find_element(By.ID, "lscb-assistant").shadow_root

    def one(self, css: str, within=None):
        return (within or self.root).find_element(self.by.CSS_SELECTOR, css)

    def all(self, css: str, within=None):
        return (within or self.root).find_elements(self.by.CSS_SELECTOR, css)

    def focused(self) -> str:
        """The focused element inside the widget, as 'tag.class#id', or 'page' when focus is outside it."""
        return self.driver.execute_script(
            "var a = document.activeElement;"
            "if (!a || a.id !== 'lscb-assistant') return 'page';"
            "var f = a.shadowRoot.activeElement; if (!f) return 'host';"
            "return f.tagName.toLowerCase() + '.' + f.className + (f.id ? '#' + f.id : '');")

    def keys(self, *keys) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(*keys).perform()

    def open_with_keyboard(self) -> None:
        from selenium.webdriver.common.keys import Keys

        for _ in range(40):
            if self.focused().startswith("button.launch"):
                break
            self.keys(Keys.TAB)
        assert self.focused().startswith("button.launch"), "the launcher is not reachable with Tab"
        self.keys(Keys.ENTER)
        assert self.one(".launch").get_attribute("aria-expanded") == "true"
        assert self.focused() == "textarea.#lscb-q"

    def ask(self, question: str):
        """Type the question in the focused box, press Enter, wait for its answer; returns the answer element."""
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support.ui import WebDriverWait

        before = len(self.all("article.a"))
        assert self.focused() == "textarea.#lscb-q"
        self.keys(question, Keys.ENTER)
        WebDriverWait(self.driver, 30).until(lambda d: len(self.all("article.a")) > before or self.all(".err"))
        assert not self.all(".err"), self.one(".err").text
        return self.all("article.a")[-1]


def test_widget_script_is_served_and_within_its_size_budget(server):
    size = len(gzip.compress(WIDGET.read_bytes(), compresslevel=9))
    assert size <= BUDGET_GZ, f"widget.js is {size} bytes gzipped; the budget is {BUDGET_GZ}"
    with httpx.Client(base_url=server[0], timeout=10) as client:
        script = client.get("/widget.js")
        demo = client.get("/")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert script.content == WIDGET.read_bytes()
    assert '<script src="widget.js" data-title="Ask the LSCB" async></script>' in demo.text


def test_hostile_page_css_does_not_reach_the_widget(page):
    launcher = page.one(".launch")
    assert launcher.is_displayed(), "button { display: none !important } on the page hid the launcher"
    assert launcher.text == "Ask the LSCB"
    styles = page.driver.execute_script(
        "var h = document.getElementById('lscb-assistant'), l = h.shadowRoot.querySelector('.launch');"
        "var s = getComputedStyle(l), r = l.getBoundingClientRect();"
        "return {host: getComputedStyle(h).position, font: s.fontFamily, size: s.fontSize, ls: s.letterSpacing,"
        "        right: innerWidth - r.right, bottom: innerHeight - r.bottom};")
    assert styles["host"] == "fixed"
    assert "Comic Sans" not in styles["font"] and styles["size"] == "16px" and styles["ls"] == "normal"
    assert 10 <= styles["right"] <= 30 and 10 <= styles["bottom"] <= 30, styles


def test_keyboard_question_answer_citation_and_escape(page):
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    page.open_with_keyboard()
    answer = page.ask("what is private fostering?")
    assert answer.get_attribute("data-state") == "answered"
    assert "28 days" in page.one(".text", answer).text
    markers = page.all(".text a.cite", answer)
    sources = page.all("ol.src li", answer)
    assert markers and len(sources) >= 1
    first = sources[0].text
    assert "Westshire LSCB Annual Report 2016-17" in first and "Private fostering" in first
    assert "1 Jul 2017" in first
    href = markers[0].get_attribute("href")
    assert href.startswith(page.base + "/documents/annual-report")
    assert markers[0].get_attribute("target") == "_blank"

    main = page.driver.current_window_handle
    markers[0].click()
    WebDriverWait(page.driver, 10).until(lambda d: len(d.window_handles) == 2)
    page.driver.switch_to.window([h for h in page.driver.window_handles if h != main][0])
    WebDriverWait(page.driver, 10).until(lambda d: d.current_url != "about:blank")
    assert page.driver.current_url == href
    assert "Private fostering" in page.driver.find_element(page.by.TAG_NAME, "body").text
    page.driver.close()
    page.driver.switch_to.window(main)

    page.one("#lscb-q").click()
    page.keys(Keys.ESCAPE)
    assert not page.one(".panel").is_displayed()
    assert page.one(".launch").get_attribute("aria-expanded") == "false"
    assert page.focused().startswith("button.launch")
    stored = page.driver.execute_script("return [localStorage.length, sessionStorage.length]")
    assert stored == [0, 0], "the widget must not store the question (nor anything else) in the browser"


def test_markup_in_a_question_is_shown_as_text(page):
    page.open_with_keyboard()
    answer = page.ask('<img src=x onerror="window.__xss=1"> what is private fostering?')
    bubble = page.all("p.q")[-1]
    assert bubble.text.startswith("<img src=x") and not page.all("img", bubble)
    assert not page.all(".text img", answer)
    assert page.driver.execute_script("return window.__xss") is None


def test_follow_up_stays_in_the_conversation_and_new_conversation_starts_afresh(page):
    page.open_with_keyboard()
    first = page.ask(REFERRALS)
    assert "4125" in page.one(".text", first).text
    follow = page.ask("and the year before?")
    assert "5086" in page.one(".text", follow).text
    assert "2015/16" in page.one(".note", follow).text, "the resolved question is shown"
    asked = page.driver.execute_script("return window.__asked")
    assert "conversation_id" not in asked[0]
    assert asked[1]["conversation_id"], "the follow-up carries the conversation id"

    page.one(".new").click()
    assert not page.all("article.a") and not page.all("p.q")
    assert page.focused() == "textarea.#lscb-q"
    page.ask("and the year before?")
    asked = page.driver.execute_script("return window.__asked")
    assert "conversation_id" not in asked[2], "a new conversation forgets the old id"


def test_indicator_card_shows_the_figures_and_the_chart(page):
    from selenium.webdriver.support.ui import WebDriverWait

    page.open_with_keyboard()
    answer = page.ask(REFERRALS)
    cards = page.all(".card", answer)
    if not cards:
        pytest.skip("this answer carries no indicator records (the indicator store is not filling them)")
    rows = [r.text for r in page.all("tbody tr", cards[0])]
    assert any("2016/17" in r and "4,125" in r for r in rows), rows
    WebDriverWait(page.driver, 10).until(
        lambda d: d.execute_script("var i = arguments[0].querySelector('img');"
                                   "return !i || (i.complete && !i.hidden && i.naturalWidth > 0)", cards[0]))
    assert page.all("img", cards[0]), "the chart image did not load"


def test_thumbs_down_feedback_reaches_the_history(page, server):
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    page.open_with_keyboard()
    answer = page.ask("what is private fostering?")
    answer_id = answer.get_attribute("data-answer-id")
    page.one(".fb button[aria-label='Not helpful']", answer).click()
    assert page.focused().startswith("input")
    page.keys("the quote missed the notification rule", Keys.ENTER)
    WebDriverWait(page.driver, 10).until(lambda d: "recorded" in page.one(".fb", answer).text)
    rows = [r for r in server[1].history.feedback() if r["answer_id"] == answer_id]
    assert len(rows) == 1 and rows[0]["helpful"] == 0 and rows[0]["channel"] == "web"
    assert "notification rule" in rows[0]["comment"]


def test_urgent_message_shows_the_banner_first(page):
    page.open_with_keyboard()
    answer = page.ask(URGENT)
    assert answer.get_attribute("data-state") == "urgent"
    first = page.driver.execute_script("return arguments[0].firstElementChild", answer)
    assert first.get_attribute("role") == "alert" and "urgent" in first.get_attribute("class")
    assert "999" in first.text


def test_not_found_answer_lists_related_passages(page):
    page.open_with_keyboard()
    answer = page.ask(NOT_FOUND)
    assert answer.get_attribute("data-state") == "abstained"
    headings = [h.text for h in page.all("h3", answer)]
    assert any(h.lower() == "related, but not an answer" for h in headings), headings
    related = page.all("ul.rel li", answer)
    assert related and all(page.all("a", li) for li in related)


def test_screenshots_desktop_and_phone(page, tmp_path):
    """widget-demo.png (1280x900) and widget-phone.png (375x740), each with an answer open. They go to a scratch
    folder, so a test run leaves the checkout as it was; `SCREENSHOTS=reports pytest -k screenshots` refreshes
    the committed ones in reports/."""
    shots = PROJECT_ROOT / os.environ["SCREENSHOTS"] if os.environ.get("SCREENSHOTS") else tmp_path
    shots.mkdir(exist_ok=True)
    page.open_with_keyboard()
    page.ask("what is private fostering?")
    page.ask(REFERRALS)
    page.driver.execute_script("window.scrollTo(0, 0)")
    page.driver.save_screenshot(str(shots / "widget-demo.png"))

    page.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                {"width": 375, "height": 740, "deviceScaleFactor": 1, "mobile": True})
    try:
        box = page.driver.execute_script(
            "var r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width, r.height]",
            page.one(".panel"))
        assert box == [0, 0, 375, 740], f"the panel is not full-screen on a phone: {box}"
        assert not page.one(".launch").is_displayed(), "the launcher would cover the full-screen panel"
        page.driver.save_screenshot(str(shots / "widget-phone.png"))
    finally:
        page.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert all((shots / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for name in ("widget-demo.png", "widget-phone.png"))
