"""A Python-Markdown extension that renders posts as Jekyll's kramdown does.

Written through Python-Markdown's own extension API (no fork):

* :class:`KramdownEmphasisProcessor` replaces the ``em_strong`` inline
  processor with kramdown's emphasis rules.  CommonMark's flanking rules (and
  Python-Markdown's delimiter processor that follows them) turn
  ``**汎用…（* Dojo）…できます。**`` into a broken ``<em>``, because the ``*``
  after a fullwidth parenthesis "closes"; kramdown only requires that an
  opening delimiter is not followed by whitespace and a closing one not
  preceded by it, so the sentence is one ``<strong>``.
* :class:`LinkRelTreeprocessor` adds ``rel="noopener"`` to links that open a
  new window (``{:target="_blank"}``).
* :class:`SourceLangTreeprocessor` turns the private markers that
  :func:`i18n.segments.assemble` puts around an untranslated block into a
  ``lang`` attribute on the block's element.
* :class:`BlockIalPreprocessor` and :class:`BlockIalTreeprocessor`: a block
  attribute list on the line after a list or a table (``{: .notice}``)
  belongs to that list or table, as in kramdown; Python-Markdown would give
  it to the last item, or read it as a table row.
* ``* TOC`` + ``{:toc}`` becomes the table of contents, rendered by
  Python-Markdown's ``toc`` extension (whose marker is :data:`TOC_MARKER`,
  so a literal ``[TOC]`` stays text) and given kramdown's markup
  (``<ul id="markdown-toc">``) by :class:`KramdownTocTreeprocessor`.  Its
  anchors are the headings' ids, which :func:`i18n.segments.assemble` takes
  from the source heading in every language.
* :class:`FencePreprocessor` and :class:`IndentedCodeTreeprocessor`: code
  blocks highlighted in Rouge's markup, as Jekyll shows them; a fenced code
  block inside a list item or a block quote is one there too (Python-Markdown
  only finds fences at the margin).
* :class:`GfmHashHeaderProcessor`, ``~~strikethrough~~``, kramdown's backslash
  escapes and fence languages: kramdown's GFM parser, which Jekyll uses.
* :class:`KramdownFootnoteTreeprocessor` gives footnotes kramdown's markup
  (``class="footnotes"``, ``reversefootnote``, ARIA roles).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree  # noqa: N813 (Python-Markdown's convention)

from markdown import Markdown
from markdown.blockprocessors import BlockProcessor, HashHeaderProcessor
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.extensions.toc import remove_fnrefs, render_inner_html
from markdown.inlinepatterns import InlineProcessor, SimpleTagInlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from .highlight import code_block_html
from .text import TASK_BOX, UNTRANSLATED_END, UNTRANSLATED_START, gfm_slug, numbered_id

KRAMDOWN_ESCAPES = "\\.*_+-`()[]{}#!:|\"'$=<>~"
"""What a backslash escapes in kramdown (its GFM parser adds ``~``)."""
_BACKSLASH_BREAK = r"(?<!\\)\\+\n"
"""Backslashes at the end of a line: kramdown's GFM parser breaks the line with the last one (GFM's break)
or the last two (kramdown's own ``\\\\``); those before are escapes."""
_STRIKE = r"(~~)(?!~|\s)(.+?)(?<!~|\s)~~(?!~)"
"""GFM strikethrough, as kramdown's GFM parser reads it: ``~~text~~``, no space inside the tildes."""
_FENCE_OPENING = re.compile(r"""
(?P<fence>^(?:~{3,}|`{3,}))[ ]*
((\{(?P<attrs>[^\n]*)\})|
(\.?(?P<lang>[^\s`{}"'<>&]*)[ ]*)?
(hl_lines=(?P<quot>"|')(?P<hl_lines>.*?)(?P=quot)[ ]*)?)
\n
(?P<code>.*?)(?<=\n)
(?P=fence)[ ]*$
""", re.MULTILINE | re.DOTALL | re.VERBOSE)
"""Python-Markdown's fence, whose language is any word, as in kramdown's GFM parser (Qiita's
``ruby:app.rb``); a second word makes it no fence, there too."""
_DELIMS = re.compile(r"\*{1,2}|_{1,2}")
_SPECIAL = re.compile(r"[*_\\]")
TOC_MARKER = "\ue010toc\ue010"
"""Paragraph text that Python-Markdown's ``toc`` extension replaces (what ``* TOC`` + ``{:toc}`` becomes)."""
_BLOCK_IAL_MARK = "\ue011"
"""Prefix of a block attribute list that belongs to the block before it."""
_NEXT_IAL_MARK = "\ue012"
"""Prefix of a block attribute list that belongs to the block after it."""
_TOC_IAL = re.compile(r"^ {0,3}\{:\s*toc\s*\}\s*$")
_BLOCK_IAL = re.compile(r"^ {0,3}\{:(?!:)[^{}]*\}\s*$")
_LIST_ITEM = re.compile(r"^ {0,3}([*+-]|\d+\.)[ \t]")
_TABLE_ROW = re.compile(r"^ {0,3}\|")
_ATX_LINE = re.compile(r"^#{1,6}(?:[ \t]|$)")
"""A heading's line (a block of one line: an attribute list on the next line is the heading's)."""
_INLINE_IAL = re.compile(r"^\{\:?[ ]*([^\}\n ][^\}\n]*)\}")


class _EmphasisParser:
    """kramdown's ``parse_emphasis``/``parse_spans`` for ``*`` and ``_``, on one string."""

    def __init__(self, data: str):
        self.data = data

    def parse(self, pos: int, stack: tuple[str, ...]) -> tuple[etree.Element, int] | None:
        """Emphasis starting at ``pos``: (element, end index), or None if it is plain text."""
        data = self.data
        run = _DELIMS.match(data, pos)
        if run is None:
            return None
        delim = run.group()
        kind = "strong" if len(delim) == 2 else "em"
        char = delim[0]
        after = data[pos + len(delim):pos + len(delim) + 1]
        before = data[max(0, pos - 2):pos]
        intraword = before[-1:].isalpha() or (before[-1:] == "-" and before[:1].isalpha())
        if (char == "_" and intraword) or after.isspace() \
                or not after or kind in stack:
            return None
        found = self._spans(pos + len(delim), delim, kind, char, stack)
        if found is None and kind == "strong" and "em" not in stack[-1:]:
            inner = self._spans(pos + 2, char, "em", char, stack)
            if inner is not None:
                el, end = inner
                outer = etree.Element("span")  # placeholder: first delimiter stays literal
                outer.text = char
                outer.append(el)
                return outer, end
            return None
        return found

    def _spans(self, start: int, delim: str, kind: str, char: str,
               stack: tuple[str, ...]) -> tuple[etree.Element, int] | None:
        data = self.data
        el = etree.Element(kind)
        parts: list[str | etree.Element] = []
        text = ""
        k = start
        while k < len(data):
            if data.startswith(delim, k) and k > start and self._may_close(k, delim, kind, char):
                _fill(el, parts, text)
                return el, k + len(delim)
            if data[k] in "*_":
                nested = self.parse(k, (*stack, kind))
                if nested is not None:
                    child, end = nested
                    parts.append(text)
                    text = ""
                    parts.append(child)
                    k = end
                    continue
                m = _DELIMS.match(data, k)
                assert m
                text += m.group()
                k = m.end()
                continue
            if data[k] == "\\" and k + 1 < len(data):
                text += data[k:k + 2]
                k += 2
                continue
            # Up to the next delimiter or backslash, nothing but text.
            plain = _SPECIAL.search(data, k + 1)
            end = plain.start() if plain else len(data)
            text += data[k:end]
            k = end
        return None

    def _may_close(self, k: int, delim: str, kind: str, char: str) -> bool:
        data = self.data
        if data[k - 1].isspace():
            return False
        if kind == "em" and data.startswith(char * 2, k) and not data.startswith(char * 3, k):
            return False
        return not (char == "_" and k + len(delim) < len(data) and data[k + len(delim)].isalnum())


def _fill(el: etree.Element, parts: list[str | etree.Element], tail: str) -> None:
    last: etree.Element | None = None
    for part in [*parts, tail]:
        if isinstance(part, str):
            if last is None:
                el.text = (el.text or "") + part
            else:
                last.tail = (last.tail or "") + part
        elif part.tag == "span":  # a literal delimiter followed by an emphasis
            if last is None:
                el.text = (el.text or "") + (part.text or "")
            else:
                last.tail = (last.tail or "") + (part.text or "")
            for child in part:
                el.append(child)
                last = child
        else:
            el.append(part)
            last = part


class KramdownEmphasisProcessor(InlineProcessor):
    """``*em*``, ``**strong**``, ``_em_``, ``__strong__`` with kramdown's rules."""

    def __init__(self) -> None:
        super().__init__(r"\*{1,2}|_{1,2}")

    def handleMatch(  # type: ignore[override]  # noqa: N802 (Python-Markdown's API)
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | None, int | None, int | None]:
        result = _EmphasisParser(data).parse(m.start(), ())
        if result is None:
            return None, None, None
        el, end = result
        if el.tag == "span":  # kramdown's fallback: "*" stays literal, an <em> follows it
            return el[0], m.start() + 1, end
        return el, m.start(), end


class LinkRelTreeprocessor(Treeprocessor):
    """``rel="noopener"`` on every link with ``target="_blank"``."""

    def run(self, root: etree.Element) -> None:
        for a in root.iter("a"):
            if a.get("target") == "_blank":
                rel = set((a.get("rel") or "").split())
                rel.add("noopener")
                a.set("rel", " ".join(sorted(rel)))


class SourceLangTreeprocessor(Treeprocessor):
    """Mark untranslated blocks with the source ``lang`` and drop the markers."""

    def __init__(self, md: Markdown, source_lang: str):
        super().__init__(md)
        self.source_lang = source_lang

    def run(self, root: etree.Element) -> None:
        for el in root.iter():
            text = el.text or ""
            if UNTRANSLATED_START in text:
                el.set("lang", self.source_lang)
            for attr in ("text", "tail"):
                value = getattr(el, attr)
                if value and (UNTRANSLATED_START in value or UNTRANSLATED_END in value):
                    setattr(el, attr, value.replace(UNTRANSLATED_START, "").replace(UNTRANSLATED_END, ""))
            for key, value in list(el.attrib.items()):
                if value is None:  # a bare key in an attribute list: {: toc}
                    el.set(key, key)
                elif UNTRANSLATED_START in value or UNTRANSLATED_END in value:
                    el.set(key, value.replace(UNTRANSLATED_START, "").replace(UNTRANSLATED_END, ""))


class BlockIalPreprocessor(Preprocessor):
    """Separate a block attribute list that follows a list or table, marked for :class:`BlockIalTreeprocessor`.

    Runs after fenced code and raw HTML are stashed, so their contents are never touched.
    """

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        block_start = 0  # index in ``out`` of the first line of the current block
        for i, line in enumerate(lines):
            if not line.strip():
                out.append(line)
                block_start = len(out)
                continue
            opener = out[block_start] if block_start < len(out) else ""
            after_block = block_start < len(out) and (_LIST_ITEM.match(opener) or _TABLE_ROW.match(opener)
                                                      or (len(out) - block_start == 1 and _ATX_LINE.match(opener)))
            if after_block and _TOC_IAL.match(line) and _LIST_ITEM.match(opener):
                del out[block_start:]
                out.extend(["", TOC_MARKER, ""])
            elif after_block and _BLOCK_IAL.match(line):
                out.extend(["", _BLOCK_IAL_MARK + line.strip(), ""])
            elif block_start == len(out) and _BLOCK_IAL.match(line) and not _TOC_IAL.match(line) \
                    and i + 1 < len(lines) and lines[i + 1].strip() and not _BLOCK_IAL.match(lines[i + 1]):
                # A block attribute list on the line before a block belongs to that block.
                out.extend(["", _NEXT_IAL_MARK + line.strip(), ""])
            else:
                out.append(line)
                continue
            block_start = len(out)
        return out


_MARKER = re.compile(r"( *)([*+-]|\d{1,9}[.)])( +|$)")
_RULE = re.compile(r" {0,3}([*_-])(?: *\1){2,} *$")


_FENCE = re.compile(r"^(?P<prefix>(?:[ ]*>[ ]?)+[ ]*|[ ]*)(?P<fence>`{3,}|~{3,})[ ]*"
                    r"(?P<lang>[^\s`{}\"'<>&]*)[ ]*$")


class IndentedCodeTreeprocessor(Treeprocessor):
    """An indented code block as kramdown shows it with Rouge: plain text in Rouge's markup."""

    def run(self, root: etree.Element) -> None:
        blocks = [(parent, pre) for parent in root.iter() for pre in parent
                  if pre.tag == "pre" and not pre.attrib and len(pre) == 1
                  and pre[0].tag == "code" and not pre[0].attrib and not len(pre[0])]
        for parent, pre in blocks:
            # (Python-Markdown escaped the text already: the same text, escaped once)
            placeholder = self.md.htmlStash.store(code_block_html(html.unescape(pre[0].text or ""), ""))
            p = etree.Element("p")
            p.text = placeholder  # alone in its paragraph: Python-Markdown puts the HTML in its place
            p.tail = pre.tail
            index = list(parent).index(pre)
            parent.remove(pre)
            parent.insert(index, p)


_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_TAG = re.compile(r"<[^>]*>")
_TAB = "\ue013"
"""A tab of fenced code while Python-Markdown expands the document's tabs to spaces."""
_FENCE_LINE = re.compile(r"^(?P<prefix>(?:[ \t]*>[ ]?)*[ \t]*)(?P<fence>`{3,}|~{3,})")


EXTENSION_BLOCK = re.compile(r"^ {0,3}\{::(comment|nomarkdown)\}\s*$")
"""The opening line of a kramdown ``comment`` or ``nomarkdown`` block (the segmenter keeps it out of catalogs)."""
_EXTENSION_EMPTY = re.compile(r"^ {0,3}\{::(?:comment|nomarkdown|options)\b[^{}]*/\}\s*$")
_EXTENSION_SPAN = re.compile(r"\{::(comment|nomarkdown)\}(.*?)\{:/(?:\1)?\}")


def extension_end(kind: str) -> re.Pattern[str]:
    """The line that closes a :data:`EXTENSION_BLOCK` of ``kind`` (``{:/comment}``, or ``{:/}``)."""
    return re.compile(rf"^ {{0,3}}\{{:/(?:{kind})?\}}\s*$")


def _extension_html(kind: str, content: str) -> str:
    """What kramdown outputs for a ``comment`` (an HTML comment) or a ``nomarkdown`` (its content as is)."""
    return f"<!-- {content.strip().replace('--', '- -')} -->" if kind == "comment" else content


class ExtensionPreprocessor(Preprocessor):
    """kramdown's extensions: ``{::comment}…{:/comment}`` becomes an HTML comment (not text of the
    page), ``{::nomarkdown}…{:/}`` is output as it is, ``{::options … /}`` is dropped, as blocks
    and as spans.  Runs after fenced code is stashed: a fence's text is never read as one."""

    def run(self, lines: list[str]) -> list[str]:
        if not any("{::" in line for line in lines):
            return lines
        out: list[str] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            block = EXTENSION_BLOCK.match(line)
            if block:
                closing = extension_end(block.group(1))
                end = next((k for k in range(i + 1, len(lines)) if closing.match(lines[k])), None)
                if end is not None:
                    raw = _extension_html(block.group(1), "\n".join(lines[i + 1:end]))
                    out.extend(["", self.md.htmlStash.store(raw), ""])
                    i = end + 1
                    continue
            if _EXTENSION_EMPTY.match(line):
                i += 1
                continue
            if "{::" in line:
                line = _EXTENSION_SPAN.sub(lambda m: self.md.htmlStash.store(_extension_html(m.group(1), m.group(2))),
                                           line)
            out.append(line)
            i += 1
        return out


class FenceTabsPreprocessor(Preprocessor):
    """Keep the tabs of fenced code (a Makefile's, Go's), which kramdown keeps: Python-Markdown's
    whitespace normalization expands every tab of the document, so those of code lines are
    hidden from it here and given back by :class:`FenceTabsPostprocessor`."""

    def run(self, lines: list[str]) -> list[str]:
        if not any("\t" in line for line in lines):
            return lines
        out = []
        fence = ""
        prefix = 0
        for line in lines:
            m = _FENCE_LINE.match(line)
            if not fence and m:
                fence, prefix = m.group("fence"), len(m.group("prefix"))
            elif fence and m and m.group("fence")[0] == fence[0] and len(m.group("fence")) >= len(fence) \
                    and not line[m.end():].strip():
                fence = ""
            elif fence and "\t" in line[prefix:]:
                line = line[:prefix] + line[prefix:].replace("\t", _TAB)
            out.append(line)
        return out


class FenceTabsPostprocessor(Postprocessor):
    """Give fenced code its tabs back (see :class:`FenceTabsPreprocessor`)."""

    def run(self, text: str) -> str:
        return text.replace(_TAB, "\t") if _TAB in text else text


class FencePreprocessor(Preprocessor):
    """Fenced code blocks as kramdown renders them, highlighted (:func:`i18n.highlight.code_block_html`).

    Python-Markdown's ``fenced_code`` only finds fences at the start of a line
    and does not highlight.  Here a fence, also after a list item's indentation
    or a quote's ``>`` (closed with the same prefix), becomes the code block's
    HTML stashed as raw HTML, with a placeholder left at that prefix, where the
    item or quote reads it as one of its blocks.  Outside them, a fence indented
    one to three spaces is one too (its lines kept whole, as kramdown keeps
    them); four spaces make an indented code block, left as it is.  A fence
    with ``{attributes}`` or ``hl_lines`` is left to ``fenced_code``.
    """

    def run(self, lines: list[str]) -> list[str]:
        if not any("```" in line or "~~~" in line for line in lines):
            return lines
        out: list[str] = []
        item_column = -1  # content column of the list item the current lines are in (-1: none)
        i = 0
        while i < len(lines):
            line = lines[i]
            m = _FENCE.match(line)
            marker = _MARKER.match(line)
            if marker and not _RULE.match(line):
                item_column = len(marker.group(1)) + len(marker.group(2)) + 1
            elif line.strip() and not line.startswith(" ") and not line.lstrip().startswith(">"):
                item_column = -1  # a line at the margin ends the list
            if m is not None:
                prefix = m.group("prefix")
                nested = ">" in prefix or item_column >= 0
                if nested or len(prefix) <= 3:  # (four spaces outside a list: an indented code block)
                    end = self._closing(lines, i, prefix, m.group("fence"))
                    if end is not None:
                        # Inside an item or a quote, its prefix is not code; at the margin, kramdown keeps it.
                        code = "\n".join(self._strip(lines[k], prefix) if nested else lines[k]
                                          for k in range(i + 1, end))
                        block = code_block_html(code + "\n" if code else "", m.group("lang"))
                        out.append(prefix + self.md.htmlStash.store(block))
                        i = end + 1
                        continue
            out.append(line)
            i += 1
        return out

    @staticmethod
    def _closing(lines: list[str], i: int, prefix: str, fence: str) -> int | None:
        closing = re.compile(rf"^{re.escape(prefix.rstrip())}[ ]*{re.escape(fence[0])}{{{len(fence)},}}[ ]*$")
        for k in range(i + 1, len(lines)):
            if closing.match(lines[k]):
                return k
            if not lines[k].startswith(prefix.rstrip()) and lines[k].strip():
                return None  # the item or quote ended before the fence closed
        return None

    @staticmethod
    def _strip(line: str, prefix: str) -> str:
        if line.startswith(prefix):
            return line[len(prefix):]
        return line[len(prefix.rstrip()):] if line.startswith(prefix.rstrip()) else line.lstrip()


class ListIndentPreprocessor(Preprocessor):
    """Re-indent list items as kramdown reads them, for Python-Markdown's four-space rule.

    kramdown (and GFM) put a list item's content at the column of its first
    character after the marker: ``* a`` then ``  * b`` nests ``b``, and ``  more``
    after a blank line continues ``a``.  Python-Markdown wants four spaces per
    level.  Each line inside a list is moved to four spaces per level, keeping
    its indentation relative to its item's content (so an indented code block
    in an item stays one).  A list right after a paragraph line starts a list,
    as kramdown's GFM parser (Jekyll's default) reads it; Python-Markdown wants a
    blank line first.  Lines outside lists are untouched.  Runs after fenced
    code and raw HTML are stashed.
    """

    def run(self, lines: list[str]) -> list[str]:
        if not any(_MARKER.match(line) for line in lines):
            return lines
        out: list[str] = []
        items: list[tuple[int, int, int, bool]] = []
        """Open items, innermost last: (content column in, content column out, marker column, ordered)."""
        blank_before = True
        continued = False  # the last line is a paragraph an item goes on with after a blank line
        for line in lines:
            if not line.strip():
                out.append(line)
                blank_before = True
                continue
            indent = len(line) - len(line.lstrip(" "))
            m = _MARKER.match(line)
            if m and not _RULE.match(line) and (not items or indent < items[-1][0] + 4) \
                    and (items or indent < 4):
                if not items and not blank_before and out and out[-1].strip() and not _BLOCK_IAL.match(out[-1]):
                    out.append("")  # a list interrupts a paragraph, as in kramdown's GFM parser
                elif continued and not blank_before:
                    out.append("")  # an item ends the paragraph its item went on with, not joins it
                ordered = m.group(2)[0].isdigit()
                while items and indent < items[-1][0]:
                    if items[-1][2] < indent and items[-1][3] != ordered:
                        break  # a list of the other kind, indented past the item's marker: kramdown nests it
                    items.pop()
                at = items[-1][1] if items else indent
                gap = len(m.group(3))
                content = indent + len(m.group(2)) + (gap if 0 < gap <= 4 else 1)
                items.append((content, at + 4, indent, ordered))
                out.append(" " * at + line[indent:])
                continued = False
            elif items and blank_before:
                while items and indent < items[-1][0]:  # a line less indented than an item ends it
                    items.pop()
                if items:
                    column, at, _, _ = items[-1]
                    out.append(" " * (at + indent - column) + line[indent:])
                else:
                    out.append(line)  # the line after a list
                continued = bool(items)
            else:
                out.append(line)  # outside lists, or a paragraph's next line (lazy or not, as it was)
            blank_before = False
        return out


class BlockIalTreeprocessor(Treeprocessor):
    """Apply each marked attribute list to the element before it, then drop it."""

    def run(self, root: etree.Element) -> None:
        attr_list = None
        if "attr_list" in self.md.treeprocessors:  # (a Registry has no .get)
            attr_list = self.md.treeprocessors["attr_list"]
        for parent in list(root.iter()):
            previous: etree.Element | None = None
            leading: list[str] = []
            for child in list(parent):
                text = child.text or ""
                if child.tag == "p" and text.startswith((_BLOCK_IAL_MARK, _NEXT_IAL_MARK)) and not len(child):
                    ial = text[1:].strip()[1:-1].lstrip(":")
                    if text.startswith(_NEXT_IAL_MARK):
                        leading.append(ial)
                    elif previous is not None and isinstance(attr_list, AttrListTreeprocessor):
                        attr_list.assign_attrs(previous, ial)
                    parent.remove(child)
                    continue
                if leading and isinstance(attr_list, AttrListTreeprocessor):
                    _assign_before(attr_list, child, leading)
                leading = []
                previous = child


def _assign_before(attr_list: AttrListTreeprocessor, el: etree.Element, ials: list[str]) -> None:
    """Give ``el`` the attribute lists written before it, as if they came before its own.

    Its own (given after it, already applied) win for the same attribute; classes add up
    in the order written, as kramdown adds them.
    """
    lead = etree.Element(el.tag)
    for ial in ials:
        attr_list.assign_attrs(lead, ial)
    for key, value in lead.items():
        own = el.get(key)
        if key == "class":
            el.set(key, f"{value} {own}" if own else value)
        elif own is None:
            el.set(key, value)


class TaskListTreeprocessor(Treeprocessor):
    """GFM task list items (``- [ ] to do``, ``- [x] done``) as kramdown's GFM parser marks them up.

    A disabled checkbox replaces the ``[ ]`` or ``[x]``; the item gets
    ``class="task-list-item"`` and its list ``class="task-list"``.
    """

    def run(self, root: etree.Element) -> None:
        for lst in [el for el in root.iter() if el.tag in ("ul", "ol")]:
            tasks = [li for li in lst if li.tag == "li" and _check_box(li)]
            if tasks:
                _add_class(lst, "task-list")
            for li in tasks:
                _add_class(li, "task-list-item")


def _add_class(el: etree.Element, name: str) -> None:
    el.set("class", f"{el.get('class')} {name}" if el.get("class") else name)


def _check_box(li: etree.Element) -> bool:
    """Replace the ``[ ]`` or ``[x]`` that starts ``li``'s text with a disabled checkbox; False if none."""
    holder = li
    if not (li.text or "").strip() and len(li) and li[0].tag == "p":
        holder = li[0]  # a loose list: the item's text is in its first paragraph
    text = holder.text or ""
    marker = UNTRANSLATED_START if text.startswith(UNTRANSLATED_START) else ""
    m = TASK_BOX.match(text, len(marker))
    if m is None:
        return False
    box = etree.Element("input", {"type": "checkbox", "class": "task-list-item-checkbox", "disabled": "disabled"})
    if m.group(1) != " ":
        box.set("checked", "checked")
    box.tail = text[m.end():]
    holder.text = marker
    holder.insert(0, box)
    return True


class HeadingIdTreeprocessor(Treeprocessor):
    """Each heading without an id gets kramdown's (:func:`i18n.text.gfm_slug`), before the ``toc``
    extension would give it its own: from the heading's text as written, its spaces not collapsed
    (an ideographic space is no ``-``, as in kramdown).  A second heading of the same id gets
    ``-1`` (:func:`i18n.text.numbered_id`), as the segmenter gives it (:mod:`i18n.segments`)."""

    def run(self, root: etree.Element) -> None:
        headings = [el for el in root.iter() if el.tag in _HEADINGS and "id" not in el.attrib]
        if not headings:
            return
        used = {el.attrib["id"] for el in root.iter() if "id" in el.attrib}
        counters: dict[str, int] = {}
        for el in headings:
            text = html.unescape(_TAG.sub("", render_inner_html(remove_fnrefs(el), self.md)))
            el.set("id", numbered_id(gfm_slug(text.strip()), used, counters))


class KramdownTocTreeprocessor(Treeprocessor):
    """Give the table of contents kramdown's markup: ``<ul id="markdown-toc">``, link ids ``markdown-toc-…``."""

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag != "div" or child.get("class") != "toc":
                    continue
                toc = child.find("ul")
                if toc is None:
                    toc = etree.Element("ul")
                toc.set("id", "markdown-toc")
                _drop_no_toc(toc, {h.get("id") for h in root.iter() if h.tag in _HEADINGS
                                   and "no_toc" in (h.get("class") or "").split()})
                for a in toc.iter("a"):
                    a.set("id", "markdown-toc-" + (a.get("href") or "").lstrip("#"))
                parent.remove(child)
                parent.insert(index, toc)


def _drop_no_toc(toc: etree.Element, ids: set[str | None]) -> None:
    """Take the entries of headings of class ``no_toc`` out of the contents (their subheadings stay, a level up)."""
    if not ids:
        return
    for li in list(toc):
        a = li.find("a")
        sub = li.find("ul")
        if sub is not None:
            _drop_no_toc(sub, ids)
        if a is not None and (a.get("href") or "").lstrip("#") in ids:
            at = list(toc).index(li)
            toc.remove(li)
            for offset, child in enumerate(list(sub) if sub is not None else []):
                toc.insert(at + offset, child)


class BackslashBreakProcessor(InlineProcessor):
    """A ``<br>`` for the break of :data:`_BACKSLASH_BREAK`; the backslashes before it stay for the escapes."""

    def handleMatch(  # type: ignore[override]  # noqa: N802 (Python-Markdown's API)
            self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:
        return etree.Element("br"), m.end() - 1 - backslash_break_width(m.group(0)[:-1]), m.end()


def backslash_break_width(backslashes: str) -> int:
    """How many of a line's final backslashes make its break (:data:`_BACKSLASH_BREAK`): the rest pair up."""
    return 1 if len(backslashes) % 2 else 2


_INLINE_MATH = r"\$\$(?P<tex>.+?)\$\$"
MATH_BLOCK = re.compile(r"^ {0,3}\$\$(?P<tex>(?:(?!\$\$).)*)\$\$[ \t]*$", re.DOTALL)
"""A block that is one ``$$…$$`` (two of them, ``$$a$$ と $$b$$``, are inline math in a paragraph)."""


class InlineMathProcessor(InlineProcessor):
    """kramdown's inline math, ``$$x$$``, as its default MathJax engine writes it: ``\\(x\\)``,
    the TeX untouched by Markdown (a ``*`` or ``\\`` in it stays as it is)."""

    def handleMatch(  # type: ignore[override]  # noqa: N802 (Python-Markdown's API)
            self, m: re.Match[str], data: str) -> tuple[str, int, int]:
        return self.md.htmlStash.store(f"\\({html.escape(m.group('tex'), quote=False)}\\)"), m.start(), m.end()


class MathBlockProcessor(BlockProcessor):
    """A block that starts and ends with ``$$``: kramdown's display math, ``\\[…\\]``, not in a paragraph."""

    def test(self, parent: etree.Element, block: str) -> bool:
        return MATH_BLOCK.match(block) is not None

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        m = MATH_BLOCK.match(blocks.pop(0))
        assert m
        raw = self.parser.md.htmlStash.store(f"\\[{html.escape(m.group('tex').strip(), quote=False)}\\]")
        if len(parent):
            parent[-1].tail = f"{parent[-1].tail or ''}\n{raw}\n"
        else:
            parent.text = f"{parent.text or ''}\n{raw}\n"


class GfmHashHeaderProcessor(HashHeaderProcessor):
    """An ATX heading as kramdown's GFM parser reads it: a space after the ``#`` (``#タグ`` is text)."""

    RE = re.compile(r"(?:^|\n)(?P<level>#{1,6})(?=[ \t]|\n|$)(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)")


class KramdownFootnoteTreeprocessor(Treeprocessor):
    """Python-Markdown's footnotes in kramdown's markup (no English ``title``, ARIA roles)."""

    def run(self, root: etree.Element) -> None:
        for el in root.iter():
            cls = el.get("class")
            if el.tag == "sup" and (el.get("id") or "").startswith("fnref"):
                el.set("role", "doc-noteref")
            elif cls == "footnote-ref":
                el.attrib.update({"class": "footnote", "rel": "footnote"})
            elif cls == "footnote-backref":
                el.attrib.pop("title", None)
                el.attrib.update({"class": "reversefootnote", "role": "doc-backlink"})
            elif el.tag == "div" and cls == "footnote":
                el.attrib.update({"class": "footnotes", "role": "doc-endnotes"})
                for hr in el.findall("hr"):
                    el.remove(hr)
                for li in el.iter("li"):
                    li.set("role", "doc-endnote")


class KramdownExtension(Extension):
    """Register the processors above on a Markdown instance."""

    def __init__(self, source_lang: str = "ja", **kwargs: object):
        self.source_lang = source_lang
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's API)
        # kramdown's escapable characters beyond Python-Markdown's (a "\$" shows "$", not "\$").
        md.ESCAPED_CHARS.extend(ch for ch in KRAMDOWN_ESCAPES if ch not in md.ESCAPED_CHARS)
        md.inlinePatterns.register(SimpleTagInlineProcessor(_STRIKE, "del"), "del", 55)  # GFM ~~strikethrough~~
        # GFM's hard line break by a backslash at the end of a line (before escapes: "\\\n" is none).
        md.inlinePatterns.register(BackslashBreakProcessor(_BACKSLASH_BREAK), "backslash_break", 185)
        md.parser.blockprocessors.register(GfmHashHeaderProcessor(md.parser), "hashheader", 70)
        md.parser.blockprocessors.register(MathBlockProcessor(md.parser), "kramdown_math", 105)  # before code
        md.inlinePatterns.register(InlineMathProcessor(_INLINE_MATH, md), "math", 186)  # after code, before escapes
        if "fenced_code_block" in md.preprocessors:
            fences = md.preprocessors["fenced_code_block"]
            fences.FENCED_BLOCK_RE = _FENCE_OPENING  # type: ignore[attr-defined]  # this instance only
        md.inlinePatterns.deregister("em_strong", strict=False)
        md.inlinePatterns.deregister("em_strong2", strict=False)
        md.inlinePatterns.register(KramdownEmphasisProcessor(), "em_strong", 60)
        md.treeprocessors.register(LinkRelTreeprocessor(md), "link_rel", 4)
        md.treeprocessors.register(SourceLangTreeprocessor(md, self.source_lang), "source_lang", 3)
        # After fenced code (25) and raw HTML (20) are stashed; the toc extension runs at 5,
        # footnotes at 50, attr_list at 8.
        md.preprocessors.register(FencePreprocessor(md), "kramdown_fences", 26)  # before fenced_code
        md.treeprocessors.register(IndentedCodeTreeprocessor(md), "kramdown_indented_code", 4.2)
        md.preprocessors.register(FenceTabsPreprocessor(md), "kramdown_fence_tabs", 35)  # before tabs are expanded
        md.postprocessors.register(FenceTabsPostprocessor(md), "kramdown_fence_tabs", 25)  # after raw HTML is back
        md.preprocessors.register(ExtensionPreprocessor(md), "kramdown_extensions", 21)  # before raw HTML
        md.preprocessors.register(ListIndentPreprocessor(md), "kramdown_list_indent", 16)
        md.preprocessors.register(BlockIalPreprocessor(md), "kramdown_block_ial", 15)
        md.treeprocessors.register(BlockIalTreeprocessor(md), "kramdown_block_ial", 7)
        md.treeprocessors.register(HeadingIdTreeprocessor(md), "kramdown_heading_ids", 6)  # before toc (5)
        md.treeprocessors.register(KramdownTocTreeprocessor(md), "kramdown_toc", 4.5)
        md.treeprocessors.register(TaskListTreeprocessor(md), "kramdown_task_list", 4.3)
        md.treeprocessors.register(KramdownFootnoteTreeprocessor(md), "kramdown_footnotes", 4.4)
        attr_list = md.treeprocessors["attr_list"] if "attr_list" in md.treeprocessors else None  # noqa: SIM401 (a Registry has no .get)
        if isinstance(attr_list, AttrListTreeprocessor):
            # An inline attribute list ends at its first '}', as kramdown reads it; Python-Markdown's
            # own pattern runs to the line's last '}' and moves the text between to after it
            # ('[a](u){:target="_blank"} b } c' came out as 'a c} b').
            attr_list.INLINE_RE = _INLINE_IAL  # type: ignore[misc]  # the stubs call it Final; this instance only
