"""What a person sees at the terminal: progress bars, colored diagnostics, -q, summary lines."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import POST, ROOT, run_cli

from i18n.console import Console, Progress, color_wanted, format_problem
from i18n.errors import Location, Problem

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
SUMMARY = re.compile(r"^(\S+): .*, \d+(\.\d+)?s$|^\S+: .*, \d+m\d{2}s$")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_stays_silent_for_the_first_second() -> None:
    clock, stream = Clock(), io.StringIO()
    bar = Progress("build", stream, clock=clock, width=60)
    bar(1, 10)
    clock.now += 0.9
    bar(2, 10)
    assert stream.getvalue() == ""
    clock.now += 0.2
    bar(3, 10)
    assert stream.getvalue().endswith(bar.line(3, 10))
    assert bar.line(3, 10).startswith("build [") and bar.line(3, 10).endswith("] 3/10")
    bar.close()
    assert stream.getvalue().endswith("\r\x1b[K")  # the summary line takes the bar's place


def test_progress_bar_fills_with_the_work() -> None:
    bar = Progress("update", io.StringIO(), width=60)
    assert bar.line(0, 4).count("#") == 0
    assert bar.line(4, 4).count("#") == len(bar.line(4, 4).split("[")[1].split("]")[0])
    assert 0 < bar.line(2, 4).count("#") < bar.line(4, 4).count("#")


def test_progress_disabled_draws_nothing() -> None:
    clock, stream = Clock(), io.StringIO()
    bar = Progress("build", stream, enabled=False, clock=clock)
    clock.now += 5
    bar(1, 2)
    bar.close()
    assert stream.getvalue() == ""


def test_console_is_quiet_when_stderr_is_not_a_terminal() -> None:
    console = Console(err=io.StringIO(), out=io.StringIO())
    assert not console.interactive and not console.color


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("env", "expected"), [
    ({"TERM": "xterm"}, True),
    ({"TERM": "xterm", "NO_COLOR": "1"}, False),
    ({"TERM": "xterm", "NO_COLOR": ""}, True),  # no-color.org: only a non-empty value disables
    ({"TERM": "dumb"}, False),
])
def test_color_follows_no_color_and_term(env: dict[str, str], expected: bool) -> None:
    assert color_wanted(FakeTerminal(), env) is expected


def test_colored_diagnostic_keeps_the_located_text() -> None:
    problem = Problem(Location("locales/ko/LC_MESSAGES/x.po", 12), "bad", "warning", Location("content/x.md", 3))
    colored = format_problem(problem, color=True)
    assert colored != str(problem)
    assert ANSI.sub("", colored) == str(problem)
    assert colored.startswith("\x1b[1mlocales/ko/LC_MESSAGES/x.po:12:\x1b[0m \x1b[1;33mwarning\x1b[0m: bad")


def run_in_terminal(root: Path, *args: str, no_color: bool = False) -> str:
    """Run the command line with a pseudo-terminal as stdout and stderr; everything it wrote."""
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["TERM"] = "xterm"
    if no_color:
        env["NO_COLOR"] = "1"
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "-C", str(root), *args],
                               stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, cwd=ROOT, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    process.wait(timeout=120)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def break_catalog(site: Path) -> None:
    po = site / "locales" / "ko" / "LC_MESSAGES" / f"{POST}.po"
    po.write_text(po.read_text("utf-8") + '\nmsgid "unterminated\n', "utf-8")


def test_diagnostics_are_colored_on_a_terminal_only(site: Path) -> None:
    break_catalog(site)
    on_terminal = run_in_terminal(site, "build")
    assert ANSI.search(on_terminal)
    assert f"locales/ko/LC_MESSAGES/{POST}.po:" in ANSI.sub("", on_terminal)
    assert not ANSI.search(run_in_terminal(site, "build", no_color=True))
    piped = run_cli(site, "build")
    assert piped.returncode == 1
    assert not ANSI.search(piped.stderr)
    assert piped.stderr.startswith(f"locales/ko/LC_MESSAGES/{POST}.po:")


@pytest.mark.parametrize("verb", ["extract", "update", "build", "status"])
def test_every_command_ends_with_one_summary_line(site: Path, verb: str) -> None:
    result = run_cli(site, verb)
    assert result.returncode == 0, result.stderr
    last = result.stdout.splitlines()[-1]
    assert last.startswith(f"{verb}: ") and SUMMARY.match(last), last


def test_build_summary_counts_pages_and_languages(site: Path) -> None:
    result = run_cli(site, "build")
    files = sum(1 for p in (site / "_site").rglob("*") if p.is_file())
    summary = result.stdout.splitlines()[-1]
    assert summary.startswith(f"build: {files} files (")
    assert f"{files} written" in summary and "0 removed" in summary and ", 3 languages, " in summary


def test_failed_command_says_so_with_its_error_count(site: Path) -> None:
    break_catalog(site)
    result = run_cli(site, "-q", "build")
    assert result.returncode == 1
    assert result.stdout == ""
    assert re.search(r"^build: failed, 1 error, \d+\.\d+s$", result.stderr, re.MULTILINE)


@pytest.mark.parametrize("args", [("-q", "build"), ("build", "-q"), ("--quiet", "update")])
def test_quiet_prints_nothing_on_success(site: Path, args: tuple[str, ...]) -> None:
    result = run_cli(site, *args)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
