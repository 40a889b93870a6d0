"""``build.py serve`` as an author or translator uses it: real HTTP on 127.0.0.1, real edits on disk.

The server runs as a subprocess on a free port (``--port 0``); it prints its URL on stdout.
Waiting loops poll until the expected page appears; their limits only keep a broken server
from hanging the run.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import POST, ROOT
from playwright.sync_api import sync_playwright

from i18n.theme import THEME_DIR

PAGE = "ko/2021/02/22/tesla-ai-jim-keller/"
TITLE_KO = "Tesla의 AI 기술에 대하여"
PATIENCE = 60.0
"""Seconds after which a wait gives up (a hung server, not a slow one)."""


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    stderr: Path

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    def page(self, path: str = PAGE) -> str:
        return self.get(path)[1]

    def stop(self) -> int:
        """Ctrl-C, as a user stops it; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=PATIENCE)


def start_server(root: Path, log: Path, *args: str) -> Server:
    with log.open("w", encoding="utf-8") as stderr:  # the child keeps its own copy
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "-C", str(root), "serve", "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=ROOT,
        )
    assert process.stdout is not None
    line = process.stdout.readline()  # blocks until the first build is done and the server listens
    match = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if match is None:
        process.kill()
        process.wait()
        process.stdout.close()
        pytest.fail(f"no URL printed: {line!r}\n{log.read_text('utf-8')}")
    return Server(process, match.group(), log)


@pytest.fixture
def server(site: Path, tmp_path: Path) -> Iterator[Server]:
    running = start_server(site, tmp_path / "serve.log")
    yield running
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait()
    assert running.process.stdout is not None
    running.process.stdout.close()


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.1)


def ko_po(site: Path) -> Path:
    return site / "locales" / "ko" / "LC_MESSAGES" / f"{POST}.po"


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def test_translation_edit_shows_on_the_served_page(site: Path, server: Server) -> None:
    assert f"<h1>{TITLE_KO}" in server.page()
    replace_in(ko_po(site), f'msgstr "{TITLE_KO}"', 'msgstr "Tesla의 AI 이야기"')
    wait_for(lambda: "<h1>Tesla의 AI 이야기" in server.page(), "the new ko title")
    assert server.process.poll() is None


def test_served_html_reloads_but_files_on_disk_stay_clean(site: Path, server: Server) -> None:
    served = server.page()
    assert 'new EventSource("/__livereload?since=' in served
    on_disk = (site / "_site" / PAGE / "index.html").read_text("utf-8")
    assert "__livereload" not in on_disk
    status, css = server.get("assets/style.css")
    assert status == 200 and "__livereload" not in css


def test_broken_catalog_shows_located_overlay_until_fixed(site: Path, server: Server) -> None:
    po = ko_po(site)
    good = po.read_text("utf-8")
    po.write_text(good + '\nmsgid "unterminated\n', "utf-8")
    broken_line = len((good + '\nmsgid "unterminated\n').splitlines())

    def overlay_shown() -> bool:
        return 'id="build-problems"' in server.page()

    wait_for(overlay_shown, "the problem overlay")
    page = server.page()
    overlay = page[page.index('id="build-problems"'):]
    assert re.search(rf"locales/ko/LC_MESSAGES/{POST}\.po:{broken_line}: error: invalid PO file", overlay)
    assert f"<h1>{TITLE_KO}" in page  # the last good build stays underneath
    assert server.process.poll() is None

    po.write_text(good, "utf-8")
    wait_for(lambda: not overlay_shown(), "the overlay to go away")
    assert f"<h1>{TITLE_KO}" in server.page()


def test_broken_site_toml_is_shown_and_the_server_keeps_running(site: Path, server: Server) -> None:
    config = site / "site.toml"
    good = config.read_text("utf-8")
    config.write_text(good.replace('"en"]', '"xx"]'), "utf-8")
    wait_for(lambda: "site.toml:5: error: unknown locale code &#x27;xx&#x27;" in server.page(), "the site.toml problem")
    config.write_text(good, "utf-8")
    wait_for(lambda: 'id="build-problems"' not in server.page(), "the overlay to go away")


def test_layouts_folder_created_while_serving_is_watched(site: Path, server: Server) -> None:
    layouts = site / "layouts"
    layouts.mkdir()
    post = (THEME_DIR / "templates" / "post.html").read_text("utf-8")
    assert "{% block content %}" in post
    (layouts / "post.html").write_text(post.replace("{% block content %}", "{% block content %}<p>OWN-LAYOUT</p>", 1),
                                       "utf-8")
    wait_for(lambda: "OWN-LAYOUT" in server.page(), "the site's own layout")


def test_event_stream_sends_reload_after_a_change(site: Path, server: Server) -> None:
    since = int(re.search(r"__livereload\?since=(\d+)", server.page()).group(1))  # type: ignore[union-attr]
    host, port = server.url.removeprefix("http://").rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=PATIENCE)
    connection.request("GET", f"/__livereload?since={since}")
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/event-stream"
    replace_in(ko_po(site), f'msgstr "{TITLE_KO}"', 'msgstr "Tesla의 AI 이야기"')
    while response.readline() != b"event: reload\n":
        pass
    assert response.readline() == f"data: {since + 1}\n".encode()
    connection.close()


def test_event_stream_reloads_a_page_served_before_the_latest_build(server: Server) -> None:
    """A build that ends between serving a page and its stream connecting is not missed."""
    host, port = server.url.removeprefix("http://").rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=PATIENCE)
    connection.request("GET", "/__livereload?since=0")
    response = connection.getresponse()
    lines = [response.readline().decode("utf-8").rstrip("\n") for _ in range(4)]
    assert lines[2:] == ["event: reload", "data: 1"]
    connection.close()


def test_missing_page_is_404_with_reload(server: Server) -> None:
    status, body = server.get("ko/2030/01/01/not-yet/")
    assert status == 404
    assert "__livereload" in body  # the tab reloads once the page exists


@pytest.mark.parametrize(("path", "lang"), [("ko/2030/01/01/not-yet/", "ko"), ("en/missing.png", "en"),
                                            ("nowhere/at/all", "ja"), ("../ko/x", "ko"), ("missing.html", "ja")])
def test_missing_address_gets_the_sites_own_404_page_of_its_language(server: Server, path: str, lang: str) -> None:
    status, body = server.get(path)
    assert status == 404
    assert re.search(rf'<html lang="{lang}"', body), body[:300]
    assert "__livereload" in body and "No page at this address" not in body
    request = urllib.request.Request(server.url + path, method="HEAD")
    with pytest.raises(urllib.error.HTTPError) as head:
        urllib.request.urlopen(request, timeout=30)
    assert head.value.code == 404 and head.value.read() == b""


def test_ctrl_c_stops_cleanly(server: Server) -> None:
    assert server.stop() == 0
    log = server.stderr.read_text("utf-8")
    assert "Traceback" not in log
    assert re.search(r"^serve: stopped after \d+ builds?, ", log, re.MULTILINE), log


def test_port_in_use_is_reported(site: Path, server: Server) -> None:
    port = server.url.rstrip("/").rsplit(":", 1)[1]
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "-C", str(site), "serve", "--port", port],
                            capture_output=True, text=True, cwd=ROOT, timeout=PATIENCE)
    assert result.returncode == 1
    assert f"serve: error: cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def test_open_tab_reloads_by_itself_and_shows_problems(site: Path, server: Server) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.goto(server.url + PAGE)
            assert page.locator("h1").first.inner_text() == TITLE_KO
            po = ko_po(site)
            good = po.read_text("utf-8")
            replace_in(po, f'msgstr "{TITLE_KO}"', 'msgstr "Tesla의 AI 이야기"')
            page.wait_for_function("document.querySelector('h1').textContent.includes('Tesla의 AI 이야기')",
                                   timeout=PATIENCE * 1000)
            po.write_text(good + '\nmsgid "unterminated\n', "utf-8")
            alert = page.get_by_role("alert")
            alert.wait_for(timeout=PATIENCE * 1000)
            assert f"locales/ko/LC_MESSAGES/{POST}.po:" in alert.inner_text()
            if os.environ.get("UPDATE_SCREENSHOTS"):  # the README shows the overlay
                page.screenshot(path=str(ROOT / "docs" / "screenshots" / "serve-overlay.png"))
            po.write_text(good, "utf-8")
            alert.wait_for(state="detached", timeout=PATIENCE * 1000)
            assert page.locator("h1").first.inner_text() == TITLE_KO
        finally:
            browser.close()


def test_the_watcher_names_changed_files_as_the_preview_stamps_them(site: Path) -> None:
    import threading

    from i18n.config import load_config
    from i18n.preview import stamps
    from i18n.serve import watch

    root = site.resolve()
    calls: list[set[str] | None] = []
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(root, calls.append, stop), daemon=True)
    thread.start()
    try:
        wait_for(lambda: len(calls) == 1, "the first call")
        assert calls[0] is None  # the first build: nothing is known of what changed
        replace_in(ko_po(root), f'msgstr "{TITLE_KO}"', 'msgstr "Tesla의 AI 이야기"')
        wait_for(lambda: any(c and str(ko_po(root)) in c for c in calls[1:]), "the catalog's change")
    finally:
        stop.set()
        thread.join(timeout=PATIENCE)
    config = load_config(root)
    assert str(ko_po(root)) in stamps(config, config.locales)  # the same spelling: no full look needed


def test_a_stopped_server_leaves_the_cache_as_the_site_is(site: Path, server: Server) -> None:
    replace_in(ko_po(site), f'msgstr "{TITLE_KO}"', 'msgstr "Tesla의 AI 이야기"')
    wait_for(lambda: "<h1>Tesla의 AI 이야기" in server.page(), "the new ko title")
    assert server.stop() == 0
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "-C", str(site), "build"],
                          capture_output=True, text=True, check=True)
    assert "nothing changed" in done.stdout + done.stderr
