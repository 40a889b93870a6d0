"""Command line: ``python build.py [extract|update|build|check|status]``.

Verbs follow pybabel/sphinx-intl habits.  Every problem is printed as
``path:line: severity: message`` on stderr; the exit status is 1 when any
error was found, 2 for a usage error; no traceback for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .checks import check_catalogs
from .config import load_config
from .errors import PipelineError, Problem, Problems
from .extract import extract, update
from .site import build
from .status import status_rows
from .validate import validate_site


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Translate a Japanese Jekyll-style blog through gettext catalogs and build "
                    "the multilingual site.",
    )
    parser.add_argument("-C", "--root", type=Path, default=Path("."),
                        help="site folder holding site.toml (default: current folder)")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")
    verbs.add_parser("extract", help="write locales/templates/*.pot from posts and layouts",
                     description="Write one POT per post, and site.pot for UI strings and taxonomy terms.")
    p_update = verbs.add_parser("update", help="merge templates into every locale's PO files",
                                description="Merge locales/templates/*.pot into locales/<lang>/LC_MESSAGES/*.po: "
                                            "new entries, fuzzy entries for edited blocks, obsolete entries "
                                            "for deleted ones.")
    p_update.add_argument("--drop-obsolete", action="store_true",
                          help="delete obsolete (#~) entries instead of keeping them")
    verbs.add_parser("build", help="render the site into _site/ (the default verb)",
                     description="Merge posts with catalogs and render every language into _site/.")
    p_check = verbs.add_parser("check", help="check catalogs (and the built site with --site)",
                               description="Quality checks of every translation; with --site, "
                                           "validation of the built site's hreflang, canonical and sitemap.")
    p_check.add_argument("--site", action="store_true", help="validate the built _site/ instead")
    p_check.add_argument("--strict", action="store_true", help="fail on warnings too")
    p_check.add_argument("--json", action="store_true", help="print problems as JSON")
    p_status = verbs.add_parser("status", help="translation coverage per post and language",
                                description="Translated, fuzzy and untranslated messages per post and locale.")
    p_status.add_argument("--json", action="store_true", help="print JSON for CI")
    return parser


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one verb; return the exit status."""
    args = _parser().parse_args(argv)
    verb = args.verb or "build"
    root = args.root.resolve()
    started = time.monotonic()
    try:
        config = load_config(root)
        if verb == "extract":
            report = extract(config)
            print(f"extract: {len(report.written)} templates written, {report.unchanged} unchanged")
        elif verb == "update":
            report = update(config, drop_obsolete=args.drop_obsolete)
            print(f"update: {len(report.written)} catalogs written, {report.unchanged} unchanged")
        elif verb == "build":
            result = build(config)
            print(f"build: {result.pages} files ({result.written} written, {result.removed} removed), "
                  f"{result.languages} languages, {time.monotonic() - started:.2f}s")
        elif verb == "check":
            problems = validate_site(config) if args.site else check_catalogs(config)
            if args.json:
                print(json.dumps([{"location": str(p.location), "origin": str(p.origin or ""),
                                   "severity": p.severity, "message": p.message} for p in problems],
                                 ensure_ascii=False, indent=1))
            else:
                _print_problems(problems)
            errors = sum(p.severity == "error" for p in problems)
            warnings = len(problems) - errors
            print(f"check: {errors} errors, {warnings} warnings", file=sys.stderr)
            return 1 if errors or (args.strict and warnings) else 0
        elif verb == "status":
            rows = status_rows(config)
            if args.json:
                print(json.dumps(rows, ensure_ascii=False, indent=1))
            else:
                for row in rows:
                    bar = "█" * round(row["ratio"] * 20)
                    print(f"{row['post']:<40} {row['locale']:<6} {bar:<20} "
                          f"{row['translated']:>4}/{row['total']:<4} fuzzy {row['fuzzy']:<3} {row['status']}")
    except Problems as problems:
        _print_problems(problems.items)
        print(f"{verb}: {len(problems.errors)} errors", file=sys.stderr)
        return 1
    except PipelineError as exc:
        _print_problems([exc.problem])
        return 1
    return 0
