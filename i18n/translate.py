"""Merging a post with a locale's catalog, and the one publish decision.

:func:`localize` puts every usable translation in place (a fuzzy or missing
one keeps the source text, marked with the source language) and decides once
whether the page is ``translated``, ``partial`` or ``fallback``.  Every later
stage (hreflang, sitemap, canonical, listings, switcher) reads that decision
from :class:`LocalizedPost`; none recomputes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from babel.messages.catalog import Catalog

from .catalogs import usable_translation
from .content import Post
from .locales import SiteLocale
from .segments import Message, Segmented, assemble

SOURCE = "source"
TRANSLATED = "translated"
PARTIAL = "partial"
FALLBACK = "fallback"
PUBLISHED = (SOURCE, TRANSLATED, PARTIAL)
"""States whose pages are indexed and listed in hreflang and the sitemap."""


@dataclass(frozen=True, slots=True)
class LocalizedPost:
    """One post in one language, ready to render."""

    post: Post
    locale: SiteLocale
    status: str
    """``source``, ``translated``, ``partial`` or ``fallback``."""
    title: str
    description: str
    keywords: str
    body: str = field(repr=False)
    """Localized Markdown (Liquid not yet run)."""
    translated: int = 0
    """Messages with a published translation."""
    total: int = 0
    """Messages in the post."""
    translated_chars: int = 0
    """Source characters covered by published translations."""
    total_chars: int = 0
    """Source characters of all messages."""
    missing: tuple[Message, ...] = field(default=(), repr=False)
    """Messages shown in the source language."""

    @property
    def published(self) -> bool:
        """Indexed, in hreflang and the sitemap (not a fallback)."""
        return self.status in PUBLISHED

    @property
    def ratio(self) -> float:
        return self.translated / self.total if self.total else 1.0


def publish_status(translated: int, total: int, threshold: float) -> str:
    """The publish decision for a translation with ``translated`` of ``total`` messages."""
    if translated >= total:
        return TRANSLATED
    if total and translated / total >= threshold:
        return PARTIAL
    return FALLBACK


def localize(post: Post, front: list[Message], segmented: Segmented, locale: SiteLocale,
             catalog: Catalog | None, threshold: float, is_source: bool) -> LocalizedPost:
    """Merge ``post`` with ``catalog`` for ``locale`` (``is_source``: no catalog needed)."""
    missing: list[Message] = []
    done_chars = 0

    def translate(message: Message) -> str | None:
        nonlocal done_chars
        if is_source:
            return message.msgid
        found = usable_translation(catalog, message.msgid)
        if found is None:
            missing.append(message)
        else:
            done_chars += len(message.msgid)
        return found

    fields = {m.kind: translate(m) or m.msgid for m in front}
    body = assemble(segmented, translate, mark_untranslated=not is_source)
    messages = [*front, *segmented.messages]
    total = len(messages)
    total_chars = sum(len(m.msgid) for m in messages)
    if is_source:
        status, translated, done_chars = SOURCE, total, total_chars
    else:
        translated = total - len(missing)
        status = publish_status(translated, total, threshold)
    return LocalizedPost(
        post=post,
        locale=locale,
        status=status,
        title=fields.get("title", post.slug),
        description=fields.get("description", "") or fields.get("excerpt", ""),
        keywords=fields.get("meta_keywords", ""),
        body=body,
        translated=translated,
        total=total,
        translated_chars=done_chars,
        total_chars=total_chars,
        missing=tuple(missing),
    )
