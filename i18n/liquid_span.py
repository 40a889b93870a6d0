"""Which part of an article Liquid has to read.

Apart from python-liquid itself, which takes a while to import: an article
whose Liquid output is known (kept in the build cache by this part's text)
is made without loading it.
"""

from __future__ import annotations


def liquid_span(source: str) -> tuple[int, int]:
    """The part of ``source`` Liquid has to read: from its first tag to its last (equal ends: none).

    Text before the first ``{%``/``{{`` and after the last ``%}``/``}}`` is
    literal, output as it is, but for the whitespace a ``{%-`` or ``-%}``
    trims: the span takes in the whitespace next to it.  An article has a
    tag or two in pages of prose, which Liquid's lexer would scan character by
    character (half of Liquid's time in a build).  An opening after the last
    closing (an unclosed tag, literal to Liquid but for its ``-``), or a last
    tag ending in ``-%}``, extends it to the end.
    """
    opens = [i for i in (source.find("{%"), source.find("{{")) if i >= 0]
    if not opens:
        return 0, 0
    begin = len(source[:min(opens)].rstrip())
    close = max(source.rfind("%}"), source.rfind("}}"))
    if close < min(opens) or max(source.rfind("{%"), source.rfind("{{")) > close or source[close - 1] == "-":
        return begin, len(source)  # after a "-%}", Liquid also trims a last line's newline
    return begin, len(source) - len(source[close + 2:].lstrip())
