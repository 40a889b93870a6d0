"""The PO grammar, checked strictly before a catalog is trusted.

Babel's reader is lenient where a translator's typo costs work: an
unterminated string (``msgid "Tesla`` without its closing quote) loses its
last character, so ``update`` turns the entry fuzzy and the next build drops
the translation; a duplicate ``msgid`` silently replaces the first.  GNU
``msgfmt`` refuses both.  :func:`po_syntax_error` applies msgfmt's rules to
the file as written, line by line, and names the first offending line.

Most catalogs are read many times (every build reads every catalog), so
:func:`scan_entries` first tries one regular expression per entry that
accepts only a strict subset of that grammar, where Babel's reader and
msgfmt agree on every value (the escapes both read alike, a space after each
keyword, no plural forms).  A file it reads is well formed; for any other
file it answers None and the line-by-line reader decides.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from babel.messages.pofile import unescape

from .errors import Location, PipelineError

_STRING = re.compile(r'"((?:[^"\\]|\\(?:[\\"abfnrtv]|[0-7]{1,3}|x[0-9A-Fa-f]+))*)"[ \t]*')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v", "\\": "\\", '"': '"'}
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]+|[0-7]{1,3}|.)")
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)[ \t]+(.*)")
_ORDER = {"msgctxt": 0, "msgid": 1, "msgid_plural": 2, "msgstr": 3}


def _rank(keyword: str) -> str:
    return "msgstr" if keyword.startswith("msgstr") else keyword


class _Entry:
    """The entry being read: its parts so far and the line of its msgid."""

    def __init__(self) -> None:
        self.parts: dict[str, str] = {}
        self.current = ""
        self.line = 0

    @property
    def complete(self) -> bool:
        return any(k.startswith("msgstr") for k in self.parts)


def _unescape(body: str) -> str:
    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        try:
            if code.startswith("x") and len(code) > 1:
                return chr(int(code[1:], 16))
            if code[0] in "01234567":
                return chr(int(code, 8))
        except (ValueError, OverflowError):
            return "\ufffd"  # beyond Unicode: still a distinct, comparable value
        return _ESCAPES.get(code, code)

    return _ESCAPE.sub(one, body)


def _string(rest: str) -> str | None:
    """The value of one quoted PO string filling ``rest``, or None when it is not one."""
    m = _STRING.fullmatch(rest)
    return _unescape(m.group(1)) if m else None


def _string_problem(rest: str) -> str:
    if not rest.startswith('"'):
        return "a string in double quotes was expected"
    if _STRING.match(rest):
        return "unexpected text after the closing quote"
    if re.fullmatch(r'"(?:[^"\\]|\\.)*"[ \t]*', rest):
        return "invalid escape sequence in the string"
    return "unterminated string (no closing double quote)"


Found = tuple[int, str]
"""A line number and what is wrong there."""


class _Reader:
    """Walks the entries of a PO file, live and obsolete (``#~``) alike."""

    def __init__(self) -> None:
        self.entry = _Entry()
        self.obsolete = False
        """Whether the current entry is an obsolete one."""
        self.seen: dict[tuple[str | None, str], int] = {}
        """First msgid line of each live (msgctxt, msgid)."""
        self.seen_obsolete: dict[tuple[str | None, str], int] = {}
        """The same for obsolete entries, which Babel keeps by msgid too."""

    def comment(self, no: int) -> Found | None:
        """A comment line: it may stand between entries only, and ends any string run."""
        if self.entry.parts and not self.entry.complete:
            return no, "comment inside an entry, before its msgstr"
        return self.finish()

    def line(self, no: int, body: str, obsolete: bool) -> Found | None:
        """Take one non-comment line (without its ``#~`` prefix)."""
        if self.entry.parts and obsolete != self.obsolete and not (
                self.entry.complete and _KEYWORD.match(body) and body.startswith(("msgid", "msgctxt"))):
            return no, "inconsistent use of #~ within one entry"
        if body.startswith('"'):
            value = _string(body)
            if value is None:
                return no, _string_problem(body)
            if not self.entry.current:
                return no, "a string line outside any msgid, msgstr or msgctxt"
            self.entry.parts[self.entry.current] += value
            return None
        m = _KEYWORD.fullmatch(body)
        if not m:
            return no, f"unknown keyword {body.split()[0]!r} (expected msgctxt, msgid, msgid_plural or msgstr)"
        value = _string(m.group(2))
        if value is None:
            return no, _string_problem(m.group(2))
        return self.keyword(no, m.group(1), value, obsolete)

    def keyword(self, no: int, keyword: str, value: str, obsolete: bool) -> Found | None:
        if keyword in ("msgctxt", "msgid") and self.entry.parts:
            continues = keyword == "msgid" and list(self.entry.parts) == ["msgctxt"]
            if not continues:
                if not self.entry.complete:
                    return no, f"'{keyword}' before the 'msgstr' of the entry above"
                found = self.finish()
                if found:
                    return found
        entry = self.entry
        if not entry.parts:
            self.obsolete = obsolete
        if keyword not in ("msgctxt", "msgid") and "msgid" not in entry.parts:
            return no, f"'{keyword}' without a 'msgid' before it"
        if keyword in entry.parts:
            return no, f"a second '{keyword}' in one entry"
        if any(_ORDER[_rank(k)] > _ORDER[_rank(keyword)] for k in entry.parts):
            return no, f"'{keyword}' out of order (msgctxt, msgid, msgid_plural, then msgstr)"
        if keyword.startswith("msgstr") and ("msgid_plural" in entry.parts) != keyword.startswith("msgstr["):
            return no, ("an entry with msgid_plural takes msgstr[N] lines" if "msgid_plural" in entry.parts
                        else f"'{keyword}' needs a 'msgid_plural' before it")
        if keyword == "msgid":
            entry.line = no
        entry.parts[keyword] = value
        entry.current = keyword
        return None

    def finish(self) -> Found | None:
        """Close the current entry: a problem when it lacks its msgstr or repeats an earlier msgid."""
        entry, self.entry = self.entry, _Entry()
        if not entry.parts:
            return None
        if not entry.complete:
            return entry.line, "entry without 'msgstr'"
        key = (entry.parts.get("msgctxt"), entry.parts["msgid"])
        seen = self.seen_obsolete if self.obsolete else self.seen
        if key in seen:
            return entry.line, f"duplicate message definition (first defined at line {seen[key]})"
        seen[key] = entry.line
        return None


def _previous_problem(body: str) -> str | None:
    """What is wrong with a ``#|`` line's text (a keyword and a string, or a string)."""
    m = _KEYWORD.fullmatch(body)
    rest = m.group(2) if m else body
    return _string_problem(rest) if _string(rest) is None else None


def po_syntax_error(text: str) -> Found | None:
    """The first line breaking the PO grammar and why, or None when ``text`` is well formed."""
    reader = _Reader()
    for no, line in enumerate(text.split("\n"), start=1):
        body = line.strip()
        obsolete = body.startswith("#~")
        if obsolete:
            body = body[2:].strip()
        if body.startswith("#|") or (obsolete and body.startswith("|")):
            problem = _previous_problem(body.lstrip("#|").strip())
            found = (no, f"previous msgid (#|): {problem}") if problem else reader.comment(no)
        elif not body:
            continue
        elif body.startswith("#") and not obsolete:
            found = reader.comment(no)
        else:
            found = reader.line(no, body, obsolete)
        if found:
            return found
    return reader.finish()


# -- the fast path ----------------------------------------------------------------------------

_SIMPLE_STRING = r'"[^"\\\n]*(?:\\[\\"abfnrtv][^"\\\n]*)*"[ \t]*'
"""A string with only the escapes Babel's reader and msgfmt read alike (no octal, no hex).

Written as runs of plain characters between escapes: one repeat of a class per run, where an
alternation per character costs the regular expression engine a step of its own (a third of a
catalog's reading)."""
_ANY_STRING = r'"[^"\\\n]*(?:\\(?:[\\"abfnrtv]|[0-7]{1,3}|x[0-9A-Fa-f]+)[^"\\\n]*)*"[ \t]*'
_OBSOLETE = r"[ \t]*\#~[ \t]*"
_ENTRY = re.compile(rf"""
    (?P<comments>(?:[ \t]*(?:
        \#(?:[^~|\n][^\n]*)?                                        # a comment: #, #. #: #, and others
      | \#\|[ \t]*(?:(?:msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)[ \t]+)?{_ANY_STRING}  # a previous field
    )?\n)*)                                                           # or a blank line
    (?:
        [ \t]*(?:msgctxt\ +(?P<ctx>{_SIMPLE_STRING}(?:\n[ \t]*{_SIMPLE_STRING})*)\n[ \t]*)?
        (?P<kw>msgid)\ +(?P<id>{_SIMPLE_STRING}(?:\n[ \t]*{_SIMPLE_STRING})*)\n
        [ \t]*msgstr\ +(?P<str>{_SIMPLE_STRING}(?:\n[ \t]*{_SIMPLE_STRING})*)
      |
        (?:{_OBSOLETE}msgctxt\ +(?P<octx>{_SIMPLE_STRING}(?:\n{_OBSOLETE}{_SIMPLE_STRING})*)\n)?
        {_OBSOLETE}msgid\ +(?P<oid>{_SIMPLE_STRING}(?:\n{_OBSOLETE}{_SIMPLE_STRING})*)\n
        {_OBSOLETE}msgstr\ +(?P<ostr>{_SIMPLE_STRING}(?:\n{_OBSOLETE}{_SIMPLE_STRING})*)
    )
    (?:\n|\Z)
""", re.VERBOSE)
_TRAILER = re.compile(r"(?:[ \t]*(?:\#(?:[^~|\n][^\n]*)?)?\n)*[ \t]*(?:\#(?:[^~|\n][^\n]*)?)?")
_REFERENCE = re.compile(r"^[ \t]*#:", re.MULTILINE)
_QUOTED = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"')
_FLAGS = re.compile(r"^[ \t]*#,(.*)$", re.MULTILINE)


class PoEntry(NamedTuple):
    """One live entry of a catalog: what publishing its translation needs.

    Values are as Babel's reader gives them, so an entry answers like Babel's
    ``Message`` (``id``, ``string``, ``context``, ``fuzzy``, ``lineno``).
    """

    id: str
    string: str
    context: str | None
    fuzzy: bool
    """``#, fuzzy``: the translation is not to be published."""
    lineno: int
    """Line of the ``msgid`` keyword (1-based), as Babel numbers an entry."""


def _value(field: str, obsolete: bool = False) -> str:
    """The value of a field's string lines, as Babel's reader joins them."""
    if not obsolete:
        # Lines wrapped as a writer wraps them (no space around a line break) join into one
        # string; every backslash is in an escape of its own line, so it unescapes as they would.
        joined = field.replace('"\n"', "") if "\n" in field else field
        if "\n" not in joined:
            return unescape(joined.rstrip(" \t"))
        if "\\" not in field:  # no escape, so no quote inside a string
            return "".join(piece.strip(" \t")[1:-1] for piece in field.split("\n"))
    return "".join(unescape(q) for q in _QUOTED.findall(field))


def _fuzzy(comments: str) -> bool:
    return "#," in comments and any("fuzzy" in (f.strip() for f in m.group(1).split(","))
                                    for m in _FLAGS.finditer(comments))


class PoUnit(NamedTuple):
    """One entry of a catalog as written, header and obsolete entries too."""

    comments: str
    """The lines above its ``msgctxt``/``msgid`` since the entry before, as written."""
    id: str
    string: str
    context: str | None
    obsolete: bool
    lineno: int
    """Line of the ``msgid`` keyword (1-based)."""


def scan_entries(text: str) -> list[PoEntry] | None:
    """The live entries of ``text`` but its header (``\\n`` line ends), or None when the fast grammar does not cover it.

    None is no verdict: the file may still be well formed (plural forms, octal
    escapes, a tab after a keyword) or not (then :func:`po_syntax_error` says
    where).  A list means the file is well formed, with no duplicate entry.
    """
    found = _walk(text, False)
    if found is None or any(not m_id and context is not None for _m, _line, (context, m_id) in found):
        return None  # an empty msgid with a msgctxt: Babel's reader takes it for the header, let it
    return [PoEntry(m_id, _value(m.group("str")), context, _fuzzy(m.group("comments")), lineno)
            for m, lineno, (context, m_id) in found if m_id]


def scan_units(text: str) -> list[PoUnit] | None:
    """Every entry of ``text`` with its comment lines, or None as :func:`scan_entries` answers it."""
    found = _walk(text, True)
    if found is None:
        return None
    units = []
    for m, lineno, (context, msgid) in found:
        obsolete = m.group("kw") is None
        string = _value(m.group("ostr"), True) if obsolete else _value(m.group("str"))
        units.append(PoUnit(m.group("comments"), msgid, string, context, obsolete, lineno))
    return units


def _walk(text: str, obsolete: bool) -> list[tuple[re.Match[str], int, tuple[str | None, str]]] | None:
    """Each entry's match, msgid line and (msgctxt, msgid); obsolete entries too if ``obsolete``."""
    found: list[tuple[re.Match[str], int, tuple[str | None, str]]] = []
    seen: set[tuple[str | None, str]] = set()
    seen_obsolete: set[tuple[str | None, str]] = set()
    pos, line, end = 0, 1, len(text)
    match = _ENTRY.match
    while pos < end:
        m = match(text, pos)
        if m is None:
            tail = _TRAILER.fullmatch(text, pos)
            # A "#:" line after the last entry: Babel's reader splits it (and may refuse the file).
            return found if tail is not None and not _REFERENCE.search(text, pos) else None
        if m.group("kw") is not None:
            key = (_value(m.group("ctx")) if m.group("ctx") is not None else None, _value(m.group("id")))
            if key in seen:
                return None
            seen.add(key)
            found.append((m, line + text.count("\n", pos, m.start("kw")), key))
        else:
            key = (_value(m.group("octx"), True) if m.group("octx") is not None else None,
                   _value(m.group("oid"), True))
            if key in seen_obsolete:
                return None
            seen_obsolete.add(key)
            if obsolete:
                start = m.start("oid")
                found.append((m, line + text.count("\n", pos, start), key))
        line += text.count("\n", pos, m.end())
        pos = m.end()
    return found


def check_po_syntax(data: bytes, where: Location) -> None:
    """Raise :class:`PipelineError` at the first line of ``data`` that breaks the PO grammar."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise PipelineError(Location(where.path, line), "catalog is not valid UTF-8") from None
    text = text.replace("\r\n", "\n")
    if scan_entries(text) is not None:
        return
    found = po_syntax_error(text)
    if found:
        line, message = found
        raise PipelineError(Location(where.path, line), f"invalid PO file: {message}")
