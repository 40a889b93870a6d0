"""The built site in a real browser: language chooser, switcher, keyboard use, lang of blocks, layout.

Debian's chromium (``/usr/bin/chromium``) is driven through Playwright; the site is served over
HTTP on 127.0.0.1.  ``UPDATE_SCREENSHOTS=1`` writes the screenshots to ``docs/screenshots/``.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from playwright.sync_api import Browser, Page, Request, Route, sync_playwright
from test_html_valid import build, make_partly_translated

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
POST_PATH = "2021/02/22/tesla-ai-jim-keller/"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
KANA = re.compile(r"[\u3040-\u30ff]")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per request would bury pytest's output


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over HTTP on 127.0.0.1 (a free port) for the duration; its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def _example(dest: Path) -> Path:
    dest.mkdir()
    for name in ("site.toml", "content", "locales"):
        src = ROOT / name
        shutil.copy(src, dest / name) if src.is_file() else shutil.copytree(src, dest / name)
    return dest


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Debian chromium for the module (never a downloaded browser)."""
    assert Path(CHROMIUM).is_file(), "chromium not found; install it with: apt-get install -y chromium fonts-noto-cjk"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example site, fully translated, built and served."""
    with serve(build(_example(tmp_path_factory.mktemp("full") / "site"))) as url:
        yield url


@pytest.fixture(scope="module")
def partial_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example site with Korean partly translated and English a fallback, built and served."""
    root = _example(tmp_path_factory.mktemp("partial") / "site")
    make_partly_translated(root)
    with serve(build(root)) as url:
        yield url


@contextmanager
def open_page(browser: Browser, **options: Any) -> Iterator[Page]:
    """A page in a fresh context (a first-time visitor); nothing leaves 127.0.0.1."""
    context = browser.new_context(**options)

    def local_only(route: Route) -> None:
        # The post embeds a YouTube player: answer it with an empty page so tests stay offline.
        if route.request.url.startswith("http://127.0.0.1:"):
            route.continue_()
        else:
            route.fulfill(status=200, content_type="text/html", body="")

    context.route("**/*", local_only)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_chooser_sends_a_korean_reader_to_korean_once(browser: Browser, base: str) -> None:
    with open_page(browser, locale="ko-KR") as page:
        assert page.evaluate("navigator.languages[0]") == "ko-KR"
        page.goto(base + "/")
        page.wait_for_url(base + "/ko/")
        assert page.evaluate("document.documentElement.lang") == "ko"
        # Coming back to the chooser (the site title links there from nowhere else) lets them choose.
        page.goto(base + "/")
        page.wait_for_load_state("load")
        assert page.url == base + "/"


def test_chooser_sends_an_unknown_language_to_the_default(browser: Browser, base: str) -> None:
    with open_page(browser, locale="sv-SE") as page:
        page.goto(base + "/")
        page.wait_for_url(base + "/ja/")
        assert page.evaluate("document.documentElement.lang") == "ja"


def test_chooser_without_javascript_shows_links_and_stays(browser: Browser, base: str) -> None:
    with open_page(browser, locale="ko-KR", java_script_enabled=False) as page:
        page.goto(base + "/")
        page.wait_for_load_state("load")
        assert page.url == base + "/"
        links = page.locator(".language-chooser a")
        expected = [("/ja/", "ja", "日本語"), ("/ko/", "ko", "한국어"), ("/en/", "en", "English")]
        assert [(a.get_attribute("href"), a.get_attribute("lang"), a.inner_text()) for a in links.all()] == expected
        for link in links.all():
            assert link.is_visible()
        links.nth(2).click()
        page.wait_for_url(base + "/en/")


def test_switcher_leads_to_the_same_post_in_english(browser: Browser, base: str) -> None:
    with open_page(browser) as page:
        page.goto(f"{base}/ko/{POST_PATH}")
        entries = page.locator(".lang-switcher li > :first-child")
        assert entries.count() == 3
        assert sorted(e.get_attribute("lang") or "" for e in entries.all()) == ["en", "ja", "ko"]
        assert page.locator(".lang-switcher [aria-current=page]").get_attribute("lang") == "ko"
        page.locator(".lang-switcher").get_by_role("link", name="English").click()
        page.wait_for_url(f"{base}/en/{POST_PATH}")
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.locator("link[rel=canonical]").get_attribute("href").endswith(f"/en/{POST_PATH}")


def test_first_tab_reaches_a_visible_skip_link_to_main(browser: Browser, base: str) -> None:
    with open_page(browser, viewport=DESKTOP) as page:
        page.goto(f"{base}/ja/{POST_PATH}")
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        assert focused.get_attribute("class") == "skip-link"
        assert focused.get_attribute("href") == "#main"
        assert page.evaluate("document.querySelector(document.activeElement.hash).tagName") == "MAIN"
        box = focused.bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0
        assert box["x"] >= 0 and box["x"] + box["width"] <= DESKTOP["width"] and 0 <= box["y"] < DESKTOP["height"]
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")  # the next stop is inside the content, past the header's links
        assert page.evaluate("document.activeElement.closest('main') !== null")


def test_landmarks(browser: Browser, base: str) -> None:
    # Without JavaScript the chooser at / stays put instead of redirecting to a language.
    with open_page(browser, java_script_enabled=False) as page:
        for path in (f"/ko/{POST_PATH}", "/ko/", "/"):
            page.goto(base + path)
            for role in ("banner", "navigation", "main", "contentinfo"):
                assert page.get_by_role(role).count() == 1, (path, role)
        page.goto(f"{base}/ko/{POST_PATH}")
        assert page.get_by_role("navigation", name="언어").get_by_role("link").count() == 2


def test_untranslated_blocks_are_japanese_under_a_visible_notice(browser: Browser, partial_base: str) -> None:
    with open_page(browser) as page:
        page.goto(f"{partial_base}/ko/{POST_PATH}")
        notice = page.get_by_role("note")
        assert notice.is_visible() and notice.evaluate("e => e.matches(':lang(ko)')")
        blocks = page.locator(".post-content p, .post-content h2").all()
        japanese = [b for b in blocks if KANA.search(b.inner_text())]
        korean = [b for b in blocks if HANGUL.search(b.inner_text())]
        assert japanese and korean and not set(japanese) & set(korean)
        for block in japanese:
            assert block.evaluate("e => e.matches(':lang(ja)') && !e.matches(':lang(ko)')"), block.inner_text()
        for block in korean:
            assert block.evaluate("e => e.matches(':lang(ko)')"), block.inner_text()


def test_a_korean_page_with_japanese_blocks_fits_a_phone(browser: Browser, partial_base: str) -> None:
    # Korean keeps words whole (word-break: keep-all); Japanese has no spaces and must still wrap.
    with open_page(browser, viewport=MOBILE) as page:
        page.goto(f"{partial_base}/ko/{POST_PATH}")
        assert _overflow(page) <= 0


def test_fallback_page_shows_japanese_under_an_english_notice(browser: Browser, partial_base: str) -> None:
    with open_page(browser) as page:
        page.goto(f"{partial_base}/en/{POST_PATH}")
        notice = page.get_by_role("note")
        assert notice.is_visible() and notice.evaluate("e => e.matches(':lang(en)')")
        for block in page.locator(".post-content p, .post-content h2").all():
            assert block.evaluate("e => e.matches(':lang(ja)')"), block.inner_text()


SHOTS = [(f"post-{lang}", f"/{lang}/{POST_PATH}") for lang in ("ja", "ko", "en")] + [("chooser", "/")]


@pytest.mark.parametrize(("name", "path"), SHOTS, ids=[name for name, _ in SHOTS])
def test_pages_fit_the_screen_and_draw_their_script(browser: Browser, base: str, tmp_path: Path,
                                                    name: str, path: str) -> None:
    folder = ROOT / "docs" / "screenshots" if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    for size, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
        # Without JavaScript the chooser stays put instead of redirecting to a language.
        with open_page(browser, viewport=viewport, java_script_enabled=path != "/") as page:
            requests = _record_requests(page)
            page.goto(base + path)
            page.evaluate("document.fonts.ready.then(() => true)")
            # No CDN: styles, scripts and fonts come from the site (only the video player is a page of its own).
            assert [r.url for r in requests if r.resource_type != "document" and not r.url.startswith(base)] == []
            assert base + "/assets/style.css" in [r.url for r in requests]
            overflow = _overflow(page)
            assert overflow <= 0, f"{name} {size}: {overflow}px of horizontal scrolling"
            title = page.locator("h1").bounding_box()
            assert title is not None and title["width"] > 0 and title["height"] > 0
            if name != "post-en":  # the title has Japanese or Korean letters: a CJK font must draw them
                assert _glyphs_from_cjk_font(page, "h1") > 0, f"{name} {size}: no CJK font drew the title"
            page.screenshot(path=folder / f"{name}-{size}.png")


def _record_requests(page: Page) -> list[Request]:
    """The requests ``page`` makes from now on, gathered as they happen."""
    requests: list[Request] = []

    def record(request: Request) -> None:
        requests.append(request)

    page.on("request", record)
    return requests


def _overflow(page: Page) -> int:
    """How far the page scrolls sideways, in CSS pixels (0 when it fits)."""
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def _glyphs_from_cjk_font(page: Page, selector: str) -> int:
    """How many glyphs of ``selector``'s text the browser drew with a CJK font."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return sum(f["glyphCount"] for f in fonts if "CJK" in f["familyName"])


@pytest.mark.parametrize(("name", "path"), [("translation-status", "/translation-status/"),
                                            ("index-ko-partial", "/ko/")])
def test_translator_pages_fit_the_screen(browser: Browser, partial_base: str, tmp_path: Path,
                                        name: str, path: str) -> None:
    folder = ROOT / "docs" / "screenshots" if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    with open_page(browser, viewport=DESKTOP) as page:
        page.goto(partial_base + path)
        page.evaluate("document.fonts.ready.then(() => true)")
        assert _overflow(page) <= 0
        page.screenshot(path=str(folder / f"{name}-desktop.png"), full_page=True)
    with open_page(browser, viewport=MOBILE) as page:
        page.goto(partial_base + path)
        # The status table may scroll inside its own box on a phone, never the page.
        assert _overflow(page) <= 0
