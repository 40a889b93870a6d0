"""Liquid, run on the localized Markdown before Markdown, as Jekyll does.

Built on python-liquid; what Jekyll adds to Liquid is added here through
python-liquid's tag API: the ``{% include file.html key="value" %}`` tag, whose
parameters the include sees as ``include.key``.  Include names are confined to
``content/_includes`` (no ``..``, no absolute paths, no symlink escaping it).
A ``t`` filter translates UI strings of includes through the page's ``site``
catalog: ``{{ "Play video" | t }}``.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path
from typing import Any, TextIO

from liquid import Environment, FileSystemLoader
from liquid.ast import Node
from liquid.exceptions import LiquidError
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import TOKEN_EXPRESSION, TOKEN_TAG

from .errors import Location, PipelineError

# Jekyll's own syntax for include parameters (Jekyll::Tags::IncludeTag::VALID_SYNTAX).
_PARAM = re.compile(
    r"""([\w-]+)\s*=\s*(?:"([^"\\]*(?:\\.[^"\\]*)*)"|'([^'\\]*(?:\\.[^'\\]*)*)'|([\w.\-\[\]]+))"""
)
_NAME = re.compile(r"^[\w\-./]+$")
TRANSLATABLE = re.compile(r"""(["'])((?:(?!\1).)+)\1\s*\|\s*t\b""")
"""A literal string piped into the ``t`` filter: a UI string of an include."""


class IncludeError(LiquidError):
    """An include that names a missing file or a path outside ``_includes``."""


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


def make_environment(includes_dir: Path, translations: gettext.NullTranslations) -> Environment:
    """A Liquid environment reading includes from ``includes_dir`` only."""
    env = Environment(loader=FileSystemLoader(str(includes_dir)))
    env.add_tag(JekyllIncludeTag)
    env.filters["t"] = translations.gettext
    _confine(env, includes_dir)
    return env


def _confine(env: Environment, includes_dir: Path) -> None:
    root = includes_dir.resolve()
    original = env.get_template

    def get_template(name: str, *args: Any, **kwargs: Any) -> Any:
        target = (includes_dir / name).resolve()
        if not target.is_relative_to(root):
            raise IncludeError(f"include {name!r} resolves outside _includes", token=None)
        return original(name, *args, **kwargs)

    env.get_template = get_template  # type: ignore[method-assign]


def render_liquid(env: Environment, source: str, variables: dict[str, Any],
                  location: Location, first_line: int, original: str | None = None) -> str:
    """Render Liquid in ``source``, a body starting at file line ``first_line``.

    ``original`` is the body as written when ``source`` is a reassembled
    translation (whose joined paragraphs shift lines): errors are located
    at the failing tag in ``original``.
    """
    if "{%" not in source and "{{" not in source:
        return source
    try:
        return env.from_string(source).render(**variables)
    except LiquidError as outer:
        exc = outer
        # python-liquid wraps errors raised by tags; report the innermost one.
        while not isinstance(exc, IncludeError) and isinstance(exc.__context__, LiquidError):
            exc = exc.__context__
        token = getattr(exc, "token", None)
        line = first_line
        if token is not None:
            line += _line_offset(token.source, token.start_index, original)
        message = str(exc.args[0]) if exc.args else type(exc).__name__
        raise PipelineError(Location(location.path, line), f"Liquid: {message}") from None



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
