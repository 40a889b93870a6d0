"""Python-Markdown without the processors a document cannot trigger.

Python-Markdown runs every block processor's test on every block and every
inline pattern on every text node, whether the document could match it or
not: a post without footnotes, tables or images still pays for them.  What
cannot match changes nothing, so a document is converted without it:

* :func:`markdown_features` reads, from the document's text, which of the
  block-level features of :data:`FEATURES` it may use; :func:`trim` takes
  the processors of the others out of a Markdown instance (through its
  registries: the library itself is untouched), one cached instance per set.
* :class:`SelectingInlineProcessor` replaces the ``inline`` treeprocessor:
  before it runs, it looks at the very text nodes the inline patterns will
  read (raw HTML already stashed, so the tags of an HTML block are not a
  reason to keep the patterns of inline HTML) and runs only the patterns
  one of whose :data:`INLINE_TRIGGERS` occurs there (and those of references
  only when the document defines links).

Each test is a superset of what could make its processors match; a document
that fails none gets every processor.  The tests compare both instances over
the CommonMark examples, the posts and random mixes of syntax.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree  # noqa: N813 (Python-Markdown's convention)

from markdown import Markdown
from markdown.inlinepatterns import Pattern
from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString, Registry

from .kramdown import TOC_MARKER

PROCESSORS: dict[str, tuple[tuple[str, str], ...]] = {
    # < or & reach the raw-HTML preprocessor (without either it gives back its input unchanged)
    "html_blocks": (("preprocessors", "html_block"),),
    # <tag markdown="1">: md_in_html parses the tag's content as Markdown, into any element
    "md_in_html": (("blockprocessors", "markdown_block"),),
    "fenced_code": (("preprocessors", "fenced_code_block"), ("preprocessors", "kramdown_fences"),
                    ("preprocessors", "kramdown_fence_tabs"), ("postprocessors", "kramdown_fence_tabs")),
    "tables": (("blockprocessors", "table"),),
    # ": " at a line's start; the indented blocks of a definition (or of a <dl> from md_in_html)
    "def_list": (("blockprocessors", "deflist"), ("blockprocessors", "defindent")),
    "abbr": (("blockprocessors", "abbr"), ("treeprocessors", "abbr")),
    "footnotes": (("blockprocessors", "footnote"), ("treeprocessors", "footnote"),
                  ("treeprocessors", "footnote-reorder"), ("treeprocessors", "footnote-duplicate"),
                  ("postprocessors", "footnote")),
    "link_definitions": (("blockprocessors", "reference"),),
    # kramdown's display math, $$…$$ as a block
    "math": (("blockprocessors", "kramdown_math"),),
    # kramdown's {::comment}, {::nomarkdown} and {::options /}
    "kramdown_extensions": (("preprocessors", "kramdown_extensions"),),
    # a backslash escape (or an escaped backslash in code) leaves a placeholder, turned back at the end
    "escapes": (("treeprocessors", "unescape"),),
    # the toc extension's marker paragraph (what ``* TOC`` + ``{:toc}`` becomes), kramdown's markup of it
    "toc_marker": (("treeprocessors", "kramdown_toc"),),
}
"""Block-level features, each with the processors (registry, name as registered) only it can trigger."""

FEATURES = frozenset(PROCESSORS)

INLINE_TRIGGERS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",),
    "escape": ("\\",),
    "footnote": ("[^",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_reference": ("[",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n",),
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*", "_"),  # kramdown's emphasis (i18n.kramdown), as Python-Markdown's own
    "del": ("~~",),  # GFM strikethrough (i18n.kramdown)
    "backslash_break": ("\\\n",),  # GFM's backslash line break (i18n.kramdown)
    "math": ("$$",),  # kramdown's inline math (i18n.kramdown)
}
"""Inline patterns (by registered name), each with strings one of which any text it matches holds.

A pattern not named here always runs.
"""
REFERENCE_PATTERNS = ("reference", "short_reference", "image_reference", "short_image_ref")
"""Inline patterns that only ever make a link or image of a link definition: without any, nothing."""

_COLON_SPACE = re.compile(r":[ \t]")
_TOC_IAL_START = re.compile(r"\{:\s*toc")
LOWERS_TO_MARKDOWN = "\u212a"
"""The characters outside ASCII whose ``str.lower()`` holds a letter of "markdown": the Kelvin sign (k)."""


_ENTITY_END = re.compile(r"&#?\w+;$")
"""A character reference ending a line's start, which the raw-HTML preprocessor stashes as it does a tag."""


def _may_define(text: str) -> bool:
    """Whether ``text`` has ": " where Markdown may see the start of a line: a definition.

    That is after an indent, quote or list markers, a footnote's label, or the end
    of a raw HTML block or a character reference whose line goes on (the raw-HTML preprocessor
    stashes both: what follows starts a block).
    """
    for m in _COLON_SPACE.finditer(text):
        colon = m.start()
        before = text[max(text.rfind("\n", 0, colon), text.rfind("\r", 0, colon)) + 1:colon]
        head = before.rstrip(" \t")
        if not head or head[-1] == ">" or head.endswith("]:") or (head != before and head[-1] in "*+-.") \
                or (head[-1] == ";" and _ENTITY_END.search(head)):
            return True
    return False


def markdown_features(text: str) -> frozenset[str]:
    """The features of :data:`FEATURES` that ``text`` may use (all of them when unsure).

    Each test allows for what Markdown's preprocessors and block parser do to the
    text first: tabs expanded, carriage returns made newlines, quote and list
    markers and indents removed, raw HTML taken out.  One-character tests come
    first: they cost a fraction of a longer one's.
    """
    if "\x02" in text or "\x03" in text or LOWERS_TO_MARKDOWN in text \
            or b"markdown" in text.encode("utf-8", "surrogatepass").lower():
        # Markdown inside HTML elements (an attribute name is read in lower case), whose
        # attributes can be anything once their character references are decoded; and
        # Markdown deletes STX and ETX, which could join the characters around them.
        return FEATURES
    found = {
        "html_blocks": "<" in text or "&" in text,
        "fenced_code": ("`" in text and "```" in text) or ("~" in text and "~~~" in text),
        "tables": "|" in text,
        "def_list": ":" in text and _may_define(text),
        "abbr": "*" in text and "*[" in text,
        "footnotes": "^" in text and "[^" in text,
        "link_definitions": "]" in text and "]:" in text,
        "kramdown_extensions": "{" in text and "{::" in text,
        "math": "$" in text and "$$" in text,
        "escapes": "\\" in text,
        "toc_marker": TOC_MARKER[0] in text or ("{" in text and _TOC_IAL_START.search(text) is not None),
    }
    return frozenset(name for name, present in found.items() if present)


class SelectingInlineProcessor(InlineProcessor):
    """Python-Markdown's inline processor, running only the patterns the document's text nodes can match.

    The text it reads is what the tree holds when it runs (inline patterns only ever
    read parts of it); the patterns without any of their :data:`INLINE_TRIGGERS`
    there are left out for this document.  The subsets of the instance's registry
    are made once each: the instance's patterns must not change after this is
    registered.
    """

    def __init__(self, md: Markdown):
        super().__init__(md)
        self._every: Registry[Pattern] = md.inlinePatterns
        self._subsets: dict[frozenset[str], Registry[Pattern]] = {}

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        texts = []
        for el in tree.iter():
            if el.text and not isinstance(el.text, AtomicString):
                texts.append(el.text)
            if el.tail and not isinstance(el.tail, AtomicString):
                texts.append(el.tail)
        text = "\0".join(texts)  # no trigger holds a NUL, so none spans two nodes
        absent = frozenset(name for name, triggers in INLINE_TRIGGERS.items()
                           if not any(trigger in text for trigger in triggers) or (
                               name in REFERENCE_PATTERNS and not self.md.references))
        patterns = self._subsets.get(absent)
        if patterns is None:
            patterns = self._every[:]
            for name in absent:
                patterns.deregister(name, strict=False)
            self._subsets[absent] = patterns
        self.inlinePatterns = patterns  # type: ignore[assignment]  # (the stubs type it as treeprocessors)
        return super().run(tree, ancestors)


def trim(md: Markdown, features: frozenset[str]) -> Markdown:
    """Take out of ``md`` the processors of the features it will not meet, and select its inline patterns."""
    for feature in FEATURES - features:
        for registry, name in PROCESSORS[feature]:
            # (strict=False: an instance for such documents may go without the extension altogether)
            (md.parser.blockprocessors if registry == "blockprocessors" else getattr(md, registry)).deregister(
                name, strict=False)
    md.treeprocessors.register(SelectingInlineProcessor(md), "inline", 20)
    return md
