"""Building the site: read, localize, plan every page, render what changed, write.

As MkDocs' ``build()`` does, the whole site is known before any page is
written (hreflang, switchers, listings and the sitemap need every version's
publish decision); unlike it, the heavy work is done once and kept:

1. :mod:`i18n.inputs` hashes every input; when nothing changed since the
   last build and the output is intact, the build stops there (no-op).
2. :mod:`i18n.articles` reads each post and renders each (post, language)
   article, in worker processes, cached by the hashes of its inputs.
3. :mod:`i18n.pages` plans every page from that model; a page whose inputs
   hash to the key it had last time is not rendered again.  When only post
   catalogs changed, and no publish state or path, only the pages that show
   the changed versions are planned (:func:`i18n.pages.pages_showing`).
4. Changed pages are rendered by worker processes as they are planned (a
   bounded window ahead: the site's HTML is never all in memory), which
   write them into the spare folder when their bytes changed; the new
   version is published at once (:class:`i18n.files.StagedTree`).

Output is byte-identical whatever ``jobs`` is, and whether the cache was warm.
"""

from __future__ import annotations

import itertools
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeAlias

from .cache import BuildCache, digest
from .config import SiteConfig
from .errors import Location, PipelineError, Problem, Problems
from .files import SpareWriter, StagedTree
from .inputs import FileHashes, Inputs, PostFile, scan
from .locales import PSEUDO_CODE, SiteLocale, cldr_facts, learn_cldr_facts, pseudo_locale
from .model import PostInfo, Version
from .paths import SITE_DOMAIN, catalog_path, template_path
from .theme import THEME_DIR
from .workers import PARALLEL_FROM, Workers, parallel_map

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

    from .articles import Article, ArticleContext
    from .pages import Model, PageJob, SitemapPart
    from .preview import Session
    from .ui import Language

# Babel's catalogs, Jinja2, Python-Markdown and python-liquid are imported by the
# stages that use them (below), so that a build with nothing to do never pays for them.

@dataclass
class BuildReport:
    """What a build produced."""

    pages: int = 0
    """Files in the output."""
    written: int = 0
    rendered: int = 0
    """Pages rendered (the others were unchanged since the last build)."""
    removed: int = 0
    languages: int = 0
    statuses: dict[tuple[str, str], str] = field(default_factory=dict)
    noop: bool = False
    """Nothing changed since the last build: nothing was read beyond hashing."""
    quick: bool = False
    """Only saved translations changed: a preview session redid just their pages."""


def build(config: SiteConfig, *, jobs: int | None = None, pseudo: bool = False,
          cache: BuildCache | None = None, progress: Callable[[int, int], None] | None = None,
          session: Session | None = None) -> BuildReport:
    """Build ``_site``; raise :class:`Problems` with every problem of the inputs.

    ``jobs``: worker processes (default: all cores).  ``pseudo``: add the
    preview pseudo-locale.  ``cache``: reuse one across builds; by default
    ``.cache/`` in the site folder.  ``progress(done, total)`` is called as
    posts are rendered.  ``session``: what a preview server keeps between
    builds (its cache is used), so that a saved translation redoes only its
    own pages (:mod:`i18n.preview`).
    """
    if session is not None:
        cache = session.cache
    cache = cache or BuildCache(config.root)
    try:
        if session is not None and not pseudo:
            quick = _quick(config, session)
            if quick is not None:
                return quick
        return _build(config, max(1, jobs or os.cpu_count() or 1), pseudo, cache, progress, session)
    finally:
        cache.close()  # committed; a later build (a preview server's) opens the database again


def rebuild_expected(env: Mapping[str, str] | None = None) -> bool:
    """Whether a rebuild may follow here, for a first build to leave the spare site folder ready.

    Not in continuous integration (``CI`` set, as GitHub Actions, GitLab CI and
    most others set it), where each build starts from a clean checkout and the
    spare would cost the build a hard link per file for nothing.
    """
    env = os.environ if env is None else env
    return env.get("CI", "").strip().lower() in ("", "0", "false", "no")


def _build(config: SiteConfig, jobs: int, pseudo: bool, cache: BuildCache,
           progress: Callable[[int, int], None] | None, session: Session | None) -> BuildReport:
    locales = (*config.locales, pseudo_locale()) if pseudo else config.locales
    if session is not None:
        from .preview import stamps

        session.save()  # what quick rebuilds left in memory, read back below

        before = stamps(config, locales)  # taken first: an edit made during the build is seen next time
    hashes = FileHashes(cache.get("state", "hashes"))
    inputs = scan(config, locales, hashes)
    if hashes.changed:
        cache.put("state", "hashes", hashes.stamped)
    manifest: dict[str, str] = cache.get("state", "manifest") or {}
    last = cache.get("state", "last-build")
    if isinstance(last, tuple) and last[0] == _state_key(inputs) and _intact(config.output_dir, manifest) \
            and (session is None or session.model is not None):
        return BuildReport(pages=last[1], languages=len(config.locales), noop=True)

    last_inputs, last_shards = cache.get("state", "inputs"), read_index(cache)
    facts = cache.get("state", "cldr")  # as the last build found them, with this code (Babel's version)
    if isinstance(facts, tuple) and facts[0] == inputs.config:
        learn_cldr_facts(facts[1])
    last_index = merged_index(last_shards)
    inputs.adopt_closures(last_inputs)
    model = load_model(config, pseudo=pseudo, inputs=inputs, cache=cache, jobs=jobs, progress=progress,
                       index=last_index)
    versions = model.versions
    report = BuildReport(languages=len(config.locales),
                         statuses={k: v.status for k, v in versions.items() if k[1] != PSEUDO_CODE})
    only = _pages_to_redo(model, inputs, last_inputs, last_index, manifest, config.output_dir)
    # The old site stays whole until the new one is.
    with StagedTree(config.output_dir, twin=rebuild_expected()) as tree:
        new_manifest = _render_pages(model, inputs, cache, manifest, jobs, report, tree, only)
        new_manifest.update(_write_assets(config, report, tree))
        # What the last build wrote is what may have to go (no walk of the output); without
        # a manifest, the output folder is walked and anything this build does not make goes.
        report.removed = tree.publish(new_manifest, previous=manifest or None)
    report.pages = len(new_manifest)
    save_state(cache, inputs, new_manifest)
    _save_index(cache, inputs, {i.name: i for i in model.posts}, versions, last_shards)
    if not isinstance(facts, tuple) or facts != (inputs.config, cldr_facts()):
        cache.put("state", "cldr", (inputs.config, cldr_facts()))
    if session is not None:
        session.config, session.model, session.inputs = (None if pseudo else config), model, inputs
        session.manifest, session.stamps, session.catalog_files = dict(new_manifest), before, {}
        session.succeeded()  # every input was looked at
    for version in versions.values():
        cache.mark_used("article", version.article_key)
        cache.mark_used("version", version.article_key)
        if version.liquid_key:
            cache.mark_used("liquid", version.liquid_key)
    for file in inputs.posts:
        cache.mark_used("source", file.key)
        cache.mark_used("info", file.key)
    cache.mark_used("state", "manifest")
    cache.mark_used("state", "last-build")
    cache.mark_used("state", "inputs")
    cache.mark_used("state", "hashes")
    cache.mark_used("state", "cldr")
    cache.prune(("source", "info", "article", "version", "liquid", "state", "site"))
    return report


def load_model(config: SiteConfig, *, pseudo: bool = False, inputs: Inputs | None = None,
               cache: BuildCache | None = None, jobs: int | None = None,
               progress: Callable[[int, int], None] | None = None, index: object = None) -> Model:
    """Every post in every language, with its publish decision (articles rendered and cached).

    ``index``: the last build's index, when the caller has read it already.
    """
    from .articles import ArticleContext
    from .pages import Model
    from .urls import Urls

    if cache is None:
        cache = BuildCache(config.root)
        try:
            return load_model(config, pseudo=pseudo, inputs=inputs, cache=cache, jobs=jobs, progress=progress,
                              index=index)
        finally:
            cache.close()
    jobs = max(1, jobs or os.cpu_count() or 1)
    locales = (*config.locales, pseudo_locale()) if pseudo else config.locales
    inputs = inputs or scan(config, locales)
    if index is None:
        index = merged_index(read_index(cache))
    if isinstance(index, dict):
        for kind in ("info", "version"):
            cache.preload(kind, index.get(kind) or {})
    problems = Problems()
    infos = _read_infos(config, inputs, cache, jobs, problems)
    problems.raise_if_errors()
    languages = _languages(config, locales, infos, problems, cache, inputs.config)
    problems.raise_if_errors()
    ctx = ArticleContext(config, inputs, cache, languages, infos)
    versions = _render_articles(ctx, [f for f in inputs.posts if f.name in infos], locales, jobs, problems, progress)
    if problems.errors:
        _save_index(cache, inputs, infos, versions)  # what did render is not redone once the error is fixed
    cache.commit()  # the articles, for the workers of the page stage to read
    problems.raise_if_errors()
    return Model(config, Urls(config), sorted(infos.values(), key=lambda i: i.sort_key, reverse=True),
                 versions, languages, locales, links=ctx.post_links())


def _state_key(inputs: Inputs) -> str:
    return digest("build", inputs.key)


def save_state(cache: BuildCache, inputs: Inputs, manifest: dict[str, str]) -> None:
    """What the next build starts from: the manifest of the output, and the inputs it was built from."""
    cache.put("state", "manifest", manifest)
    cache.put("state", "last-build", (_state_key(inputs), len(manifest)))  # equal: nothing to do
    cache.put("state", "inputs", inputs)


def _quick(config: SiteConfig, session: Session) -> BuildReport | None:
    from .preview import quick_rebuild

    done = quick_rebuild(config, session)
    if done is None:
        return None
    model = session.model
    assert model is not None
    return BuildReport(pages=len(session.manifest), rendered=done[0], written=done[1],
                       languages=len(config.locales), noop=done == (0, 0), quick=True,
                       statuses={k: v.status for k, v in model.versions.items() if k[1] != PSEUDO_CODE})


INDEX_SHARDS = 16
"""The index is kept in this many cache entries, each of the posts whose name hashes to it."""


def _shard(name: str) -> int:
    return zlib.crc32(name.encode("utf-8")) % INDEX_SHARDS


def read_index(cache: BuildCache) -> list[object]:
    """The entries of the last build's index, as stored (see :func:`_save_index`)."""
    return [cache.get("state", f"index-{n}") for n in range(INDEX_SHARDS)]


def merged_index(shards: list[object]) -> dict[str, dict[str, Any]] | None:
    """The last build's index, ``{"info": {post key: PostInfo}, "version": {article key: Version}}``;
    None when an entry of it is missing."""
    if not all(isinstance(shard, dict) for shard in shards):
        return None
    index: dict[str, dict[str, Any]] = {"info": {}, "version": {}}
    for shard in shards:
        assert isinstance(shard, dict)
        for kind in index:
            index[kind].update(shard.get(kind) or {})
    return index


def _save_index(cache: BuildCache, inputs: Inputs, infos: dict[str, PostInfo],
                versions: dict[tuple[str, str], Version], last: list[object] | None = None) -> None:
    """The small per-post results (infos, versions) every build reads back, in :data:`INDEX_SHARDS` entries.

    ``last``: those entries as :func:`read_index` read them; one that would
    hold the same objects is not written again.  After a translation edit,
    one entry is written, not the index of every post (2 MB at 1000 posts).
    """
    shards: list[dict[str, dict[str, Any]]] = [{"info": {}, "version": {}} for _ in range(INDEX_SHARDS)]
    for file in inputs.posts:
        if file.name in infos:
            shards[_shard(file.name)]["info"][file.key] = infos[file.name]
    for version in versions.values():
        shards[_shard(version.post)]["version"][version.article_key] = version
    for n, shard in enumerate(shards):
        old = last[n] if last is not None and len(last) == INDEX_SHARDS else None
        if not (isinstance(old, dict) and all(_same_objects(shard[kind], old.get(kind)) for kind in shard)):
            cache.put("state", f"index-{n}", shard)
        cache.mark_used("state", f"index-{n}")


def _same_objects(new: dict[str, Any], old: object) -> bool:
    """Whether ``old`` is a dict of the same keys and, for each, the same object (or an equal one)."""
    if not isinstance(old, dict) or new.keys() != old.keys():
        return False
    return all(value is old[key] or value == old[key] for key, value in new.items())


def _pages_to_redo(model: Model, inputs: Inputs, last_inputs: object, last_index: object,
                   manifest: dict[str, str], output_dir: Path) -> list[PageJob] | None:
    """The only pages to render again when nothing but post catalogs changed, and not in a
    way that moves pages (:func:`i18n.pages.pages_showing`); None: plan every page.
    """
    from .pages import pages_showing

    if not isinstance(last_inputs, Inputs) or not isinstance(last_index, dict) or not manifest:
        return None
    same = ("config", "includes", "layouts", "posts_set", "site_catalogs", "extra")
    if any(getattr(inputs, f) != getattr(last_inputs, f) for f in same) \
            or [p.key for p in inputs.posts] != [p.key for p in last_inputs.posts] \
            or inputs.catalogs.keys() != last_inputs.catalogs.keys() or not _intact(output_dir, manifest):
        return None
    old = {(v.post, v.locale): v for v in (last_index.get("version") or {}).values() if isinstance(v, Version)}
    updated = [k for k, h in inputs.catalogs.items() if last_inputs.catalogs[k] != h]
    if any(key not in old for key in updated):
        return None
    return pages_showing(model, {key: (old[key], model.versions[key]) for key in updated})


def _intact(output_dir: Path, manifest: dict[str, str]) -> bool:
    folder = str(output_dir)  # strings: a Path per file costs more than its stat
    return bool(manifest) and all(os.path.isfile(os.path.join(folder, rel)) for rel in manifest)


# -- stage 1: posts ---------------------------------------------------------------------------

_STATE: dict[str, Any] = {}
"""What forked workers need: set before the pool starts, inherited by fork."""


def _info_task(file: PostFile) -> PostInfo | Problem:
    from .articles import post_info
    from .content import read_post

    config, cache = _STATE["config"], _STATE["cache"]
    try:
        info = post_info(read_post(file.path, config.root))  # front matter: no need to segment yet
    except PipelineError as exc:
        return exc.problem
    cache.put("info", file.key, info, disk=False)  # saved with the build's index
    return info


def _read_infos(config: SiteConfig, inputs: Inputs, cache: BuildCache, jobs: int,
                problems: Problems) -> dict[str, PostInfo]:
    """Every post's :class:`PostInfo` by name; a second post with a name or URL already taken is an error."""
    found: list[PostInfo] = []
    todo = []
    for file in inputs.posts:
        info = cache.get("info", file.key)
        if isinstance(info, PostInfo):
            found.append(info)
        else:
            todo.append(file)
    _STATE.update(config=config, cache=cache)
    for result in parallel_map(_info_task, todo, jobs):
        if isinstance(result, Problem):
            problems.add(result)
        else:
            found.append(result)
    return _unique(config, [info for info in found if info.published], problems)


def _unique(config: SiteConfig, found: list[PostInfo], problems: Problems) -> dict[str, PostInfo]:
    """Posts keyed by name (which names their catalogs); the first of a name or URL wins, the others are errors."""
    from .urls import Urls

    urls = Urls(config)
    by_name: dict[str, PostInfo] = {}
    by_url: dict[str, PostInfo] = {}
    for info in sorted(found, key=lambda i: (i.path.count("/"), i.path)):
        path = urls.post_path(info, config.source_locale)
        if path in by_url:
            problems.error(Location(info.path), f"same URL {path} as {by_url[path].path}: rename one post")
        elif info.name in by_name:
            problems.error(Location(info.path), f"same file name as {by_name[info.name].path} (posts share "
                                                "catalogs by name): rename one post")
        else:
            by_url[path] = by_name[info.name] = info
    return by_name


def _languages(config: SiteConfig, locales: Iterable[SiteLocale], infos: dict[str, PostInfo],
               problems: Problems, cache: BuildCache, salt: str) -> dict[str, Language]:
    from .catalogs import read_catalog
    from .pseudo import pseudo_catalog
    from .translate import refused_translations
    from .ui import Language

    out = {}
    for locale in locales:
        catalog = None
        if locale.code == PSEUDO_CODE:
            template = template_path(config, SITE_DOMAIN)
            source_po = catalog_path(config, config.source_locale, SITE_DOMAIN)
            base = template if template.is_file() else source_po
            catalog = pseudo_catalog(read_catalog(base, config.root)) if base.is_file() else None
        else:
            path = catalog_path(config, locale, SITE_DOMAIN)
            try:
                catalog = _site_catalog(config, locale, path, cache, salt) if path.is_file() else None
            except PipelineError as exc:
                problems.add(exc.problem)
            problems.extend(refused_translations(catalog, locale, SITE_DOMAIN))  # layouts trust their strings
        out[locale.code] = Language(config, locale, catalog, tuple(infos.values()))
    return out


def _site_catalog(config: SiteConfig, locale: SiteLocale, path: Path, cache: BuildCache, salt: str) -> Catalog:
    """A language's ``site.po`` as a build uses it, kept in the cache by its bytes.

    Its references (every post that uses a category or tag) make it large, and
    its plural entry takes it past the fast grammar: reading it costs more than
    a post's catalog, at every build.  The build needs no references: they are
    left out of what is kept, which is read back in a fraction of the time.
    ``salt``: the configuration and code (:attr:`Inputs.config`).
    """
    from babel.messages.catalog import Catalog

    from .catalogs import entries, read_catalog

    data = path.read_bytes()
    key = digest("site.po", salt, locale.code, data)  # the bytes read, not the scan's: no race
    catalog = cache.get("site", key)
    if isinstance(catalog, Catalog):
        return catalog
    catalog = read_catalog(path, config.root, locale, data=data)
    for entry in [*entries(catalog), *catalog.obsolete.values()]:
        entry.locations = []
    cache.put("site", key, catalog)
    return catalog


# -- stage 2: articles ------------------------------------------------------------------------

def _article_task(task: tuple[PostFile, tuple[SiteLocale, ...]]) -> list[Article | Problem]:
    """Render one post's articles (in a worker): the parent stores them, since only it writes the cache."""
    from .articles import make_article, read_source
    from .translate import UnsafeTranslationError

    ctx: ArticleContext = _STATE["articles"]
    file, locales = task
    out: list[Article | Problem] = []
    try:
        source = read_source(file, ctx.config.root, ctx.cache)  # once for all its languages
    except PipelineError as exc:
        return [exc.problem]
    for locale in locales:
        try:
            out.append(make_article(ctx, file, locale, source))
        except UnsafeTranslationError as exc:
            out.extend(exc.problems)  # every refused translation of the catalog, not just the first
        except PipelineError as exc:
            out.append(exc.problem)
    return out


def _render_articles(ctx: ArticleContext, files: list[PostFile], locales: tuple[SiteLocale, ...], jobs: int,
                     problems: Problems, progress: Callable[[int, int], None] | None) -> dict[tuple[str, str], Version]:
    from .articles import keep_article

    versions: dict[tuple[str, str], Version] = {}
    tasks = []
    for file in files:
        todo = []
        for locale in locales:
            key = ctx.key(file, locale)
            cached = ctx.cache.get("version", key)
            if isinstance(cached, Version) and ctx.cache.has("article", key):
                versions[(file.name, locale.code)] = cached
            else:
                todo.append(locale)
        if todo:
            tasks.append((file, tuple(todo)))
    _STATE["articles"] = ctx
    if len(tasks) >= PARALLEL_FROM:
        for language in ctx.languages.values():
            _ = language.jekyll  # made once here, for the workers to inherit
    done = len(files) - len(tasks)
    with Workers(jobs) as workers:
        for results in workers.imap(_article_task, tasks):
            for result in results:
                if isinstance(result, Problem):
                    if result not in problems.items:  # a source error fails every language alike
                        problems.add(result)
                else:
                    keep_article(ctx.cache, result)  # only this process writes the cache
                    versions[(result.version.post, result.version.locale)] = result.version
            done += 1
            if progress is not None:
                progress(done, len(files))
    return versions


# -- stage 3: pages ---------------------------------------------------------------------------

def _render_job(job: PageJob) -> bytes | bytearray:
    """The page's bytes."""
    from .render import render_page

    lang, context = _page_context(job)
    return render_page(lang.jinja, job.template, context, lang.config.root)


def _write_job(job: PageJob, file: BinaryIO) -> None:
    """The page written into ``file`` a chunk at a time (a large one, never held whole)."""
    from .render import write_page

    lang, context = _page_context(job)
    write_page(lang.jinja, job.template, context, file, lang.config.root)


def _page_context(job: PageJob) -> tuple[Language, dict[str, Any]]:
    """The interface language a page is rendered with, and its context with the articles it shows."""
    context = job.materialize(_STATE.get("model"))
    if job.article_key:
        from markupsafe import Markup

        context = {**context, "post": {**context["post"], "html": Markup(_article_html(job.article_key))}}
    if job.feed_articles:
        # Atom's type="html" content is escaped HTML: a plain str, which autoescaping escapes.
        entries = [{**e, "content": _article_html(e["article_key"])} for e in context["feed"]["entries"]]
        context = {**context, "feed": {**context["feed"], "entries": entries}}
    languages: dict[str, Language] = _STATE["languages"]
    return languages[job.locale], context


PageTask: TypeAlias = "tuple[SpareWriter, str, PageJob] | tuple[SpareWriter, tuple[str, str]]"
"""A page for a worker to render: its output file and job, or a post page's (post name, locale code)."""
PageResult = tuple[str, str | None, bool | Problem | None]
"""A page task's output file, key (post pages planned by the worker, else None), and whether its
bytes changed (None: not rendered, its key being the one the manifest has)."""


def _page_task(item: PageTask) -> PageResult:
    """Render a page and write it into the prepared spare (in a worker, so writes run in parallel too).

    A post page comes as (post name, locale code): the worker, which has the model,
    plans it, and renders it only if its key is not the one the last build's manifest has.
    """
    if len(item) == 2:
        from .pages import post_page

        writer, (name, code) = item
        job = post_page(_STATE["model"], name, code)
        rel = _STATE["urls"].output_rel(job.path)
        key = job.key(_STATE["salts"][code])
        if _current(_STATE["manifest"], _STATE["out_dir"], rel, key):
            return rel, key, None
        return rel, key, _written(writer, rel, job)
    writer, rel, job = item
    return rel, None, _written(writer, rel, job)


def _current(manifest: dict[str, str], out_dir: str, rel: str, key: str) -> bool:
    """Whether the output file ``rel`` is in place, made by the last build from a page of that key."""
    return manifest.get(rel) == key and os.path.isfile(os.path.join(out_dir, rel))


def _written(writer: SpareWriter, rel: str, job: PageJob) -> bool | Problem:
    try:
        if job.large:
            return writer.write_from(rel, lambda file: _write_job(job, file))
        data = _render_job(job)
    except PipelineError as exc:
        return exc.problem  # a problem crosses back from a worker; an exception would not
    return writer.write(rel, data)


def _article_html(key: str) -> str:
    """The article HTML stored under ``key``, rendered again if the cache lost it during the build.

    The article stage stored it, but the cache may have been deleted since, or
    have failed to keep it: a page never shows less than its article.
    """
    from .articles import make_article

    cache: BuildCache = _STATE["cache"]
    html = cache.get("article", key)
    if isinstance(html, str):
        return html
    ctx: ArticleContext = _STATE["articles"]
    found = ctx.article_of(key)
    if found is None:
        raise RuntimeError(f"no article of this build has the key {key}")
    return make_article(ctx, *found).html


def _render_pages(model: Model, inputs: Inputs, cache: BuildCache, manifest: dict[str, str], jobs: int,
                  report: BuildReport, tree: StagedTree, only: list[PageJob] | None = None) -> dict[str, str]:
    """Render every page whose key changed; return the new manifest (output path -> page key).

    ``only``: the pages that can have changed, the others staying as the manifest says.
    Post pages are planned by the workers (each from its name); the other pages are
    planned here while workers render the ones before (as the workers take them, a few tasks
    ahead: contexts never pile up in memory); the sitemap last, its post entries made again
    from the model.
    """
    from .pages import other_pages, post_pages, site_files, sitemap_parts

    salts: dict[tuple[str, str], str] = {}
    urls = model.urls
    out_dir = str(model.config.output_dir)
    new_manifest: dict[str, str] = {} if only is None else dict(manifest)
    others_sitemap: list[dict[str, Any]] = []
    cache.commit()  # before workers read it
    writer: SpareWriter | None = None

    def planned(jobs_: Iterable[PageJob], sitemap: list[dict[str, Any]] | None = None,
                record: list[_Planned] | None = None) -> Iterator[PageTask]:
        """The jobs to render (keys unlike the manifest's), noting every key and sitemap entry."""
        nonlocal writer
        for job in jobs_:
            rel = urls.output_rel(job.path)
            salt = salts.get((job.locale, job.template))
            if salt is None:
                salt = salts[(job.locale, job.template)] = inputs.page_salt(job.locale, job.template)
            key = job.key(salt)
            new_manifest[rel] = key
            if sitemap is not None and job.sitemap:
                sitemap.append(job.sitemap)
            if record is not None:
                record.append((rel, key, (job.locale, job.template), job.sitemap))
            if not _current(manifest, out_dir, rel, key):
                writer = writer or tree.prepare()
                if job.post is not None:
                    yield writer, job.post  # planned again by the worker, from the model it has
                elif job.model_context:
                    job.make = None  # its context made by the worker, from the model it has
                    yield writer, rel, job
                else:
                    job.materialize()
                    yield writer, rel, job

    def todo() -> Iterator[PageTask]:
        nonlocal writer
        if only is not None:
            yield from planned(only)
            return
        if model.posts:
            writer = writer or tree.prepare()  # most builds that plan every page change some post page
        for post in post_pages(model):
            assert writer is not None
            yield writer, post
        if kept is None:
            yield from planned(other_pages(model), others_sitemap, record=others)
            return
        for rel, key, _, sitemap in kept:  # as the last build planned them
            new_manifest[rel] = key
            if sitemap:
                others_sitemap.append(sitemap)

    others: list[_Planned] = []
    kept, kept_parts = (None, None) if only is not None else \
        _kept_others(cache.get("state", "others"), inputs, manifest, out_dir)
    post_salts = {loc.code: inputs.page_salt(loc.code, "post.html") for loc in model.locales}
    _STATE.update(languages=model.languages, cache=cache, model=model, urls=urls, salts=post_salts,
                  manifest=manifest, out_dir=out_dir)  # what workers plan post pages with
    written = []
    tasks = todo()
    # Planned here until there are enough pages to render for workers to be worth starting
    # (a few pages, after a translation edit, are rendered in this process).
    head = list(itertools.islice(tasks, PARALLEL_FROM))
    expected = len(head) if len(head) < PARALLEL_FROM else len(model.posts) * len(model.locales)

    def done(result: PageResult) -> None:
        rel, key, outcome = result
        if isinstance(outcome, Problem):
            raise PipelineError(outcome.location, outcome.message)
        if key is not None:
            new_manifest[rel] = key
        if outcome is not None:
            report.rendered += 1
            if outcome:
                written.append(rel)

    with Workers(jobs) as workers:
        for result in workers.imap(_page_task, itertools.chain(head, tasks), expected):
            done(result)
    if only is None:
        parts = kept_parts if kept_parts is not None else sitemap_parts(model, others_sitemap)
        for item in planned(site_files(model, others_sitemap, parts)):
            done(_page_task(item))
        if kept is None:
            cache.put("state", "others", (inputs.model_key, {k: salts[k] for _, _, k, _ in others}, others, parts))
        else:
            cache.mark_used("state", "others")
    for rel in written:
        tree.record(rel)
    report.written += len(written)
    return new_manifest


_Planned = tuple[str, str, tuple[str, str], "dict[str, Any] | None"]
"""A page but a post's, as a build planned it: output file, key, (locale code, layout), sitemap entry."""


def _kept_others(last: object, inputs: Inputs, manifest: dict[str, str],
                 out_dir: str) -> tuple[list[_Planned] | None, list[SitemapPart] | None]:
    """The pages but the posts' as the last build planned them, when planning them again would give
    the same, and how its sitemap fell into files, when that is the same.

    The sitemap is when every input but the layouts is as it was (so the model and every
    context are); the pages are when, besides, the layouts each of them is made with are too
    (so their keys are), and their files are in place.  A layout edit of the post pages then
    plans no listing, feed or status page again, nor hashes the sitemap's entries.  None: plan them.
    """
    if not (isinstance(last, tuple) and len(last) == 4 and last[0] == inputs.model_key):
        return None, None
    _, salts, pages, parts = last
    if any(inputs.page_salt(code, template) != salt for (code, template), salt in salts.items()) \
            or not all(_current(manifest, out_dir, rel, key) for rel, key, _, _ in pages):
        return None, list(parts)
    return list(pages), list(parts)


def _write_assets(config: SiteConfig, report: BuildReport, tree: StagedTree) -> dict[str, str]:
    """Copy the theme's assets; return their manifest entries (path -> hash of the bytes)."""
    written = {}
    for asset in sorted((THEME_DIR / "static").iterdir()):
        rel = f"assets/{asset.name}"
        data = asset.read_bytes()
        if tree.write(rel, data):
            report.written += 1
        written[rel] = digest(data)
    return written
