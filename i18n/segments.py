"""THE definition of a message: how a post is cut into translatable units.

One function, :func:`segment_post`, serves both extraction (the messages go to
the POT) and translation (:func:`assemble` puts translations back in the same
places), as Sphinx's ``extract_messages`` does for both its gettext builder
and its i18n transform.  What is never a message is kept verbatim: code,
raw HTML blocks without text (an embed, a comment, a script), blocks that are
only Liquid, attribute-list-only lines, link definitions, rules.  The Markdown
inside an element whose opening tag, alone on its line, says ``markdown="1"``
(kramdown's notices) is cut into messages like any other; the tags are kept.

A message is one block: a heading, a paragraph, a list item's paragraph, a
paragraph in a block quote, a table cell, the alt text of an image that stands
alone, a footnote's paragraph, a raw HTML block with text for readers in it.
Its msgid is the block's inline Markdown on one line: soft breaks are joined
CJK-aware (:func:`i18n.text.join_lines`), hard breaks become ``\\n``; inline
Markdown, inline Liquid and kramdown attribute lists stay verbatim.  A raw
HTML block's msgid is the block as written, its tags and lines kept.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from .content import FRONT_MATTER_KEYS, Post
from .errors import Location, PipelineError
from .kramdown import EXTENSION_BLOCK, MATH_BLOCK, backslash_break_width, extension_end
from .text import UNTRANSLATED_END, UNTRANSLATED_START, gfm_slug, join_lines, numbered_id, plain_text, strip_markers

TAXONOMY_KEYS = ("categories", "tags")
"""Front matter keys whose terms go to the shared ``site`` catalog."""
MAX_NESTING = 100
"""Deepest nesting of lists and block quotes a post may have."""


@dataclass(frozen=True, slots=True)
class Message:
    """One translatable unit and where it comes from."""

    msgid: str
    """Source text as the translator sees it."""
    location: Location
    """File and line of the block's first line."""
    kind: str
    """Block kind, shown to translators as an extracted comment."""


@dataclass(frozen=True, slots=True)
class Slot:
    """The place of a message in a post body, for reassembly."""

    message: Message
    continuation: str = ""
    """Container prefix for a hard line break inside the block (``> ``, four spaces)."""
    heading_id: str | None = None
    """For headings: the anchor taken from the source heading, the same in every language."""
    markable: bool = True
    """Whether an untranslated block can be marked with the source ``lang``."""
    raw: bool = False
    """A raw HTML block: a line break of its text is a line break (after :attr:`continuation`),
    not Markdown's hard break."""


Piece = str | Slot


@dataclass(frozen=True, slots=True)
class Segmented:
    """A post body cut into verbatim text and message slots."""

    pieces: tuple[Piece, ...]

    @property
    def messages(self) -> list[Message]:
        return [p.message for p in self.pieces if isinstance(p, Slot)]


class _Line(NamedTuple):
    no: int
    """1-based line number in the file."""
    full: str
    """The whole original line."""
    col: int
    """Where the content starts, after container prefixes."""

    @property
    def text(self) -> str:
        return self.full[self.col:]

    def at(self, col: int) -> _Line:
        return _Line(self.no, self.full, min(col, len(self.full)))


_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})")
_LIQUID_BLOCK = re.compile(r"^\s*\{%-?\s*(raw|highlight|comment)\b")
_ENDRAW = re.compile(r"\{%-?\s*endraw\s*-?%\}")
_LIQUID_ONLY = re.compile(r"^(\s*(\{%(?:(?!%\}).)*%\}|\{\{(?:(?!\}\}).)*\}\}))+\s*$")
"""A line of Liquid tags and outputs and nothing else (each ends at its first ``%}`` or ``}}``)."""
_HTML_BLOCK = re.compile(r"^ {0,3}(<!--|<\?|<![A-Za-z]|</?([A-Za-z][A-Za-z0-9-]*)(\s|/?>|$))")
_IAL_ONLY = re.compile(r"^ {0,3}\{:[^{}]*\}\s*$|^ {0,3}\{::[^{}]*/?\}\s*$")
_HR = re.compile(r"^ {0,3}([-*_])( *\1){2,} *$")
_ATX = re.compile(r"^(#{1,6})(?=[ \t]|$)((?:\\.|[^\\])*?)(#*)$")  # the renderer's (kramdown GFM): "#タグ" is text
_SETEXT = re.compile(r"^[=-]+ *$")  # Python-Markdown's setext underline
_QUOTE = re.compile(r"^ {0,3}> ?")
_LIST = re.compile(r"^( {0,3})([*+-]|\d{1,9}[.)])([ \t]+|$)")
_FOOTNOTE = re.compile(r"^ {0,3}\[\^[^\]]+\]:[ \t]*")
_DEFINITION = re.compile(r"^ {0,3}:[ \t]+(?=\S)")  # kramdown / PHP Markdown Extra definition
_TOC_IAL = re.compile(r"^ {0,3}\{:\s*toc\s*\}\s*$")
_LINK_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S")
_TABLE_DELIM = re.compile(r"^ *\|? *:?-+:? *(\| *:?-+:? *)*\|? *$")
_IMAGE_ONLY = re.compile(r"^(!\[)((?:[^\]\\]|\\.)*)(\]\([^)]*\)(?:\{:?[^{}]*\})?)\s*$")
_BACKSLASHES = re.compile(r"\\+$")
"""A line ending in backslashes: a hard line break, as the renderer reads it (:mod:`i18n.kramdown`)."""
_EXPLICIT_ID = re.compile(r"\{:?[^{}]*#[^{}\s]+[^{}]*\}\s*$")
_BLOCK_LEVEL = {
    "address", "article", "aside", "blockquote", "body", "canvas", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "embed", "fieldset", "figcaption", "figure", "footer",
    "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup",
    "hr", "html", "iframe", "legend", "li", "link", "main", "map", "menu", "meta", "nav",
    "noframes", "noscript", "object", "ol", "optgroup", "option", "p", "param", "pre",
    "script", "section", "source", "style", "summary", "table", "tbody", "td", "template",
    "textarea", "tfoot", "th", "thead", "title", "tr", "track", "ul", "video", "audio",
    "math", "ins", "del", "picture",
}


def _is_blank(line: _Line) -> bool:
    return not line.text.strip()


_NOT_PROSE = re.compile(
    r"<!--.*?(?:-->|\Z)|<(script|style|pre|code|textarea)\b.*?(?:</\1\s*>|\Z)|<[^<>]*>|&#?\w+;"
    r"|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL | re.IGNORECASE)
"""What a raw HTML block holds that is not text for readers: comments, scripts, styles, code,
tags, character references, Liquid."""


def _has_prose(html: str) -> bool:
    """Whether a raw HTML block has text for readers in it (a letter outside tags, code and comments)."""
    return any(ch.isalpha() for ch in _NOT_PROSE.sub(" ", html))


def _is_html_block(text: str) -> bool:
    m = _HTML_BLOCK.match(text)
    if not m:
        return False
    return m.group(2) is None or m.group(2).lower() in _BLOCK_LEVEL


_RAW_TEXT_OPEN = re.compile(r"^ {0,3}(?:<(script|pre|style|textarea)(?=[\s>]|$)|(<!--))", re.IGNORECASE)
"""An HTML block that ends where its closing tag (or ``-->``) is, blank lines and all (CommonMark's
kinds 1 and 2; the renderer reads them whole too)."""
_OPENING_TAG = re.compile(r"^ {0,3}<([A-Za-z][A-Za-z0-9-]*)(\s[^<>]*)>\s*$")
_MARKDOWN_ATTRIBUTE = re.compile(r"""\s(?i:markdown)\s*=\s*(["']?)(?:1|block|span)\1(?=[\s/]|$)""")
"""(An attribute's name in any case, as the renderer's HTML parser reads it: in lower case.)"""


def _markdown_opening(text: str) -> bool:
    """Whether ``text`` is only the opening tag of a block-level element whose content is Markdown
    (``markdown="1"``, ``"block"`` or ``"span"``)."""
    m = _OPENING_TAG.match(text)
    return bool(m and m.group(1).lower() in _BLOCK_LEVEL and _MARKDOWN_ATTRIBUTE.search(m.group(2)))


def _starts_block(text: str) -> bool:
    """Whether a line could open a block of its own in some Markdown dialect."""
    return bool(
        _FENCE.match(text) or _ATX.match(text) or _HR.match(text) or _QUOTE.match(text)
        or _LIST.match(text) or _is_html_block(text) or _IAL_ONLY.match(text)
        or _LIQUID_BLOCK.match(text) or _FOOTNOTE.match(text) or _LIQUID_ONLY.match(text)
        or _DEFINITION.match(text)
    )


class _Segmenter:
    def __init__(self, path: str):
        self.path = path
        self.pieces: list[Piece] = []
        self.used_ids: set[str] = set()
        self.id_counts: dict[str, int] = {}
        self.containers: list[str] = []
        """Kinds of the containers around the current line, innermost last."""
        self.unclosed: dict[int, tuple[list[_Line], dict[str, int]]] = {}
        """For a list of lines (by id, kept alive here): from which line on each closing pattern is
        known to be found on no later line."""

    # -- output helpers -------------------------------------------------

    def verbatim(self, lines: Iterable[_Line]) -> None:
        for line in lines:
            self.pieces.append(line.full + "\n")

    def slot(self, line: _Line, start: int, msgid: str, kind: str, cont: str,
             after: str = "\n", heading: bool = False, markable: bool = True, raw: bool = False) -> None:
        """Emit ``line.full[:start]``, a slot for ``msgid``, then ``after`` (see :class:`Slot`)."""
        self.pieces.append(line.full[:start])
        heading_id = None
        if heading and not _EXPLICIT_ID.search(msgid):
            # The renderer's rule (i18n.kramdown.HeadingIdTreeprocessor: kramdown's slug and numbers), so
            # ids match a direct rendering.
            heading_id = numbered_id(gfm_slug(plain_text(msgid)), self.used_ids, self.id_counts)
        message = Message(msgid, Location(self.path, line.no), kind)
        self.pieces.append(Slot(message, cont, heading_id, markable, raw))
        self.pieces.append(after)

    # -- blocks -----------------------------------------------------------

    def blocks(self, lines: list[_Line], cont: str) -> None:
        i = 0
        previous_blank = True
        while i < len(lines):
            line = lines[i]
            text = line.text
            handler = self._dispatch(text, previous_blank)
            i = handler(lines, i, cont)
            previous_blank = _is_blank(lines[i - 1])

    def _dispatch(self, text: str, previous_blank: bool) -> Callable[[list[_Line], int, str], int]:
        if not text.strip():
            return self._one_verbatim
        if _FENCE.match(text):
            return self._fence
        if EXTENSION_BLOCK.match(text):
            return self._extension_block
        if previous_blank and text.lstrip(" ").startswith("$$"):
            return self._math_or_paragraph
        liquid = _LIQUID_BLOCK.match(text)
        if liquid and not (liquid.group(1) == "raw" and _ENDRAW.search(text)):
            return self._liquid_block  # (a raw span closed on its line is prose that quotes Liquid)
        if previous_blank and (text.startswith("    ") or text.startswith("\t")):
            return self._indented_code
        if _is_html_block(text):
            return self._until_blank
        if _IAL_ONLY.match(text) or _HR.match(text) or (_LINK_DEF.match(text) and not _FOOTNOTE.match(text)):
            return self._one_verbatim
        if _ATX.match(text):
            return self._atx
        if _QUOTE.match(text):
            return self._quote
        if _LIST.match(text):
            return self._list_item
        if _FOOTNOTE.match(text):
            return self._footnote
        if _DEFINITION.match(text):
            return self._definition
        return self._paragraph

    def _one_verbatim(self, lines: list[_Line], i: int, cont: str) -> int:
        self.verbatim(lines[i:i + 1])
        return i + 1

    def _until_blank(self, lines: list[_Line], i: int, cont: str) -> int:
        if _markdown_opening(lines[i].text):
            # <div markdown="1"> alone on its line: what follows is Markdown (kramdown and
            # md_in_html parse it so), cut into messages, through the closing tag (an HTML block).
            self.verbatim(lines[i:i + 1])
            return i + 1
        j = i
        while j < len(lines) and not _is_blank(lines[j]):
            j += 1
        raw = _RAW_TEXT_OPEN.match(lines[i].text)
        if raw:
            # A comment, script, style, <pre> or <textarea> left open on its first line runs
            # through its closing line, past blank lines: what follows a blank is no paragraph.
            closing = re.compile("-->" if raw.group(2) else rf"</{raw.group(1)}\s*>", re.IGNORECASE)
            opened = lines[i].text[raw.end():]
            if not closing.search(opened):
                end = self._closing_line(lines, i, closing)
                if end is not None:
                    j = end + 1
        block = lines[i:j]
        if _has_prose("\n".join(line.text for line in block)):
            self._html_message(block, cont)
        else:
            self.verbatim(block)
        return j

    def _closing_line(self, lines: list[_Line], i: int, closing: re.Pattern[str]) -> int | None:
        """The first line after ``i`` that ``closing`` finds something on, or None.

        A search that found none is remembered (per list of lines, which it keeps
        alive): no later opener of the same kind scans the rest again, so a post of
        thousands of unclosed ``<!--`` costs one scan, not one per opener.
        """
        _held, never = self.unclosed.setdefault(id(lines), (lines, {}))
        if never.get(closing.pattern, len(lines)) <= i:
            return None
        end = next((k for k in range(i + 1, len(lines)) if closing.search(lines[k].text)), None)
        if end is None:
            never[closing.pattern] = i
        return end

    def _html_message(self, block: list[_Line], cont: str) -> None:
        """A raw HTML block with text in it: one message, its tags and lines as written.

        Its lines keep their indentation past the least of them (the block re-indented
        as a whole keeps its msgid) and lose their trailing whitespace; the block is
        rebuilt with them, so a ``<pre>`` keeps its layout.  An untranslated one is not
        marked with the source ``lang`` (its markers would land inside raw HTML).
        """
        first, rest = block[0], block[1:]
        lead = len(first.text) - len(first.text.lstrip(" "))
        indent = min((len(line.text) - len(line.text.lstrip(" ")) for line in rest), default=0)
        msgid = "\n".join([first.text.strip(), *(line.text[indent:].rstrip() for line in rest)])
        self.slot(first, first.col + lead, msgid, "html block", cont + " " * indent, markable=False, raw=True)

    def _fence(self, lines: list[_Line], i: int, cont: str) -> int:
        m = _FENCE.match(lines[i].text)
        assert m
        marker = m.group(2)
        closing = re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}\s*$")
        return self._verbatim_through(lines, i, i + 1, closing)

    def _extension_block(self, lines: list[_Line], i: int, cont: str) -> int:
        """kramdown's ``{::comment}`` or ``{::nomarkdown}`` block: never a message (kept through its end tag)."""
        m = EXTENSION_BLOCK.match(lines[i].text)
        assert m
        closing = extension_end(m.group(1))
        if not any(closing.match(line.text) for line in lines[i + 1:]):
            return self._one_verbatim(lines, i, cont)  # never closed: kramdown reads the rest as it is
        return self._verbatim_through(lines, i, i + 1, closing)

    def _math_or_paragraph(self, lines: list[_Line], i: int, cont: str) -> int:
        """kramdown's display math (a block that is one ``$$…$$``) is never a message; else a paragraph."""
        j = i
        while j < len(lines) and not _is_blank(lines[j]):
            j += 1
        if MATH_BLOCK.match("\n".join(line.text for line in lines[i:j])):
            self.verbatim(lines[i:j])
            return j
        return self._paragraph(lines, i, cont)

    def _liquid_block(self, lines: list[_Line], i: int, cont: str) -> int:
        m = _LIQUID_BLOCK.match(lines[i].text)
        assert m
        end = re.compile(rf".*\{{%-?\s*end{m.group(1)}\s*-?%\}}")
        return self._verbatim_through(lines, i, i, end)

    def _verbatim_through(self, lines: list[_Line], i: int, first: int, closing: re.Pattern[str]) -> int:
        """Keep lines ``i``.. verbatim through the first line from ``first`` matching ``closing``."""
        j = first
        while j < len(lines) and not closing.match(lines[j].text):
            j += 1
        j = min(j + 1, len(lines))
        self.verbatim(lines[i:j])
        return j

    def _indented_code(self, lines: list[_Line], i: int, cont: str) -> int:
        j = i
        while j < len(lines) and (_is_blank(lines[j]) or lines[j].text.startswith(("    ", "\t"))):
            j += 1
        while j > i + 1 and _is_blank(lines[j - 1]):
            j -= 1
        self.verbatim(lines[i:j])
        return j

    def _atx(self, lines: list[_Line], i: int, cont: str) -> int:
        line = lines[i]
        m = _ATX.match(line.text)
        assert m
        content = m.group(2).strip()
        if not content:
            return self._one_verbatim(lines, i, cont)
        start = line.col + m.start(2) + (len(m.group(2)) - len(m.group(2).lstrip()))
        rest = line.full[start + len(content):]
        self.slot(line, start, content, "heading", cont, rest + "\n", heading=True)
        return i + 1

    def _enter(self, kind: str, line: _Line) -> None:
        # Both this segmenter and Python-Markdown recurse per level; refuse before Python's stack does.
        if len(self.containers) >= MAX_NESTING:
            raise PipelineError(Location(self.path, line.no),
                                f"lists and quotes nested more than {MAX_NESTING} levels deep")
        self.containers.append(kind)

    def _quote(self, lines: list[_Line], i: int, cont: str) -> int:
        inner: list[_Line] = []
        j = i
        while j < len(lines) and not _is_blank(lines[j]):
            line = lines[j]
            m = _QUOTE.match(line.text)
            if m:
                inner.append(line.at(line.col + m.end()))
            elif inner and not _starts_block(line.text):
                inner.append(line)  # lazy continuation
            else:
                break
            j += 1
        self._enter("blockquote", lines[i])
        self.blocks(inner, cont + "> ")
        self.containers.pop()
        return j

    def _container(self, lines: list[_Line], i: int, first_col: int, cont: str,
                   indent: int, kind: str) -> int:
        """A list item or footnote: first line from ``first_col``, then indented lines."""
        inner = [lines[i].at(first_col)]
        j = i + 1
        while j < len(lines):
            line = lines[j]
            text = line.text
            if _is_blank(line):
                nxt = next((x for x in lines[j:] if not _is_blank(x)), None)
                if nxt is None or (not nxt.text.startswith(" " * indent) and not nxt.text.startswith("\t")):
                    break
                inner.append(line)
            elif text.startswith("\t"):
                inner.append(line.at(line.col + 1))
            elif text.startswith(" " * indent):
                inner.append(line.at(line.col + indent))
            elif not _is_blank(lines[j - 1]) and not _starts_block(text) and not _LIST.match(text):
                inner.append(line)  # lazy continuation of the item's paragraph
            else:
                stripped = len(text) - len(text.lstrip(" "))
                if stripped and not _LIST.match(text) and not _is_blank(lines[j - 1]):
                    inner.append(line.at(line.col + stripped))
                else:
                    break
            j += 1
        self._enter(kind, lines[i])
        self.blocks(inner, cont + " " * indent)
        self.containers.pop()
        return j

    def _list_item(self, lines: list[_Line], i: int, cont: str) -> int:
        line = lines[i]
        m = _LIST.match(line.text)
        assert m
        if i + 1 < len(lines) and _TOC_IAL.match(lines[i + 1].text):
            # kramdown's "* TOC" + "{:toc}": replaced by the table of contents, nothing to translate.
            return self._verbatim_through(lines, i, i + 1, _TOC_IAL)
        return self._container(lines, i, line.col + m.end(), cont, 4, "list item")

    def _footnote(self, lines: list[_Line], i: int, cont: str) -> int:
        line = lines[i]
        m = _FOOTNOTE.match(line.text)
        assert m
        return self._container(lines, i, line.col + m.end(), cont, 4, "footnote")

    def _definition(self, lines: list[_Line], i: int, cont: str) -> int:
        line = lines[i]
        m = _DEFINITION.match(line.text)
        assert m
        return self._container(lines, i, line.col + m.end(), cont, 4, "definition")

    def _paragraph(self, lines: list[_Line], i: int, cont: str) -> int:
        if self._is_table(lines, i):
            return self._table(lines, i, cont)
        kind = self.containers[-1] if self.containers else "paragraph"
        j = i + 1
        while j < len(lines) and not _is_blank(lines[j]):
            text = lines[j].text
            if _SETEXT.match(text) and j == i + 1:
                # Python-Markdown: a setext heading is one line, first in its block.
                return self._setext(lines, i, j, cont)
            if _starts_block(text) or self._is_table(lines, j):
                break
            j += 1
        if j < len(lines) and _DEFINITION.match(lines[j].text):
            for term in lines[i:j]:  # each line before a definition is a term of its own
                self._emit_paragraph([term], cont, "definition term")
            return j
        self._emit_paragraph(lines[i:j], cont, kind)
        if j - i > 1 and j < len(lines) and _SETEXT.match(lines[j].text):
            # Joined onto one line, the paragraph would become a setext heading.
            self.pieces.append("\n")
        return j

    def _emit_paragraph(self, para: list[_Line], cont: str, kind: str) -> None:
        joined_text = "\n".join(x.text for x in para)
        if _LIQUID_ONLY.match(joined_text.replace("\n", " ")):
            self.verbatim(para)
            return
        first = para[0]
        if len(para) == 1:
            image = _IMAGE_ONLY.match(first.text)
            if image:
                if image.group(2).strip():
                    start = first.col + image.start(2)
                    self.slot(first, start, image.group(2), "image alt", cont,
                              first.full[first.col + image.end(2):] + "\n", markable=False)
                else:
                    self.verbatim(para)
                return
        # Split into hard-break separated runs of soft-wrapped lines.
        runs: list[list[str]] = [[]]
        for k, line in enumerate(para):
            text = line.text
            backslashes = _BACKSLASHES.search(text) if k < len(para) - 1 else None
            hard = backslashes is not None or (k < len(para) - 1 and (text.endswith("  ") or text.endswith("\t")))
            if backslashes is not None:  # the break is the msgid's "\n"; escaped backslashes stay
                text = text[:len(text) - backslash_break_width(backslashes.group(0))]
            runs[-1].append(text)
            if hard:
                runs.append([])
        msgid = "\n".join(join_lines(run) for run in runs if run)
        lead = len(first.text) - len(first.text.lstrip())
        # Kept: before a line Markdown still reads as this paragraph (a Liquid tag), it is a hard break.
        trailing = para[-1].text[len(para[-1].text.rstrip()):]
        self.slot(first, first.col + lead, msgid, kind, cont, trailing + "\n")

    def _setext(self, lines: list[_Line], i: int, j: int, cont: str) -> int:
        first = lines[i]
        msgid = first.text.strip()
        lead = len(first.text) - len(first.text.lstrip())
        self.slot(first, first.col + lead, msgid, "heading", cont, heading=True)
        self.verbatim([lines[j]])
        return j + 1

    @staticmethod
    def _is_table(lines: list[_Line], i: int) -> bool:
        return (
            "|" in lines[i].text
            and i + 1 < len(lines)
            and bool(_TABLE_DELIM.match(lines[i + 1].text))
            and "-" in lines[i + 1].text
            and ("|" in lines[i + 1].text)
        )

    def _table(self, lines: list[_Line], i: int, cont: str) -> int:
        j = i
        while j < len(lines) and not _is_blank(lines[j]) and "|" in lines[j].text:
            line = lines[j]
            if j == i + 1:
                self.verbatim([line])
            else:
                self._table_row(line, cont)
            j += 1
        return j

    def _table_row(self, line: _Line, cont: str) -> None:
        text = line.text
        cells = list(_cell_spans(text))
        pos = 0
        for start, end in cells:
            cell = text[start:end]
            content = cell.strip()
            if not content:
                continue
            cstart = start + (len(cell) - len(cell.lstrip()))
            cend = cstart + len(content)
            self.pieces.append(line.full[line.col + pos:line.col + cstart] if pos else
                               line.full[:line.col + cstart])
            self.pieces.append(Slot(Message(content, Location(self.path, line.no), "table cell"), cont))
            pos = cend
        self.pieces.append(line.full[line.col + pos:] + "\n" if pos else line.full + "\n")


def _cell_spans(row: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each cell of a table row: split on ``|`` outside code and escapes."""
    bounds: list[int] = []
    in_code = 0
    k = 0
    while k < len(row):
        ch = row[k]
        if ch == "\\":
            k += 2
            continue
        if ch == "`":
            run = len(row[k:]) - len(row[k:].lstrip("`"))
            in_code = 0 if in_code == run else (in_code if in_code else run)
            k += run
            continue
        if ch == "|" and not in_code:
            bounds.append(k)
        k += 1
    edges = [-1, *bounds, len(row)]
    for a, b in itertools.pairwise(edges):
        if b - a > 1 or (a >= 0 and b < len(row)):
            yield a + 1, b


def segment_body(body: str, path: str, first_line: int = 1) -> Segmented:
    """Cut a Markdown body into verbatim pieces and message slots."""
    raw_lines = body.split("\n")
    trailing_newline = body.endswith("\n")
    if trailing_newline:
        raw_lines.pop()
    lines = [_Line(first_line + k, text, 0) for k, text in enumerate(raw_lines)]
    seg = _Segmenter(path)
    seg.blocks(lines, "")
    pieces = seg.pieces
    if not trailing_newline and pieces and isinstance(pieces[-1], str) and pieces[-1].endswith("\n"):
        pieces[-1] = pieces[-1][:-1]
    return Segmented(tuple(_merge_text(pieces)))


def _merge_text(pieces: list[Piece]) -> Iterator[Piece]:
    buffer = ""
    for piece in pieces:
        if isinstance(piece, str):
            buffer += piece
        else:
            if buffer:
                yield buffer
                buffer = ""
            yield piece
    if buffer:
        yield buffer


def front_matter_messages(post: Post) -> list[Message]:
    """Translatable front matter values (schema :data:`FRONT_MATTER_KEYS`)."""
    out = []
    for key in FRONT_MATTER_KEYS:
        value = post.meta.get(key)
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        if isinstance(value, (str, int, float)) and str(value).strip():
            out.append(Message(join_lines(str(value).split("\n")),
                               Location(post.location.path, post.key_line(key)), key))
    return out


def taxonomy_terms(post: Post) -> list[tuple[str, str, Location]]:
    """``(key, term, location)`` for every category and tag of a post."""
    out = []
    for key in TAXONOMY_KEYS:
        value = post.meta.get(key)
        terms = value if isinstance(value, list) else str(value).split() if value else []
        for term in terms:
            if str(term).strip():
                out.append((key, str(term).strip(), Location(post.location.path, post.key_line(key))))
    return out


def segment_post(post: Post) -> tuple[list[Message], Segmented]:
    """The post's front matter messages and its segmented body."""
    return front_matter_messages(post), segment_body(post.body, post.location.path, post.body_line)


def assemble(
    segmented: Segmented,
    translate: Callable[[Message], str | None],
    mark_untranslated: bool = True,
) -> str:
    """Rebuild the Markdown body with each message replaced by ``translate(message)``.

    ``translate`` returns None for a message without a usable translation: the
    source text is kept and, when ``mark_untranslated``, wrapped in private
    markers that the renderer turns into the source ``lang`` attribute.
    """
    out: list[str] = []
    for piece in segmented.pieces:
        if isinstance(piece, str):
            out.append(piece)
            continue
        text = translate(piece.message)
        untranslated = text is None
        text = strip_markers(piece.message.msgid if text is None else text)
        text = text.replace("\n", ("\n" if piece.raw else "  \n") + piece.continuation)
        if untranslated and mark_untranslated and piece.markable:
            text = UNTRANSLATED_START + text + UNTRANSLATED_END
        if piece.heading_id:
            text += " {#" + piece.heading_id + "}"
        out.append(text)
    return "".join(out)
