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
   the URLs of the posts and the configuration).  Workers render; the
   process that owns the cache stores the results (:func:`keep_article`).
   What Liquid made of it is kept too, by what Liquid read (:func:`_run_liquid`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from babel.messages.catalog import Catalog

from .cache import BuildCache, digest
from .catalogs import Translations, read_translations
from .config import SiteConfig
from .content import Post, read_post
from .inputs import Inputs, PostFile
from .liquid_span import liquid_span
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
        related=bool(post.meta.get("related")), permalink=post.permalink, published=post.published,
        image=post.image,
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
    links: str = ""
    """:func:`links_key` of :attr:`infos`, when the caller knows it (else found on first need)."""
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
                      self.post_links(), self.inputs.config)

    def post_links(self) -> str:
        """:attr:`links`, found on first need."""
        if not self.links:
            self.links = links_key(self.infos.values())
        return self.links


def links_key(infos: Iterable[PostInfo]) -> str:
    """Hash of what the URL of every post is made of, which ``{% post_url %}`` and ``{% link %}`` give.

    Its name and file, and the date, slug and permalink its front matter may set:
    a post moved to another day moves the links of other posts to it.
    """
    return digest(*sorted(f"{i.name}\n{i.path}\n{i.date.isoformat()}\n{i.slug}\n{i.permalink}" for i in infos))


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
    article = make_article(ctx, file, locale, source)
    keep_article(ctx.cache, article)
    return article.version


class Article(NamedTuple):
    """What :func:`make_article` makes of a post in one language."""

    version: Version
    html: str
    liquid: str | None
    """What Liquid made of it, to keep under :attr:`Version.liquid_key`; None: nothing new."""


def keep_article(cache: BuildCache, article: Article) -> None:
    """Store an article :func:`make_article` rendered (its version is saved with the build's index)."""
    version = article.version
    cache.put("article", version.article_key, article.html)
    cache.put("version", version.article_key, version, disk=False)
    if article.liquid is not None:
        cache.put("liquid", version.liquid_key, article.liquid)


def make_article(ctx: ArticleContext, file: PostFile, locale: SiteLocale, source: Source | None = None) -> Article:
    """``file`` in ``locale``, rendered (not cached): its :class:`Version`, its article HTML and Liquid's part.

    Liquid's output is taken from the cache when its part of the article, and
    what that sees of the post and the site, are as they were: a translation
    edited outside it renders without loading Liquid.
    """
    key = ctx.key(file, locale)
    config = ctx.config
    source = source or read_source(file, config.root, ctx.cache)
    is_source = locale == config.source_locale
    catalog = _catalog(config, source, locale, is_source)
    lp = localize(source.post, source.front, source.body, locale, catalog, config.publish_threshold, is_source)
    lang = ctx.languages[locale.code]
    post = source.post
    path = Urls(config).post_path(post, locale)
    text, liquid_key, liquid = _run_liquid(ctx, file, post, lang, lp.body, path, lp.title, lp.description)
    html = markdown_to_html(text, config.source_locale.hreflang)
    separator = post.meta.get("excerpt_separator", config.extra.get("excerpt_separator", EXCERPT_SEPARATOR))
    excerpt = excerpt_html(text, html, str(separator), config.source_locale.hreflang)
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
        liquid_key=liquid_key,
    )
    return Article(version, html, liquid)


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


def _run_liquid(ctx: ArticleContext, file: PostFile, post: Post, lang: Language, body: str, path: str,
                title: str, description: str) -> tuple[str, str, str | None]:
    """The localized body after Liquid, the key of Liquid's output ('' for none), that output if made now."""
    begin, end = liquid_span(body)
    if begin == end:
        return body, "", None
    config, inputs, code = ctx.config, ctx.inputs, lang.locale.code
    # Liquid sees that text, the post's front matter (its file), its URL, title and description in this
    # language, the site's configuration and UI strings, the includes, and the URLs of the posts.
    key = digest("liquid", body[begin:end], file.key, code, path, title, description,
                 inputs.site_catalogs.get(code, ""), inputs.includes, ctx.post_links(), inputs.config)
    out = ctx.cache.get("liquid", key)
    made = None
    if not isinstance(out, str):
        from .liquid_stage import page_variables, render_span, site_variables

        variables = {"page": page_variables(post, config, lang.locale, path, title, description),
                     "site": site_variables(config, lang.site_title, lang.locale)}
        out = made = render_span(lang.liquid, body, begin, end, variables, post.location, post.body_line, post.body)
    return body[:begin] + out + body[end:], key, made


def _shown_lang(missing: Any, kinds: tuple[str, ...], locale: SiteLocale, config: SiteConfig) -> str:
    """The language a front matter field is shown in: the source's when it is untranslated."""
    untranslated = any(m.kind in kinds for m in missing)
    return (config.source_locale if untranslated else locale).hreflang


def _state(catalog: Translations | None, msgid: str) -> str:
    entry = catalog.get(msgid) if catalog is not None else None
    return "fuzzy" if entry is not None and entry.fuzzy and entry.string else "untranslated"


def _fuzzy_count(catalog: Translations | None, missing: Any) -> int:
    return sum(1 for m in missing if _state(catalog, m.msgid) == "fuzzy")

