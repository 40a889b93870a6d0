"""Every input file of a build, read once and hashed.

The build cache keys results by these hashes, so this module is the one
list of what can change a page: the configuration, each post, each catalog,
each language's ``site.po``, the includes, the layouts and theme, and this
package's own version.  Two scans with the same :attr:`Inputs.key` produce
the same site.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import __version__
from .cache import digest, files_digest
from .config import SiteConfig
from .content import find_posts
from .locales import SiteLocale
from .paths import SITE_DOMAIN, catalog_locales, catalog_path
from .theme import THEME_DIR


@dataclass(frozen=True, slots=True)
class PostFile:
    """One source post on disk."""

    name: str
    path: Path
    key: str
    """Hash of its path and bytes."""


@dataclass
class Inputs:
    """Hashes of everything a build reads."""

    posts: list[PostFile]
    catalogs: dict[tuple[str, str], str]
    """(post name, locale code) -> hash of the PO file ('' when it does not exist)."""
    site_catalogs: dict[str, str]
    """Locale code -> hash of its ``site.po``."""
    config: str
    includes: str
    layouts: str
    """Site layouts, theme templates and static assets."""
    posts_set: str
    """Names of all posts (listings, related posts, ``post_url``)."""
    extra: dict[str, str] = field(default_factory=dict)

    def page_salt(self, code: str) -> str:
        """What every page of language ``code`` depends on: layouts, its ``site.po``, the configuration."""
        return digest(self.layouts, self.site_catalogs.get(code, ""), self.config)

    @property
    def key(self) -> str:
        """One hash of every input."""
        return digest(self.config, self.includes, self.layouts, self.posts_set,
                      *(p.key for p in self.posts),
                      *(f"{k}={v}" for k, v in sorted(self.catalogs.items())),
                      *(f"{k}={v}" for k, v in sorted(self.site_catalogs.items())),
                      *(f"{k}={v}" for k, v in sorted(self.extra.items())))


def file_key(path: Path) -> str:
    """Hash of a file's bytes ('' when it does not exist)."""
    try:
        return digest(path.read_bytes())
    except FileNotFoundError:
        return ""


def code_digest() -> str:
    """This package's code and the versions of the libraries that shape the output."""
    from importlib.metadata import PackageNotFoundError, version

    versions = []
    for dist in ("markdown", "jinja2", "babel", "python-liquid", "pygments", "markupsafe"):
        try:
            versions.append(f"{dist}={version(dist)}")
        except PackageNotFoundError:
            versions.append(f"{dist}=none")
    package = Path(__file__).parent
    return digest(files_digest(list(package.glob("*.py")), package), *versions)


def scan(config: SiteConfig, locales: tuple[SiteLocale, ...]) -> Inputs:
    """Read and hash every input of ``config`` for a build in ``locales``."""
    code = code_digest()  # a changed class or rule never meets a result cached by older code
    posts = []
    for path in find_posts(config.posts_dir):
        try:
            data = path.read_bytes()
        except OSError:
            data = b"\0unreadable"  # reading it again reports the problem with its location
        posts.append(PostFile(path.stem, path, digest(code, os.path.abspath(path), data)))
    catalogs = {}
    targets = [loc for loc in locales if loc != config.source_locale]
    for post in posts:
        for locale in targets:
            catalogs[(post.name, locale.code)] = file_key(catalog_path(config, locale, post.name))
    site_catalogs = {loc.code: file_key(catalog_path(config, loc, SITE_DOMAIN))
                     for loc in locales if loc in catalog_locales(config, SITE_DOMAIN) or loc not in config.locales}
    layout_dirs = [config.root / "layouts", THEME_DIR]
    layouts = files_digest([p for d in layout_dirs if d.is_dir() for p in d.rglob("*") if p.is_file()], config.root)
    includes = files_digest(list(config.includes_dir.rglob("*")) if config.includes_dir.is_dir() else [],
                            config.root)
    return Inputs(
        posts=posts,
        catalogs=catalogs,
        site_catalogs=site_catalogs,
        config=digest(__version__, code, repr(replace(config, root=config.root.resolve())),
                      *(loc.code for loc in locales)),
        includes=includes,
        layouts=layouts,
        posts_set=digest(*(p.name for p in posts)),
    )
