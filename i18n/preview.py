"""The live preview's quick rebuild: a translation saved, one article and its pages redone.

A :class:`Session` keeps, between builds of one long-running process (``serve``),
the last site model, the hashes of its inputs, the output manifest and the stat
stamps of every input file (the build's, :func:`i18n.inputs.stat_stamp`).  When
the files that changed since are only post catalogs, and the articles they give
differ from the old ones
only in what their own page, the feed and the status page show (not the
title, description, excerpt or publish state that listings, switchers and
hreflang use), :func:`quick_rebuild` renders just those pages.  Anything else
(or a session with no model yet) returns None, and the caller runs the full
:func:`i18n.site.build`, whose result is the reference: a quick rebuild writes
exactly the pages a full build would.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

from .articles import ArticleContext, render_article
from .cache import BuildCache
from .config import SiteConfig
from .content import find_posts
from .files import StagedTree
from .inputs import Inputs, Stamp, file_key, stat_stamp
from .locales import SiteLocale
from .model import Version
from .pages import Model, PageJob, pages_showing
from .paths import SITE_DOMAIN, catalog_file, catalog_path
from .theme import THEME_DIR


@dataclass
class Session:
    """What a preview server keeps between builds."""

    cache: BuildCache
    config: SiteConfig | None = None
    model: Model | None = None
    inputs: Inputs | None = None
    manifest: dict[str, str] = field(default_factory=dict)
    stamps: dict[str, Stamp] = field(default_factory=dict)
    reported: set[str] | None = None
    """The files a watcher saw change since the last build that succeeded (:meth:`report`);
    None: not known, every input is looked at."""
    watched: bool = False
    """A watcher reports changes (:meth:`report`); else every input is looked at for each build."""
    unsaved: bool = False
    """Quick rebuilds ran since the state was last written to the cache (:meth:`save`)."""
    catalog_files: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Path of each post catalog of :attr:`inputs` -> (post name, locale code); made on first need."""

    def report(self, changed: set[str] | None) -> None:
        """Note the files a watcher saw change (None: it cannot tell), until a build succeeds.

        They add up: after a failed build, what it was told stays to look at next time.
        """
        self.watched = True
        self.reported = None if changed is None or self.reported is None else self.reported | changed

    def succeeded(self) -> None:
        """A build looked at every change reported so far: what the watcher reports from here on is what to look at."""
        if self.watched:
            self.reported = set()

    def save(self) -> None:
        """Write into the cache what quick rebuilds kept in memory, for the next build (or process) to start from.

        Until then the cache on disk holds an older state, which is safe: a build
        from it renders again the pages those rebuilds wrote, and finds their bytes unchanged.
        """
        from .site import save_state

        if not self.unsaved or self.inputs is None:
            return
        save_state(self.cache, self.inputs, self.manifest)
        self.unsaved = False


def stamps(config: SiteConfig, locales: tuple[SiteLocale, ...]) -> dict[str, Stamp]:
    """The stamp of every input file (:func:`i18n.inputs.stat_stamp`; a post added or removed shows too)."""
    posts = find_posts(config.posts_dir)
    root = str(config.root)
    targets = [loc for loc in locales if loc != config.source_locale]
    paths = [str(config.root / "site.toml"), *map(str, posts)]
    for post in posts:  # strings, as str(catalog_path(...)) spells them: thousands of Path objects cost
        paths += [os.path.join(root, catalog_file(loc, post.stem)) for loc in targets]
    paths += [str(catalog_path(config, loc, SITE_DOMAIN)) for loc in locales]
    for folder in (config.includes_dir, config.root / "layouts", THEME_DIR):
        if folder.is_dir():
            paths += [str(p) for p in folder.rglob("*") if p.is_file()]
    out = {}
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            continue
        out[str(path)] = stat_stamp(st)
    return out


def quick_rebuild(config: SiteConfig, session: Session) -> tuple[int, int] | None:
    """Redo what changed catalogs need; (pages rendered, files written), or None for a full build."""
    model, inputs = session.model, session.inputs
    if model is None or inputs is None or session.config != config:
        return None
    now = _stamps_now(config, session, model.locales)
    changed = {p for p in now.keys() | session.stamps.keys() if now.get(p) != session.stamps.get(p)}
    if not changed:
        session.succeeded()
        return (0, 0)
    if not session.catalog_files:
        root = str(config.root)
        session.catalog_files = {os.path.join(root, catalog_file(model.locale_of(code), name)): (name, code)
                                 for name, code in inputs.catalogs}
    catalogs = session.catalog_files
    if not changed <= catalogs.keys():
        return None
    files = {f.name: f for f in inputs.posts}
    # A new Inputs: the session's stays what the last build saw until this one succeeds.
    inputs = dataclasses.replace(inputs, catalogs={**inputs.catalogs, **{
        catalogs[path]: file_key(Path(path)) for path in changed}})
    ctx = ArticleContext(config, inputs, session.cache, model.languages, {i.name: i for i in model.posts},
                         links=model.links)
    changes: dict[tuple[str, str], tuple[Version, Version]] = {}
    for path in sorted(changed):
        name, code = catalogs[path]
        new = render_article(ctx, files[name], model.locale_of(code))  # raises on a bad catalog
        changes[(name, code)] = (model.versions[(name, code)], new)
    before = dict(model.versions)
    model.versions.update({key: new for key, (_old, new) in changes.items()})
    jobs = pages_showing(model, changes)
    if jobs is None:  # a publish state or a path changed: switchers, hreflang, the sitemap too
        model.versions.clear()
        model.versions.update(before)
        return None  # the full build decides
    rendered, written = _render(config, session, ctx, jobs)
    session.stamps, session.inputs = now, inputs  # same catalogs: session.catalog_files holds
    session.succeeded()
    session.unsaved = True  # written by the next full build, or when the server stops (Session.save)
    return rendered, written


def _stamps_now(config: SiteConfig, session: Session, locales: tuple[SiteLocale, ...]) -> dict[str, Stamp]:
    """:func:`stamps` as it would be now, from the files a watcher reported when that is enough.

    It is when each reported file is an input of the last build (changed or gone),
    or a file that is not there any more and held none (an editor's temporary
    file), or a new file that cannot be an input (a ``.mo`` that an editor
    compiled).  Anything else, a folder above all, makes every input be looked at.
    """
    if session.reported is None or not session.stamps:
        return stamps(config, locales)
    now = dict(session.stamps)
    for path in session.reported:
        try:
            st = os.stat(path)
        except OSError:
            if path in now:
                del now[path]
            elif any(key.startswith(path + os.sep) for key in now):  # a folder of inputs went
                return stamps(config, locales)
            continue
        if path in now and not os.path.isdir(path):
            now[path] = stat_stamp(st)
        elif _may_be_input(config, path):
            return stamps(config, locales)
    return now


def _may_be_input(config: SiteConfig, path: str) -> bool:
    """Whether a new file (or folder) at ``path`` could be an input that :func:`stamps` lists."""
    if os.path.isdir(path) or path.endswith(".po") or path == str(config.root / "site.toml"):
        return True
    folders = (config.posts_dir, config.includes_dir, config.root / "layouts", THEME_DIR)
    return any(path.startswith(str(folder) + os.sep) for folder in folders)


def _render(config: SiteConfig, session: Session, ctx: ArticleContext, jobs: list[PageJob]) -> tuple[int, int]:
    from .site import _STATE, _render_job

    assert session.model is not None
    inputs = ctx.inputs
    _STATE.update(languages=session.model.languages, cache=session.cache, articles=ctx)
    rendered = written = 0
    with StagedTree(config.output_dir) as tree:
        for job in jobs:
            rel = session.model.urls.output_rel(job.path)
            key = job.key(inputs.page_salt(job.locale, job.template))
            if session.manifest.get(rel) == key and (config.output_dir / rel).is_file():
                continue
            session.manifest[rel] = key
            rendered += 1
            written += tree.write(rel, _render_job(job))
        tree.publish(session.manifest, previous=session.manifest)
    return rendered, written
