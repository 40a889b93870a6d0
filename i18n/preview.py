"""The live preview's quick rebuild: a translation saved, one article and its pages redone.

A :class:`Session` keeps, between builds of one long-running process (``serve``),
the last site model, the hashes of its inputs, the output manifest and the
modification stamps of every input file.  When the files that changed since
are only post catalogs, and the articles they give differ from the old ones
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
from .cache import BuildCache, digest
from .config import SiteConfig
from .content import find_posts
from .files import StagedTree
from .inputs import Inputs, file_key
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
    stamps: dict[str, tuple[int, int]] = field(default_factory=dict)


def stamps(config: SiteConfig, locales: tuple[SiteLocale, ...]) -> dict[str, tuple[int, int]]:
    """Modification time and size of every input file (a post added or removed shows too)."""
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
        out[str(path)] = (st.st_mtime_ns, st.st_size)
    return out


def quick_rebuild(config: SiteConfig, session: Session) -> tuple[int, int] | None:
    """Redo what changed catalogs need; (pages rendered, files written), or None for a full build."""
    model, inputs = session.model, session.inputs
    if model is None or inputs is None or session.config != config:
        return None
    now = stamps(config, model.locales)
    changed = {p for p in now.keys() | session.stamps.keys() if now.get(p) != session.stamps.get(p)}
    if not changed:
        return (0, 0)
    root = str(config.root)
    catalogs = {os.path.join(root, catalog_file(model.locale_of(code), name)): (name, code)
                for name, code in inputs.catalogs}
    if not changed <= catalogs.keys():
        return None
    files = {f.name: f for f in inputs.posts}
    # A new Inputs: the session's stays what the last build saw until this one succeeds.
    inputs = dataclasses.replace(inputs, catalogs={**inputs.catalogs, **{
        catalogs[path]: file_key(Path(path)) for path in changed}})
    ctx = ArticleContext(config, inputs, session.cache, model.languages, {i.name: i for i in model.posts})
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
    session.stamps, session.inputs = now, inputs
    session.cache.put("state", "manifest", session.manifest)
    session.cache.put("state", "last-build", (digest("build", inputs.key), len(session.manifest)))
    session.cache.put("state", "inputs", inputs)
    return rendered, written


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
