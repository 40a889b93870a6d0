"""Articles: every post read once, then localized and rendered once per language.

Two steps, each a pure function of hashed inputs, so each result is cached
(:mod:`i18n.cache`) and each can run in a worker process:

1. :func:`read_source` parses and segments a post (key: its path and bytes);
   :func:`post_info` gives the :class:`~i18n.model.PostInfo` that listings
   need, from the front matter alone.
2. :func:`make_article` merges the post with one language's catalog
   (:func:`i18n.translate.localize`, the publish decision), runs Liquid, then
   Markdown, and gives a :class:`~i18n.model.Version` plus the article HTML
   (key: the source, that catalog, that language's ``site.po``, includes,
   the set of posts and the configuration).  Workers render; the process
   that owns the cache stores the results (:func:`keep_article`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog

from .cache import BuildCache, digest
from .catalogs import Translations, read_translations
from .config import SiteConfig
from .content import Post, read_post
from .inputs import Inputs, PostFile
from .locales import SiteLocale
from .model import FALLBACK, PREVIEW, Left, PostInfo, Version
from .project import Source, catalog_path
from .pseudo import PSEUDO_CODE, pseudo_catalog
from .render import excerpt_html, markdown_to_html, reading_minutes
from .segments import segment_post
from .translate import localize
from .ui import Language
from .urls import Urls

EXCERPT_SEPARATOR = "<!--more-->"


def _terms(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(str(value).split()) if value else ()


def post_info(post: Post) -> PostInfo:
    """What listings need of ``post``."""
    author = post.meta.get("author")
    return PostInfo(
        name=post.name, path=post.location.path, slug=post.slug, date=post.date, modified=post.modified,
        categories=_terms(post.meta.get("categories")), tags=_terms(post.meta.get("tags")),
        author=author if isinstance(author, str) else "",
        read_time=bool(post.meta.get("read_time")), share=bool(post.meta.get("share")),
        related=bool(post.meta.get("related")),
    )


def read_source(file: PostFile, root: Path, cache: BuildCache) -> Source:
    """The parsed, segmented post (cached by its bytes); raises :class:`PipelineError`."""
    source = cache.get("source", file.key)
    if source is None:
        post = read_post(file.path, root)
        front, body = segment_post(post)
        source = Source(post, front, body)
        cache.put("source", file.key, source, disk=False)  # parsing again costs what reading a pickle does
    assert isinstance(source, Source)
    return source


@dataclass
class ArticleContext:
    """What every article of one build shares (made once per process)."""

    config: SiteConfig
    inputs: Inputs
    cache: BuildCache
    languages: dict[str, Language]
    """Locale code -> its interface (the pseudo-locale included when built)."""
    infos: dict[str, PostInfo]
    _by_key: dict[str, tuple[PostFile, SiteLocale]] = field(default_factory=dict, init=False, repr=False)

    def article_of(self, key: str) -> tuple[PostFile, SiteLocale] | None:
        """The post and language whose article has the cache key ``key``, if one of this build's has it."""
        if key not in self._by_key:  # first call, or the inputs changed (a preview's saved catalog)
            self._by_key = {self.key(file, lang.locale): (file, lang.locale)
                            for file in self.inputs.posts if file.name in self.infos
                            for lang in self.languages.values()}
        return self._by_key.get(key)

    def key(self, file: PostFile, locale: SiteLocale) -> str:
        """Cache key of ``file``'s article in ``locale``."""
        return digest("article", file.key, locale.code, self.inputs.catalogs.get((file.name, locale.code), ""),
                      self.inputs.site_catalogs.get(locale.code, ""), self.inputs.includes,
                      self.inputs.posts_set, self.inputs.config)


def render_article(ctx: ArticleContext, file: PostFile, locale: SiteLocale, source: Source | None = None) -> Version:
    """``file`` in ``locale`` (cached): its :class:`Version`; the HTML goes to the cache.

    For the process that owns the cache; a worker process calls :func:`make_article`
    and hands its result to that process, which :func:`keep_article` stores.
    ``source``: the post already read (all its languages are rendered from one reading).
    """
    key = ctx.key(file, locale)
    cached = ctx.cache.get("version", key)
    if isinstance(cached, Version) and ctx.cache.has("article", key):
        ctx.cache.mark_used("article", key)
        return cached
    version, html = make_article(ctx, file, locale, source)
    keep_article(ctx.cache, version, html)
    return version


def keep_article(cache: BuildCache, version: Version, html: str) -> None:
    """Store an article :func:`make_article` rendered (its version is saved with the build's index)."""
    cache.put("article", version.article_key, html)
    cache.put("version", version.article_key, version, disk=False)


def make_article(ctx: ArticleContext, file: PostFile, locale: SiteLocale,
                 source: Source | None = None) -> tuple[Version, str]:
    """``file`` in ``locale``, rendered (not cached): its :class:`Version` and its article HTML."""
    key = ctx.key(file, locale)
    config = ctx.config
    source = source or read_source(file, config.root, ctx.cache)
    is_source = locale == config.source_locale
    catalog = _catalog(config, source, locale, is_source)
    lp = localize(source.post, source.front, source.body, locale, catalog, config.publish_threshold, is_source)
    lang = ctx.languages[locale.code]
    path = Urls(config).post_path(source.post, locale)
    html, excerpt = _to_html(lang, source.post, lp.body, path, lp.title, lp.description, config)
    status = PREVIEW if locale.code == PSEUDO_CODE else lp.status
    content_locale = config.source_locale if status == FALLBACK else locale
    version = Version(
        post=file.name, locale=locale.code, status=status, path=path, title=lp.title,
        description=lp.description, keywords=lp.keywords,
        title_lang=_shown_lang(lp.missing, ("title",), locale, config),
        description_lang=_shown_lang(lp.missing, ("description", "excerpt"), locale, config),
        excerpt_html=excerpt,
        minutes=reading_minutes(html, content_locale),
        translated=lp.translated, total=lp.total, fuzzy=_fuzzy_count(catalog, lp.missing),
        translated_chars=lp.translated_chars, total_chars=lp.total_chars, article_key=key,
        left=tuple(Left(m.location.line, m.msgid, _state(catalog, m.msgid)) for m in lp.missing),
    )
    return version, html


def _catalog(config: SiteConfig, source: Source, locale: SiteLocale, is_source: bool) -> Translations | None:
    if is_source:
        return None
    if locale.code == PSEUDO_CODE:
        template = Catalog()
        for m in [*source.front, *source.body.messages]:
            template.add(m.msgid)
        return Translations.of(pseudo_catalog(template))
    path = catalog_path(config, locale, source.post.name)
    return read_translations(path, config.root, locale) if path.is_file() else None


def _to_html(lang: Language, post: Post, body: str, path: str, title: str, description: str,
             config: SiteConfig) -> tuple[str, str]:
    """Liquid, then Markdown: the article HTML and its listing excerpt."""
    from .liquid_stage import page_variables, render_liquid, site_variables

    variables = {"page": page_variables(post, config, lang.locale, path, title, description),
                 "site": site_variables(config, lang.site_title, lang.locale)}
    text = render_liquid(lang.liquid, body, variables, post.location, post.body_line, post.body)
    html = markdown_to_html(text, config.source_locale.hreflang)
    separator = post.meta.get("excerpt_separator", config.extra.get("excerpt_separator", EXCERPT_SEPARATOR))
    return html, excerpt_html(text, html, str(separator), config.source_locale.hreflang)


def _shown_lang(missing: Any, kinds: tuple[str, ...], locale: SiteLocale, config: SiteConfig) -> str:
    """The language a front matter field is shown in: the source's when it is untranslated."""
    untranslated = any(m.kind in kinds for m in missing)
    return (config.source_locale if untranslated else locale).hreflang


def _state(catalog: Translations | None, msgid: str) -> str:
    entry = catalog.get(msgid) if catalog is not None else None
    return "fuzzy" if entry is not None and entry.fuzzy and entry.string else "untranslated"


def _fuzzy_count(catalog: Translations | None, missing: Any) -> int:
    return sum(1 for m in missing if _state(catalog, m.msgid) == "fuzzy")

