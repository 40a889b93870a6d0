"""The only place that computes URLs: paths, absolute URLs, canonical, hreflang.

Site paths (which name output files) and links differ by ``baseurl`` alone, for
a site served below a path (``/blog``): :meth:`Urls.href` and :meth:`Urls.absolute`
add it.  One scheme for every language: ``/<lang>/`` + the configured permalink
(``/:year/:month/:day/:title/``), so ``/ja/2021/02/22/tesla-ai/`` and
``/ko/2021/02/22/tesla-ai/`` are the same post.  ``/`` is the language
chooser and the ``x-default`` of index pages; a post's ``x-default`` is its
source-language version.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import quote

from .config import SiteConfig
from .content import Post
from .locales import SiteLocale
from .model import pickled_as_fields

if TYPE_CHECKING:
    from .model import PostInfo


URL_SAFE = "/:#?=&%"
"""Characters of a site path kept as they are in absolute URLs (the rest is percent-encoded)."""


@pickled_as_fields  # a worker sends back each page's sitemap entry with them
@dataclass(frozen=True, slots=True)
class Alternate:
    """One ``<link rel="alternate" hreflang>`` entry."""

    hreflang: str
    href: str
    """Absolute URL."""


class Urls:
    """URL scheme of one site."""

    def __init__(self, config: SiteConfig):
        self.config = config
        # A post's pages in every language link to the same few URLs, planned one after another.
        self._quoted = lru_cache(maxsize=512)(self._quote)

    def post_path(self, post: Post | PostInfo, locale: SiteLocale) -> str:
        """Site-relative path of ``post`` in ``locale`` (a folder's, ending with ``/``, or an ``.html`` file's)."""
        d = post.date
        path = ((post.permalink or self.config.permalink)
                .replace(":year", f"{d.year:04d}")
                .replace(":month", f"{d.month:02d}")
                .replace(":day", f"{d.day:02d}")
                .replace(":title", post.slug)
                .replace(":slug", post.slug))
        return f"/{locale.url_segment}{path}"

    def index_path(self, locale: SiteLocale, page: int = 1) -> str:
        """Path of page ``page`` of a language's post listing."""
        return f"/{locale.url_segment}/" if page == 1 else f"/{locale.url_segment}/page/{page}/"

    @staticmethod
    def chooser_path() -> str:
        return "/"

    @staticmethod
    def sitemap_path() -> str:
        return "/sitemap.xml"

    def href(self, path: str) -> str:
        """Link to a site path from a page: ``baseurl`` + path (``/blog/ko/``)."""
        return self.config.baseurl + path

    def absolute(self, path: str) -> str:
        """Absolute URL of a site path (``baseurl`` included), percent-encoded."""
        return self._quoted(path)

    def _quote(self, path: str) -> str:
        return self.config.base_url + quote(self.config.baseurl + path, safe=URL_SAFE)

    @staticmethod
    def output_rel(path: str) -> str:
        """The file under ``_site`` that serves ``path``, relative to it, as a POSIX string."""
        rel = path.lstrip("/")
        return rel + "index.html" if not rel or rel.endswith("/") else rel

    @staticmethod
    def alternates(versions: dict[SiteLocale, str], default: str) -> list[Alternate]:
        """hreflang set: every published version (the page itself included) + x-default.

        ``versions`` maps each published locale to its absolute URL; ``default``
        is the absolute URL for ``x-default``.
        """
        out = [Alternate(loc.hreflang, url) for loc, url in versions.items()]
        out.append(Alternate("x-default", default))
        return out
