"""Profile one cold build in a single process: ``python bench/profile_build.py SITE [--top 10]``.

Deletes ``SITE/_site`` and ``SITE/.cache``, then runs ``build.py -C SITE build``
under cProfile with one process (``os.cpu_count`` reports 1, so the default
worker count is 1, and ``--jobs 1`` is passed when the command lists it):
forked workers would be invisible to the profiler.  Prints the ``--top``
functions of the ``i18n`` package by cumulative time as a Markdown table, and
keeps the full statistics in ``--stats`` for ``python -m pstats``.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import shutil
import sys
from pathlib import Path

DEFAULT_CODE = Path(__file__).resolve().parent.parent


def top_functions(stats: pstats.Stats, package_dir: Path, top: int,
                  by_own: bool = False) -> list[tuple[float, float, int, str]]:
    """(cumulative, own, calls, name) of the ``top`` functions defined under ``package_dir``."""
    prefix = str(package_dir.resolve()) + os.sep
    rows = []
    for (filename, line, func), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if filename.startswith(prefix):
            rows.append((cumtime, tottime, ncalls, f"i18n/{filename[len(prefix):]}:{line} {func}"))
    rows.sort(key=lambda r: r[1] if by_own else r[0], reverse=True)
    return rows[:top]


def _table(rows: list[tuple[float, float, int, str]]) -> str:
    lines = ["| cumulative (s) | own (s) | calls | function |", "| ---: | ---: | ---: | --- |"]
    lines += [f"| {cum:.2f} | {own:.2f} | {calls} | `{name}` |" for cum, own, calls, name in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Profile, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="site folder (its _site/ and .cache/ are deleted)")
    parser.add_argument("--code", type=Path, default=DEFAULT_CODE, help="folder holding build.py and i18n/")
    parser.add_argument("--top", type=int, default=10, help="functions to list (default 10)")
    parser.add_argument("--stats", type=Path, help="write the pstats file here")
    args = parser.parse_args(argv)
    site = args.site.resolve()
    shutil.rmtree(site / "_site", ignore_errors=True)
    shutil.rmtree(site / ".cache", ignore_errors=True)
    os.cpu_count = lambda: 1  # the build's default job count: one process, all work profiled
    sys.path.insert(0, str(args.code.resolve()))
    from i18n.cli import main as cli_main

    help_text = io.StringIO()
    with contextlib.redirect_stdout(help_text), contextlib.suppress(SystemExit):
        cli_main(["build", "--help"])
    verb = ["build", "--jobs", "1"] if "--jobs" in help_text.getvalue() else ["build"]
    profiler = cProfile.Profile()
    with contextlib.redirect_stdout(io.StringIO()):
        status = profiler.runcall(cli_main, ["-C", str(site), *verb])
    if status:
        print(f"build failed with status {status}", file=sys.stderr)
        return 1
    stats = pstats.Stats(profiler)
    if args.stats:
        stats.dump_stats(str(args.stats))
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"cProfile of one cold build in one process ({' '.join(verb)}; total {total:.2f}s), "
          f"top {args.top} i18n functions by cumulative time:\n")
    print(_table(top_functions(stats, args.code / "i18n", args.top)))
    print(f"\nthe same, top {args.top} by own time (excluding callees):\n")
    print(_table(top_functions(stats, args.code / "i18n", args.top, by_own=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
