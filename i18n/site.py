"""Building the site: gather every localized post, compute alternates, render, write.

As MkDocs' ``build()`` does, all data is gathered first (every post in every
language, with its publish decision), then pages are rendered, then written:
hreflang, the switcher, listings and the sitemap all need the whole set.
Files are written atomically and only when changed; files of a previous
build that this one no longer produces are removed.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog

from .catalogs import translations_of, usable_translation
from .config import SiteConfig
from .errors import PipelineError, Problems
from .extract import TAXONOMY_CONTEXT
from .files import write_if_changed
from .liquid_stage import make_environment, render_liquid
from .locales import SiteLocale
from .project import Project, Source, gather
from .render import THEME_DIR, make_jinja, markdown_to_html, reading_minutes, render_page
from .translate import FALLBACK, LocalizedPost, localize
from .urls import Alternate, Urls


@dataclass
class BuildReport:
    """What a build produced."""

    pages: int = 0
    written: int = 0
    removed: int = 0
    languages: int = 0
    statuses: dict[tuple[str, str], str] = field(default_factory=dict)


@dataclass
class _Language:
    """Per-language rendering tools."""

    locale: SiteLocale
    catalog: Catalog | None
    jinja: Any
    liquid: Any

    def term(self, key: str, term: str) -> str:
        return usable_translation(self.catalog, term, TAXONOMY_CONTEXT[key]) or term

    def site_title(self, config: SiteConfig) -> str:
        return usable_translation(self.catalog, config.title, "site") or config.title


def localize_all(project: Project) -> dict[str, dict[SiteLocale, LocalizedPost]]:
    """Every post in every language, keyed by post name then locale."""
    config = project.config
    out: dict[str, dict[SiteLocale, LocalizedPost]] = {}
    for source in project.sources:
        versions = {}
        for locale in config.locales:
            is_source = locale == config.source_locale
            catalog = None if is_source else project.catalogs.get((source.post.name, locale.code))
            versions[locale] = localize(source.post, source.front, source.body, locale, catalog,
                                        config.publish_threshold, is_source)
        out[source.post.name] = versions
    return out


def build(config: SiteConfig, progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Build ``_site`` from posts and catalogs; raise :class:`Problems` on bad input.

    ``progress(done, total)`` is called after each post is rendered in every language.
    """
    project = gather(config)
    localized = localize_all(project)
    urls = Urls(config)
    languages = {
        loc: _language(config, loc, project.site_catalogs.get(loc.code)) for loc in config.locales
    }
    problems = Problems()
    outputs: dict[Path, bytes] = {}
    sitemap: list[dict[str, Any]] = []
    posts_sorted = sorted(project.sources, key=lambda s: (s.post.date.replace(tzinfo=None), s.post.name),
                          reverse=True)
    report = BuildReport(languages=len(config.locales))
    for done, source in enumerate(posts_sorted, 1):
        versions = localized[source.post.name]
        for locale, lp in versions.items():
            report.statuses[(source.post.name, locale.code)] = lp.status
            try:
                path, html, alternates = _post_page(config, urls, languages[locale], source, lp,
                                                    versions, localized, posts_sorted)
            except PipelineError as exc:
                if exc.problem not in problems.items:  # a source error fails every language alike
                    problems.add(exc.problem)
                continue
            outputs[urls.output_file(path)] = html.encode("utf-8")
            if lp.published:
                sitemap.append({"loc": urls.absolute(path), "alternates": alternates,
                                "lastmod": source.post.modified.date().isoformat()})
        if progress is not None:
            progress(done, len(posts_sorted))
    problems.raise_if_errors()

    for locale in config.locales:
        for path, html, alternates in _index_pages(config, urls, languages[locale], posts_sorted, localized):
            outputs[urls.output_file(path)] = html.encode("utf-8")
            sitemap.append({"loc": urls.absolute(path), "alternates": alternates, "lastmod": None})
    chooser_html, chooser_alternates = _chooser_page(config, urls, languages[config.source_locale], languages)
    outputs[urls.output_file("/")] = chooser_html.encode("utf-8")
    sitemap.append({"loc": urls.absolute("/"), "alternates": chooser_alternates, "lastmod": None})
    sitemap_xml = render_page(languages[config.source_locale].jinja, "sitemap.xml", {"entries": sitemap})
    outputs[urls.output_file("/sitemap.xml")] = sitemap_xml.encode("utf-8")
    outputs[config.output_dir / "robots.txt"] = (
        f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute('/sitemap.xml')}\n".encode()
    )
    for asset in sorted((THEME_DIR / "static").iterdir()):
        outputs[config.output_dir / "assets" / asset.name] = asset.read_bytes()

    report.pages = len(outputs)
    for out_path, data in sorted(outputs.items()):
        if write_if_changed(out_path, data):
            report.written += 1
    report.removed = _remove_stale(config.output_dir, set(outputs))
    return report


def _remove_stale(output_dir: Path, keep: set[Path]) -> int:
    removed = 0
    if not output_dir.is_dir():
        return 0
    for path in sorted(output_dir.rglob("*"), reverse=True):
        if path.is_file() and path not in keep:
            path.unlink()
            removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            shutil.rmtree(path)
    return removed


def _language(config: SiteConfig, locale: SiteLocale, catalog: Catalog | None) -> _Language:
    translations = translations_of(catalog)
    return _Language(
        locale=locale,
        catalog=catalog,
        jinja=make_jinja(locale, translations, config.root / "layouts"),
        liquid=make_environment(config.includes_dir, translations),
    )


def _site_context(config: SiteConfig, lang: _Language) -> dict[str, Any]:
    return {
        "title": lang.site_title(config),
        "base_url": config.base_url,
        "assets": "/assets",
        "year": _copyright_year(config),
    }


def _copyright_year(config: SiteConfig) -> int:
    return int(config.extra.get("copyright_year", 2021))


def _switcher(config: SiteConfig, current: SiteLocale,
              hrefs: dict[SiteLocale, tuple[str, bool]]) -> list[dict[str, Any]]:
    return [
        {"lang": loc.hreflang, "name": loc.native_name, "href": hrefs[loc][0],
         "published": hrefs[loc][1], "current": loc == current}
        for loc in config.locales if loc in hrefs
    ]


def _post_page(config: SiteConfig, urls: Urls, lang: _Language, source: Source, lp: LocalizedPost,
               versions: dict[SiteLocale, LocalizedPost], localized: dict[str, dict[SiteLocale, LocalizedPost]],
               posts_sorted: list[Source]) -> tuple[str, str, list[Alternate]]:
    post = source.post
    locale = lp.locale
    path = urls.post_path(post, locale)
    url = urls.absolute(path)
    source_url = urls.absolute(urls.post_path(post, config.source_locale))
    published = {loc: urls.absolute(urls.post_path(post, loc)) for loc, v in versions.items() if v.published}
    alternates = urls.alternates(published, source_url) if lp.published else []
    page_vars = {**post.meta, "lang": locale.code, "url": path, "title": lp.title}
    markdown_text = render_liquid(lang.liquid, lp.body, {"page": page_vars, "site": {
        "title": lang.site_title(config), "url": config.base_url}}, post.location, post.body_line, post.body)
    html = markdown_to_html(markdown_text, config.source_locale.hreflang)
    content_locale = config.source_locale if lp.status == FALLBACK else locale
    categories = [lang.term("categories", t) for t in _terms(post.meta.get("categories"))]
    related = []
    if post.meta.get("related"):
        mine = set(_terms(post.meta.get("categories")))
        for other in posts_sorted:
            if other is source or not mine & set(_terms(other.post.meta.get("categories"))):
                continue
            ov = localized[other.post.name][locale]
            if ov.published:
                related.append({"href": urls.post_path(other.post, locale), "title": ov.title})
            if len(related) == 3:
                break
    json_ld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": lp.title,
        "description": lp.description,
        "inLanguage": locale.hreflang,
        "datePublished": post.date.isoformat(),
        "dateModified": post.modified.isoformat(),
        "url": url,
        "mainEntityOfPage": url,
    }
    if config.author or post.meta.get("author"):
        json_ld["author"] = {"@type": "Person", "name": str(post.meta.get("author") if isinstance(
            post.meta.get("author"), str) else config.author)}
    if locale == config.source_locale:
        json_ld["workTranslation"] = [{"@id": u} for loc, u in published.items() if loc != locale]
    else:
        json_ld["translationOfWork"] = {"@id": source_url}
    switch = {loc: (urls.post_path(post, loc), v.published) for loc, v in versions.items()}
    context = {
        "site": _site_context(config, lang),
        "page": {
            "lang": locale.hreflang,
            "dir": locale.direction,
            "title": lp.title,
            "description": lp.description,
            "keywords": lp.keywords,
            "canonical": url if lp.published else source_url,
            "noindex": not lp.published,
            "alternates": alternates,
            "url": url,
            "og_type": "article",
            "og_locale": locale.og_locale,
            "og_alternates": [loc.og_locale for loc in published if loc != locale],
            "json_ld": _json_for_script(json_ld),
            "home": urls.index_path(locale),
            "switcher": _switcher(config, locale, switch),
        },
        "post": {
            "html": _markup(html),
            "date": post.date,
            "modified": post.modified,
            "date_iso": post.date.isoformat(),
            "modified_iso": post.modified.isoformat(),
            "read_time": bool(post.meta.get("read_time")),
            "minutes": reading_minutes(html, content_locale),
            "categories": categories,
            "share": bool(post.meta.get("share")),
            "related": related,
            "status": lp.status,
        },
    }
    return path, render_page(lang.jinja, "post.html", context), alternates


def _terms(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return str(value).split() if value else []


def _markup(html: str) -> Any:
    from markupsafe import Markup

    return Markup(html)


def _json_for_script(data: object) -> Any:
    """JSON safe inside a ``<script>`` element (no ``</script>`` or ``<!--`` can form)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return _markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _index_pages(config: SiteConfig, urls: Urls, lang: _Language, posts_sorted: list[Source],
                 localized: dict[str, dict[SiteLocale, LocalizedPost]]) -> list[tuple[str, str, list[Alternate]]]:
    locale = lang.locale
    items = []
    for source in posts_sorted:
        lp = localized[source.post.name][locale]
        shown_lang = locale if lp.status != FALLBACK else config.source_locale
        items.append({
            "href": urls.post_path(source.post, locale),
            "title": lp.title,
            "description": lp.description,
            "date": source.post.date,
            "date_iso": source.post.date.isoformat(),
            "status": lp.status,
            "lang": shown_lang.hreflang,
        })
    per = config.posts_per_page
    pages = max(1, -(-len(items) // per))
    out = []
    for n in range(1, pages + 1):
        path = urls.index_path(locale, n)
        url = urls.absolute(path)
        alternates = urls.alternates(
            {loc: urls.absolute(urls.index_path(loc, n)) for loc in config.locales},
            urls.absolute("/") if n == 1 else urls.absolute(urls.index_path(config.source_locale, n)))
        context = {
            "site": _site_context(config, lang),
            "page": {
                "lang": locale.hreflang, "dir": locale.direction, "title": lang.site_title(config),
                "description": "", "keywords": "", "canonical": url, "noindex": False,
                "alternates": alternates, "url": url, "og_type": "website", "og_locale": locale.og_locale,
                "og_alternates": [loc.og_locale for loc in config.locales if loc != locale],
                "json_ld": None, "home": urls.index_path(locale),
                "switcher": _switcher(config, locale, {loc: (urls.index_path(loc, n), True) for loc in config.locales}),
            },
            "listing": {
                "posts": items[(n - 1) * per:n * per], "page": n, "pages": pages,
                "previous": urls.index_path(locale, n - 1) if n > 1 else None,
                "next": urls.index_path(locale, n + 1) if n < pages else None,
            },
        }
        out.append((path, render_page(lang.jinja, "index.html", context), alternates))
    return out


def _chooser_page(config: SiteConfig, urls: Urls, lang: _Language,
                  languages: dict[SiteLocale, _Language]) -> tuple[str, list[Alternate]]:
    alternates = urls.alternates({loc: urls.absolute(urls.index_path(loc)) for loc in config.locales},
                                 urls.absolute("/"))
    chooser = [{"lang": loc.hreflang, "name": loc.native_name, "href": urls.index_path(loc)}
               for loc in config.locales]
    titles = " · ".join(dict.fromkeys(languages[loc].site_title(config) for loc in config.locales))
    context = {
        "site": {**_site_context(config, lang), "title": titles},
        "page": {
            "lang": config.source_locale.hreflang, "dir": config.source_locale.direction, "title": titles,
            "description": "", "keywords": "", "canonical": urls.absolute("/"), "noindex": False,
            "alternates": alternates, "url": urls.absolute("/"), "og_type": "website",
            "og_locale": config.source_locale.og_locale,
            "og_alternates": [loc.og_locale for loc in config.target_locales],
            "json_ld": None, "home": "/", "switcher": [],
        },
        "chooser": chooser,
        "chooser_json": _json_for_script(chooser),
    }
    return render_page(lang.jinja, "chooser.html", context), alternates

