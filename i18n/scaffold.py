"""Scaffolding: ``init-locale`` (a new site language) and ``new`` (a new post).

``init-locale fr`` adds ``"fr"`` to the ``locales = [...]`` list of
``site.toml`` by a textual edit that keeps every other byte (comments,
order, layout), checked by parsing the result, and creates
``locales/fr/LC_MESSAGES/<domain>.po`` for every template, with the
``Language`` and ``Plural-Forms`` headers Babel knows for that language.
Nothing is written unless every step can be done.

``new "title"`` writes ``content/_posts/<date>-<slug>.md`` with front
matter like the example post; it never overwrites a post.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .catalogs import build_date, read_catalog, update_catalog, write_catalog
from .config import CONFIG_NAME, SiteConfig
from .errors import Location, PipelineError
from .files import write_if_changed
from .locales import SiteLocale, site_locale
from .project import SITE_DOMAIN, catalog_path

_LOCALES_KEY = re.compile(r"^[ \t]*locales[ \t]*=[ \t]*\[", re.MULTILINE)
_TABLE_HEADER = re.compile(r"^[ \t]*\[", re.MULTILINE)
_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\],]|[^\s\],#]+')
SLUG = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
"""Slugs the command accepts: URL-safe without escaping, no folders."""


@dataclass
class LocaleReport:
    """What ``init-locale`` did."""

    locale: SiteLocale
    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    """Catalogs that already existed (left untouched; ``update`` merges them)."""


def init_locale(config: SiteConfig, code: str) -> LocaleReport:
    """Add language ``code`` to the site: ``site.toml`` and one PO file per template.

    Raises :class:`PipelineError` located in ``site.toml`` for an unknown or
    already configured code, and when there are no templates yet.
    """
    config_path = config.root / CONFIG_NAME
    raw = config_path.read_bytes()
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    text = raw[len(bom):].decode("utf-8")
    where = Location(CONFIG_NAME, _line_of_locales(text))
    locale = _new_locale(config, code, where)
    new_text = add_to_locales(text, code, where)
    templates_dir = config.locales_dir / "templates"
    templates = sorted(templates_dir.glob("*.pot")) if templates_dir.is_dir() else []
    if not templates:
        raise PipelineError(Location.of(templates_dir, root=config.root), "no templates; run 'extract' first")
    catalogs = {path.stem: read_catalog(path, config.root) for path in templates}

    report = LocaleReport(locale)
    date = build_date()
    for domain, template in catalogs.items():
        path = catalog_path(config, locale, domain)
        if path.exists():
            report.kept.append(path)
            continue
        write_catalog(path, update_catalog(None, template, locale, date), prose=domain != SITE_DOMAIN)
        report.created.append(path)
    write_if_changed(config_path, bom + new_text.encode("utf-8"))
    return report


def _line_of_locales(text: str) -> int:
    m = _LOCALES_KEY.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else 0


def _new_locale(config: SiteConfig, code: str, where: Location) -> SiteLocale:
    if "_" in code:
        raise PipelineError(where, f"locale codes are BCP 47 tags with '-': use {code.replace('_', '-')!r}")
    try:
        locale = site_locale(code)
    except ValueError as exc:
        raise PipelineError(where, str(exc)) from None
    for existing in config.locales:
        if existing.catalog_dir.lower() == locale.catalog_dir.lower():
            raise PipelineError(where, f"{existing.code!r} is already a language of this site")
    return locale


def add_to_locales(text: str, code: str, where: Location) -> str:
    """``text`` (a ``site.toml``) with ``code`` appended to its top-level ``locales`` array.

    Only the array is touched, in its own layout: one line stays one line; a
    list written one code a line gets a new line.  The result is parsed to
    prove that nothing but the list changed.
    """
    nl = "\r\n" if "\r\n" in text else "\n"
    m = _LOCALES_KEY.search(text)
    header = _TABLE_HEADER.search(text)
    if m is None or (header is not None and header.start() < m.start()):
        raise PipelineError(where, "no top-level 'locales = [...]' list to add the language to")
    last_value_end, close = _scan_array(text, m.end(), where)
    quoted = f'"{code}"'
    if last_value_end is None:
        new = text[:m.end()] + quoted + text[m.end():]
    elif "\n" not in text[last_value_end:close]:
        new = text[:last_value_end] + f", {quoted}" + text[last_value_end:]
    else:
        new = _add_on_own_line(text, last_value_end, quoted, nl)
    _check_only_locales_changed(text, new, code, where)
    return new


def _scan_array(text: str, start: int, where: Location) -> tuple[int | None, int]:
    """End of the array's last value (None if empty) and the position of its ``]``."""
    last: int | None = None
    for token in _TOKEN.finditer(text, start):
        value = token.group()
        if value == "]":
            return last, token.start()
        if value != "," and not value.startswith("#"):
            if value.startswith("["):
                break  # nested arrays are not locale lists
            last = token.end()
    raise PipelineError(where, "cannot read the 'locales' list; add the language by hand")


def _add_on_own_line(text: str, last_value_end: int, quoted: str, nl: str) -> str:
    """Add ``quoted`` on a new line after the last value's line, indented like it."""
    line_start = text.rfind("\n", 0, last_value_end) + 1
    indent = re.match(r"[ \t]*", text[line_start:]).group()  # type: ignore[union-attr]
    after = text[last_value_end:]
    comma = re.match(r"[ \t]*,", after)
    if comma is None:
        text = text[:last_value_end] + "," + after
    line_end = text.find("\n", last_value_end)
    if line_end < 0:
        line_end = len(text)
    if text[line_end - 1:line_end] == "\r":
        line_end -= 1
    return text[:line_end] + f"{nl}{indent}{quoted}," + text[line_end:]


def _check_only_locales_changed(old: str, new: str, code: str, where: Location) -> None:
    try:
        before, after = tomllib.loads(old), tomllib.loads(new)
    except tomllib.TOMLDecodeError:
        after, before = {}, {"unreadable": True}
    expected: dict[str, Any] = {**before, "locales": [*before.get("locales", []), code]}
    if after != expected:
        raise PipelineError(where, f"cannot add {code!r} to 'locales' safely; add it by hand")


def post_slug(title: str, now: dt.datetime) -> str:
    """The slug of a new post when none is given.

    An ASCII title gives its words in lower case joined by ``-`` ("Model 3
    review" -> ``model-3-review``); any other title (Japanese) gives
    ``post-HHMMSS`` from the current time, since transliteration would guess
    and the slug is the post's URL for good: pass ``--slug`` to choose it.
    """
    if title.isascii():
        words = re.findall(r"[a-z0-9]+", title.lower())
        if words:
            return "-".join(words)
    return f"post-{now:%H%M%S}"


def post_text(title: str, date_text: str) -> str:
    """A new post's source: front matter like the example post's, empty body."""
    quoted = '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return (
        "---\n"
        f"title: {quoted}\n"
        f"date: {date_text}\n"
        "categories: []\n"
        'description: ""\n'
        f"last_modified_at: {date_text}\n"
        "read_time: true\n"
        "share: true\n"
        "related: true\n"
        "---\n\n"
    )


def new_post(config: SiteConfig, title: str, slug: str | None = None, day: dt.date | None = None,
             now: dt.datetime | None = None) -> Path:
    """Create ``content/_posts/<date>-<slug>.md``; refuse to overwrite any post of that name."""
    now = now or dt.datetime.now().astimezone()
    slug = slug or post_slug(title, now)
    date_text = day.isoformat() if day else now.strftime("%Y-%m-%d %H:%M:%S %z")
    stem = f"{(day or now.date()).isoformat()}-{slug}"
    path = config.posts_dir / f"{stem}.md"
    clashes = sorted(config.posts_dir.glob(f"{glob_escape(stem)}.*")) if config.posts_dir.is_dir() else []
    if clashes:
        raise PipelineError(Location.of(clashes[0], root=config.root),
                            "a post with this date and slug already exists; choose another --slug")
    _create(path, post_text(title, date_text).encode("utf-8"))
    return path


def glob_escape(text: str) -> str:
    """``text`` with glob wildcards taken literally."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def _create(path: Path, data: bytes) -> None:
    """Write a new file atomically, failing if it exists (a hard link never replaces a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise PipelineError(Location(path.name), "a post with this name already exists") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
