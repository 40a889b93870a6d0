"""Gathering a site's inputs: posts, their segments, and every catalog.

Everything is read (and every problem collected) before anything is written,
because hreflang and listings need the whole set of pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog

from .catalogs import read_catalog
from .config import SiteConfig
from .content import Post, find_posts, read_post
from .errors import Location, PipelineError, Problem, Problems
from .locales import SiteLocale
from .paths import SITE_DOMAIN, catalog_file, catalog_locales, catalog_path, template_path
from .segments import Message, Segmented, segment_post
from .urls import Urls

__all__ = ["SITE_DOMAIN", "Project", "Source", "catalog_file", "catalog_locales", "catalog_path", "gather",
           "orphaned_catalogs", "orphaned_templates", "read_sources", "template_path"]



@dataclass
class Source:
    """One post with its messages."""

    post: Post
    front: list[Message]
    body: Segmented


@dataclass
class Project:
    """All inputs of a build."""

    config: SiteConfig
    sources: list[Source] = field(default_factory=list)
    catalogs: dict[tuple[str, str], Catalog | None] = field(default_factory=dict)
    """(post name, locale code) -> catalog, None when the PO file does not exist."""
    site_catalogs: dict[str, Catalog | None] = field(default_factory=dict)


def read_sources(config: SiteConfig, problems: Problems) -> list[Source]:
    """Read and segment every post, collecting problems."""
    sources = []
    urls = Urls(config)
    by_url: dict[str, Post] = {}
    by_name: dict[str, Post] = {}
    for path in find_posts(config.posts_dir):
        try:
            post = read_post(path, config.root)
            front, body = segment_post(post)
        except PipelineError as exc:
            problems.add(exc.problem)
            continue
        url = urls.post_path(post, config.source_locale)
        for seen, what in ((by_url.get(url), f"the same URL {url}"), (by_name.get(post.name), "the same catalogs")):
            if seen is not None:
                problems.error(Location(post.location.path, post.key_line("slug")),
                               f"{what} as {seen.location}: rename one post (or set 'slug:')")
                break
        else:
            by_url[url] = by_name[post.name] = post
            sources.append(Source(post, front, body))
    return sources


def gather(config: SiteConfig) -> Project:
    """Read posts and catalogs; raise :class:`Problems` with everything wrong."""
    problems = Problems()
    project = Project(config, read_sources(config, problems))
    for locale in config.target_locales:
        for source in project.sources:
            project.catalogs[(source.post.name, locale.code)] = _maybe_read(
                catalog_path(config, locale, source.post.name), config, locale, problems)
    for locale in catalog_locales(config, SITE_DOMAIN):
        project.site_catalogs[locale.code] = _maybe_read(
            catalog_path(config, locale, SITE_DOMAIN), config, locale, problems)
    problems.raise_if_errors()
    return project


def orphaned_templates(config: SiteConfig, post_names: set[str]) -> list[Problem]:
    """A warning for each template of a post that is no longer there (renamed or deleted).

    The tool never deletes it: ``update`` still merges its catalogs, whose
    translations fill identical text elsewhere (a renamed post's new catalog
    gets its translations that way).
    """
    return _orphans(config, config.locales_dir / "templates", "*.pot", post_names,
                    "delete this template and its catalogs once their translations are not needed")


def orphaned_catalogs(config: SiteConfig, post_names: set[str]) -> list[Problem]:
    """:func:`orphaned_templates`, then a warning for each catalog of a post that is no longer there."""
    out = orphaned_templates(config, post_names)
    for locale in config.target_locales:
        out += _orphans(config, catalog_path(config, locale, SITE_DOMAIN).parent, "*.po", post_names,
                        "nothing is built from this catalog (update reuses its translations for identical text)")
    return out


def _orphans(config: SiteConfig, folder: Path, pattern: str, post_names: set[str], advice: str) -> list[Problem]:
    """A warning for each file of ``folder`` matching ``pattern`` named after no post (nor ``site``)."""
    return [Problem(Location.of(path, root=config.root), f"no post {path.stem} any more: {advice}", "warning")
            for path in (sorted(folder.glob(pattern)) if folder.is_dir() else [])
            if path.stem not in post_names and path.stem != SITE_DOMAIN]


def _maybe_read(path: Path, config: SiteConfig, locale: SiteLocale, problems: Problems) -> Catalog | None:
    if not path.is_file():
        return None
    try:
        return read_catalog(path, config.root, locale)
    except PipelineError as exc:
        problems.add(exc.problem)
        return None
