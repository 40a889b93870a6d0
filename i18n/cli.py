"""Command line: ``python build.py [extract|update|build|check|status|serve|new|init-locale|import]``.

Verbs follow pybabel/sphinx-intl habits.  Every problem is printed as
``path:line: severity: message`` on stderr; the exit status is 1 when any
error was found, 2 for a usage error; no traceback for bad input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from .config import load_config
from .console import Console, ProgressCallback, plural
from .errors import PipelineError, Problems
from .locales import PSEUDO_CODE
from .lock import DEFAULT_WAIT, LOCK_NAME, SiteLock

if TYPE_CHECKING:
    from .serve import Rebuild

# Each verb imports the stages it runs when it runs: a build with nothing to do
# then starts without loading Babel's catalogs, Jinja2, Markdown or Liquid.

WRITING_VERBS = frozenset({"extract", "update", "build", "new", "init-locale"})
"""Verbs that write into the site folder, and so take its lock."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Translate a Japanese Jekyll-style blog through gettext catalogs and build "
                    "the multilingual site.",
    )
    parser.add_argument("-C", "--root", type=Path, default=Path("."),
                        help="site folder holding site.toml (default: current folder)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bars or summary line; problems are still printed")
    parser.add_argument("--wait", type=float, default=DEFAULT_WAIT, metavar="SECONDS",
                        help=f"how long a writing verb waits for another one on the same site to end "
                             f"(its lock on {LOCK_NAME}; default: {DEFAULT_WAIT:g})")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")
    verbs.add_parser("extract", help="write locales/templates/*.pot from posts and layouts",
                     description="Write one POT per post, and site.pot for UI strings and taxonomy terms.")
    p_update = verbs.add_parser("update", help="merge templates into every locale's PO files",
                                description="Merge locales/templates/*.pot into locales/<lang>/LC_MESSAGES/*.po: "
                                            "new entries, fuzzy entries for edited blocks, obsolete entries "
                                            "for deleted ones.")
    p_update.add_argument("--drop-obsolete", action="store_true",
                          help="delete obsolete (#~) entries instead of keeping them")
    p_update.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                          help="worker processes (default: all cores); the catalogs are the same for any N")
    p_build = verbs.add_parser("build", help="render the site into _site/ (the default verb)",
                               description="Merge posts with catalogs and render every language into _site/. "
                                           "Only pages whose inputs changed are rendered again (.cache/ keeps "
                                           "what earlier builds computed; deleting it is always safe).")
    p_build.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                         help="worker processes (default: all cores); the output is the same for any N")
    p_build.add_argument("--pseudo", action="store_true",
                         help=f"also build the preview pseudo-locale /{PSEUDO_CODE.lower()}/ (accented, longer, "
                              "bracketed text: whatever stays Japanese was not extracted); never in hreflang "
                              "or the sitemap")
    p_check = verbs.add_parser("check", help="check catalogs (and the built site with --site)",
                               description="Quality checks of every translation; with --site, "
                                           "validation of the built site's hreflang, canonical and sitemap.")
    p_check.add_argument("--site", action="store_true", help="validate the built _site/ instead")
    p_check.add_argument("--strict", action="store_true", help="fail on warnings too")
    p_check.add_argument("--json", action="store_true", help="print problems as JSON")
    p_status = verbs.add_parser("status", help="translation coverage per post and language",
                                description="Translated, fuzzy and untranslated messages per post and locale.")
    p_status.add_argument("--json", action="store_true", help="print JSON for CI")
    _add_author_verbs(verbs)
    _add_import_verb(verbs)
    for sub in verbs.choices.values():  # -q also after the verb; SUPPRESS keeps a -q given before it
        sub.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                         help="no progress bars or summary line; problems are still printed")
    for name in WRITING_VERBS:
        verbs.choices[name].add_argument("--wait", type=float, default=argparse.SUPPRESS, metavar="SECONDS",
                                         help=f"wait up to SECONDS for another writing verb to end "
                                              f"(default: {DEFAULT_WAIT:g})")
    return parser


def _add_author_verbs(verbs: Any) -> None:
    p_serve = verbs.add_parser("serve", help="preview the site, rebuilding and reloading on every save",
                               description="Build, serve _site/ over HTTP and watch content/, locales/, layouts/ "
                                           "and site.toml: every save rebuilds and reloads open pages; build "
                                           "problems show over the page until fixed. Ctrl-C stops.")
    p_serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p_serve.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    p_locale = verbs.add_parser("init-locale", help="add a language: site.toml and its PO catalogs",
                                description="Add LOCALE to 'locales' in site.toml (the rest of the file is "
                                            "kept) and create locales/LOCALE/LC_MESSAGES/*.po from the "
                                            "templates, with the language's Plural-Forms.")
    p_locale.add_argument("locale", metavar="LOCALE", help="BCP 47 language tag known to CLDR: fr, pt-BR, zh-Hant")
    p_new = verbs.add_parser("new", help="start a post: content/_posts/<date>-<slug>.md",
                             description="Create a post with front matter; never overwrites. The slug (the URL "
                                         "name) is --slug; else, for an ASCII title, its words in lower case "
                                         "joined by '-' ('Model 3 Review' -> model-3-review); else post-HHMMSS "
                                         "(the time now), as a title in Japanese is not transliterated.")
    p_new.add_argument("title", help="the post's title")
    p_new.add_argument("--slug", type=_slug, help="URL name of the post: letters, digits, '-', '_', '.'")
    p_new.add_argument("--date", type=_day, help="publication date YYYY-MM-DD (default: now, local time)")


def _add_import_verb(verbs: Any) -> None:
    p_import = verbs.add_parser(
        "import", help="bring a Jekyll site: posts, includes and _config.yml",
        description="Copy _posts/ and _includes/ of the Jekyll site at PATH into content/ and its _config.yml "
                    "settings into site.toml (created, or merged: keys already there are kept). What cannot be "
                    "carried over (plugins, collections, layouts, data files, pages) is listed as warnings.")
    p_import.add_argument("path", metavar="PATH", type=Path, help="the Jekyll site folder (holding _config.yml)")
    p_import.add_argument("--into", metavar="DIR", type=Path, help="project folder to import into (default: -C)")
    p_import.add_argument("--locales", type=lambda text: [c.strip() for c in text.split(",") if c.strip()],
                          default=[], help="languages to translate into, for a new site.toml (default: ko,en)")
    p_import.add_argument("--force", action="store_true", help="replace files under content/ that differ")


def _import(args: argparse.Namespace, console: Console) -> int:
    """``import``: runs before there is a site.toml to load."""
    from .jekyll_import import import_site

    into = args.into or args.root
    try:
        report = import_site(args.path, into, shown=str(args.path), into_shown=str(into),
                             locales=args.locales, force=args.force)
    except Problems as problems:
        console.problems(problems.items)
        console.failed("import", len(problems.errors), len(problems.warnings))
        return 1
    except PipelineError as exc:
        console.problems([exc.problem])
        console.failed("import", 1)
        return 1
    console.problems(report.warnings)
    console.summary("import", plural(report.posts, "post"), plural(report.includes, "include"),
                    f"{report.written} written", f"site.toml {report.config}", plural(len(report.warnings), "warning"))
    return 0


def _slug(text: str) -> str:
    from .scaffold import SLUG

    if not SLUG.match(text):
        raise argparse.ArgumentTypeError(f"{text!r}: use letters, digits, '-', '_' and '.' only")
    return text


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def _serve(root: Path, host: str, port: int, console: Console) -> int:
    """``serve``: print the URL on stdout, one line per rebuild on stderr, until Ctrl-C."""
    from .serve import ListenError, serve

    def ready(url: str) -> None:
        print(f"Serving {url} (Ctrl-C to stop)", flush=True)

    def rebuilt(result: Rebuild) -> None:
        if result.crash:
            print(result.crash, file=sys.stderr, end="")
        console.problems(result.problems)
        if result.report is not None:
            console.note(f"build: {result.report.written} written, {result.report.removed} removed, "
                         f"{result.seconds:.2f}s")
        else:
            console.note(f"build: failed, {plural(len(result.problems), 'problem')}; shown in the browser")

    try:
        builds = serve(root, host, port, ready, rebuilt)
    except ListenError as exc:
        print(f"serve: error: {exc}", file=sys.stderr)
        return 1
    console.summary("serve", f"stopped after {plural(builds, 'build')}", to_stderr=True)
    return 0


def _summarize_status(rows: list[dict[str, Any]], console: Console, to_stderr: bool) -> None:
    states: dict[str, int] = {}
    for row in rows:
        states[row["status"]] = states.get(row["status"], 0) + 1
    console.summary("status", plural(len(rows), "catalog"),
                    *(f"{count} {state}" for state, count in sorted(states.items())), to_stderr=to_stderr)


GC_THRESHOLD = 10_000
"""Container allocations between two collections of the youngest generation (Python's default: 700)."""


def run() -> NoReturn:
    """The command's entry point: :func:`main`, then exit without tearing the interpreter down.

    Python frees every object a finished command holds before it exits: a
    tenth of a rebuild after one translation edit, at 1000 posts.  By then
    every file is written and closed, the cache committed and closed, and the
    lock released; what the standard streams buffer is flushed here.  An
    exception out of :func:`main` (a bug, Ctrl-C) exits the usual way.

    The cyclic garbage collector runs less often (:data:`GC_THRESHOLD`): a
    build reads its state back as tens of thousands of objects that live to
    the end, which the default thresholds have it walk through again and
    again, for little garbage (a twentieth of a rebuild's time).
    """
    gc.set_threshold(GC_THRESHOLD, 10, 10)
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe: as Python's own exit reports it
        code = 120
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one verb; return the exit status."""
    args = _parser().parse_args(argv)
    verb = args.verb or "build"
    root = args.root.resolve()
    console = Console(quiet=args.quiet)
    if verb == "serve":
        return _serve(root, args.host, args.port, console)
    if verb == "import":
        return _import(args, console)
    progress: ProgressCallback
    lock: SiteLock | None = None
    try:
        config = load_config(root)
        if verb in WRITING_VERBS:  # one writer per site at a time
            lock = SiteLock.acquire(root, args.wait)
        if verb == "extract":
            from .extract import extract

            report = extract(config)
            console.problems(report.warnings)
            console.summary("extract", f"{len(report.written)} templates written", f"{report.unchanged} unchanged",
                            *([plural(len(report.warnings), "warning")] if report.warnings else []))
        elif verb == "update":
            with console.progress("update") as progress:
                from .extract import update

                report = update(config, drop_obsolete=args.drop_obsolete, progress=progress, jobs=args.jobs)
            console.summary("update", f"{len(report.written)} catalogs written", f"{report.unchanged} unchanged")
        elif verb == "build":
            with console.progress("build") as progress:
                from .site import build

                result = build(config, jobs=getattr(args, "jobs", None), pseudo=getattr(args, "pseudo", False),
                               progress=progress)
            console.summary("build", f"{result.pages} files ({result.rendered} rendered, {result.written} written, "
                                     f"{result.removed} removed)" if not result.noop else
                            f"{result.pages} files, nothing changed", plural(result.languages, "language"))
        elif verb == "new":
            from .scaffold import new_post

            path = new_post(config, args.title, args.slug, args.date)
            console.summary("new", f"wrote {path.relative_to(root).as_posix()}")
        elif verb == "init-locale":
            from .scaffold import init_locale

            added = init_locale(config, args.locale)
            console.summary("init-locale", f"{added.locale.code} ({added.locale.native_name}) added to site.toml",
                            f"{plural(len(added.created), 'catalog')} created",
                            f"{len(added.kept)} already there")
        elif verb == "check":
            from .checks import check_catalogs
            from .validate import validate_site

            problems = validate_site(config) if args.site else check_catalogs(config)
            if args.json:
                print(json.dumps([{"location": str(p.location), "origin": str(p.origin or ""),
                                   "severity": p.severity, "message": p.message} for p in problems],
                                 ensure_ascii=False, indent=1))
            else:
                console.problems(problems)
            errors = sum(p.severity == "error" for p in problems)
            warnings = len(problems) - errors
            # Printed even when quiet: CI reads it; the time closes it like every verb's summary.
            print(f"check: {errors} errors, {warnings} warnings, {console.elapsed()}", file=sys.stderr)
            return 1 if errors or (args.strict and warnings) else 0
        elif verb == "status":
            from .status import status_rows

            rows = status_rows(config)
            if args.json:
                print(json.dumps(rows, ensure_ascii=False, indent=1))
            else:
                for row in rows:
                    bar = "█" * round(row["ratio"] * 20)
                    print(f"{row['post']:<40} {row['locale']:<6} {bar:<20} "
                          f"{row['translated']:>4}/{row['total']:<4} fuzzy {row['fuzzy']:<3} {row['status']}")
            _summarize_status(rows, console, to_stderr=args.json)
    except Problems as problems:
        console.problems(problems.items)
        console.failed(verb, len(problems.errors), len(problems.warnings))
        return 1
    except PipelineError as exc:
        console.problems([exc.problem])
        console.failed(verb, 1)
        return 1
    finally:
        if lock is not None:
            lock.release()
    return 0
