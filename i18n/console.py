"""What the command line shows on a terminal: progress bars, colored diagnostics, summaries.

Library stages never print.  A long stage takes an optional
``progress(done, total)`` callback; this module turns it into a bar on
stderr, drawn only when stderr is a terminal, the run is not ``--quiet``, and
the work has already taken more than a second (a fast command shows nothing
but its summary).  Diagnostics keep the ``path:line: severity: message`` text
that editors parse; on a terminal the location is bold and the severity
colored, unless ``NO_COLOR`` is set (https://no-color.org) or ``TERM=dumb``.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TextIO

from .errors import Problem

ProgressCallback = Callable[[int, int], None]
"""``progress(done, total)``: called by a stage after each unit of work."""

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_SEVERITY_COLORS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m"}
_CLEAR_LINE = "\r\x1b[K"


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def color_wanted(stream: TextIO, env: Mapping[str, str] | None = None) -> bool:
    """Whether to color what goes to ``stream``: a terminal, no ``NO_COLOR``, not ``TERM=dumb``."""
    env = os.environ if env is None else env
    return _is_terminal(stream) and not env.get("NO_COLOR") and env.get("TERM") != "dumb"


def format_problem(problem: Problem, color: bool = False) -> str:
    """``path:line: severity: message``, with the location bold and the severity colored if asked."""
    text = str(problem)  # the one format (errors.py); color is only laid over it
    marker = f": {problem.severity}: "
    at = text.find(marker)
    if not color or at < 0:
        return text
    severity = _SEVERITY_COLORS.get(problem.severity, _BOLD) + problem.severity + _RESET
    return f"{_BOLD}{text[:at]}:{_RESET} {severity}: {text[at + len(marker):]}"


def duration(seconds: float) -> str:
    """A short human duration: ``0.42s``, ``12.3s``, ``2m05s``."""
    if seconds < 10:
        return f"{seconds:.2f}s"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m{rest:02d}s"


class Progress:
    """A one-line progress bar for ``progress(done, total)`` callbacks.

    Nothing is drawn before ``delay`` seconds have passed since the bar was
    created, and redraws are limited to ten a second, so fast work stays
    silent and slow work costs nothing noticeable.
    """

    def __init__(self, label: str, stream: TextIO, enabled: bool = True, delay: float = 1.0,
                 clock: Callable[[], float] = time.monotonic, width: int | None = None):
        self.label = label
        self.stream = stream
        self.enabled = enabled
        self.delay = delay
        self.clock = clock
        self.width = width
        self.started = clock()
        self.drawn = False
        self._last_draw = float("-inf")

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = self.clock()
        if now - self.started < self.delay or (now - self._last_draw < 0.1 and done < total):
            return
        self._last_draw = now
        self.stream.write(_CLEAR_LINE + self.line(done, total))
        self.stream.flush()
        self.drawn = True

    def line(self, done: int, total: int) -> str:
        """The bar's text: ``label [#####     ] done/total``, fitted to the terminal width."""
        columns = self.width or shutil.get_terminal_size((80, 24)).columns
        counts = f" {done}/{total}"
        room = max(10, min(40, columns - len(self.label) - len(counts) - 4))
        filled = round(room * done / total) if total else room
        return f"{self.label} [{'#' * filled}{' ' * (room - filled)}]{counts}"

    def close(self) -> None:
        """Erase the bar, so the summary line takes its place."""
        if self.drawn:
            self.stream.write(_CLEAR_LINE)
            self.stream.flush()
            self.drawn = False


class Console:
    """The command line's voice: stdout for results, stderr for diagnostics and progress."""

    def __init__(self, quiet: bool = False, out: TextIO | None = None, err: TextIO | None = None,
                 env: Mapping[str, str] | None = None):
        self.out = out if out is not None else sys.stdout
        self.err = err if err is not None else sys.stderr
        self.quiet = quiet
        self.color = color_wanted(self.err, env)
        self.interactive = _is_terminal(self.err) and not quiet
        self.started = time.monotonic()

    @contextmanager
    def progress(self, label: str) -> Iterator[ProgressCallback]:
        """A progress callback for one stage; its bar is erased when the stage ends."""
        bar = Progress(label, self.err, enabled=self.interactive)
        try:
            yield bar
        finally:
            bar.close()

    def problems(self, problems: Iterable[Problem]) -> None:
        """Print diagnostics, one ``path:line: severity: message`` a line (always, even when quiet)."""
        for problem in problems:
            print(format_problem(problem, self.color), file=self.err)

    def elapsed(self) -> str:
        """Time since the command started, for summaries."""
        return duration(time.monotonic() - self.started)

    def summary(self, verb: str, *parts: str, to_stderr: bool = False) -> None:
        """The one line that ends a successful command: ``verb: part, part, 0.42s``."""
        if self.quiet:
            return
        print(f"{verb}: {', '.join([*parts, self.elapsed()])}", file=self.err if to_stderr else self.out)

    def failed(self, verb: str, errors: int, warnings: int = 0) -> None:
        """The line that ends a failed command (printed even when quiet)."""
        text = f"{verb}: failed, {plural(errors, 'error')}"
        if warnings:
            text += f", {plural(warnings, 'warning')}"
        if self.color:
            text = _SEVERITY_COLORS["error"] + text + _RESET
        print(f"{text}, {self.elapsed()}", file=self.err)

    def note(self, text: str) -> None:
        """An informational line on stderr (suppressed when quiet)."""
        if not self.quiet:
            print(text, file=self.err, flush=True)


def plural(count: int, noun: str) -> str:
    """``1 error``, ``2 errors`` (English UI of the command line)."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
