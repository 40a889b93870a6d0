"""Every page of the site, planned from the site model before any is rendered.

:func:`post_page`, :func:`other_pages` and :func:`site_files` turn the model
(posts, their versions with the one publish decision, each language's
interface) into :class:`PageJob`\\ s: an output path, a layout and a context
of plain data; a build plans them in that order, post pages first, the sitemap
and ``robots.txt`` last.  A job's :attr:`~PageJob.key`
hashes everything its page depends on, so an unchanged page is not rendered
again.  hreflang, canonical, the switcher, listings, feeds and the sitemap
are all computed here from :attr:`Version.published`; nothing recomputes the
decision.

Pages per language: posts, paginated index, one page per category and tag
(translated names, slugs from the source term so that they are the same in
every language), an Atom feed and a 404 page.  Site-wide: the language
chooser at ``/`` (the ``x-default``), ``/404.html``, ``/translation-status/``
(for translators; ``noindex``), ``sitemap.xml`` and ``robots.txt``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import heapq
import itertools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from markdown.extensions.toc import slugify_unicode
from markupsafe import Markup

from .cache import digest
from .config import SiteConfig
from .locales import SiteLocale
from .model import FALLBACK, PREVIEW, SOURCE, PostInfo, Version
from .ui import Language
from .urls import Alternate, Urls

FEED_ENTRIES = 20
RELATED_POSTS = 3
STATUS_PATH = "/translation-status/"


@dataclass
class PageJob:
    """One output file to render: layout, context and what it depends on."""

    path: str
    """Site path; the output file is derived from it."""
    template: str
    locale: str
    """Code of the language whose interface renders it."""
    context: dict[str, Any] | None
    """What the layout renders; None until :meth:`materialize` when ``make`` builds it."""
    article_key: str = ""
    """Cache key of the article HTML to insert as ``post.html`` (post pages)."""
    feed_articles: list[str] = field(default_factory=list)
    """Cache keys of the articles a feed embeds."""
    sitemap: dict[str, Any] | None = None
    """This page's sitemap entry, when it is indexed (not a post page's: :func:`site_files` makes those)."""
    depends: str = ""
    """When set: a description of every input of the context, so the key needs no context."""
    make: Callable[[], dict[str, Any]] | None = field(default=None, repr=False, compare=False)
    """Builds the context of a page planned with ``depends``, if it has to be rendered."""
    post: tuple[str, str] | None = None
    """A post page's (post name, locale code): a worker that has the model plans it again from that
    (:func:`post_page`), instead of receiving its context pickled."""
    large: bool = False
    """Written into its file as it is rendered, a chunk at a time (the sitemap, the status page):
    never held whole."""
    model_context: str = ""
    """The name, in :data:`MODEL_CONTEXTS`, of what makes this page's context from the model: a
    worker, which has the model, makes it (a large one) instead of receiving it pickled."""

    def key(self, salt: str) -> str:
        """Hash of everything the rendered page depends on (``salt``: layouts, UI catalog, config)."""
        # repr, not pickle: pickle's bytes depend on which equal objects are shared.
        return digest(salt, self.path, self.template, self.locale, self.article_key, *self.feed_articles,
                      self.depends or repr(self.context))

    def materialize(self, model: Model | None = None) -> dict[str, Any]:
        """The context, built now if it was deferred (a job goes to a worker without ``make``);
        ``model``: the worker's, for a job sent with only its :attr:`model_context`."""
        if self.context is None:
            if self.make is not None:
                self.context = self.make()
            else:
                assert model is not None and self.model_context
                self.context = MODEL_CONTEXTS[self.model_context](model)
        self.make = None
        return self.context


def post_page(model: Model, name: str, code: str) -> PageJob:
    """The page of post ``name`` in the language of code ``code``."""
    return _post_page(model, model.post_named(name), model.locale_of(code))


@dataclass
class Model:
    """The whole site as data."""

    config: SiteConfig
    urls: Urls
    posts: list[PostInfo]
    """Newest first."""
    versions: dict[tuple[str, str], Version]
    """(post name, locale code) -> version."""
    languages: dict[str, Language]
    locales: tuple[SiteLocale, ...]
    """Languages built: the site's, plus the pseudo-locale in a preview build."""
    links: str = ""
    """:func:`i18n.articles.links_key` of :attr:`posts`, as the article stage found it."""

    _names: dict[str, PostInfo] = field(default_factory=dict, init=False, repr=False, compare=False)
    _published_in: dict[str, dict[str, list[int]]] = field(default_factory=dict, init=False, repr=False,
                                                           compare=False)

    @property
    def real_locales(self) -> tuple[SiteLocale, ...]:
        return self.config.locales

    def post_named(self, name: str) -> PostInfo:
        """The post of that name."""
        if not self._names:
            self._names = {i.name: i for i in self.posts}
        return self._names[name]

    def published_in(self, category: str, code: str) -> list[int]:
        """Positions in :attr:`posts` of the posts in ``category`` published in the language ``code``.

        Indexed once per language: a related-posts list then looks at a few posts, not the whole
        site (which it did where a language has few published posts).  Publish states stay as they
        are for a model's life; the preview swaps in versions only when none changed.
        """
        index = self._published_in.get(code)
        if index is None:
            index = self._published_in[code] = {}
            for i, info in enumerate(self.posts):
                if self.versions[(info.name, code)].published:
                    for c in dict.fromkeys(info.categories):
                        index.setdefault(c, []).append(i)
        return index.get(category, [])

    def locale_of(self, code: str) -> SiteLocale:
        """The language built with that code."""
        return next(loc for loc in self.locales if loc.code == code)


OWN_PAGE_ONLY = ("article_key", "liquid_key", "minutes", "translated", "fuzzy", "translated_chars", "left")
"""Fields of a :class:`Version` that only its own page, the feed and the status page show."""
LISTED = ("title", "description", "keywords", "excerpt_html", "title_lang", "description_lang")
"""Fields that listings of its language show too: index and taxonomy pages, related posts."""
COUNTED = ("title", "path", "status", "translated", "fuzzy", "total", "translated_chars", "total_chars", "left")
"""Fields the translation status page shows (:func:`status_rows`)."""


def _same_but(old: Version, new: Version, fields: tuple[str, ...]) -> bool:
    return dataclasses.replace(new, **{f: getattr(old, f) for f in fields}) == old


def pages_showing(model: Model, changes: Mapping[tuple[str, str], tuple[Version, Version]]) -> list[PageJob] | None:
    """The only pages that can differ once these (post name, locale code) versions went from old to new.

    Their post pages, their languages' feeds and, when counts or what is left
    changed (:data:`COUNTED`), the status page; when a title,
    description or excerpt changed (:data:`LISTED`), also the index and taxonomy
    pages of that language and the posts that show it as related.  None when a
    publish state, a path or anything else changed: then any page can differ.
    """
    listed = set()
    for key, (old, new) in changes.items():
        if not _same_but(old, new, OWN_PAGE_ONLY):
            if not _same_but(old, new, OWN_PAGE_ONLY + LISTED):
                return None
            listed.add(key)
    jobs = {}
    for name, code in sorted(changes):
        job = post_page(model, name, code)
        jobs[job.path] = job
    for code in sorted({code for _, code in changes}):
        jobs[f"feed:{code}"] = _feed(model, model.locale_of(code))
    for code in sorted({code for _, code in listed}):
        locale = model.locale_of(code)
        names = {name for name, c in listed if c == code}
        for job in [*_listing_pages(model, locale, names), *_taxonomy_pages(model, locale, names)]:
            jobs[job.path] = job
        shown = {model.urls.href(model.versions[key].path) for key in listed if key[1] == code}
        for info in model.posts:
            if info.related and any(r["href"] in shown for r in _related(model, info, locale)):
                job = _post_page(model, info, locale)
                jobs[job.path] = job
    if any(getattr(old, f) != getattr(new, f) for old, new in changes.values() for f in COUNTED):
        status = _status_page(model)  # planning it reads every version: only when it can differ
        jobs[status.path] = status
    return list(jobs.values())


@lru_cache(maxsize=4096)  # every page of a post links to its terms
def term_slug(term: str) -> str:
    """URL slug of a category or tag: from the source term, the same in every language."""
    return slugify_unicode(term, "-") or "term"


def _json_for_script(data: object) -> Markup:
    """JSON safe inside a ``<script>`` element (no ``</script>`` or ``<!--`` can form)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def post_pages(model: Model) -> Iterator[tuple[str, str]]:
    """(post name, locale code) of every post page, in the order a build plans them."""
    for info in model.posts:
        for locale in model.locales:
            yield info.name, locale.code


def _post_sitemap(model: Model) -> Iterator[dict[str, Any]]:
    """The sitemap entries of the published post pages, in the order a build plans the pages."""
    for info in model.posts:
        for locale in model.locales:
            v, url, _, _, _, alternates = _post_links(model, info, locale)
            if v.published:
                yield {"loc": url, "alternates": alternates, "lastmod": info.modified.date().isoformat()}


SITEMAP_URLS = 50_000
"""Most URLs one sitemap file may list (the sitemaps.org protocol's limit)."""
SITEMAP_BYTES = 40 * 2**20
"""Most bytes one sitemap file is planned to hold, by :func:`_entry_bytes` (the protocol allows
50 MiB: the rest is a margin for a site's own sitemap layout)."""


def _entry_bytes(entry: dict[str, Any]) -> int:
    """About what the default layout makes of a sitemap entry, in bytes (a little more, not less)."""
    return 64 + len(entry["loc"]) + len(entry.get("lastmod") or "") + sum(
        64 + len(alt.hreflang) + len(alt.href) for alt in entry.get("alternates") or ())


SitemapPart = tuple[int, str, str]
"""A sitemap file as planned: the number of entries before the next file's, the hash of its
entries, and their newest ``lastmod`` ('' when none has one)."""


def _sitemap_entries(model: Model, others: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield from _post_sitemap(model)
    yield from others


def sitemap_parts(model: Model, others: list[dict[str, Any]]) -> list[SitemapPart]:
    """How the sitemap's entries (the post pages', then ``others``) fall into files: one, unless
    they pass :data:`SITEMAP_URLS` or :data:`SITEMAP_BYTES`."""
    parts: list[SitemapPart] = []
    h, count, size, newest = hashlib.blake2b(digest_size=16), 0, 0, ""
    for entry in _sitemap_entries(model, others):
        bytes_ = _entry_bytes(entry)
        if count and (count - (parts[-1][0] if parts else 0) >= SITEMAP_URLS or size + bytes_ > SITEMAP_BYTES):
            parts.append((count, h.hexdigest(), newest))
            h, size, newest = hashlib.blake2b(digest_size=16), 0, ""
        h.update(repr(entry).encode("utf-8"))
        count, size, newest = count + 1, size + bytes_, max(newest, entry.get("lastmod") or "")
    parts.append((count, h.hexdigest(), newest))
    return parts


def site_files(model: Model, others: list[dict[str, Any]], parts: list[SitemapPart] | None = None) -> list[PageJob]:
    """The sitemap (the post pages' entries, then ``others``, the other pages'), and ``robots.txt``.

    They come last.  The sitemap's entries are made again from the model, once
    for its key (:func:`sitemap_parts`, unless ``parts`` are given: the last
    build's, when the model is the same) and once more if it is rendered, rather
    than gathered from every post page: the largest page of the site is never
    held whole as data.  A site with more entries than one file may hold
    (:data:`SITEMAP_URLS`, :data:`SITEMAP_BYTES`) gets ``/sitemap.xml`` as a
    sitemap index of ``/sitemap-1.xml``, ``/sitemap-2.xml``... each holding the
    next entries.
    """
    code = model.config.source_locale.code
    parts = sitemap_parts(model, others) if parts is None else parts
    robots = PageJob("/robots.txt", "robots.txt", code, {"sitemap": model.urls.absolute("/sitemap.xml"),
                                                        "root": model.urls.href("/"),
                                                        "status": model.urls.href(STATUS_PATH)})

    def part(start: int, end: int) -> Callable[[], dict[str, Any]]:
        return lambda: {"entries": itertools.islice(_sitemap_entries(model, others), start, end)}

    if len(parts) == 1:
        return [PageJob("/sitemap.xml", "sitemap.xml", code, None, depends=f"sitemap {parts[0][1]}",
                        make=part(0, parts[0][0]), large=True), robots]
    jobs, sitemaps, start = [], [], 0
    for number, (end, hashed, lastmod) in enumerate(parts, 1):
        path = f"/sitemap-{number}.xml"
        jobs.append(PageJob(path, "sitemap.xml", code, None, depends=f"sitemap {hashed}", make=part(start, end),
                            large=True))
        sitemaps.append({"loc": model.urls.absolute(path), "lastmod": lastmod})
        start = end
    return [PageJob("/sitemap.xml", "sitemapindex.xml", code, {"sitemaps": sitemaps}), *jobs, robots]


def other_pages(model: Model) -> Iterator[PageJob]:
    """Every page but the posts' and the site files, in the order a build plans them (after the posts)."""
    for locale in model.locales:
        yield from _listing_pages(model, locale)
        yield from _taxonomy_pages(model, locale)
        yield _feed(model, locale)
        yield _not_found(model, locale, f"/{locale.url_segment}/404.html")
    yield _chooser(model)
    yield _not_found(model, model.config.source_locale, "/404.html")
    yield _status_page(model)


def _site(model: Model, lang: Language) -> dict[str, Any]:
    href = model.urls.href
    return {"title": lang.site_title, "base_url": model.config.base_url, "assets": href("/assets"),
            "year": int(model.config.extra.get("copyright_year", 2021)),
            "feed": href(f"/{lang.locale.url_segment}/feed.xml"), "status": href(STATUS_PATH)}


def _head(model: Model, locale: SiteLocale, *, title: str, url: str, alternates: list[Alternate],
          canonical: str = "", noindex: bool = False, description: str = "", og_type: str = "website",
          switcher: list[dict[str, Any]] | None = None, json_ld: object = None, keywords: str = "",
          image: str = "") -> dict[str, Any]:
    published_langs = {a.hreflang for a in alternates}
    return {
        "image": image,
        "lang": locale.hreflang, "dir": locale.direction, "title": title, "description": description,
        "keywords": keywords, "canonical": canonical or url, "noindex": noindex, "alternates": alternates,
        "url": url, "og_type": og_type, "og_locale": locale.og_locale,
        "og_alternates": [loc.og_locale for loc in model.real_locales
                          if loc != locale and loc.hreflang in published_langs],
        "json_ld": _json_for_script(json_ld) if json_ld else None,
        "home": model.urls.href(model.urls.index_path(locale)), "switcher": switcher or [],
        "feed": model.urls.absolute(f"/{locale.url_segment}/feed.xml"),
    }


def _switcher(model: Model, current: SiteLocale, hrefs: dict[SiteLocale, tuple[str, bool]]) -> list[dict[str, Any]]:
    shown = [*model.real_locales, *([current] if current not in model.real_locales else [])]
    return [{"lang": loc.hreflang, "name": loc.native_name, "href": model.urls.href(hrefs[loc][0]),
             "published": hrefs[loc][1],
             "current": loc == current} for loc in shown if loc in hrefs]


def _post_links(model: Model, info: PostInfo, locale: SiteLocale) -> tuple[
        Version, str, str, dict[SiteLocale, Version], dict[SiteLocale, str], list[Alternate]]:
    """A post page's version, URL and source's URL, the post's version in each language, the URLs
    of those published, and the page's hreflang set (none when it is not published)."""
    urls = model.urls
    v = model.versions[(info.name, locale.code)]
    url = urls.absolute(v.path)
    source_url = urls.absolute(urls.post_path(info, model.config.source_locale))
    versions = {loc: model.versions[(info.name, loc.code)] for loc in model.real_locales}
    published = {loc: urls.absolute(o.path) for loc, o in versions.items() if o.published}
    alternates = urls.alternates(published, source_url) if v.published else []
    return v, url, source_url, versions, published, alternates


def _post_page(model: Model, info: PostInfo, locale: SiteLocale) -> PageJob:
    """A post's page; its context is built only if its inputs changed since the last build."""
    v, url, source_url, versions, published, alternates = _post_links(model, info, locale)
    related = _related(model, info, locale) if info.related else []
    # Everything the context below is made of, beside what the key's salt covers (layouts,
    # this language's site.po, the configuration and the set of languages).
    depends = repr((info, v, sorted((loc.code, o.path, o.status) for loc, o in versions.items()), related))
    return PageJob(v.path, "post.html", locale.code, None, article_key=v.article_key,
                   depends=depends, make=lambda: _post_context(model, info, locale, v, versions, related,
                                                              (url, source_url), published, alternates),
                   post=(info.name, locale.code))


def _post_context(model: Model, info: PostInfo, locale: SiteLocale, v: Version,
                  versions: dict[SiteLocale, Version], related: list[dict[str, str]], urls_: tuple[str, str],
                  published: dict[SiteLocale, str], alternates: list[Alternate]) -> dict[str, Any]:
    config, urls = model.config, model.urls
    lang = model.languages[locale.code]
    url, source_url = urls_
    json_ld: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "BlogPosting", "headline": v.title,
        "description": v.description, "inLanguage": locale.hreflang,
        "datePublished": _rfc3339(config, info.date), "dateModified": _rfc3339(config, info.modified),
        "url": url, "mainEntityOfPage": url,
    }
    if info.author or config.author:
        json_ld["author"] = {"@type": "Person", "name": info.author or config.author}
    image = _image_url(model, info.image)
    if image:
        json_ld["image"] = image
    if v.status == SOURCE:
        json_ld["workTranslation"] = [{"@id": u} for loc, u in published.items() if loc != locale]
    else:
        json_ld["translationOfWork"] = {"@id": source_url}
    switch = {loc: (o.path, o.published) for loc, o in versions.items()}
    switch[locale] = (v.path, v.published)
    context = {
        "site": _site(model, lang),
        "page": _head(model, locale, title=v.title, url=url, alternates=alternates,
                      canonical=url if v.published else source_url, noindex=not v.published,
                      description=v.description, og_type="article", keywords=v.keywords,
                      switcher=_switcher(model, locale, switch), json_ld=json_ld, image=image),
        "post": {
            "date": info.date, "modified": info.modified, "date_iso": info.date.isoformat(),
            "modified_iso": info.modified.isoformat(), "read_time": info.read_time, "minutes": v.minutes,
            "categories": [{"name": lang.term("categories", t), "href": urls.href(_term_path(locale, "categories", t))}
                           for t in info.categories],
            "tags": [{"name": lang.term("tags", t), "href": urls.href(_term_path(locale, "tags", t))}
                     for t in info.tags],
            "share": info.share, "related": related,
            "status": v.status,
        },
    }
    return context


def _image_url(model: Model, image: str) -> str:
    """An absolute URL for a share image: as written when it has a scheme, else below the site's URL."""
    if not image or re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", image):
        return image if image.startswith(("https://", "http://")) else ""
    if image.startswith("//"):
        return f"https:{image}"  # another host's, without a scheme
    return model.urls.absolute(image if image.startswith("/") else f"/{image}")


def _related(model: Model, info: PostInfo, locale: SiteLocale) -> list[dict[str, str]]:
    """Up to :data:`RELATED_POSTS` other posts sharing a category, published in ``locale``, newest first."""
    out = []
    last = -1
    for i in heapq.merge(*(model.published_in(c, locale.code) for c in dict.fromkeys(info.categories))):
        other = model.posts[i]
        if i == last or other.name == info.name:
            continue  # in two of its categories, or itself
        last = i
        ov = model.versions[(other.name, locale.code)]
        out.append({"href": model.urls.href(ov.path), "title": ov.title})
        if len(out) == RELATED_POSTS:
            break
    return out


def _items(model: Model, locale: SiteLocale, posts: list[PostInfo]) -> list[dict[str, Any]]:
    out = []
    for info in posts:
        v = model.versions[(info.name, locale.code)]
        shown = model.config.source_locale if v.status == FALLBACK else locale
        out.append({"href": model.urls.href(v.path), "title": v.title, "description": v.description,
                    "excerpt": Markup(v.excerpt_html), "title_lang": v.title_lang,
                    "description_lang": v.description_lang,
                    "date": info.date, "date_iso": info.date.isoformat(), "status": v.status,
                    "lang": shown.hreflang})
    return out


def _listing_pages(model: Model, locale: SiteLocale, showing: set[str] | None = None) -> Iterator[PageJob]:
    """The paginated index of one language (``showing``: only its pages that list one of these posts)."""
    return _paginate(model, locale, model.posts,
                     lambda loc, n: model.urls.index_path(loc, n), heading="",
                     x_default=lambda n: model.urls.absolute("/" if n == 1 else
                                                             model.urls.index_path(model.config.source_locale, n)),
                     showing=showing)


def _paginate(model: Model, locale: SiteLocale, posts: list[PostInfo], path_of: Any, heading: str,
              x_default: Any, term: dict[str, str] | None = None, showing: set[str] | None = None) -> Iterator[PageJob]:
    """The pages listing ``posts``; ``showing``: only those that list one of the posts of these names.

    Made one at a time, as the build takes them: a language's listing pages are never all held.
    """
    lang = model.languages[locale.code]
    per = model.config.posts_per_page
    pages = max(1, -(-len(posts) // per))
    preview = locale not in model.real_locales
    numbers = range(1, pages + 1) if showing is None else \
        sorted({i // per + 1 for i, info in enumerate(posts) if info.name in showing})
    for n in numbers:
        path = path_of(locale, n)
        url = model.urls.absolute(path)
        alternates = [] if preview else model.urls.alternates(
            {loc: model.urls.absolute(path_of(loc, n)) for loc in model.real_locales}, x_default(n))
        context = {
            "site": _site(model, lang),
            "page": _head(model, locale, title=heading or lang.site_title, url=url, alternates=alternates,
                          noindex=preview,
                          switcher=_switcher(model, locale, {loc: (path_of(loc, n), True) for loc in model.locales})),
            "listing": {"posts": _items(model, locale, posts[(n - 1) * per:n * per]), "page": n, "pages": pages,
                        "previous": model.urls.href(path_of(locale, n - 1)) if n > 1 else None,
                        "next": model.urls.href(path_of(locale, n + 1)) if n < pages else None, "term": term},
        }
        sitemap = None if preview else {"loc": url, "alternates": alternates, "lastmod": None}
        yield PageJob(path, "index.html", locale.code, context, sitemap=sitemap)


def _term_path(locale: SiteLocale, taxonomy: str, term: str, page: int = 1) -> str:
    base = f"/{locale.url_segment}/{taxonomy}/{term_slug(term)}/"
    return base if page == 1 else f"{base}page/{page}/"


def _taxonomy_pages(model: Model, locale: SiteLocale, showing: set[str] | None = None) -> Iterator[PageJob]:
    """The pages of every category and tag of one language (``showing``: as :func:`_paginate`)."""
    lang = model.languages[locale.code]
    for taxonomy in ("categories", "tags"):
        terms: dict[str, list[PostInfo]] = {}
        for info in model.posts:
            for term in getattr(info, taxonomy):
                terms.setdefault(term, []).append(info)
        for term in sorted(terms):
            if showing is not None and not any(info.name in showing for info in terms[term]):
                continue
            name = lang.term(taxonomy, term)
            yield from _paginate(
                model, locale, terms[term],
                lambda loc, n, taxonomy=taxonomy, term=term: _term_path(loc, taxonomy, term, n), heading=name,
                x_default=lambda n, taxonomy=taxonomy, term=term: model.urls.absolute(
                    _term_path(model.config.source_locale, taxonomy, term, n)),
                term={"taxonomy": taxonomy, "name": name}, showing=showing)


def _feed(model: Model, locale: SiteLocale) -> PageJob:
    lang = model.languages[locale.code]
    urls = model.urls
    entries: list[dict[str, Any]] = []
    newest: list[PostInfo] = []
    for info in model.posts:
        v = model.versions[(info.name, locale.code)]
        if not (v.published or (v.status == PREVIEW and locale not in model.real_locales)):
            continue
        entries.append({"title": v.title, "url": urls.absolute(v.path), "summary": v.description,
                        "published": _rfc3339(model.config, info.date),
                        "updated": _rfc3339(model.config, info.modified),
                        "author": info.author or model.config.author or lang.site_title,
                        "categories": [lang.term("categories", t) for t in info.categories],
                        "article_key": v.article_key})
        newest.append(info)
        if len(entries) == FEED_ENTRIES:
            break
    latest = max(newest, key=lambda i: _utc(i.modified), default=None)
    updated = _rfc3339(model.config, latest.modified) if latest else "1970-01-01T00:00:00Z"
    path = f"/{locale.url_segment}/feed.xml"
    context = {"feed": {"title": lang.site_title, "lang": locale.hreflang, "id": urls.absolute(path),
                        "self": urls.absolute(path), "home": urls.absolute(urls.index_path(locale)),
                        "updated": updated, "entries": entries}}
    return PageJob(path, "feed.xml", locale.code, context, feed_articles=[e["article_key"] for e in entries])


def _rfc3339(config: SiteConfig, value: dt.datetime) -> str:
    """A timestamp Atom accepts: a date without a zone is taken in the site's timezone (else UTC)."""
    if value.tzinfo is None:
        zone = ZoneInfo(config.timezone) if config.timezone else dt.UTC
        value = value.replace(tzinfo=zone)
    return value.isoformat().replace("+00:00", "Z")


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


def _not_found(model: Model, locale: SiteLocale, path: str) -> PageJob:
    lang = model.languages[locale.code]
    url = model.urls.absolute(path)
    context = {
        "site": _site(model, lang),
        "page": _head(model, locale, title="", url=url,
                      alternates=[], noindex=True,
                      switcher=_switcher(model, locale, {loc: (f"/{loc.url_segment}/404.html", True)
                                                         for loc in model.real_locales})),
        "choices": [{"lang": loc.hreflang, "name": loc.native_name,
                     "href": model.urls.href(model.urls.index_path(loc))}
                    for loc in model.real_locales],
    }
    return PageJob(path, "404.html", locale.code, context)


def _chooser(model: Model) -> PageJob:
    config, urls = model.config, model.urls
    source = config.source_locale
    lang = model.languages[source.code]
    alternates = urls.alternates({loc: urls.absolute(urls.index_path(loc)) for loc in config.locales},
                                 urls.absolute("/"))
    chooser = [{"lang": loc.hreflang, "name": loc.native_name, "href": urls.href(urls.index_path(loc))}
               for loc in config.locales]
    names = {loc.hreflang: model.languages[loc.code].site_title for loc in config.locales}
    titles = " · ".join(dict.fromkeys(names.values()))
    context = {
        "site": _site(model, lang),
        "page": {**_head(model, source, title=titles, url=urls.absolute("/"), alternates=alternates),
                 "home": urls.href("/")},
        "chooser": chooser,
        "chooser_json": _json_for_script(chooser),
        "site_titles": _first_of_each(names),
    }
    return PageJob("/", "chooser.html", source.code, context,
                   sitemap={"loc": urls.absolute("/"), "alternates": alternates, "lastmod": None})


def _first_of_each(names: dict[str, str]) -> list[dict[str, str]]:
    """Each distinct site title once, with the first language that uses it."""
    seen: dict[str, str] = {}
    for lang, title in names.items():
        seen.setdefault(title, lang)
    return [{"lang": lang, "title": title} for title, lang in seen.items()]


def status_rows(model: Model) -> list[dict[str, Any]]:
    """Per post and target language: counts, shares, state and what is left (newest post first)."""
    return list(_status_rows(model))


def _status_rows(model: Model) -> Iterator[dict[str, Any]]:
    for info in model.posts:
        for locale in model.config.target_locales:
            v = model.versions[(info.name, locale.code)]
            yield {
                "post": info.name, "source": info.path, "title": v.title, "href": model.urls.href(v.path),
                "locale": locale.code,
                "translated": v.translated, "fuzzy": v.fuzzy, "untranslated": v.total - v.translated - v.fuzzy,
                "total": v.total, "ratio": round(v.ratio, 4), "chars_ratio": round(v.chars_ratio, 4),
                "status": v.status,
                "left": [{"line": m.line, "msgid": m.msgid, "state": m.state} for m in v.left],
            }


def _status_page_rows(model: Model) -> Iterator[dict[str, Any]]:
    """The rows of the status page: :func:`status_rows`' with each catalog's path, long msgids cut short."""
    for row in _status_rows(model):
        row["catalog"] = f"locales/{model.config.locale(row['locale']).catalog_dir}/LC_MESSAGES/{row['post']}.po"
        row["left"] = [{**m, "msgid": m["msgid"] if len(m["msgid"]) <= 120 else m["msgid"][:119] + "…"}
                       for m in row["left"]]
        yield row


def _status_context(model: Model, rows: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """What the status page renders (``rows``: instead of every version's)."""
    source = model.config.source_locale
    return {
        "site": _site(model, model.languages[source.code]),
        "page": _head(model, source, title="", url=model.urls.absolute(STATUS_PATH),
                      alternates=[], noindex=True),
        "status": {"rows": list(_status_page_rows(model)) if rows is None else rows,
                   "locales": [{"code": loc.code, "name": loc.native_name} for loc in model.config.target_locales],
                   "threshold": model.config.publish_threshold},
    }


MODEL_CONTEXTS: dict[str, Callable[[Model], dict[str, Any]]] = {"status": _status_context}
"""Contexts a worker makes from its own model (see :attr:`PageJob.model_context`)."""


def _status_page(model: Model) -> PageJob:
    """The status page, keyed by its rows one at a time: they are a row per post and language,
    never all held here; a worker makes them again if the page is rendered."""
    h = hashlib.blake2b(repr(_status_context(model, rows=[])).encode("utf-8"), digest_size=16)
    for row in _status_page_rows(model):
        h.update(repr(row).encode("utf-8"))
    return PageJob(STATUS_PATH, "status.html", model.config.source_locale.code, None,
                   depends=f"status {h.hexdigest()}", make=lambda: _status_context(model), model_context="status",
                   large=True)


__all__ = ["Model", "PageJob", "SitemapPart", "other_pages", "post_page", "post_pages", "site_files", "sitemap_parts",
           "status_rows", "term_slug"]
