"""Merging a post with a locale's catalog, and the one publish decision.

:func:`localize` puts every usable translation in place (a fuzzy or missing
one keeps the source text, marked with the source language) and decides once
whether the page is ``translated``, ``partial`` or ``fallback``.  Every later
stage (hreflang, sitemap, canonical, listings, switcher) reads that decision
from :class:`LocalizedPost`; none recomputes it.

A catalog is input from people other than the author, and what it says is
put into pages as Markdown run through Liquid: :func:`unsafe_reasons` is the
gate every translation passes before it is used.  A translation that
``check`` calls an error (:func:`i18n.checks.entry_errors`), or whose
rendering holds markup the source's does not (an element, an attribute, a
comment, a script or data URL, however it is spelled), or a Liquid delimiter
the source does not have, is never applied: :func:`localize` raises
:class:`UnsafeTranslationError` naming each one in its catalog, before any
Liquid runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser

from babel.messages.catalog import Catalog

from .catalogs import Translations, usable_translation
from .checks import entry_errors
from .content import Post
from .errors import Location, PipelineError, Problem
from .locales import SiteLocale
from .model import FALLBACK, PARTIAL, SOURCE, TRANSLATED
from .project import catalog_file
from .render import markdown_to_html
from .segments import Message, Segmented, assemble


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


def publish_status(translated: int, total: int, threshold: float) -> str:
    """The publish decision for a translation with ``translated`` of ``total`` messages."""
    if translated >= total:
        return TRANSLATED
    if total and translated / total >= threshold:
        return PARTIAL
    return FALLBACK


def localize(post: Post, front: list[Message], segmented: Segmented, locale: SiteLocale,
             catalog: Translations | None, threshold: float, is_source: bool, trusted: bool = False) -> LocalizedPost:
    """Merge ``post`` with ``catalog`` for ``locale`` (``is_source``: no catalog needed).

    Raises :class:`UnsafeTranslationError` when a translation fails
    :func:`unsafe_reasons` (none is applied); ``trusted`` skips that gate
    for catalogs the tool made itself (the preview pseudo-locale).
    """
    missing: list[Message] = []
    refused: list[Problem] = []
    done_chars = 0

    def translate(message: Message) -> str | None:
        nonlocal done_chars
        if is_source:
            return message.msgid
        found = usable_translation(catalog, message.msgid)
        if found is not None and not trusted:
            entry = catalog.get(message.msgid) if catalog is not None else None
            where = Location(catalog_file(locale, post.name), (entry.lineno or 0) if entry is not None else 0)
            refused.extend(_refusals(where, message.msgid, found, message.location))
        if found is None:
            missing.append(message)
        else:
            done_chars += len(message.msgid)
        return found

    fields = {m.kind: translate(m) or m.msgid for m in front}
    body = assemble(segmented, translate, mark_untranslated=not is_source)
    if refused:
        raise UnsafeTranslationError(refused)
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


# -- the gate -------------------------------------------------------------------------------------

class UnsafeTranslationError(PipelineError):
    """Translations refused by :func:`unsafe_reasons`: :attr:`problems` names every one."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=lambda p: p.location)
        first = self.problems[0]
        super().__init__(first.location, first.message, first.origin)


_URL_ATTRIBUTES = frozenset({"href", "src", "srcset", "action", "formaction", "poster", "data", "cite",
                             "background", "longdesc", "xlink:href", "ping", "manifest", "codebase"})
_SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_BENIGN_TAGS = frozenset({"p", "a", "em", "strong", "code", "br", "del"})
"""Elements Markdown makes from plain inline syntax, which a translation may add."""
_BENIGN_ATTRIBUTES = frozenset({("a", "href"), ("a", "title")})
_LIQUID_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
_LIQUID_OPEN = re.compile(r"\{[%{]")
_TAG_OPEN = re.compile(r"<[A-Za-z/!?]")


class _Markup(HTMLParser):
    """What a piece of HTML can do: elements, attributes, non-http(s) URLs, comments and declarations."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[tuple[str, str]] = set()
        self.urls: set[str] = set()
        self.specials: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            self.attributes.add((tag, name))
            if name in _URL_ATTRIBUTES and value is not None:
                # Browsers drop ASCII whitespace and controls inside a scheme ("java\tscript:").
                url = "".join(ch for ch in value if ord(ch) > 0x20).lower()
                scheme = _SCHEME.match(url)
                if scheme and scheme.group(1) not in _SAFE_SCHEMES:
                    self.urls.add(url)

    handle_startendtag = handle_starttag

    def handle_comment(self, data: str) -> None:
        self.specials.add("an HTML comment")

    def handle_decl(self, decl: str) -> None:
        self.specials.add("an HTML declaration")

    def handle_pi(self, data: str) -> None:
        self.specials.add("a processing instruction")

    def unknown_decl(self, data: str) -> None:
        self.specials.add("a CDATA section")


@lru_cache(maxsize=4096)
def _markup_of(text: str) -> _Markup:
    """The markup ``text`` makes, as raw HTML (a Jinja layout) and as Markdown (a post), together."""
    found = _Markup()
    for html in (text, markdown_to_html(text, "und")):
        found.feed(html)
        found.close()
        found.reset()
    return found


def unsafe_reasons(msgid: str, msgstr: str) -> list[str]:
    """Why ``msgstr`` may not be published for ``msgid`` (empty when it may).

    The ``check`` errors (:func:`~i18n.checks.entry_errors`), then what the
    translation would add to the page: a Liquid delimiter, an element beyond
    plain inline Markdown (emphasis, code, links), an attribute, a script,
    data or other non-web URL, a comment.
    """
    reasons = entry_errors(msgid, msgstr)
    rest = msgstr
    for tag in _LIQUID_TAG.findall(msgid):
        rest = rest.replace(tag, "", 1)
    if _LIQUID_OPEN.search(rest):
        reasons.append("Liquid delimiter ('{%' or '{{') not in the source: Liquid would run it")
    if not any(ch in msgstr for ch in "<&:[!\t\\") or _plain_inline(msgstr):
        return reasons  # nothing in it can make markup beyond emphasis, code and http(s) links
    if len(_TAG_OPEN.findall(msgstr)) > len(_TAG_OPEN.findall(msgid)):
        # Even unclosed: in a layout, the next tag of the page would close it.
        reasons.append("a '<' that opens markup the source does not have")
    src, dst = _markup_of(msgid), _markup_of(msgstr)
    tags = sorted(dst.tags - src.tags - _BENIGN_TAGS)
    if tags:
        reasons.append(f"the translation makes HTML elements the source does not have: {tags}")
    attributes = sorted(f"{t}[{a}]" for t, a in dst.attributes - src.attributes - _BENIGN_ATTRIBUTES)
    if attributes:
        reasons.append(f"the translation makes HTML attributes the source does not have: {attributes}")
    for url in sorted(dst.urls - src.urls):
        reasons.append(f"URL with a scheme the source does not use: {url[:60]!r}")
    for special in sorted(dst.specials - src.specials):
        reasons.append(f"the translation makes {special}, which can hide the rest of the page")
    return list(dict.fromkeys(reasons))


# What can make more than <p>, <em>, <strong>, <code>, <br> and <a href> with a safe URL out of
# one line of Markdown: raw HTML, escapes, control characters (a browser drops a CR or tab inside
# "java\rscript:"), images, footnotes, abbreviations, block syntax at the
# start of a line, indented code, a second line, an attribute list (checked against the source
# by check_entry, which refuses one the source lacks).
_RISKY = re.compile(r"[<\\\x00-\x1f]|!\[|\[\^|\*\[|\s{4}|^\s*(?:[#>+|=:~`]|[-*_]{3}|\d+[.)]|[-*+]\s|\[[^\]]*\]:)")
_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)")


def _plain_inline(msgstr: str) -> bool:
    """True when Markdown can only make benign inline markup of ``msgstr`` (no need to render it)."""
    if _RISKY.search(msgstr):
        return False
    for target in _LINK_TARGET.findall(msgstr):
        scheme = _SCHEME.match(target.lower())
        if "&" in target or "%" in target[:12] or (scheme and scheme.group(1) not in _SAFE_SCHEMES):
            return False
    return True


def _refusals(where: Location, msgid: str, msgstr: str, origin: Location | None) -> list[Problem]:
    return [Problem(where, f"translation refused: {reason}", "error", origin)
            for reason in unsafe_reasons(msgid, msgstr)]


def refused_translations(catalog: Catalog | None, locale: SiteLocale, domain: str) -> list[Problem]:
    """Every published translation of ``catalog`` (``site.po``: layouts, includes) that fails the gate."""
    if catalog is None:
        return []
    out = []
    for entry in catalog:
        if not entry.id or entry.fuzzy or not entry.string:
            continue
        ids = entry.id if isinstance(entry.id, (tuple, list)) else (entry.id,)
        strings = entry.string if isinstance(entry.string, (tuple, list)) else (entry.string,)
        where = Location(catalog_file(locale, domain), entry.lineno or 0)
        for msgstr in strings:
            if msgstr:
                out.extend(_refusals(where, str(ids[0]), str(msgstr), None))
    return out
