"""Site configuration: ``site.toml`` read once into a frozen :class:`SiteConfig`.

Every problem in the file is reported at once (as MkDocs' ``load_config``
does), each as ``site.toml:LINE: message``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import Location, PipelineError, Problems
from .locales import SiteLocale, site_locale

CONFIG_NAME = "site.toml"
CONTENT_DIR = "content"
"""Folder of the posts and includes, in the site folder."""
LOCALES_DIR = "locales"
"""Folder of the catalogs, in the site folder."""


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Everything a build needs to know about the site, validated."""

    root: Path
    """Project folder (the one holding ``site.toml``)."""
    title: str
    """Site title in the source language (translated through ``site.po``)."""
    base_url: str
    """Absolute URL of the site root, without trailing slash."""
    source_locale: SiteLocale
    """Language the authors write in."""
    locales: tuple[SiteLocale, ...]
    """All site languages, the source first."""
    publish_threshold: float = 0.8
    """Share of translated messages from which a page is ``partial`` instead of ``fallback``."""
    permalink: str = "/:year/:month/:day/:title/"
    """Post URL pattern below the language segment (Jekyll placeholders)."""
    posts_per_page: int = 10
    """Posts per index page."""
    author: str = ""
    """Default author name for feeds and JSON-LD."""
    baseurl: str = ""
    """Jekyll's ``baseurl``: path prefix for ``relative_url``, ``post_url`` and ``link`` (``/blog``), or empty."""
    timezone: str = ""
    """IANA time zone of post dates without an offset (Jekyll's ``timezone``), or empty."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Unknown keys, kept for templates as ``site.*``."""

    @property
    def content_dir(self) -> Path:
        return self.root / CONTENT_DIR

    @property
    def posts_dir(self) -> Path:
        return self.content_dir / "_posts"

    @property
    def includes_dir(self) -> Path:
        return self.content_dir / "_includes"

    @property
    def locales_dir(self) -> Path:
        return self.root / LOCALES_DIR

    @property
    def output_dir(self) -> Path:
        return self.root / "_site"

    @property
    def target_locales(self) -> tuple[SiteLocale, ...]:
        """The languages translated into (all but the source)."""
        return tuple(loc for loc in self.locales if loc != self.source_locale)

    def locale(self, code: str) -> SiteLocale:
        """The site locale with this code; ``KeyError`` if the site has none."""
        for loc in self.locales:
            if loc.code == code:
                return loc
        raise KeyError(code)


PERMALINK_PLACEHOLDERS = (":year", ":month", ":day", ":title", ":slug")
"""What :meth:`i18n.urls.Urls.post_path` fills in."""


def permalink_problems(permalink: str) -> list[str]:
    """What is wrong with a permalink that starts with ``/`` (the site's, or a post's own)."""
    out = []
    unknown = sorted(set(re.findall(r":[a-z_]+", permalink)) - set(PERMALINK_PLACEHOLDERS))
    if unknown:
        out.append(f"'permalink' placeholders {unknown} are not supported (only {' '.join(PERMALINK_PLACEHOLDERS)})")
    if any(part in (".", "..") for part in permalink.split("/")):
        out.append("'permalink' must not have '.' or '..' segments "
                   "(pages would be written outside their language's folder)")
    return out


_KNOWN = {"title", "base_url", "source_locale", "locales", "publish_threshold",
          "permalink", "posts_per_page", "author", "baseurl", "timezone"}


def _line_of(text: str, key: str) -> int:
    m = re.search(rf"^\s*{re.escape(key)}\s*=", text, re.MULTILINE)
    return text.count("\n", 0, m.start()) + 1 if m else 0


def load_config(root: Path) -> SiteConfig:
    """Read and validate ``root/site.toml``; raise :class:`Problems` listing every error."""
    path = root / CONFIG_NAME
    where = Location.of(path, root=root)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PipelineError(where, f"no {CONFIG_NAME} here; is this a site folder?") from None
    except UnicodeDecodeError as exc:
        raise PipelineError(where, f"not UTF-8: {exc.reason}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = int(m.group(1)) if m else 0
        raise PipelineError(Location(where.path, line), f"invalid TOML: {exc}") from None

    problems = Problems()

    def at(key: str) -> Location:
        return Location(where.path, _line_of(text, key))

    title = data.get("title", "")
    if not isinstance(title, str) or not title:
        problems.error(at("title"), "'title' must be a non-empty string")
    base_url = data.get("base_url", "")
    parts = urlsplit(base_url) if isinstance(base_url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        problems.error(at("base_url"), f"'base_url' must be an absolute http(s) URL, got {base_url!r}")

    def parse_locale(code: object, key: str) -> SiteLocale | None:
        if not isinstance(code, str):
            problems.error(at(key), f"locale codes are strings, got {code!r}")
            return None
        try:
            return site_locale(code)
        except ValueError as exc:
            problems.error(at(key), str(exc))
            return None

    source = parse_locale(data.get("source_locale", "ja"), "source_locale")
    codes = data.get("locales", [])
    if not isinstance(codes, list) or not codes:
        problems.error(at("locales"), "'locales' must be a non-empty list of locale codes")
        codes = []
    parsed = [parse_locale(c, "locales") for c in codes]
    locales = [loc for loc in parsed if loc is not None]
    if len({loc.code for loc in locales}) != len(locales):
        problems.error(at("locales"), "'locales' lists a language twice")
    if source is not None and source not in locales:
        locales.insert(0, source)
    elif source is not None:
        locales.remove(source)
        locales.insert(0, source)

    threshold = data.get("publish_threshold", 0.8)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 <= threshold <= 1:
        problems.error(at("publish_threshold"), "'publish_threshold' must be a number from 0 to 1")
        threshold = 0.8
    permalink = data.get("permalink", "/:year/:month/:day/:title/")
    if not isinstance(permalink, str) or not permalink.startswith("/") or ":title" not in permalink:
        problems.error(at("permalink"), "'permalink' must start with '/' and contain ':title'")
    else:
        for message in permalink_problems(permalink):
            problems.error(at("permalink"), message)
    per_page = data.get("posts_per_page", 10)
    if not isinstance(per_page, int) or per_page < 1:
        problems.error(at("posts_per_page"), "'posts_per_page' must be a positive integer")
        per_page = 10
    author = data.get("author", "")
    baseurl = data.get("baseurl", "")
    if not isinstance(baseurl, str) or (baseurl and not baseurl.startswith("/")):
        problems.error(at("baseurl"), f"'baseurl' must be empty or a path starting with '/', got {baseurl!r}")
        baseurl = ""
    timezone = data.get("timezone", "")
    if not isinstance(timezone, str) or (timezone and not _is_zone(timezone)):
        problems.error(at("timezone"), f"'timezone' must be an IANA time zone name (Asia/Tokyo), got {timezone!r}")
        timezone = ""
    problems.raise_if_errors()
    assert source is not None
    return SiteConfig(
        root=root,
        title=title,
        base_url=base_url.rstrip("/"),
        source_locale=source,
        locales=tuple(locales),
        publish_threshold=float(threshold),
        permalink=permalink,
        posts_per_page=per_page,
        author=str(author),
        baseurl=baseurl.rstrip("/"),
        timezone=timezone,
        extra={k: v for k, v in data.items() if k not in _KNOWN},
    )


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
