"""``build.py serve``: preview the site, rebuild on every save, reload open tabs.

The built ``_site/`` is served over HTTP while watchfiles watches the
inputs: ``content/``, ``locales/``, the site's ``layouts/`` and the theme,
plus ``site.toml`` (checked on each watch tick, so editors that replace the
file by a rename are seen too).  After every rebuild, pages opened in a
browser reload themselves: served HTML gets a small script (added to the
response only, never to the files on disk) listening to server-sent events
on ``/__livereload``.

A failed build never stops the server: its problems, each as
``path:line: message``, are shown as an overlay on every page (over the last
good build) until a rebuild succeeds.
"""

from __future__ import annotations

import functools
import html
import http.server
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import watchfiles

from .cache import BuildCache
from .config import CONFIG_NAME, load_config
from .errors import Location, PipelineError, Problem, Problems
from .lock import SiteLock
from .preview import Session
from .site import BuildReport, build
from .theme import THEME_DIR

LIVERELOAD_PATH = "/__livereload"
_KEEPALIVE_SECONDS = 15.0
_WATCH_TICK_MS = 400
"""How often the watch loop wakes without events, to look at ``site.toml``."""
_WATCHED_DIRS = ("content", "locales", "layouts")


@dataclass
class Rebuild:
    """The outcome of one build run by the server."""

    report: BuildReport | None
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    crash: str = ""
    """Traceback of an unexpected exception (a bug, not bad input); shown like a problem."""

    @property
    def ok(self) -> bool:
        return self.report is not None


class Builder:
    """The server's builds: one cache kept in memory across them, the site's lock while each runs.

    The first build may fork worker processes (no other thread is serving
    yet); later ones stay in this process, since forking beside the HTTP
    threads could copy a lock one of them holds, and an incremental
    rebuild renders only what changed anyway.
    """

    def __init__(self, root: Path):
        self.root = root
        self.cache = BuildCache(root, in_memory=True)
        self.session = Session(self.cache)
        """The last model: a saved translation redoes only its own pages (:mod:`i18n.preview`)."""
        self.count = 0

    def __call__(self, changed: set[str] | None = None) -> Rebuild:
        """Read the configuration and build once; never raises for bad input.

        ``changed``: the files the watcher saw change since the last build (None: not known).
        """
        started = time.monotonic()
        jobs = None if self.count == 0 else 1
        self.count += 1
        self.session.report(changed)
        try:
            with SiteLock.acquire(self.root):  # not while `update` or `build` writes the same site
                report = build(load_config(self.root), jobs=jobs, session=self.session)
        except Problems as problems:
            return Rebuild(None, list(problems.items), time.monotonic() - started)
        except PipelineError as exc:
            return Rebuild(None, [exc.problem], time.monotonic() - started)
        except Exception as exc:  # a bug must not take the preview down; show it and keep watching
            problem = Problem(Location(CONFIG_NAME), f"internal error: {type(exc).__name__}: {exc}")
            return Rebuild(None, [problem], time.monotonic() - started, traceback.format_exc())
        return Rebuild(report, [], time.monotonic() - started)

    def close(self) -> None:
        """Keep what the last quick rebuilds left in memory in the cache, for the next build."""
        try:
            with SiteLock.acquire(self.root, wait=1.0):
                self.session.save()
                self.cache.close()
        except PipelineError:  # another command writes the site: the cache may stay older (that is safe)
            pass


class LiveState:
    """The latest build's problems and a generation counter that live-reload clients wait on."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.generation = 0
        self.problems: list[Problem] = []
        self.closing = False

    def publish(self, problems: list[Problem]) -> None:
        """Record a finished build and wake every waiting client."""
        with self._changed:
            self.generation += 1
            self.problems = list(problems)
            self._changed.notify_all()

    def close(self) -> None:
        """Release every waiting client (the server is stopping)."""
        with self._changed:
            self.closing = True
            self._changed.notify_all()

    def wait_past(self, generation: int, timeout: float) -> int:
        """Wait until a build newer than ``generation`` finished (or ``timeout``); the current generation."""
        with self._changed:
            self._changed.wait_for(lambda: self.generation > generation or self.closing, timeout)
            return self.generation

    def snapshot(self) -> tuple[int, list[Problem]]:
        with self._changed:
            return self.generation, list(self.problems)


def reload_script(generation: int) -> str:
    """The script added to served pages: reload once a build newer than this page finished."""
    return (
        "<script>/* live reload (build.py serve) */(function(){"
        f'var s=new EventSource("{LIVERELOAD_PATH}?since={generation}");'
        's.addEventListener("reload",function(){s.close();location.reload();});'
        "})();</script>"
    )


def overlay(problems: list[Problem]) -> str:
    """The error overlay shown over pages while the build is broken."""
    items = "\n".join(html.escape(str(p)) for p in problems)
    count = sum(p.severity == "error" for p in problems)
    return (
        '<div id="build-problems" role="alert" style="position:fixed;inset:0;z-index:2147483647;'
        "overflow:auto;margin:0;padding:2rem;background:rgba(24,24,24,.94);color:#f5f5f5;"
        'font:15px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left">'
        f'<p style="margin:0 0 1rem;color:#ff8a80;font-weight:bold">Build failed: {count} '
        f"error{'' if count == 1 else 's'}. Fix and save; this page reloads by itself.</p>"
        f'<pre style="margin:0;padding:0;white-space:pre-wrap;background:none;color:#f5f5f5;font-size:.95rem">'
        f"{items}</pre></div>"
    )


def inject(page: str, generation: int, problems: list[Problem]) -> str:
    """``page`` with the reload script (and the overlay, if the build is broken) before ``</body>``."""
    extra = (overlay(problems) if problems else "") + reload_script(generation)
    at = page.lower().rfind("</body>")
    return page[:at] + extra + page[at:] if at >= 0 else page + extra


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files from ``_site``, HTML with live reload, and the event stream."""

    state: LiveState

    def __init__(self, *args: Any, state: LiveState, **kwargs: Any):
        self.state = state
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per request would bury the rebuild messages

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a reload must show the new build
        super().end_headers()

    def do_GET(self) -> None:
        if urlsplit(self.path).path == LIVERELOAD_PATH:
            self._events()
        elif not self._send_html(head_only=False):
            super().do_GET()

    def do_HEAD(self) -> None:
        if not self._send_html(head_only=True):
            super().do_HEAD()

    def _html_file(self) -> Path | None:
        """The HTML file this request asks for, if it asks for one (file or folder index)."""
        url_path = urlsplit(self.path).path
        local = Path(self.translate_path(self.path))
        if url_path.endswith("/"):
            return local / "index.html"
        return local if local.suffix in (".html", ".htm") else None

    def _send_html(self, head_only: bool) -> bool:
        target = self._html_file()
        if target is None:
            return False
        try:
            page, status = target.read_text(encoding="utf-8"), 200
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            page, status = self._not_found_page(), 404
        except UnicodeDecodeError:
            return False  # not ours to rewrite; serve the bytes as they are
        self._send_page(page, status, head_only)
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A missing file of any kind gets the site's own "not found" page, as a static host serves it."""
        if code != http.HTTPStatus.NOT_FOUND or self.command not in ("GET", "HEAD"):
            super().send_error(code, message, explain)
            return
        self._send_page(self._not_found_page(), code, head_only=self.command == "HEAD")

    def _not_found_page(self) -> str:
        """The built ``/<language>/404.html`` of the address's first folder, else ``/404.html``."""
        site = Path(self.directory)
        # The first folder as translate_path finds it (which drops "." and ".." segments).
        parts = [p for p in unquote(urlsplit(self.path).path).split("/") if p not in ("", ".", "..")]
        first = parts[0] if parts else ""
        candidates = [site / "404.html"]
        if first and first in _child_folders(site):  # (never a path out of the site)
            candidates.insert(0, site / first / "404.html")
        for candidate in candidates:
            try:
                return candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
        return _NOT_FOUND

    def _send_page(self, page: str, status: int, head_only: bool) -> None:
        generation, problems = self.state.snapshot()
        body = inject(page, generation, problems).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def _events(self) -> None:
        """Server-sent events: one ``reload`` event for each build newer than ``since``."""
        query = parse_qs(urlsplit(self.path).query)
        try:
            since = int(query.get("since", ["0"])[0])
        except ValueError:
            since = 0
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while not self.state.closing:
                current = self.state.wait_past(since, _KEEPALIVE_SECONDS)
                if current > since:
                    self.wfile.write(f"event: reload\ndata: {current}\n\n".encode())
                    since = current
                else:
                    self.wfile.write(b": keep-alive\n\n")  # also finds out when the tab is gone
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


def _child_folders(site: Path) -> set[str]:
    try:
        return {entry.name for entry in os.scandir(site) if entry.is_dir()}
    except OSError:
        return set()


_NOT_FOUND = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Not found</title></head>"
              "<body><h1>Not found</h1><p>No page at this address in the current build.</p></body></html>\n")


class ListenError(Exception):
    """The server could not listen on the requested host and port."""


def open_server(root: Path, host: str, port: int, state: LiveState) -> http.server.ThreadingHTTPServer:
    """Listen on ``host:port`` (``0``: any free port) serving ``root/_site``."""
    handler = functools.partial(_Handler, directory=str(root / "_site"), state=state)
    try:
        server = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise ListenError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    server.daemon_threads = True  # open event streams must not keep the process alive
    return server


def _watched_dirs(root: Path) -> tuple[Path, ...]:
    """Existing input folders (the site's layouts may appear later) and the theme."""
    return (*[root / name for name in _WATCHED_DIRS if (root / name).is_dir()], THEME_DIR)


def _config_stamp(root: Path) -> tuple[int, int, int] | None:
    try:
        st = (root / CONFIG_NAME).stat()
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def watch(root: Path, on_change: Callable[[set[str] | None], None], stop: threading.Event | None = None) -> None:
    """Call ``on_change`` once watching has begun, then after every change to the inputs, until Ctrl-C.

    Building only once the watcher runs means no edit is lost between a
    build and the start of watching: an edit made before is in the build,
    one made after is seen.  ``on_change`` gets the paths of the files that
    changed, or None when that is not known (the first call, a new watch, a
    ``site.toml`` seen changed by its stamp).
    """
    restarted = True
    while stop is None or not stop.is_set():
        folders = _watched_dirs(root)
        stamp = _config_stamp(root)
        for changes in watchfiles.watch(*folders, rust_timeout=_WATCH_TICK_MS, yield_on_timeout=True,
                                        stop_event=stop):
            new_stamp = _config_stamp(root)
            if changes or new_stamp != stamp or restarted:
                known = not restarted and new_stamp == stamp
                restarted = False
                stamp = new_stamp
                on_change({path for _change, path in changes} if known else None)
            if _watched_dirs(root) != folders:
                restarted = True
                break  # layouts/ (or content/, locales/) appeared or went: watch the new set


def serve(root: Path, host: str, port: int, on_ready: Callable[[str], None],
          on_rebuild: Callable[[Rebuild], None]) -> int:
    """Build, serve and rebuild until Ctrl-C; return how many builds ran.

    ``on_ready(url)`` is called once the first build is done and the server
    listens; ``on_rebuild`` after every build (the first one included).
    Raises :class:`ListenError` if the address is taken.
    """
    state = LiveState()
    server = open_server(root, host, port, state)
    thread = threading.Thread(target=server.serve_forever, name="http", daemon=True)
    rebuild = Builder(root)

    def run_build(changed: set[str] | None) -> None:
        result = rebuild(changed)
        state.publish(result.problems)
        on_rebuild(result)
        if not thread.is_alive():  # the first build is done: open the doors
            thread.start()
            bound_host, bound_port = server.server_address[:2]
            on_ready(f"http://{_url_host(str(bound_host))}:{bound_port}/")

    previous_term = _stop_on_sigterm()
    try:
        watch(root, run_build)
    except KeyboardInterrupt:
        pass
    finally:
        state.close()
        if thread.is_alive():
            server.shutdown()
        server.server_close()
        rebuild.close()
        if previous_term is not None:
            signal.signal(signal.SIGTERM, previous_term)
    return rebuild.count


def _stop_on_sigterm() -> Any:
    """Make SIGTERM stop the server as Ctrl-C does (clean shutdown); the previous handler, or None."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
