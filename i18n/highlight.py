"""Code blocks as Jekyll shows them: kramdown hands each one to Rouge; here Pygments does Rouge's job.

Rouge and Pygments name their tokens alike (``k``, ``nb``, ``mi``…), so one
stylesheet colors both, and a Jekyll theme's CSS keeps working.  Pygments is
imported on the first code block: most posts have none.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

PLAIN = "plaintext"
"""Jekyll's ``default_lang``: the language of a code block that names none."""


_WHITESPACE_TOKEN = re.compile(r'<span class="w">([^<]*)</span>')


def highlighted(code: str, lexer: Any, marked: list[int] | None = None) -> str:
    """Pygments' tokens of ``code`` as Rouge marks them up (whitespace left bare); ``marked``: lines to mark."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter

    return _WHITESPACE_TOKEN.sub(r"\1", highlight(code, lexer, HtmlFormatter(nowrap=True, hl_lines=marked or [])))


@lru_cache(maxsize=256)
def lexer_for(lang: str) -> Any:
    """Pygments' lexer for ``lang`` (None when it knows no such language)."""
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(lang)
    except ClassNotFound:
        return None


@lru_cache(maxsize=512)  # a post's code blocks are the same in every language
def code_block_html(code: str, lang: str) -> str:
    """kramdown's HTML for a code block of ``lang`` ('' for none) with Rouge as its highlighter.

    A language neither knows stays a plain ``<pre><code class="language-…">``, as kramdown leaves it.
    """
    name = lang or PLAIN
    lexer = None if name == PLAIN else lexer_for(name.lower())
    if lexer is None and name != PLAIN:
        return f'<pre><code class="language-{html.escape(lang)}">{html.escape(code, quote=False)}</code></pre>'
    if lexer is None:
        body = html.escape(code, quote=False)
    else:
        body = highlighted(code, lexer)
        if not code.endswith("\n"):
            body = body.removesuffix("\n")
    return (f'<div class="language-{html.escape(name)} highlighter-rouge"><div class="highlight">'
            f'<pre class="highlight"><code>{body}</code></pre></div></div>')
