"""Reading source posts: Jekyll file names, YAML front matter, the Markdown body.

python-frontmatter parses the metadata; this module finds the body itself so
that line numbers stay true (python-frontmatter strips the body), wraps YAML
errors with their file and line, accepts a UTF-8 BOM and CRLF line endings,
and parses dates the way Jekyll does (``2025-08-12 12:04:51 +0900`` included).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from .config import CONTENT_DIR, permalink_problems
from .errors import Location, PipelineError

POST_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)\.(md|markdown|mkd|mkdn)$")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_DATE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ Tt](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)


@dataclass(frozen=True, slots=True)
class Post:
    """One source post, as written by its author."""

    path: Path
    """Absolute path of the Markdown file."""
    location: Location
    """The file, relative to the project root (line 0)."""
    slug: str
    """URL name, from the file name (``tesla-ai-jim-keller``)."""
    date: dt.datetime
    """Publication date (from ``date:`` or the file name)."""
    modified: dt.datetime
    """Last modification (``last_modified_at:``, else :attr:`date`)."""
    meta: dict[str, Any] = field(repr=False)
    """Front matter, as YAML gave it."""
    body: str = field(repr=False)
    """Markdown body, unstripped, ``\\n`` line endings."""
    body_line: int = 1
    """1-based line number in the file of the body's first line."""
    front: str = field(default="", repr=False)
    """Front matter text between the ``---`` lines, for locating keys."""

    def key_line(self, key: str) -> int:
        """1-based file line of front matter ``key`` (line 1 when absent)."""
        return _line_of_key(self.front, key)

    @property
    def published(self) -> bool:
        """False for ``published: false``: as in Jekyll, the post is not built (its catalogs are kept)."""
        return self.meta.get("published") is not False

    @property
    def image(self) -> str:
        """The post's share image (``og:image``): ``image:`` as jekyll-seo-tag reads it (a path or URL, or a
        mapping with ``path``), else Minimal Mistakes' ``header:`` ``og_image``, ``image`` or ``teaser``."""
        image = self.meta.get("image")
        if isinstance(image, dict):
            image = image.get("path")
        header = self.meta.get("header")
        if not image and isinstance(header, dict):
            image = header.get("og_image") or header.get("image") or header.get("teaser")
        return image.strip() if isinstance(image, str) else ""

    @property
    def permalink(self) -> str:
        """The post's own ``permalink:`` (checked by :func:`read_post`), '' for the site's."""
        return str(self.meta.get("permalink") or "")

    @property
    def name(self) -> str:
        """File stem, which names the post's catalogs (``2021-02-22-tesla-ai-jim-keller``)."""
        return self.path.stem


def parse_date(value: object) -> dt.datetime | None:
    """A Jekyll date (datetime, date or string with optional time and offset), or None."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if not isinstance(value, str):
        return None
    m = _DATE.match(value.strip())
    if not m:
        return None
    y, mo, d, h, mi, s, off = m.groups()
    tz = None
    if off:
        if off == "Z":
            tz = dt.UTC
        else:
            sign = -1 if off[0] == "-" else 1
            digits = off[1:].replace(":", "")
            tz = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        return dt.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), tzinfo=tz)
    except ValueError:
        return None


class _JekyllLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # libyaml when built in
    """YAML's safe loader (libyaml's, five times faster, when PyYAML has it), keeping a
    timestamp it cannot construct as its text.

    ``date: 2025-13-45`` matches YAML's timestamp pattern but is no date;
    PyYAML would raise a bare ``ValueError``.  Kept as text, it reaches
    :func:`parse_date`, which reports it at its line like any other bad date.
    """


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    try:
        return loader.construct_yaml_timestamp(node)  # type: ignore[arg-type]
    except ValueError:
        return loader.construct_scalar(node)  # type: ignore[arg-type]


_JekyllLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def _front_matter(front: str, path: str) -> dict[str, Any]:
    """The front matter mapping (python-frontmatter's YAML handler), errors located in the file."""
    try:
        meta = YAMLHandler().load(front, Loader=_JekyllLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1  # the front matter starts on line 2
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise PipelineError(Location(path, line), f"invalid YAML front matter: {problem}") from None
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise PipelineError(Location(path, 2), "front matter must be a YAML mapping (key: value lines)")
    return meta


def _line_of_key(front: str, key: str) -> int:
    m = re.search(rf"^{re.escape(key)}\s*:", front, re.MULTILINE)
    return front.count("\n", 0, m.start()) + 2 if m else 1


_TERM_KEYS = ("categories", "tags")
FRONT_MATTER_KEYS = ("title", "description", "excerpt", "meta_keywords")
"""Front matter keys whose values are shown to translators (in this order): text, never a mapping,
a list only where :data:`_LIST_KEYS` allows."""
_LIST_KEYS = ("meta_keywords",)


def _terms_value(value: object, key: str, where: Location) -> str | list[str]:
    """Categories or tags as Jekyll takes them: words separated by spaces, or a list of words.

    A number or a date stands for its text, a boolean for YAML's ``true`` or
    ``false`` (Jekyll's spelling); a mapping or a nested list is an error.
    """
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if item is None:
            continue  # an empty list item ("- ")
        if isinstance(item, (dict, list)):
            raise PipelineError(where, f"{key} must be words separated by spaces or a list of words, "
                                       f"not {'a mapping' if isinstance(item, dict) else 'a nested list'}")
        out.append(("true" if item else "false") if isinstance(item, bool) else str(item))
    return out if isinstance(value, list) else out[0]


_RESERVED_PATHS = re.compile(r"/(?:(?:page|categories|tags)/.*|index\.html|feed\.xml|404\.html)?")
"""Paths of a language's folder that the build gives its own pages."""


def _check_own_permalink(meta: dict[str, Any], where: Location) -> None:
    """A post's ``permalink:`` as Jekyll takes it, kept inside its language's folder (``/ko/…``)."""
    value = meta.get("permalink")
    if value is None or value == "":
        return
    if not isinstance(value, str) or not value.startswith("/"):
        raise PipelineError(where, "permalink must be a path that starts with '/'")
    problems = permalink_problems(value)
    if not value.endswith(("/", ".html")):
        problems.append("permalink must end with '/' (a folder) or '.html' (a file)")
    if _RESERVED_PATHS.fullmatch(value):
        problems.append(f"permalink {value} is a page the build makes in each language's folder")
    if problems:
        raise PipelineError(where, problems[0])


def read_post(path: Path, root: Path) -> Post:
    """Read one post; raise :class:`PipelineError` located at the offending line."""
    where = Location.of(path, root=root)
    m_name = POST_NAME.match(path.name)
    if not m_name:
        raise PipelineError(where, "post file names must look like YYYY-MM-DD-title.md")
    # A symbolic link would publish a file from elsewhere on the machine: a post
    # stays inside content/ (or inside ``root``, for a folder without one).
    folder = root / CONTENT_DIR if path.is_relative_to(root / CONTENT_DIR) else root
    if not path.resolve().is_relative_to(folder.resolve()):
        shown = f"{CONTENT_DIR}/" if folder != root else "the site folder"
        link = Location(path.relative_to(root).as_posix()) if path.is_relative_to(root) else where
        raise PipelineError(link, f"symbolic link to {path.resolve()}, outside {shown}: refused")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PipelineError(where, f"cannot read the post: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise PipelineError(Location(where.path, line), "file is not valid UTF-8") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    m_front = _FRONT_MATTER.match(text)
    if not m_front:
        if re.match(r"---[ \t]*(?:\n|\Z)", text):
            raise PipelineError(Location(where.path, 1),
                                "the front matter opened on this line is never closed (a '---' line ends it)")
        raise PipelineError(Location(where.path, 1), "no front matter: a post starts with a '---' line")
    front = m_front.group(1) or ""
    meta = _front_matter(front, where.path)
    body = text[m_front.end():]
    body_line = text.count("\n", 0, m_front.end()) + 1

    y, mo, d, slug, _ = m_name.groups()
    date = parse_date(meta.get("date")) if "date" in meta else None
    if "date" in meta and date is None:
        raise PipelineError(Location(where.path, _line_of_key(front, "date")),
                            f"cannot read date {meta['date']!r} (use YYYY-MM-DD [HH:MM:SS] [+HHMM])")
    if date is None:
        try:
            date = dt.datetime(int(y), int(mo), int(d))
        except ValueError:
            raise PipelineError(where, "the date in the file name is not a real date") from None
    modified = date
    if meta.get("last_modified_at") is not None:
        parsed = parse_date(meta["last_modified_at"])
        if parsed is None:
            raise PipelineError(Location(where.path, _line_of_key(front, "last_modified_at")),
                                f"cannot read last_modified_at {meta['last_modified_at']!r}")
        modified = parsed
    for key in _TERM_KEYS:
        if meta.get(key) is not None:
            meta[key] = _terms_value(meta[key], key, Location(where.path, _line_of_key(front, key)))
    _check_own_permalink(meta, Location(where.path, _line_of_key(front, "permalink")))
    if not isinstance(meta.get("published", True), bool):
        raise PipelineError(Location(where.path, _line_of_key(front, "published")),
                            "published must be true or false")
    for key in FRONT_MATTER_KEYS:
        value = meta.get(key)
        if isinstance(value, (dict, list)) and not (key in _LIST_KEYS and isinstance(value, list)
                                                    and not any(isinstance(v, (dict, list)) for v in value)):
            allowed, kind = ("text or a list of words", "a nested list or mapping") if key in _LIST_KEYS \
                else ("text", "a mapping" if isinstance(value, dict) else "a list")
            raise PipelineError(Location(where.path, _line_of_key(front, key)),
                                f"{key} must be {allowed}, not {kind} (quote text that holds ': ', '[' or '{{')")
        if isinstance(value, bool):
            meta[key] = "true" if value else "false"  # as Jekyll prints it, not Python's True
    return Post(path=path, location=where, slug=str(meta.get("slug") or slug), date=date,
                modified=modified, meta=meta, body=body, body_line=body_line, front=front)


POST_SUFFIXES = (".md", ".markdown", ".mkd", ".mkdn")


def find_posts(posts_dir: Path) -> list[Path]:
    """Post files under ``posts_dir``, sorted by name (Jekyll's order)."""
    found = []
    for folder, _dirs, files in os.walk(posts_dir):  # as Path.rglob: into no linked folder
        for name in files:
            if name.endswith(POST_SUFFIXES) and os.path.isfile(path := os.path.join(folder, name)):
                found.append(path)
    return [Path(p) for p in sorted(found, key=lambda p: p.split(os.sep))]  # in Path order
