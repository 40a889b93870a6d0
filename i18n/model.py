"""The site as data: what listings, switchers and metadata need of each page.

A build turns every (post, language) into a :class:`Version`: small, plain,
picklable data (no Markdown, no HTML), so the whole site's model stays in
memory while each article's HTML is rendered once, cached on disk, and read
back only for the page that shows it.  The publish decision is taken once,
in :mod:`i18n.translate` (with the states named here), and carried as :attr:`Version.status`; every
page, feed and sitemap entry reads it from there.
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

SOURCE = "source"
TRANSLATED = "translated"
PARTIAL = "partial"
FALLBACK = "fallback"
PUBLISHED = (SOURCE, TRANSLATED, PARTIAL)
"""States whose pages are indexed and listed in hreflang and the sitemap."""
PREVIEW = "preview"
"""Status of pseudo-locale pages: built for review, never indexed or linked."""

T = TypeVar("T")


def pickled_as_fields(cls: type[T]) -> type[T]:
    """Pickle a frozen dataclass with slots as its class and its field values.

    Dataclasses' own way looks the fields up again for every object, and a
    build's index pickles thousands (a quarter of its time to save and load).
    """
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    values = operator.attrgetter(*names)
    assert len(names) > 1 and all(f.init for f in fields(cls))  # type: ignore[arg-type]

    def reduce(self: Any) -> tuple[type[T], tuple[Any, ...]]:
        return cls, values(self)

    cls.__reduce__ = reduce  # type: ignore[method-assign]
    return cls


@pickled_as_fields
@dataclass(frozen=True, slots=True)
class PostInfo:
    """What the site needs to know of a source post without reading its body."""

    name: str
    """File stem, which names its catalogs."""
    path: str
    """Path shown to users, relative to the project root."""
    slug: str
    date: dt.datetime
    modified: dt.datetime
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    author: str
    read_time: bool
    share: bool
    related: bool
    permalink: str = ""
    """The post's own ``permalink:``, '' for the site's."""
    published: bool = True
    """False for ``published: false`` (never built)."""
    image: str = ""
    """Share image from the front matter (path or URL), '' for none."""

    @property
    def sort_key(self) -> tuple[dt.datetime, str]:
        """Newest first when sorted in reverse."""
        return (self.date.replace(tzinfo=None), self.name)


@pickled_as_fields
@dataclass(frozen=True, slots=True)
class Left:
    """One message a translator still has to do."""

    line: int
    """Line of the block in the source post."""
    msgid: str
    state: str
    """``untranslated`` or ``fuzzy``."""


@pickled_as_fields
@dataclass(frozen=True, slots=True)
class Version:
    """One post in one language, as listings and page metadata see it."""

    post: str
    """:attr:`PostInfo.name`."""
    locale: str
    """Locale code."""
    status: str
    """``source``, ``translated``, ``partial``, ``fallback`` or ``preview``."""
    path: str
    """Site path (``/ko/2021/02/22/tesla-ai/``)."""
    title: str
    description: str
    keywords: str
    title_lang: str
    """Language the title is shown in (the source's when it is not translated)."""
    description_lang: str
    excerpt_html: str
    """Listing excerpt (HTML), empty when the post has none."""
    minutes: int
    """Reading time in this language."""
    translated: int
    total: int
    fuzzy: int
    translated_chars: int
    total_chars: int
    article_key: str
    """Cache key of the rendered article HTML."""
    left: tuple[Left, ...] = field(default=(), repr=False)
    """Messages not yet (or no longer) translated."""
    liquid_key: str = ""
    """Cache key of what Liquid made of the article ('' when it has no Liquid)."""

    @property
    def published(self) -> bool:
        """Indexed, in hreflang, the sitemap and feeds."""
        return self.status in PUBLISHED

    @property
    def ratio(self) -> float:
        """Share of messages translated."""
        return self.translated / self.total if self.total else 1.0

    @property
    def chars_ratio(self) -> float:
        """Share of source characters translated."""
        return self.translated_chars / self.total_chars if self.total_chars else 1.0
