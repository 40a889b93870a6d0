"""Rendering: localized Markdown to article HTML, and pages through Jinja2 layouts.

Markdown is Python-Markdown with its own extensions (attribute lists,
tables, footnotes, fenced code, definition lists, tables of contents with
Unicode-safe ids) plus :mod:`i18n.kramdown`; one instance per process and
per set of features a document may use, without the processors of the others
(:mod:`i18n.mdfeatures`), reset before every document, since an instance keeps
per-document state.

Layouts are Jinja2 templates with autoescaping and the ``jinja2.ext.i18n``
extension; UI strings come from the locale's ``site`` catalog, compiled in
memory.  Dates are formatted by Babel for the page's locale.
"""

from __future__ import annotations

import datetime as dt
import gettext
import math
import re
import traceback
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import jinja2
import jinja2.runtime
from babel.dates import format_date
from markdown import Markdown
from markdown.extensions.abbr import AbbrExtension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.md_in_html import MarkdownInHtmlExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.smarty import SmartyExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension
from markupsafe import Markup

from .errors import Location, PipelineError
from .kramdown import TOC_MARKER, KramdownExtension
from .locales import SiteLocale
from .mdfeatures import markdown_features, trim
from .text import gfm_slug
from .theme import THEME_DIR

_TAGS = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


@lru_cache(maxsize=64)
def _markdown(source_lang: str, typography: bool, features: frozenset[str] | None = None) -> Markdown:
    """An instance for documents with ``features`` (see :mod:`i18n.mdfeatures`); None: every processor."""
    smarty = [SmartyExtension(smart_angled_quotes=True)] if typography else []
    fences = []
    if features is None or "fenced_code" in features:
        # Imported for a document with fences only: it imports Pygments (a tenth of what a
        # rebuild after one translation edit imports).
        from markdown.extensions.fenced_code import FencedCodeExtension

        fences = [FencedCodeExtension()]
    md = Markdown(
        # Instances, not names: a name is looked up in every installed package's entry points first.
        extensions=[
            AttrListExtension(), TableExtension(), *fences, DefListExtension(), AbbrExtension(),
            MarkdownInHtmlExtension(), SaneListExtension(),  # an <ol> and a <ul> stay two lists, as in kramdown
            FootnoteExtension(USE_DEFINITION_ORDER=False),  # numbered by first reference, as kramdown does
            *smarty,  # kramdown's typographic quotes, dashes, ellipses, « »
            TocExtension(slugify=gfm_slug, permalink=False, toc_depth="1-6",  # kramdown's ids and levels
                         marker=TOC_MARKER if features is None or "toc_marker" in features else ""),
            KramdownExtension(source_lang=source_lang),
        ],
        output_format="html",
    )
    return md if features is None else trim(md, features)


# What kramdown's typography turns into curly quotes, dashes, ellipses and « », outside
# attribute lists and tags.  Without any, the Smarty pass (half of Markdown's time) changes
# nothing, so a document without them skips it: most Japanese and Korean text.
_NOT_TEXT = re.compile(r"\{:[^{}]*\}|<[A-Za-z/!][^<>]*>")


def _typographic(text: str) -> bool:
    """Whether ``text`` has quotes, ``--``, ``...``, ``<<`` or ``>>`` outside attribute lists and tags.

    (One character is looked for before two or three: a search for one costs a fraction.)
    """
    shown = _NOT_TEXT.sub("", text)
    return "'" in shown or '"' in shown or ("-" in shown and "--" in shown) or ("." in shown and "..." in shown) \
        or ("<" in shown and "<<" in shown) or (">" in shown and ">>" in shown)


def markdown_to_html(text: str, source_lang: str, *, every_processor: bool = False) -> str:
    """Render one document's Markdown (Liquid already run) to HTML.

    The instance converting it goes without the processors the document cannot
    trigger (:mod:`i18n.mdfeatures`); ``every_processor`` takes the one with all of
    them, which gives the same HTML (the tests compare both).
    """
    md = _markdown(source_lang, _typographic(text), None if every_processor else markdown_features(text))
    md.reset()
    return md.convert(text)


# Jekyll's Excerpt: link (and footnote) definitions of the rest of the post follow the excerpt.
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:.+$", re.MULTILINE)
_FIRST_PARAGRAPH = re.compile(r"<p[ >].*?</p>", re.DOTALL)
_FOOTNOTE_REF = re.compile(r'<sup id="fnref[^"]*"[^>]*>.*?</sup>', re.DOTALL)
_FOOTNOTES = re.compile(r'<div class="footnotes".*\Z', re.DOTALL)
_ID_ATTRIBUTE = re.compile(r'(<[a-zA-Z][^<>]*?)\sid="[^"]*"')


def excerpt_html(markdown_text: str, article_html: str, separator: str, source_lang: str) -> str:
    """A post's excerpt for listings, as Jekyll cuts it.

    The Markdown before ``separator`` (Liquid already run), rendered with the
    link definitions of the rest; without the separator, the article's first
    paragraph.  Footnote references and ids are dropped: a listing shows many
    excerpts on one page, away from their footnotes.
    """
    head, found, tail = markdown_text.partition(separator) if separator else ("", "", "")
    if found and head.strip():
        definitions = "\n".join(_LINK_DEFINITION.findall(tail))
        html = markdown_to_html(f"{head}\n\n{definitions}\n", source_lang)
    else:
        first = _FIRST_PARAGRAPH.search(article_html)
        html = first.group(0) if first else ""
    html = _FOOTNOTES.sub("", _FOOTNOTE_REF.sub("", html))
    return _ID_ATTRIBUTE.sub(r"\1", html).strip()


def reading_minutes(html: str, locale: SiteLocale) -> int:
    """Minutes to read ``html`` in ``locale`` (characters or words per minute), at least 1."""
    text = _TAGS.sub(" ", html)
    # (str.split() cuts at exactly the characters str.isspace() tells apart)
    amount = len("".join(text.split())) if locale.reading_unit == "chars" else len(_WORD.findall(text))
    return max(1, math.ceil(amount / locale.reading_rate))


class _Loader(jinja2.FileSystemLoader):
    """Jinja2's file loader, a layout that is not UTF-8 being a syntax error at its line (not a traceback)."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            found = next((Path(base) / template for base in self.searchpath if (Path(base) / template).is_file()),
                         Path(template))
            line = exc.object[:exc.start].count(b"\n") + 1
            raise jinja2.TemplateSyntaxError("the file is not valid UTF-8", line, template, str(found)) from None


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(jinja2.Environment):
    """Jinja2's environment, with ``page.title`` on a plain dict looked up without an exception.

    Jinja2 tries the attribute first, and a dict has none of that name:
    raising and catching the ``AttributeError`` is most of the cost of the
    hundred lookups of a page.  The result is Jinja2's: a dict's own
    attributes (``items``, ``keys``...) still come first.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def make_jinja(locale: SiteLocale, translations: gettext.NullTranslations,
               layouts_dir: Path | None = None, compiled_dir: Path | None = None) -> jinja2.Environment:
    """Jinja2 environment for one language: site layouts first, then the theme.

    ``compiled_dir`` keeps compiled templates between runs (Jinja2's bytecode
    cache, keyed by each template's source, so an edited layout is recompiled).
    """
    search = [str(layouts_dir)] if layouts_dir and layouts_dir.is_dir() else []
    bytecode = None
    if compiled_dir is not None:
        compiled_dir.mkdir(parents=True, exist_ok=True)
        bytecode = jinja2.FileSystemBytecodeCache(str(compiled_dir))
    env = _Environment(
        loader=_Loader([*search, str(THEME_DIR / "templates")]),
        bytecode_cache=bytecode,
        auto_reload=False,  # one environment per build: its layouts do not change while it renders
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals["gettext"] = _constant_gettext(translations.gettext)

    @lru_cache(maxsize=4096)  # a post's date shows on its page, its listings and its feed
    def day_in_words(day: dt.date, fmt: str) -> str:
        return format_date(day, format=fmt, locale=locale.babel)

    def long_date(value: dt.datetime | dt.date, fmt: str = "long") -> str:
        # As Babel does: the calendar day where the datetime is (equal instants may fall on two days).
        return day_in_words(value.date() if isinstance(value, dt.datetime) else value, fmt)

    env.filters["format_date"] = long_date
    env.filters["pgettext"] = translations.pgettext
    return env


def _constant_gettext(func: Callable[[str], str]) -> Callable[..., str]:
    """Jinja2's newstyle ``gettext``, each string without variables looked up and formatted once.

    A layout asks for the same few strings on every page: Jinja2 makes each
    a ``Markup`` and formats it with no variables (``%%`` becomes ``%``) every
    time.  The result is the same; with variables, it goes as Jinja2's does.
    """
    @lru_cache(maxsize=1024)
    def formatted(string: str, autoescape: bool) -> str:
        return (Markup(func(string)) if autoescape else func(string)) % {}

    @jinja2.pass_context
    def gettext(__context: jinja2.runtime.Context, __string: str, **variables: Any) -> str:
        autoescape = bool(__context.eval_ctx.autoescape)
        if not variables and isinstance(__string, str):
            return formatted(__string, autoescape)
        rv = Markup(func(__string)) if autoescape else func(__string)
        return rv % variables

    return gettext


_CHUNK = 1 << 16
"""Characters of a page encoded at a time."""


def render_page(env: jinja2.Environment, template: str, context: dict[str, Any],
                root: Path | None = None) -> bytes | bytearray:
    """Render a layout to a page's UTF-8 bytes; raise :class:`PipelineError` at the layout line that fails.

    The page is encoded as the layout makes it, a chunk at a time, into one buffer:
    it is never held as its pieces, as text and as bytes at once, nor copied.
    ``root``: the site folder, which locations are shown relative to.
    """
    chunks = _encoded(env, template, context, root)
    first = next(chunks, b"")
    second = next(chunks, None)
    if second is None:
        return first  # a page of one chunk, most of them
    out = bytearray(first)
    out += second
    for chunk in chunks:
        out += chunk
    return out


def write_page(env: jinja2.Environment, template: str, context: dict[str, Any], file: BinaryIO,
               root: Path | None = None) -> None:
    """:func:`render_page` into ``file``, a chunk at a time: a large page (the sitemap) is never held whole."""
    for chunk in _encoded(env, template, context, root):
        file.write(chunk)


def _encoded(env: jinja2.Environment, template: str, context: dict[str, Any],
             root: Path | None) -> Iterator[bytes]:
    """The page a layout makes, as UTF-8 chunks of about :data:`_CHUNK` characters (the last one shorter)."""
    pieces: list[str] = []
    size = 0
    try:
        for piece in env.get_template(template).generate(**context):
            pieces.append(piece)
            size += len(piece)
            if size >= _CHUNK:
                yield "".join(pieces).encode("utf-8")
                pieces.clear()
                size = 0
        yield "".join(pieces).encode("utf-8")
    except jinja2.TemplateError as exc:
        where = Location(f"layouts/{template}")
        if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
            where = Location.of(exc.filename, exc.lineno, root)
        else:  # Jinja2 gives each template frame its file and line: the innermost is where it failed
            for frame, line in traceback.walk_tb(exc.__traceback__):
                name = frame.f_code.co_filename
                if not name.endswith(".py") and Path(name).is_file():
                    where = Location.of(name, line, root)
        raise PipelineError(where, f"layout {template}: {exc.message or type(exc).__name__}") from None
