"""``import``: bring an existing Jekyll site into this project.

Posts (``_posts/``) and includes (``_includes/``) are copied into ``content/``
byte for byte; ``_config.yml`` becomes ``site.toml`` (created, or merged into
an existing one: keys it already has are kept, missing ones are added before
its first table, every other byte stays).  What the import cannot carry over
is reported as a warning at its place, ``path:line: warning: ...``: plugins
and the Liquid tags and filters they add, collections, the theme and its
layouts, front matter defaults, data files, drafts, pages that are not posts,
static files.  Nothing is written when an error is found (an unreadable
``_config.yml`` or post, or a file under ``content/`` that would be replaced
by a different one without ``force``).
"""

from __future__ import annotations

import datetime as dt
import gettext
import json
import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import frontmatter
import yaml
from babel.core import get_global

from .config import CONFIG_NAME
from .content import POST_NAME, read_post
from .errors import Location, PipelineError, Problem, Problems
from .files import write_if_changed
from .liquid_stage import make_environment
from .locales import site_locale

DEFAULT_TARGETS = ("ko", "en")
"""Languages a new site translates into when none are given."""
_PERMALINK_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
_PLACEHOLDER = re.compile(r":([a-z_]+)")
_SUPPORTED_PLACEHOLDERS = {"year", "month", "day", "title", "slug"}
_DEFAULT_PERMALINK = "/:year/:month/:day/:title/"
# Plugins whose work the build does itself.
_BUILT_IN = {
    "jekyll-sitemap": "the build writes sitemap.xml",
    "jekyll-seo-tag": "pages have canonical, hreflang, Open Graph and JSON-LD",
    "jekyll-paginate": "listings are paginated by posts_per_page",
}
# Keys of _config.yml that only steer Jekyll's own build; nothing to carry over.
_BUILD_ONLY = {"exclude", "include", "keep_files", "encoding", "source", "destination", "safe", "incremental",
               "port", "host", "livereload", "baseurl", "url", "show_drafts", "quiet", "verbose", "profile",
               "strict_front_matter", "markdown_ext", "highlighter", "sass", "paginate_path", "markdown",
               "kramdown", "liquid", "webrick", "future", "unpublished", "limit_posts", "detach"}
_NOT_CARRIED = {
    "plugins": "plugin", "gems": "plugin", "whitelist": "plugin", "collections": "collection",
    "defaults": "front matter defaults", "theme": "theme", "remote_theme": "theme",
    "jekyll-archives": "plugin settings",
}
_JEKYLL_EXCLUDED = {"Gemfile", "Gemfile.lock", "gemfiles", "node_modules", "vendor", "_site", "CNAME"}
_PAGE_SUFFIXES = {".md", ".markdown", ".html", ".htm"}
_LIQUID_TAG = re.compile(r"\{%-?\s*(\w+)")
_LIQUID_FILTERS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_FILTER = re.compile(r"\|\s*(\w+)")
_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.DOTALL)
_INNER_TAGS = {"else", "elsif", "when", "break", "continue", "empty", "in"}
_TABLE_HEADER = re.compile(r"^[ \t]*\[", re.MULTILINE)
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_Copy = tuple[Path, Path]


@dataclass
class ImportReport:
    """What ``import`` did."""

    posts: int = 0
    includes: int = 0
    written: int = 0
    unchanged: int = 0
    config: str = "unchanged"
    """``created``, ``merged`` or ``unchanged``: what happened to ``site.toml``."""
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class _Source:
    """The Jekyll site being imported, and how its paths are shown."""

    root: Path
    shown: str
    """The folder as the user named it, prefixed to every reported path."""

    def at(self, path: Path | str, line: int = 1) -> Location:
        """``path`` (absolute, or relative to the site) as the user would write it."""
        rel = Path(path).relative_to(self.root).as_posix() if Path(path).is_absolute() else str(path)
        if rel == ".":
            return Location(self.shown, line)
        return Location(_join(self.shown, rel), line)


def import_site(source: Path, into: Path, *, shown: str = "", into_shown: str = "",
                locales: Sequence[str] = (), force: bool = False) -> ImportReport:
    """Import the Jekyll site at ``source`` into the project folder ``into``.

    ``shown``/``into_shown`` are the two folders as the user typed them (for
    messages); ``locales`` the target languages of a new ``site.toml``.
    Raises :class:`Problems` (warnings included) when anything is wrong.
    """
    site = _Source(source.resolve(), shown or str(source))
    problems = Problems()
    config_path = site.root / "_config.yml"
    if not config_path.is_file():
        raise PipelineError(site.at(site.root, 0), "no _config.yml here: is this a Jekyll site folder?")
    data, lines = _read_yaml(config_path, site)
    posts, includes = _plan_copies(site, into, problems)
    copies = posts + includes
    settings = _settings(data, lines, site, problems, locales, into)
    _check_permalink_categories(settings, data, [src for src, _ in posts], site, problems)
    _report_config_keys(data, lines, site, problems)
    _report_other_files(site, data, problems, into)
    for path in sorted(src for src, _ in copies):
        _scan_liquid(path, site, problems)
    toml_path = into / CONFIG_NAME
    toml_shown = Location(_join(into_shown, CONFIG_NAME))
    new_toml, state = _merged_config(toml_path, toml_shown, settings, site, problems)
    if not force:
        for src, dest in copies:
            if dest.is_file() and dest.read_bytes() != src.read_bytes():
                problems.error(Location(_join(into_shown, dest.relative_to(into).as_posix()), 1),
                               f"differs from {site.at(src).path}; import --force replaces it")
    problems.raise_if_errors()

    report = ImportReport(posts=len(posts), includes=len(includes), config=state,
                          warnings=problems.warnings)
    for src, dest in copies:
        if write_if_changed(dest, src.read_bytes()):
            report.written += 1
        else:
            report.unchanged += 1
    if new_toml is not None:
        write_if_changed(toml_path, new_toml.encode("utf-8"))
    return report


def _join(folder: str, rel: str) -> str:
    return rel if folder in ("", ".") else f"{folder.rstrip('/')}/{rel}"


# -- _config.yml ------------------------------------------------------------------------------

def _read_yaml(path: Path, site: _Source) -> tuple[dict[str, Any], dict[str, int]]:
    """The mapping of ``_config.yml`` and the line of each top-level key."""
    text = path.read_text(encoding="utf-8-sig")
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise PipelineError(site.at(path, mark.line + 1 if mark else 1),
                            f"invalid YAML: {getattr(exc, 'problem', None) or exc}") from None
    if data is None:
        return {}, {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise PipelineError(site.at(path, 1), "_config.yml must be a mapping of settings")
    lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    for key, value in node.value:
        if isinstance(value, yaml.SequenceNode):  # lines of list items, for "plugins:"
            for item in value.value:
                if isinstance(item, yaml.ScalarNode):
                    lines[f"{key.value}/{item.value}"] = item.start_mark.line + 1
    return data, lines


def _settings(data: dict[str, Any], lines: dict[str, int], site: _Source, problems: Problems,
              targets: Sequence[str], into: Path) -> dict[str, Any]:
    """``site.toml`` keys from ``_config.yml``, in the order a new file lists them."""
    config = site.at("_config.yml")

    def at(key: str) -> Location:
        return Location(config.path, lines.get(key, 1))

    out: dict[str, Any] = {}
    title = data.get("title")
    out["title"] = str(title) if title else into.resolve().name
    if not title:
        problems.warning(at("title"), f"no title: the site is called {out['title']!r} (set title in site.toml)")
    url = str(data.get("url") or "").rstrip("/")
    if not re.match(r"^https?://[^/]", url):
        problems.warning(at("url"), "no absolute url: base_url is http://localhost:4000 (set it in site.toml)")
        url = "http://localhost:4000"
    out["base_url"] = url
    source = _source_locale(data, at, problems)
    out["source_locale"] = source
    for code in targets:
        try:
            site_locale(code)
        except ValueError as exc:
            raise PipelineError(Location("--locales"), str(exc)) from None
    out["locales"] = list(dict.fromkeys([source, *(targets or DEFAULT_TARGETS)]))
    out["permalink"] = _permalink(data.get("permalink"), at("permalink"), problems)
    baseurl = str(data.get("baseurl") or "").strip().rstrip("/")
    if baseurl:
        out["baseurl"] = baseurl if baseurl.startswith("/") else "/" + baseurl
    _add_timezone(out, data.get("timezone"), at("timezone"), problems)
    if isinstance(data.get("paginate"), int) and data["paginate"] > 0:
        out["posts_per_page"] = data["paginate"]
    if isinstance(data.get("excerpt_separator"), str):
        out["excerpt_separator"] = data["excerpt_separator"]
    author = data.get("author")
    name = author.get("name") if isinstance(author, dict) else author
    if isinstance(name, str) and name:
        out["author"] = name
    for key, value in data.items():  # the rest stays readable as {{ site.key }}
        if key not in _HANDLED and key not in _BUILD_ONLY and key not in _NOT_CARRIED and value is not None:
            out[str(key)] = value
    return out


_HANDLED = {"title", "url", "lang", "locale", "permalink", "timezone", "paginate", "excerpt_separator", "author"}


def _source_locale(data: dict[str, Any], at: Any, problems: Problems) -> str:
    key = "lang" if data.get("lang") else "locale"
    code = str(data.get(key) or "").strip().replace("_", "-")
    if not code:
        return "ja"
    try:
        loc = site_locale(code)
    except ValueError:
        problems.warning(at(key), f"{key} {code!r} is not a language CLDR knows: the posts are taken to be 'ja'")
        return "ja"
    parts = loc.babel
    likely = str(get_global("likely_subtags").get(parts.language, ""))
    # ja-JP is just Japanese: keep the region only when it is not the language's usual one.
    return parts.language if not parts.territory or likely.endswith("_" + parts.territory) else code


def _permalink(value: object, where: Location, problems: Problems) -> str:
    pattern = _PERMALINK_STYLES.get(str(value or "date"), str(value or ""))
    pattern = pattern.replace(":output_ext", ".html").replace("/:categories", "")
    if not pattern.startswith("/"):
        pattern = "/" + pattern
    unknown = sorted(set(_PLACEHOLDER.findall(pattern)) - _SUPPORTED_PLACEHOLDERS)
    if unknown or ":title" not in pattern:
        what = ", ".join(f":{u}" for u in unknown) or "no :title"
        problems.warning(where, f"permalink {value!r} ({what}) cannot be followed: posts use {_DEFAULT_PERMALINK}")
        return _DEFAULT_PERMALINK
    return pattern


def _check_permalink_categories(settings: dict[str, Any], data: dict[str, Any], posts: list[Path],
                                site: _Source, problems: Problems) -> None:
    pattern = _PERMALINK_STYLES.get(str(data.get("permalink") or "date"), str(data.get("permalink") or ""))
    if ":categories" not in pattern:
        return
    for path in posts:
        try:
            meta = frontmatter.load(str(path)).metadata
        except (yaml.YAMLError, UnicodeDecodeError, ValueError):
            continue
        if meta.get("categories") or meta.get("category"):
            problems.warning(site.at(path, 1), f"post URLs leave out the categories Jekyll puts in them "
                                               f"(permalink is now {settings['permalink']})")


def _add_timezone(out: dict[str, Any], value: object, where: Location, problems: Problems) -> None:
    if not value:
        return
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        problems.warning(where, f"timezone {value!r} is not an IANA time zone: not carried over")
        return
    out["timezone"] = str(value)


def _report_config_keys(data: dict[str, Any], lines: dict[str, int], site: _Source, problems: Problems) -> None:
    config = site.at("_config.yml").path
    for key, what in _NOT_CARRIED.items():
        value = data.get(key)
        if not value:
            continue
        if what == "plugin" and isinstance(value, list):
            for name in value:
                if str(name) not in _BUILT_IN:
                    problems.warning(Location(config, lines.get(f"{key}/{name}", lines.get(key, 1))),
                                     f"plugin {name!r} is not carried over: no Jekyll plugins run here")
        elif what == "collection":
            for name in value if isinstance(value, (dict, list)) else [value]:
                count = len(list(_files(site.root / f"_{name}")))
                problems.warning(Location(config, lines.get(key, 1)), f"collection {str(name)!r} ({count} "
                                 f"file{'' if count == 1 else 's'}) is not carried over: only posts are imported")
        elif what == "theme":
            problems.warning(Location(config, lines.get(key, 1)), f"theme {value!r} is not carried over: pages "
                             "use the built-in theme (your own Jinja2 layouts go in layouts/)")
        else:
            problems.warning(Location(config, lines.get(key, 1)),
                             f"{what} are not carried over: posts keep only their own front matter")
    markdown = data.get("markdown")
    if markdown and str(markdown).lower() != "kramdown":
        problems.warning(Location(config, lines.get("markdown", 1)),
                         f"markdown: {markdown} is not carried over: posts are rendered as kramdown")


# -- site.toml --------------------------------------------------------------------------------

def _merged_config(path: Path, shown: Location, settings: dict[str, Any], site: _Source,
                   problems: Problems) -> tuple[str | None, str]:
    """The new text of ``site.toml`` (None when unchanged) and ``created``/``merged``/``unchanged``."""
    origin = site.at("_config.yml").path
    if not path.is_file():
        body = "".join(_toml_line(k, v) for k, v in settings.items())
        return f"# Site configuration, imported from {origin} (see README).\n{body}", "created"
    text = path.read_text(encoding="utf-8-sig")
    try:
        existing = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise PipelineError(Location(shown.path, int(m.group(1)) if m else 1), f"invalid TOML: {exc}") from None
    added = []
    for key, value in settings.items():
        if key not in existing:
            added.append(_toml_line(key, value))
        elif existing[key] != value and key != "locales":
            line = _line_of_key(text, key)
            problems.warning(Location(shown.path, line),
                             f"keeps {key} = {_toml_value(existing[key])}; {origin} has {_toml_value(value)}")
    if not added:
        return None, "unchanged"
    block = f"# Imported from {origin}.\n" + "".join(added)
    table = _TABLE_HEADER.search(text)
    if table:
        return text[:table.start()] + block + "\n" + text[table.start():], "merged"
    return text + ("" if text.endswith("\n") or not text else "\n") + block, "merged"


def _line_of_key(text: str, key: str) -> int:
    m = re.search(rf"^\s*{re.escape(key)}\s*=", text, re.MULTILINE)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def _toml_line(key: str, value: Any) -> str:
    return f"{_toml_key(key)} = {_toml_value(value)}\n"


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    """A TOML value (JSON string escapes are TOML's basic-string escapes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value if v is not None) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{_toml_key(str(k))} = {_toml_value(v)}" for k, v in value.items() if v is not None)
        return "{ " + items + " }" if items else "{}"
    return json.dumps(str(value), ensure_ascii=False)


# -- files ------------------------------------------------------------------------------------

def _plan_copies(site: _Source, into: Path, problems: Problems) -> tuple[list[_Copy], list[_Copy]]:
    """(source, destination) of every post, and of every include; unreadable posts are errors."""
    copies: list[_Copy] = []
    posts_dir = site.root / "_posts"
    if not posts_dir.is_dir():
        problems.warning(site.at(posts_dir, 0), "no _posts folder: there is nothing to translate yet")
    for path in _files(posts_dir):
        rel = path.relative_to(posts_dir)
        if not POST_NAME.match(path.name):
            problems.warning(site.at(path), "not imported: only Markdown posts named YYYY-MM-DD-title.md are")
            continue
        try:
            read_post(path, site.root)
        except PipelineError as exc:
            problems.error(site.at(exc.location.path, exc.location.line), exc.problem.message)
            continue
        copies.append((path, into / "content" / "_posts" / rel))
    includes_dir = site.root / "_includes"
    includes = [(path, into / "content" / "_includes" / path.relative_to(includes_dir))
                for path in _files(includes_dir)]
    return copies, includes


def _files(folder: Path) -> Iterator[Path]:
    if folder.is_dir():
        yield from sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def _report_other_files(site: _Source, data: dict[str, Any], problems: Problems, into: Path) -> None:
    """Warnings for everything of the Jekyll site outside ``_posts``, ``_includes`` and ``_config.yml``."""
    excluded = _JEKYLL_EXCLUDED | {str(x).strip("/") for x in data.get("exclude") or []}
    if into.resolve() == site.root:  # imported in place: this project's own folders are not the blog's
        excluded |= {"content", "locales", "layouts", CONFIG_NAME}
    for entry in sorted(site.root.iterdir()):
        name = entry.name
        if name.startswith(".") or name in excluded or name in ("_posts", "_includes", "_config.yml"):
            continue
        if name == "_layouts":
            for path in _files(entry):
                problems.warning(site.at(path), "layout not carried over: pages use the built-in theme "
                                                "(your own Jinja2 layouts go in layouts/)")
        elif name in ("_data", "_drafts", "_plugins"):
            message = {"_data": "data file not carried over: site.data is not available here",
                       "_drafts": "draft not imported: move it to _posts/ when it is ready",
                       "_plugins": "plugin not carried over: no Ruby plugins run here"}[name]
            for path in _files(entry):
                problems.warning(site.at(path), message)
        elif name == "_sass":
            problems.warning(site.at(entry, 0), f"stylesheets ({len(list(_files(entry)))} files) not carried over: "
                                             "pages use the built-in theme's")
        elif not name.startswith("_"):  # other _folders: a collection (reported with _config.yml) or ignored
            _report_pages_and_static(entry, site, problems)


def _report_pages_and_static(entry: Path, site: _Source, problems: Problems) -> None:
    static = 0
    for path in [entry] if entry.is_file() else list(_files(entry)):
        if "_posts" in path.relative_to(site.root).parts:
            problems.warning(site.at(path), "post not imported: only posts in the top _posts/ folder are")
        elif path.suffix.lower() in _PAGE_SUFFIXES and path.read_bytes().startswith(b"---"):
            problems.warning(site.at(path), "page not carried over: only posts are imported")
        else:
            static += 1
    if static:  # one warning for a folder (at no line), not one per image
        what = "static file" if entry.is_file() else f"folder of {static} static file{'s' if static > 1 else ''}"
        problems.warning(site.at(entry, 1 if entry.is_file() else 0),
                         f"{what} not copied: publish it with the built site if posts link to it")


def _scan_liquid(path: Path, site: _Source, problems: Problems) -> None:
    """Warnings for Liquid tags and filters the engine here does not have (they come from plugins)."""
    env = _known_liquid()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return
    text = _RAW.sub(lambda m: "\n" * m.group().count("\n"), text)
    reported: set[str] = set()
    for m in _LIQUID_TAG.finditer(text):
        tag = m.group(1)
        if tag not in env.tags and not tag.startswith("end") and tag not in _INNER_TAGS and tag not in reported:
            reported.add(tag)
            problems.warning(site.at(path, text.count("\n", 0, m.start()) + 1),
                             f"Liquid tag {tag!r} is not available here (a Jekyll plugin's?): the build will stop")
    for m in _LIQUID_FILTERS.finditer(text):
        for f in _FILTER.finditer(m.group()):
            name = f.group(1)
            if name not in env.filters and name not in reported:
                reported.add(name)
                problems.warning(site.at(path, text.count("\n", 0, m.start() + f.start()) + 1),
                                 f"Liquid filter {name!r} is not available here (one of Jekyll's own?)")


@cache
def _known_liquid() -> Any:
    """The Liquid environment the build uses, for its tag and filter names (made once)."""
    return make_environment(Path("."), gettext.NullTranslations())
