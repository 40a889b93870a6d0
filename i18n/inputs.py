"""Every input file of a build, read once and hashed.

The build cache keys results by these hashes, so this module is the one
list of what can change a page: the configuration, each post, each catalog,
each language's ``site.po``, the includes, the layouts and theme, and this
package's own version.  Two scans with the same :attr:`Inputs.key` produce
the same site.
"""

from __future__ import annotations

import os
import re
import sys
import time
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from . import __version__
from .cache import digest, files_digest
from .config import SiteConfig
from .content import find_posts
from .locales import SiteLocale
from .model import pickled_as_fields
from .paths import SITE_DOMAIN, catalog_file, catalog_locales, catalog_path
from .theme import THEME_DIR


@pickled_as_fields
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
    """Names of all posts (listings, related posts)."""
    extra: dict[str, str] = field(default_factory=dict)
    templates: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Layout name -> (the file the layouts' loader finds for it, hash of its bytes)."""
    closures: dict[str, str] = field(default_factory=dict, compare=False)
    """Layout name -> what :meth:`page_salt` found it uses, as found so far (saved with the inputs)."""
    references: dict[tuple[str, str], list[str | None] | None] = field(default_factory=dict, compare=False)
    """(layout file, hash of its bytes) -> the layouts it names (None for one named by an expression;
    None for all when it cannot be parsed), as found so far (saved with the inputs)."""

    def page_salt(self, code: str, template: str = "") -> str:
        """What every page of language ``code`` made with ``template`` depends on, beside its context.

        That layout and those it extends, includes or imports (every layout when
        ``template`` is not given, or one of them names another by an expression),
        the language's ``site.po`` and the configuration.
        """
        if template and template not in self.closures:
            self.closures[template] = _layouts_of(self.templates, template, self.references)
        layouts = (self.closures[template] or self.layouts) if template else self.layouts
        return digest(layouts, self.site_catalogs.get(code, ""), self.config)

    def adopt_closures(self, last: object) -> None:
        """Take what the last build found of the layouts, when its code (Jinja2's version) was this:
        what each layout file it parsed names, for the files unchanged since, and the
        layouts each layout uses, when no layout changed.

        Finding them parses the layouts: the largest cost of a rebuild that
        renders a handful of pages.
        """
        if not isinstance(last, Inputs) or last.config != self.config:
            return
        current = set(self.templates.values())  # what the other layouts name, after an edit of one
        self.references.update({k: v for k, v in last.references.items() if k in current})
        if last.templates == self.templates:
            self.closures.update(last.closures)

    @cached_property
    def model_key(self) -> str:
        """One hash of every input but the layouts: what the site's model (and every page's context) is made of.

        Found once: a build asks for it to tell a no-op, to keep the pages it does not plan again,
        and to save its state (an Inputs is not changed once scanned; a new one is made instead).
        """
        return digest(self.config, self.includes, self.posts_set, *(p.key for p in self.posts),
                      *(f"{k}={v}" for k, v in sorted(self.catalogs.items())),
                      *(f"{k}={v}" for k, v in sorted(self.site_catalogs.items())),
                      *(f"{k}={v}" for k, v in sorted(self.extra.items())))

    @property
    def key(self) -> str:
        """One hash of every input."""
        return digest(self.model_key, self.layouts)


def _layouts_of(templates: dict[str, tuple[str, str]], name: str,
                references: dict[tuple[str, str], list[str | None] | None]) -> str:
    """Hash of ``name`` and of every layout it uses, transitively; '' when that cannot be known.

    ``references``: what each layout file names, as found so far (each is parsed once, however many use it).
    """
    seen: dict[str, str] = {}
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        if current not in templates:
            return ""
        path, file_hash = templates[current]
        seen[current] = file_hash
        if (path, file_hash) not in references:
            references[(path, file_hash)] = _references(path)
        used = references[(path, file_hash)]
        if used is None:
            return ""  # the build reports it, with its line, when the page is rendered
        if any(u is None for u in used):
            return ""  # a layout chosen by an expression: any of them
        todo += [u for u in used if isinstance(u, str)]
    return digest(*(f"{n}={h}" for n, h in sorted(seen.items())))


def _references(path: str) -> list[str | None] | None:
    """The layouts the layout file ``path`` names (None for one named by an expression); None if unreadable."""
    import jinja2
    from jinja2 import meta

    if not _PARSER:
        _PARSER.append(jinja2.Environment(extensions=["jinja2.ext.i18n"]))
    try:
        return list(meta.find_referenced_templates(_PARSER[0].parse(Path(path).read_text("utf-8"))))
    except (OSError, UnicodeDecodeError, jinja2.TemplateSyntaxError):
        return None


_PARSER: list[Any] = []
"""The Jinja2 environment that parses layouts for :func:`_references` (made on first need)."""


def file_key(path: Path) -> str:
    """Hash of a file's bytes ('' when it does not exist)."""
    try:
        return digest(path.read_bytes())
    except FileNotFoundError:
        return ""


Stamp = tuple[int, int, int, int]
"""What ``stat`` says of a file that any change of its bytes changes: mtime, ctime (ns), size, inode."""

RECENT_NS = 2_000_000_000
"""A file changed this recently when hashed is hashed again next time: a second write within the
clock tick of the first can leave its stamp as it was (git's "racily clean" index entries)."""


def stat_stamp(st: os.stat_result) -> Stamp:
    """What tells a file's versions apart without reading it, as git's index does: modification
    and change times, size and inode (a rename over the file gives a new one)."""
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


class FileHashes:
    """Hashes of the input files' bytes, reused while a file's stamp is the one it had when hashed.

    A build keeps :attr:`stamped` (``.cache/``) for the next, which then reads
    only the files that changed since, as git's index spares ``git status``
    reading the tree.  A file is trusted only once its last change is older
    than :data:`RECENT_NS`; a rename over it (a new inode) or any write (ctime)
    changes its stamp.
    """

    def __init__(self, known: object = None) -> None:
        self.known: dict[str, tuple[Stamp, str]] = known if isinstance(known, dict) else {}
        self.stamped: dict[str, tuple[Stamp, str]] = {}
        """What the next build may trust, by path."""
        self._now = time.time_ns()

    def of(self, path: str) -> str | None:
        """Hash of the file's bytes (as :func:`file_key`); None when there is no file, OSError when unreadable."""
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        stamp = stat_stamp(st)
        known = self.known.get(path)
        if known is not None and known[0] == stamp:
            value = known[1]
        else:
            with open(path, "rb") as f:
                value = digest(f.read())
        if self._now - max(st.st_mtime_ns, st.st_ctime_ns) > RECENT_NS:
            self.stamped[path] = (stamp, value)
        return value

    @property
    def changed(self) -> bool:
        """Whether :attr:`stamped` differs from what was known (worth saving)."""
        return self.stamped != self.known


SHAPING_LIBRARIES = ("markdown", "jinja2", "babel", "python-liquid", "pygments", "markupsafe")
"""The distributions whose version can change the output of the same inputs."""


def code_digest() -> str:
    """This package's code and the versions of the libraries that shape the output."""
    versions = [f"{dist}={version}" for dist, version in library_versions(SHAPING_LIBRARIES).items()]
    package = Path(__file__).parent
    return digest(files_digest(list(package.glob("*.py")), package), *versions)


def library_versions(dists: tuple[str, ...], path: list[str] | None = None) -> dict[str, str]:
    """The installed version of each of ``dists`` ("none" where none is), for cache keys.

    Read off the names of the metadata folders (``name-version.dist-info``) on
    ``path`` (default ``sys.path``), the first one found winning, as it does for
    ``importlib.metadata.version``, which gives the same version: every
    command asks, and importing ``importlib.metadata`` (and the e-mail parser it
    reads ``METADATA`` with) would be a twentieth of a rebuild after one
    translation edit.  A folder whose name holds no version is asked of it.
    """
    wanted = {_dist_key(d): d for d in dists}
    found: dict[str, str | None] = {}
    for entry in sys.path if path is None else path:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # a zip file, or gone
            continue
        for name in names:
            stem, _, suffix = name.rpartition(".")
            if suffix not in ("dist-info", "egg-info"):
                continue
            dist, _, rest = stem.partition("-")
            key = _dist_key(dist)
            if key in wanted and key not in found:
                found[key] = rest.partition("-")[0] or None  # egg-info: name-version-py3.11
        if len(found) == len(wanted):
            break
    out = {}
    for key, dist in wanted.items():
        version = found.get(key)
        if version is None:
            from importlib.metadata import PackageNotFoundError
            from importlib.metadata import version as metadata_version

            try:
                version = metadata_version(dist)
            except PackageNotFoundError:
                version = "none"
        out[dist] = version
    return out


def _dist_key(name: str) -> str:
    """A distribution's name as its metadata folder spells it, compared alike (PEP 503, underscores)."""
    return _SEPARATORS.sub("_", name).lower()


_SEPARATORS = re.compile(r"[-_.]+")


def scan(config: SiteConfig, locales: tuple[SiteLocale, ...], hashes: FileHashes | None = None) -> Inputs:
    """Read and hash every input of ``config`` for a build in ``locales``.

    ``hashes``: the hashes of posts and catalogs the last build kept, to read
    only the files changed since.
    """
    hashes = hashes or FileHashes()
    code = code_digest()  # a changed class or rule never meets a result cached by older code
    posts = []
    for path in find_posts(config.posts_dir):
        try:
            value = hashes.of(str(path))
        except OSError:
            value = None
        # Unreadable: reading it again reports the problem with its location.
        posts.append(PostFile(path.stem, path, digest(code, os.path.abspath(path), value or "\0unreadable")))
    catalogs = {}
    targets = [loc for loc in locales if loc != config.source_locale]
    root = str(config.root)  # strings: a Path per catalog costs more than its stat
    for post in posts:
        for locale in targets:
            catalogs[(post.name, locale.code)] = hashes.of(os.path.join(root, catalog_file(locale, post.name))) or ""
    site_catalogs = {loc.code: hashes.of(str(catalog_path(config, loc, SITE_DOMAIN))) or ""
                     for loc in locales if loc in catalog_locales(config, SITE_DOMAIN) or loc not in config.locales}
    layout_dirs = [config.root / "layouts", THEME_DIR]
    layout_files = [p for d in layout_dirs if d.is_dir() for p in d.rglob("*") if p.is_file()]
    layouts = files_digest(layout_files, config.root)
    templates: dict[str, tuple[str, str]] = {}
    for folder in (THEME_DIR / "templates", config.root / "layouts"):  # the site's own win, as in the loader
        for path in layout_files:
            if path.is_relative_to(folder):
                templates[path.relative_to(folder).as_posix()] = (str(path), file_key(path))
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
        templates=templates,
    )
