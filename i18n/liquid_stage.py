"""Liquid, run on the localized Markdown before Markdown, as Jekyll does.

Built on python-liquid; what Jekyll adds to Liquid is added here through
python-liquid's tag and filter API:

* ``{% include file.html key="value" %}``, whose parameters the include sees
  as ``include.key``.  Include names are confined to ``content/_includes`` (no
  ``..``, no absolute paths, no symlink escaping it).
* ``{% highlight lang [linenos] %}…{% endhighlight %}``, highlighted by
  Pygments into Jekyll's markup (``<figure class="highlight">``, Rouge's
  table for line numbers).
* ``{% post_url 2021-02-22-name %}`` and ``{% link _posts/….md %}``: the
  post's URL in the page's language, with ``baseurl``; an unknown post is an
  error at the tag's line.
* the ``relative_url`` and ``absolute_url`` filters, and ``site.*`` /
  ``page.*`` variables as Jekyll names them (:func:`site_variables`,
  :func:`page_variables`).

``{% raw %}`` is python-liquid's own.  A ``t`` filter translates UI strings of
includes through the page's ``site`` catalog: ``{{ "Play video" | t }}``.
"""

from __future__ import annotations

import datetime as dt
import gettext
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from liquid import Environment, FileSystemLoader
from liquid.ast import BlockNode, Node
from liquid.exceptions import LiquidError
from liquid.parser import get_parser
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import TOKEN_EOF, TOKEN_EXPRESSION, TOKEN_TAG

from .config import SiteConfig
from .content import Post
from .errors import Location, PipelineError
from .liquid_span import liquid_span
from .locales import SiteLocale
from .model import PostInfo
from .urls import Urls

# Jekyll's own syntax for include parameters (Jekyll::Tags::IncludeTag::VALID_SYNTAX).
_PARAM = re.compile(
    r"""([\w-]+)\s*=\s*(?:"([^"\\]*(?:\\.[^"\\]*)*)"|'([^'\\]*(?:\\.[^'\\]*)*)'|([\w.\-\[\]]+))"""
)
_NAME = re.compile(r"^[\w\-./]+$")
TRANSLATABLE = re.compile(r"""(["'])((?:(?!\1).)+)\1\s*\|\s*t\b""")
"""A literal string piped into the ``t`` filter: a UI string of an include."""


class JekyllTagError(LiquidError):
    """A Jekyll tag that cannot do its work (reported at the tag's line)."""


class IncludeError(JekyllTagError):
    """An include that names a missing file or a path outside ``_includes``."""


@dataclass(frozen=True, slots=True)
class JekyllSite:
    """What Jekyll's tags and URL filters know about the site, for one language."""

    url: str = ""
    """``site.url``: scheme and host, no trailing slash."""
    baseurl: str = ""
    """``site.baseurl``: path prefix of the site (``/blog``) or empty."""
    post_paths: Mapping[str, str] = field(default_factory=dict)
    """Post name (``2021-02-22-name``) to its path in this language."""
    source_paths: Mapping[str, str] = field(default_factory=dict)
    """Post file relative to ``content`` (``_posts/2021-02-22-name.md``) to its path."""

    def relative_url(self, path: str) -> str:
        """Jekyll's ``relative_url``: ``baseurl`` + path, non-ASCII percent-encoded."""
        if urlsplit(path).scheme:
            return path
        parts = [self.baseurl.rstrip("/"), path]
        return _normalize("".join(p if not p or p.startswith("/") else "/" + p for p in parts))

    def absolute_url(self, path: str) -> str:
        """Jekyll's ``absolute_url``: ``url`` + ``baseurl`` + path."""
        if urlsplit(path).scheme or not self.url:
            return path if urlsplit(path).scheme else self.relative_url(path)
        return self.url + self.relative_url(path)


def _normalize(url: str) -> str:
    # What Addressable's normalize does to a path Jekyll builds: encode what is
    # not allowed in a URL (non-ASCII, spaces), keep everything else.
    return quote(url, safe="/:#?=&%@!$'()*+,;~[]")


def jekyll_site(config: SiteConfig, urls: Urls, locale: SiteLocale, posts: Iterable[PostInfo]) -> JekyllSite:
    """The :class:`JekyllSite` of ``config`` for pages in ``locale``."""
    post_paths: dict[str, str] = {}
    source_paths: dict[str, str] = {}
    content = config.content_dir.relative_to(config.root).as_posix() + "/"  # a post's path is root-relative
    for post in posts:
        path = urls.post_path(post, locale)
        post_paths[post.name] = path
        if post.path.startswith(content):  # a post outside content/ has no source path
            source_paths[post.path[len(content):]] = path
    return JekyllSite(url=config.base_url, baseurl=config.baseurl, post_paths=post_paths,
                      source_paths=source_paths)


class JekyllTime(dt.datetime):
    """A date that prints as Ruby's ``Time#to_s`` (``2021-02-22 09:00:00 +0900``), as Jekyll's do."""

    def __str__(self) -> str:
        return self.strftime("%Y-%m-%d %H:%M:%S %z").rstrip()

    @classmethod
    def of(cls, value: dt.datetime, timezone: str = "") -> JekyllTime:
        """``value`` in the site's ``timezone`` (naive dates are taken to be in it), as Jekyll reads them."""
        if timezone:
            zone = ZoneInfo(timezone)
            value = value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(zone)
        return cls.combine(value.date(), value.timetz())


def site_variables(config: SiteConfig, title: str, locale: SiteLocale) -> dict[str, Any]:
    """``site.*`` for Liquid: the configuration's own keys, then what Jekyll always sets."""
    return {**config.extra, "title": title, "url": config.base_url, "baseurl": config.baseurl,
            "lang": locale.code, "timezone": config.timezone or None}


def page_variables(post: Post, config: SiteConfig, locale: SiteLocale, path: str,
                   title: str, description: str) -> dict[str, Any]:
    """``page.*`` for Liquid in a post: its front matter, localized title and description, Jekyll's keys."""
    variables = {**post.meta, "lang": locale.code, "url": path, "title": title,
                 "date": JekyllTime.of(post.date, config.timezone), "slug": post.slug,
                 "id": path.rstrip("/"), "collection": "posts"}
    try:
        variables["path"] = post.path.relative_to(config.content_dir).as_posix()
    except ValueError:
        variables["path"] = post.path.name
    if description:
        variables["description"] = description
    return variables


class JekyllIncludeNode(Node):
    """``{% include name key=value ... %}`` with Jekyll's semantics."""

    __slots__ = ("name", "params")

    def __init__(self, token: Any, name: str, params: list[tuple[str, str, bool]]):
        super().__init__(token)
        self.name = name
        self.params = params
        self.blank = False

    def render_to_output(self, context: Any, buffer: TextIO) -> int:
        values: dict[str, object] = {}
        for key, value, literal in self.params:
            values[key] = value if literal else context.resolve(value.split(".")[0], None) \
                if "." not in value else _lookup(context, value)
        try:
            template = context.env.get_template(self.name)
        except LiquidError as exc:
            raise IncludeError(f"include {self.name!r}: no such file in _includes ({exc})",
                               token=self.token) from None
        with context.extend({"include": values}, template=template):
            template.render_with_context(context, buffer, partial=True)
        return True


def _lookup(context: Any, dotted: str) -> object:
    head, *rest = dotted.split(".")
    value = context.resolve(head, None)
    for part in rest:
        value = value.get(part) if isinstance(value, dict) else None
    return value


class JekyllIncludeTag(Tag):
    """Parser for Jekyll's include tag."""

    name = "include"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.eat(TOKEN_TAG)
        if stream.current.kind != TOKEN_EXPRESSION:
            raise IncludeError("include needs a file name", token=token)
        markup = stream.current.value.strip()  # the parser moves past it after parse()
        name, _, rest = markup.partition(" ")
        if not _NAME.match(name) or name.startswith("/") or ".." in name.split("/"):
            raise IncludeError(f"include {name!r}: only files inside _includes can be included",
                               token=token)
        params = []
        for m in _PARAM.finditer(rest):
            key, dq, sq, var = m.groups()
            if var is not None:
                params.append((key, var, False))
            else:
                params.append((key, (dq if dq is not None else sq).replace('\\"', '"'), True))
        return JekyllIncludeNode(token, name, params)


# Jekyll::Tags::HighlightBlock's syntax: a language, then options (``linenos``, ``mark_lines="1 2"``).
_HIGHLIGHT = re.compile(r"""^([a-zA-Z0-9.+#_-]+)((?:\s+\w+(?:=(?:\w+|"[^"]*"))?)*)\s*$""")
_HIGHLIGHT_OPTION = re.compile(r"""(\w+)(?:=(\w+|"[^"]*"))?""")


class HighlightNode(Node):
    """``{% highlight lang %}…{% endhighlight %}``: Liquid inside is rendered first, as in Jekyll."""

    __slots__ = ("block", "lang", "options")

    def __init__(self, token: Any, lang: str, options: dict[str, str], block: BlockNode):
        super().__init__(token)
        self.lang = lang
        self.options = options
        self.block = block
        self.blank = False

    def render_to_output(self, context: Any, buffer: TextIO) -> int:
        inner = StringIO()
        self.block.render(context, inner)
        buffer.write(highlight_code(inner.getvalue(), self.lang, self.options))
        return True


class HighlightTag(Tag):
    """Parser for Jekyll's highlight block."""

    name = "highlight"
    end = "endhighlight"
    block = True

    def parse(self, stream: TokenStream) -> Node:
        token = stream.eat(TOKEN_TAG)
        markup = stream.current.value.strip() if stream.current.kind == TOKEN_EXPRESSION else ""
        m = _HIGHLIGHT.match(markup)
        if not m:
            raise JekyllTagError(f"highlight {markup!r}: valid syntax is 'highlight <lang> [linenos]'",
                                 token=token)
        next(stream)
        options = {key: value.strip('"') if value else "true"
                   for key, value in _HIGHLIGHT_OPTION.findall(m.group(2))}
        block = get_parser(self.env).parse_block(stream, (self.end, TOKEN_EOF))
        if stream.current.kind != TOKEN_TAG or stream.current.value != self.end:
            raise JekyllTagError("highlight was never closed with endhighlight", token=token)
        return HighlightNode(token, m.group(1).lower(), options, block)


def highlight_code(code: str, lang: str, options: Mapping[str, str]) -> str:
    """Jekyll's ``highlight`` output: Rouge's markup, with Pygments' tokens and CSS classes."""
    from pygments.lexers import TextLexer

    from .highlight import highlighted, lexer_for

    code = re.sub(r"\A[\r\n]+|[\r\n]+\Z", "", code)
    marked = options.get("mark_lines") or options.get("hl_lines") or ""
    lines = [int(n) for n in marked.split() if n.isdigit()]
    body = highlighted(code, lexer_for(lang) or TextLexer(), lines)
    if "linenos" in options:
        gutter = "".join(f"{n}\n" for n in range(1, code.count("\n") + 2))
        body = ('<table class="rouge-table"><tbody><tr><td class="gutter gl"><pre class="lineno">'
                f'{gutter}</pre></td><td class="code"><pre>{body}</pre></td></tr></tbody></table>')
    attrs = f'class="language-{html.escape(lang.replace("+", "-"))}" data-lang="{html.escape(lang)}"'
    return f'<figure class="highlight"><pre><code {attrs}>{body.removesuffix(chr(10))}</code></pre></figure>'


class _UrlNode(Node):
    """Output of ``post_url`` and ``link``: the target's URL in the page's language."""

    __slots__ = ("kind", "target")

    def __init__(self, token: Any, kind: str, target: str):
        super().__init__(token)
        self.kind = kind
        self.target = target
        self.blank = False

    def render_to_output(self, context: Any, buffer: TextIO) -> int:
        site: JekyllSite = context.env.jekyll
        if self.kind == "post_url":
            path = site.post_paths.get(self.target.rsplit("/", 1)[-1])
            missing = f"post_url: no post named {self.target!r} in _posts"
        else:
            path = site.source_paths.get(self.target.lstrip("/"))
            missing = f"link: {self.target!r} is not a post of this site (only posts under _posts are)"
        if path is None:
            raise JekyllTagError(missing, token=self.token)
        buffer.write(site.relative_url(path))
        return True


class PostUrlTag(Tag):
    """Parser for ``{% post_url 2021-02-22-name %}``."""

    name = "post_url"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.eat(TOKEN_TAG)
        if stream.current.kind != TOKEN_EXPRESSION:
            raise JekyllTagError(f"{self.name} needs a post name", token=token)
        return _UrlNode(token, self.name, stream.current.value.strip())


class LinkTag(PostUrlTag):
    """Parser for ``{% link _posts/2021-02-22-name.md %}``."""

    name = "link"


class JekyllEnvironment(Environment):
    """A Liquid environment that knows the site, for Jekyll's tags."""

    def __init__(self, includes_dir: Path, jekyll: JekyllSite):
        super().__init__(loader=FileSystemLoader(str(includes_dir)))
        self.jekyll = jekyll


def make_environment(includes_dir: Path, translations: gettext.NullTranslations,
                     jekyll: JekyllSite | None = None) -> Environment:
    """A Liquid environment with Jekyll's tags and filters, reading includes from ``includes_dir`` only."""
    site = jekyll or JekyllSite()
    env = JekyllEnvironment(includes_dir, site)
    for tag in (JekyllIncludeTag, HighlightTag, PostUrlTag, LinkTag):
        env.add_tag(tag)
    env.filters["t"] = translations.gettext
    env.filters["relative_url"] = lambda value: None if value is None else site.relative_url(str(value))
    env.filters["absolute_url"] = lambda value: None if value is None else site.absolute_url(str(value))
    _confine(env, includes_dir)
    return env


def _confine(env: Environment, includes_dir: Path) -> None:
    root = includes_dir.resolve()
    original = env.get_template
    parsed: dict[str, Any] = {}  # an environment lives for one build: each include is parsed once

    def get_template(name: str, *args: Any, **kwargs: Any) -> Any:
        if name in parsed and not args and not kwargs:
            return parsed[name]
        target = (includes_dir / name).resolve()
        if not target.is_relative_to(root):
            raise IncludeError(f"include {name!r} resolves outside _includes", token=None)
        template = original(name, *args, **kwargs)
        if not args and not kwargs:
            parsed[name] = template
        return template

    env.get_template = get_template  # type: ignore[method-assign]


def render_liquid(env: Environment, source: str, variables: dict[str, Any],
                  location: Location, first_line: int, original: str | None = None) -> str:
    """Render Liquid in ``source``, a body starting at file line ``first_line``.

    ``original`` is the body as written when ``source`` is a reassembled
    translation (whose joined paragraphs shift lines): errors are located
    at the failing tag in ``original``.
    """
    begin, end = liquid_span(source)
    if begin == end:
        return source
    return source[:begin] + render_span(env, source, begin, end, variables, location, first_line, original) \
        + source[end:]


def render_span(env: Environment, source: str, begin: int, end: int, variables: dict[str, Any],
                location: Location, first_line: int, original: str | None = None) -> str:
    """What Liquid makes of ``source[begin:end]``, its :func:`liquid_span` (as :func:`render_liquid`)."""
    try:
        return env.from_string(source[begin:end]).render(**variables)
    except LiquidError as outer:
        exc = outer
        # python-liquid wraps errors raised by tags; report the innermost one.
        while not isinstance(exc, JekyllTagError) and isinstance(exc.__context__, LiquidError):
            exc = exc.__context__
        token = getattr(exc, "token", None)
        message = str(exc.args[0]) if exc.args else type(exc).__name__
        line = first_line
        if token is not None:
            # A block left open fails at the end of the text (no position): point at its opening tag.
            index = begin + token.start_index if token.start_index >= 0 else _unclosed(source, begin, end, message)
            line += _line_offset(source, index, original)
        raise PipelineError(Location(location.path, line), f"Liquid: {message}") from None


def _unclosed(source: str, begin: int, end: int, message: str) -> int:
    """Where the block tag that ``message`` says is never closed opens in ``source[begin:end]`` (else its end)."""
    m = re.search(r"expected tag end(\w+)", message)
    if m:
        opened: list[int] = []
        for tag in re.finditer(rf"\{{%-?\s*(end)?{re.escape(m.group(1))}\b", source[begin:end]):
            if tag.group(1) is None:
                opened.append(begin + tag.start())
            elif opened:
                opened.pop()
        if opened:
            return opened[-1]
    return max(begin, end - 1)


def _line_offset(source: str, index: int, original: str | None) -> int:
    """Lines before the tag at ``index`` of ``source``, counted in ``original`` when it has the tag."""
    start = source.rfind("{", 0, index + 1)
    end = source.find("}", index)
    tag = source[start:end + 2] if start >= 0 and end >= 0 else ""
    if original is not None and tag:
        # Reassembly only joins lines, so the tag stands on the same or a later
        # line of the original: search from there.
        found = original.find(tag, _nth_line_start(original, source.count("\n", 0, index)))
        if found < 0:
            found = original.find(tag)
        if found >= 0:
            return original.count("\n", 0, found)
    return source.count("\n", 0, index)


def _nth_line_start(text: str, n: int) -> int:
    pos = 0
    for _ in range(n):
        pos = text.find("\n", pos) + 1
        if pos == 0:
            return len(text)
    return pos
