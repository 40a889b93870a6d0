"""Text rules shared by segmentation and checks: CJK-aware joining, markup stripping.

Re-wrapping a Japanese paragraph must not change its message id, so soft line
breaks are joined here: no space where a wide CJK character (kana, han,
fullwidth punctuation) meets the break, one space elsewhere (Latin words, and
Korean, whose words are separated by spaces).  This follows the segment break
transformation rules of CSS Text Level 3.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Private-use characters that mark an untranslated block through Markdown
# rendering; stripped from every translation before use.
UNTRANSLATED_START = "\ue000"
UNTRANSLATED_END = "\ue001"
_MARKUP_EDGE = "*_~`"


def is_wide(ch: str) -> bool:
    """True for wide/fullwidth characters that are not Hangul (no spaces between them)."""
    if not ch:
        return False
    if unicodedata.east_asian_width(ch) not in ("W", "F"):
        return False
    name = unicodedata.name(ch, "")
    return not name.startswith(("HANGUL", "HALFWIDTH HANGUL"))


def join_lines(lines: list[str]) -> str:
    """Join soft-wrapped lines of one paragraph into one line, CJK-aware.

    Each line is stripped; emphasis markers at the edges are looked through, so
    ``**太郎**`` + ``次郎`` joins without a space just like ``太郎`` + ``次郎``.
    """
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if out:
            left = out.rstrip(_MARKUP_EDGE)[-1:] or out[-1]
            right = line.lstrip(_MARKUP_EDGE)[:1] or line[0]
            # Two delimiter runs must stay apart ("*a*" + "*b*" is not "*a**b*"), CJK or not.
            merges = out[-1] in _MARKUP_EDGE and line[0] in _MARKUP_EDGE
            out += ("" if (is_wide(left) or is_wide(right)) and not merges else " ") + line
        else:
            out = line
    return out


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_REFLINK = re.compile(r"!?\[([^\]]*)\]\[[^\]]*\]")
_IAL = re.compile(r"\{:?[^{}]*\}")
_LIQUID = re.compile(r"\{%.*?%\}|\{\{.*?\}\}")
_TAG = re.compile(r"<[^>]+>")
_MARKERS = re.compile(r"[*`~]|(?<!\w)_+|_+(?!\w)")


def plain_text(markdown_inline: str) -> str:
    """Visible text of one line of inline Markdown (for heading ids and counts)."""
    text = _LIQUID.sub("", markdown_inline)
    text = _LINK.sub(r"\1", text)
    text = _REFLINK.sub(r"\1", text)
    text = _IAL.sub("", text)
    text = _TAG.sub("", text)
    text = re.sub(r"\\(.)", r"\1", text)
    # Emphasis markers go; an underscore inside a word is no marker (snake_case stays).
    return html.unescape(_MARKERS.sub("", text)).strip()


def strip_markers(text: str) -> str:
    """Remove the private untranslated-block markers (never trusted from catalogs)."""
    return text.replace(UNTRANSLATED_START, "").replace(UNTRANSLATED_END, "")


TASK_BOX = re.compile(r"\[([ xX])\] ")
"""What starts a GFM task list item's text: its checkbox, unticked or ticked."""


_NOT_IN_ID = re.compile(r"[^\w\- \t]")


def gfm_slug(text: str, separator: str = "-") -> str:
    """A heading's id as kramdown's GFM parser (Jekyll's) makes it from the heading's text.

    Lower case; anything but letters, digits, ``_``, ``-``, spaces and tabs
    dropped; each space or tab a ``-``: ``Part 1 - 概要`` is ``part-1---概要``,
    ``第1章　はじめに`` (an ideographic space) ``第1章はじめに``, ``🚀 はじめに``
    ``-はじめに``.  (The signature is that of Python-Markdown's ``toc`` slugify;
    ``separator`` is always ``-`` here.)
    """
    return _NOT_IN_ID.sub("", text.lower()).replace(" ", separator).replace("\t", separator)


def numbered_id(slug: str, taken: set[str], counts: dict[str, int]) -> str:
    """``slug`` for the first heading of it, then ``slug-1``, ``slug-2``…, as kramdown numbers them.

    ``taken``: the ids of the document so far (the one returned is added); ``counts``: the last
    number given to each slug.  An empty slug is ``section``, kramdown's own word, so that every
    heading can be linked to.  Unlike kramdown, a number never gives an id already taken.
    """
    base = slug or "section"
    candidate, n = base, counts.get(base, 0)
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    counts[base] = n
    taken.add(candidate)
    return candidate
