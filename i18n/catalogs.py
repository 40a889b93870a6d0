"""Gettext catalogs through Babel: read, build templates, update, write.

Thin symmetric functions over Babel's ``Catalog`` (as ``read_po``/``write_po``):

* :func:`read_translations` reads what a build publishes of a catalog (each
  entry's msgstr, fuzzy flag and line), through the PO grammar's fast path
  when it covers the file, with exactly the checks and values of
  :func:`read_catalog`, which it falls back to otherwise.
* :func:`read_catalog` refuses merge-conflict markers, a ``Language`` header
  that disagrees with the catalog's folder, and syntax errors, each located as
  ``path:line`` (Babel's ``PoFileError.lineno`` is 0-based and nameless).
* :func:`template_catalog` builds a POT from messages; :func:`update_catalog`
  merges it into a locale's PO: new entries, fuzzy entries with ``#| msgid``
  for edited blocks, obsolete ``#~`` entries for deleted ones (never dropped
  unless asked), and reuse of identical translations from elsewhere.
* :func:`write_catalog` writes atomically and only when something other than
  the creation/revision dates changed, so catalogs do not churn.

A catalog read and written back keeps everything a translator or another tool
put in it. Babel alone would lose some of it: its reader strips the
indentation of comments, rewrites the flags from its own guess of the format,
drops ``#| msgctxt`` and cannot parse ``#~|``; its writer wraps comments, drops
empty ones, ``msgctxt ""``, the flags, comments and previous msgid of obsolete
entries, header fields it does not know (``X-Generator``), and fills
placeholders in the header comment. So :func:`read_catalog` reads the comment
lines itself, and :func:`catalog_bytes` lays the entries out as GNU gettext
does, with Babel's ``normalize`` for the strings.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import os
import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from textwrap import TextWrapper
from typing import Any, NamedTuple

from babel.messages.catalog import Catalog
from babel.messages.catalog import Message as Entry
from babel.messages.mofile import write_mo
from babel.messages.pofile import WORD_SEP, PoFileError, PoFileParser, _extract_locations, escape, normalize, unescape

from .errors import Location, PipelineError
from .files import write_if_changed
from .locales import SiteLocale
from .po_syntax import PoEntry, PoUnit, check_po_syntax, scan_entries, scan_units
from .segments import Message

PROJECT = "blogl10n"
WIDTH = 76
_CONFLICT = re.compile(rb"^(<{7}|={7}|>{7})(?: |$)", re.MULTILINE)
_LANGUAGE = re.compile(rb'^"Language: *([^\\"]*)\\n"', re.MULTILINE)
_VOLATILE = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): [^"]*"\n', re.MULTILINE)


def build_date() -> dt.datetime:
    """Now, or ``SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)


@dataclass(frozen=True, slots=True)
class HeaderAsRead:
    """The header entry of a catalog file, and Babel's view of it when read."""

    comment: str
    """The comment lines above ``msgid ""``, as written."""
    fields: tuple[str, ...]
    """The ``Name: value`` lines of the header, in the file's order."""
    babel_comment: str
    """Babel's header comment right after reading (it fills in placeholders)."""
    state: dict[str, Any]
    """Babel's attributes of the catalog right after reading (:func:`_header_state`)."""

    def babel_fields(self) -> Mapping[str, str]:
        """Babel's header lines right after reading, by lower-case field name."""
        read = Catalog.__new__(Catalog)
        vars(read).update(self.state)
        return _by_name(_babel_header_fields(read))


_NOT_HEADER = frozenset({"_messages", "obsolete", "_conflicts", "header_entry", "header_as_read"})


def _header_state(cat: Catalog) -> dict[str, Any]:
    """Babel's attributes of ``cat`` but its entries: what all its header lines are made of."""
    return {name: value for name, value in vars(cat).items() if name not in _NOT_HEADER}


class PoCatalog(Catalog):
    """Babel's ``Catalog``, remembering the header it was read with.

    Babel rebuilds the header from its own attributes; :func:`catalog_bytes`
    writes the header as read instead, except what changed since.
    """

    header_entry: Entry | None = None
    """The header entry as Babel's reader gave it (kept by ``__setitem__``)."""
    header_as_read: HeaderAsRead | None = None

    def __setitem__(self, id: str | tuple[str, ...] | list[str], message: Entry) -> None:
        super().__setitem__(id, message)
        if id == "":
            self.header_entry = message


def entries(cat: Catalog) -> list[Entry]:
    """The entries of ``cat`` but its header, in order.

    Babel's ``Catalog.__iter__`` first rebuilds the header entry, formatting its
    dates through CLDR, at every loop: a third of the time of a merge.
    """
    return list(cat._messages.values())


def previous_context(entry: Entry) -> str | None:
    """The ``#| msgctxt`` of a fuzzy entry (Babel's ``Message`` only has ``previous_id``)."""
    value = getattr(entry, "previous_context", None)
    return value if isinstance(value, str) else None


def set_previous_context(entry: Entry, context: str | None) -> None:
    """Set the ``#| msgctxt`` that :func:`catalog_bytes` writes above ``#| msgid``."""
    entry.previous_context = context  # type: ignore[attr-defined]


def read_catalog(path: Path, root: Path, locale: SiteLocale | None = None, data: bytes | None = None) -> Catalog:
    """Read a PO/POT file; raise :class:`PipelineError` at the offending line.

    A file within the PO grammar's fast path (see :func:`scan_units`) is read
    without Babel's reader, into the same catalog; any other goes through it.
    ``data``: the file's bytes, when the caller has read them already.
    """
    where = Location.of(path, root=root)
    data = _checked_bytes(path.read_bytes() if data is None else data, where, locale)
    try:
        fast = _fast_catalog(data.decode("utf-8").replace("\r\n", "\n"), locale)
    except UnicodeDecodeError:
        fast = None
    return fast if fast is not None else _babel_catalog(data, where, locale)


def _babel_catalog(data: bytes, where: Location, locale: SiteLocale | None) -> PoCatalog:
    """Read checked catalog bytes through Babel's reader, then put back the comment lines it loses."""
    check_po_syntax(data, where)  # msgfmt's grammar: Babel's reader would guess past a broken string
    try:
        data, comments = _take_comments(data)
        cat = PoCatalog(locale=locale.catalog_dir if locale else None, charset="utf-8")
        # Lines as text: every catalog is UTF-8 (checked above); Babel would decode the lines after
        # the header by its declared charset, turning a mislabelled "é" into "Ã©" for good.
        PoFileParser(cat, abort_invalid=True).parse(io.StringIO(data.decode("utf-8")))
    except PoFileError as exc:
        raise PipelineError(Location(where.path, exc.lineno + 1), f"invalid PO file: {exc}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise PipelineError(where, f"cannot read catalog: {exc}") from None
    _restore_comments(cat, comments)
    return cat


class Translations:
    """The live entries of one catalog, by (msgid, msgctxt): what a build reads of it.

    Answers :meth:`get` as Babel's ``Catalog`` does, with entries that have
    the fields the build uses (``string``, ``fuzzy``, ``lineno``).
    """

    __slots__ = ("_entries",)

    def __init__(self, entries: Iterable[PoEntry]):
        self._entries = {(e.id, e.context): e for e in entries}

    @classmethod
    def of(cls, cat: Catalog) -> Translations:
        """The live, non-plural entries of a Babel catalog, but its header."""
        return cls(PoEntry(e.id, e.string, e.context, e.fuzzy, e.lineno or 0)
                   for e in entries(cat) if isinstance(e.id, str) and isinstance(e.string, str))

    def get(self, id: str, context: str | None = None) -> PoEntry | None:
        """The entry of ``id`` in ``context``, or None."""
        return self._entries.get((id, context))

    def __len__(self) -> int:
        return len(self._entries)


def read_translations(path: Path, root: Path, locale: SiteLocale | None = None) -> Translations:
    """What a build publishes of a PO file; raise :class:`PipelineError` as :func:`read_catalog` does.

    A plural entry is left out (no post message has plural forms).
    """
    where = Location.of(path, root=root)
    raw = path.read_bytes()
    data = _checked_bytes(raw, where, locale)
    try:
        entries = scan_entries(data.decode("utf-8").replace("\r\n", "\n"))
    except UnicodeDecodeError:
        entries = None
    if entries is None:  # beyond the fast grammar: the full reader checks it and reads it
        return Translations.of(read_catalog(path, root, locale, data=raw))
    return Translations(entries)


def _checked_bytes(data: bytes, where: Location, locale: SiteLocale | None) -> bytes:
    """The file's bytes without a BOM, refusing conflict markers and a foreign ``Language``."""
    # Each pattern is looked for as plain bytes first: a regular expression steps through
    # every position of the file (a tenth of a millisecond for a post's catalog), "in" does not.
    marked = b"<<<<<<<" in data or b"=======" in data or b">>>>>>>" in data
    conflict = _CONFLICT.search(data) if marked else None
    if conflict:
        line = data.count(b"\n", 0, conflict.start()) + 1
        raise PipelineError(Location(where.path, line), "merge conflict marker; resolve the conflict first")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if locale is not None:
        m = _LANGUAGE.search(data)
        if m and m.group(1).strip():
            declared = m.group(1).decode("utf-8", "replace").strip()
            named = declared.replace("-", "_")
            # A region under a folder without one is the same language (Poedit writes ko_KR for Korean).
            if named != locale.catalog_dir and not named.startswith(locale.catalog_dir + "_"):
                line = data.count(b"\n", 0, m.start()) + 1
                raise PipelineError(
                    Location(where.path, line),
                    f"Language header says {declared!r} but the catalog is in the {locale.catalog_dir!r} folder",
                )
    return data


class _Comments(NamedTuple):
    """The comment lines of one entry, as written."""

    translator: tuple[str, ...]
    extracted: tuple[str, ...]
    flags: tuple[str, ...]
    previous: Mapping[str, str]
    """``#|`` fields by keyword: msgctxt, msgid, msgid_plural."""
    references: tuple[str, ...] = ()
    """What follows ``#:`` on each reference line (Babel's reader reads these itself)."""


_PREVIOUS = re.compile(r"^#~?\| (?:(msgctxt|msgid_plural|msgid) )?(.*)$")
_CONFLICT_COMMENT = re.compile(r"^[ \t]*#-", re.MULTILINE)
"""A line Babel's reader refuses ("cannot parse po file with conflicts")."""
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_MSGID_LINE = re.compile(r"^(?:#~\s*)?msgid ")


def _previous_run(lines: list[str], i: int) -> tuple[list[tuple[str, str]], int]:
    """Parse the ``#|`` lines starting at ``i``: ((keyword, value) in order, index after them)."""
    fields: list[tuple[str, str]] = []
    while i < len(lines):
        m = _PREVIOUS.match(lines[i].strip())
        if not m:
            break
        value = "".join(unescape(f'"{q}"') for q in _QUOTED.findall(m.group(2)))
        if m.group(1):
            fields.append((m.group(1), value))
        elif fields:
            fields[-1] = (fields[-1][0], fields[-1][1] + value)
        i += 1
    return fields, i


def _take_comments(data: bytes) -> tuple[bytes, dict[int, _Comments]]:
    """Blank out ``#|`` lines (Babel's reader fails on ``#~|``) and collect each entry's comments.

    Returns the data with those lines emptied (line numbers unchanged) and the
    comment lines of every entry by the line number of its msgid, which is
    how Babel numbers an entry.
    """
    original = data.decode("utf-8").split("\n")
    lines = list(original)
    found: dict[int, _Comments] = {}
    start = i = 0
    while i < len(lines):
        fields, end = _previous_run(lines, i)
        if fields:
            lines[i:end] = [""] * (end - i)
            i = end
            continue
        if _MSGID_LINE.match(lines[i].strip()):
            found[i + 1] = _entry_comments(original[start:i])
            start = i + 1
        i += 1
    return "\n".join(lines).encode("utf-8"), found


def _entry_comments(lines: list[str], runs: bool | None = None) -> _Comments:
    """The comments of one entry from the lines between its msgid and the msgid before.

    ``runs``: whether some line may start a ``#|`` run (any has a ``|``), when the caller knows.
    """
    translator: list[str] = []
    extracted: list[str] = []
    flags: list[str] = []
    previous: dict[str, str] = {}
    references: list[str] = []
    if runs is None:
        runs = any("|" in line for line in lines)  # else no line starts a #| run
    i = 0
    while i < len(lines):
        if runs:
            fields, end = _previous_run(lines, i)
            if fields:
                previous.update(fields)
                i = end
                continue
        line = lines[i].strip()
        i += 1
        head = line[:2]
        if head == "#.":
            extracted.append(_comment_text(line[2:]))
        elif head == "#:":
            references.append(line[2:])
        elif head == "#,":
            flags += [flag.strip() for flag in line[2:].split(",") if flag.strip()]
        elif line and line[0] == "#" and head != "#~":
            translator.append(_comment_text(line[1:]))
    return _Comments(tuple(translator), tuple(extracted), tuple(flags), previous, tuple(references))


def _fast_catalog(text: str, locale: SiteLocale | None) -> PoCatalog | None:
    """The catalog :func:`read_catalog` reads through Babel, for a file within the fast grammar; else None.

    None also where Babel's reader does something of its own: a ``#-``
    comment (it refuses the file), ``#:`` lines it cannot split (those after
    the last entry :func:`scan_units` leaves to it), an empty
    ``msgctxt`` (it keys such an entry as one without), an entry with an
    empty msgid besides the header, a file without entries.
    """
    units = _fast_units(text)
    if units is None:
        return None
    cat = PoCatalog(locale=locale.catalog_dir if locale else None, charset="utf-8")
    messages = cat._messages  # entries are unique (the grammar refuses duplicates): no merging to do
    header: _Comments | None = None
    for unit, comments in units:
        locations = _unit_locations(comments)
        if locations is None:
            return None
        if not unit.id:  # the header, as Babel's reader makes it
            header = comments
            cat[""] = Entry("", unit.string, locations, {"fuzzy"} & set(comments.flags), comments.extracted,
                            [c.lstrip() for c in comments.translator], lineno=unit.lineno)
            continue
        (cat.obsolete if unit.obsolete else messages)[_obsolete_key(unit.id, unit.context)] = \
            _unit_entry(unit, comments, locations)
    if header is not None:
        _remember_header(cat, header)
    return cat


def _fast_units(text: str) -> list[tuple[PoUnit, _Comments]] | None:
    """The units of ``text`` with their comments parsed, when :func:`_fast_catalog` can read it; else None."""
    units = scan_units(text)
    if not units or ("#-" in text and _CONFLICT_COMMENT.search(text)):
        return None
    found = []
    for unit in units:
        if unit.context == "" or (not unit.id and (unit.obsolete or unit.context is not None)):
            return None
        found.append((unit, _entry_comments(unit.comments.split("\n"), "|" in unit.comments)))
    return found


def _unit_locations(comments: _Comments) -> list[tuple[str, int]] | None:
    """An entry's references as Babel's reader reads them; None where it reads them some other way."""
    locations: list[tuple[str, int]] = []  # Babel's type says int; its reader gives None for no number
    for line in comments.references:
        try:
            refs = _extract_locations(line)
        except ValueError:
            return None
        for ref in refs:  # as Babel's reader: a reference without a number has none
            name, colon, number = ref.rpartition(":")
            if not colon:
                locations.append((ref, None))  # type: ignore[arg-type]
            elif number.isdecimal() and number.isascii():
                locations.append((name, int(number)))
            else:
                return None
    return locations


def _unit_entry(unit: PoUnit, comments: _Comments, locations: list[tuple[str, int]]) -> Entry:
    """The entry (not the header) :func:`read_catalog` reads from ``unit``."""
    entry = Entry(unit.id, unit.string, locations, comments.flags, comments.extracted, comments.translator,
                  lineno=unit.lineno, context=unit.context)
    _set_comments(entry, comments)
    return entry


def _comment_text(rest: str) -> str:
    """A comment's text: what follows ``#`` (or ``#.``) and one space, indentation kept."""
    return rest[1:] if rest.startswith(" ") else rest


def _restore_comments(cat: PoCatalog, found: Mapping[int, _Comments]) -> None:
    """Put back in ``cat`` what Babel's reader lost of each entry's comment lines."""
    for entry in [*entries(cat), *cat.obsolete.values()]:
        comments = found.get(entry.lineno or 0)
        if entry.id and comments is not None:
            _set_comments(entry, comments)
    header = cat.header_entry
    if header is not None:
        _remember_header(cat, found.get(header.lineno or 0))


def _set_comments(entry: Entry, comments: _Comments) -> None:
    entry.user_comments = list(comments.translator)
    entry.auto_comments = list(comments.extracted)
    entry.flags = set(comments.flags)  # as written, not Babel's guess from the msgid
    if "msgid" in comments.previous:
        entry.previous_id = _previous_id(comments)
    set_previous_context(entry, comments.previous.get("msgctxt"))


def _previous_id(comments: _Comments) -> list[str]:
    """The ``#|`` msgid (and msgid_plural) of an entry, as ``Message.previous_id``."""
    if "msgid" not in comments.previous:
        return []
    plural = comments.previous.get("msgid_plural")
    return [comments.previous["msgid"], *([plural] if plural is not None else [])]


def _remember_header(cat: PoCatalog, comments: _Comments | None) -> None:
    header = cat.header_entry
    assert header is not None
    cat.header_as_read = HeaderAsRead(
        comment=_header_comment_as_read(comments),
        fields=_header_fields_as_read(str(header.string)),
        babel_comment=cat.header_comment,
        state=_header_state(cat),
    )


def _header_comment_as_read(comments: _Comments | None) -> str:
    return "\n".join(_translator_line(c) for c in comments.translator) if comments else ""


def _header_fields_as_read(string: str) -> tuple[str, ...]:
    return tuple(line for line in string.split("\n") if line.strip())


def _new_catalog(locale: str | None, date: dt.datetime) -> Catalog:
    cat = PoCatalog(
        locale=locale,
        project=PROJECT,
        version="1",
        copyright_holder="the site's authors",
        msgid_bugs_address="",
        creation_date=date,
        revision_date=date if locale else None,
        fuzzy=locale is None,
        charset="utf-8",
        last_translator="the site's translators",
        language_team=f"{locale or 'all'} translators",
    )
    cat.header_comment = (
        "# Translations template for this site." if locale is None
        else f"# {locale} translations for this site."
    ) + "\n# Generated by blogl10n; translators edit msgstr lines only."
    return cat


def template_catalog(messages: Iterable[Message], date: dt.datetime,
                     comments: Mapping[str, str] | None = None) -> Catalog:
    """A POT catalog of ``messages`` in source order, one entry per distinct msgid."""
    cat = _new_catalog(None, date)
    for message in messages:
        _add(cat, message.msgid, message.location, message.kind, None)
    return cat


def _add(cat: Catalog, msgid: str, location: Location, comment: str, context: str | None) -> None:
    cat.add(msgid, locations=[(location.path, location.line)],
            auto_comments=[comment] if comment else [], context=context)


def add_entry(cat: Catalog, msgid: str | tuple[str, ...], location: Location, comment: str,
              context: str | None = None, flags: Iterable[str] = ()) -> None:
    """Add one entry (taxonomy term or UI string) to a template."""
    cat.add(msgid, locations=[(location.path, location.line)],
            auto_comments=[comment] if comment else [], context=context, flags=list(flags))


def update_catalog(po: Catalog | None, template: Catalog, locale: SiteLocale, date: dt.datetime,
                   memory: Mapping[tuple[str, str | None], str] | None = None,
                   drop_obsolete: bool = False) -> Catalog:
    """Merge ``template`` into ``po`` (or a new catalog for ``locale``).

    Unchanged entries keep their translation; an edited block becomes fuzzy
    with its old translation and ``#| msgid``; an entry whose block is gone
    becomes obsolete (kept unless ``drop_obsolete``), as msgmerge lays it out;
    an obsolete entry whose text comes back is revived; an empty new entry
    takes an identical translation from ``memory`` (the rest of the site).
    ``template`` is left as it was, so one template serves every locale.
    """
    if po is None:
        po = _new_catalog(locale.catalog_dir, date)
    for entry in entries(template):
        key = _obsolete_key(entry.id, entry.context)
        if entry.id and po.get(entry.id, entry.context) is None and key in po.obsolete:
            po[entry.id] = po.obsolete.pop(key)
    # Babel's update rebuilds unchanged entries from the template, losing the
    # previous msgid of an entry that is still fuzzy; keep it for the translator.
    previous = {(e.id, e.context): (e.previous_id, previous_context(e))
                for e in entries(po) if e.fuzzy and e.previous_id}
    shared = {id(e) for e in entries(template)}
    po.update(template, no_fuzzy_matching=False, update_header_comment=False,
              keep_user_comments=True, update_creation_date=False)
    for key, entry in po._messages.items():
        if id(entry) in shared:  # Babel adds a new entry as the template's own object: filling it
            po._messages[key] = entry.clone()  # below would fill the template for the next locale too
    for entry in entries(po):
        kept = previous.get((entry.id, entry.context)) if entry.fuzzy else None
        if kept is not None and entry.previous_id in ([], kept[0]):
            entry.previous_id = kept[0]
            set_previous_context(entry, kept[1])
        elif entry.fuzzy and entry.previous_id:
            # Matched to an entry that was already fuzzy: its translation is of *that* entry's
            # previous msgid, which stays (as ``msgmerge --previous`` keeps it).
            matched = entry.previous_id[0] if len(entry.previous_id) == 1 else tuple(entry.previous_id)
            kept = previous.get((matched, entry.context))
            if kept is not None:
                entry.previous_id = kept[0]
                set_previous_context(entry, kept[1])
        if entry.id and not entry.string and memory:
            found = memory.get((str(entry.id), entry.context))
            if found:
                entry.string = found
    for entry in po.obsolete.values():
        # As msgmerge: an obsolete entry keeps its translation, translator comments
        # and flags; its source references and extracted comments no longer hold.
        entry.locations, entry.auto_comments = [], []
    for key in [k for k in po.obsolete if k in po._messages]:
        del po.obsolete[key]  # a live entry of that msgid: GNU gettext refuses the pair as a duplicate
    if drop_obsolete:
        po.obsolete.clear()
    return po


class TemplateEntry(NamedTuple):
    """An entry of a template as :func:`read_catalog` reads it, as the arguments of Babel's ``Message``."""

    id: str
    locations: list[tuple[str, int]]
    flags: tuple[str, ...]
    auto_comments: tuple[str, ...]
    user_comments: tuple[str, ...]
    previous_id: list[str]
    lineno: int
    context: str | None


def template_entries(data: bytes) -> list[TemplateEntry] | None:
    """The entries :func:`update_catalog` merges from a template file's bytes (not its header and obsolete
    entries), read as :func:`read_catalog` reads them, when its fast path can; else None (no verdict)."""
    text = _fast_text(data, None)
    units = _fast_units(text) if text is not None else None
    if units is None:
        return None
    found = []
    for unit, comments in units:
        locations = _unit_locations(comments)
        if locations is None:
            return None
        if unit.id and not unit.obsolete:
            found.append(TemplateEntry(unit.id, locations, comments.flags, comments.extracted, comments.translator,
                                       _previous_id(comments), unit.lineno, unit.context))
    return found


def merged_as_is(template: list[TemplateEntry], data: bytes, locale: SiteLocale, prose: bool,
                 drop_obsolete: bool) -> list[Entry] | None:
    """The live entries of catalog file ``data`` merged with ``template`` (see :func:`template_entries`),
    when that merge, laid out, gives ``data`` byte for byte; else None (no verdict).

    That is what :func:`update_catalog` (without memory) and :func:`catalog_bytes`
    give, without Babel's catalogs: for a catalog that already has the template's
    entries in its order, nothing to make obsolete, drop or revive, each entry
    is merged as Babel's ``Catalog.update`` merges one found under its key, and
    the header stays as read.  It is the common case of ``update``: a catalog
    the last ``update`` wrote, since translated.  Tests compare it with the
    full merge on random catalogs.
    """
    text = _fast_text(data, locale)
    units = _fast_units(text) if text is not None else None
    if units is None:
        return None
    header = [(unit, comments) for unit, comments in units if not unit.id]
    live = [(unit, comments) for unit, comments in units if unit.id and not unit.obsolete]
    gone = [(unit, comments) for unit, comments in units if unit.obsolete]
    if len(header) != 1 or len(live) != len(template) or (gone and drop_obsolete):
        return None
    merged: list[Entry] = []
    for new, (unit, comments) in zip(template, live, strict=True):
        if (new.id, new.context) != (unit.id, unit.context) or _unit_locations(comments) is None:
            return None
        # As Babel's update merges an entry found under its own key: the template's entry
        # (cloned), with the catalog's translation, translator comments and flags.
        entry = Entry(new.id, unit.string, new.locations, new.flags, new.auto_comments, new.user_comments,
                      new.previous_id, new.lineno, new.context)
        if comments.translator:
            entry.user_comments = list(dict.fromkeys(comments.translator))
        entry.flags |= set(comments.flags)
        previous = _previous_id(comments)
        if entry.fuzzy and "fuzzy" in comments.flags and previous and entry.previous_id in ([], previous):
            entry.previous_id = previous  # as update_catalog keeps it
            set_previous_context(entry, comments.previous.get("msgctxt"))
        merged.append(entry)
    obsolete = []
    for unit, comments in gone:
        if _unit_locations(comments) is None:
            return None
        entry = _unit_entry(unit, comments, [])
        entry.auto_comments = []  # as update_catalog leaves an obsolete entry
        obsolete.append(entry)
    unit, comments = header[0]
    lines = _header_entry_lines(_header_comment_as_read(comments), "fuzzy" in comments.flags,
                                _header_fields_as_read(unit.string))
    return merged if _layout(lines, merged, obsolete, None, prose) == data else None


def _fast_text(data: bytes, locale: SiteLocale | None) -> str | None:
    """The text :func:`read_catalog` gives its fast path, or None where it would raise or decode nothing."""
    try:
        return _checked_bytes(data, Location("", 0), locale).decode("utf-8").replace("\r\n", "\n")
    except (PipelineError, UnicodeDecodeError):
        return None


def _obsolete_key(msgid: str | tuple[str, ...] | list[str], context: str | None) -> str | tuple[str, str]:
    """Babel's key for ``Catalog.obsolete`` (as its ``_key_for``: a plural's is its singular)."""
    singular = str(msgid[0] if isinstance(msgid, (tuple, list)) else msgid)
    return (singular, context) if context else singular


def catalog_bytes(cat: Catalog, prose: bool = True) -> bytes:
    """Serialize deterministically (source order, width 76, as GNU gettext lays entries out).

    ``prose`` catalogs (posts) never carry ``python-format``: Babel guesses it
    from text like "100% of", and ``msgfmt -c`` would then reject honest
    translations.
    """
    return _layout(_header_lines(cat), entries(cat), list(cat.obsolete.values()), cat, prose)


def _layout(header: list[str], live: list[Entry], obsolete: list[Entry], cat: Catalog | None, prose: bool) -> bytes:
    """A catalog's bytes from its header lines and entries (``cat``: for the number of plural forms)."""
    if prose:
        for entry in [*live, *obsolete]:
            entry.flags.discard("python-format")
    lines = header
    for entry in live:
        lines += [*_entry_lines(cat, entry, obsolete=False), ""]
    for entry in obsolete:
        lines += [*_entry_lines(cat, entry, obsolete=True), ""]
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


def _babel_header_fields(cat: Catalog) -> list[str]:
    """Babel's header lines for ``cat``, generated by this project."""
    fields = [f"{name}: {value.rstrip()}" for name, value in cat.mime_headers if name != "Generated-By"]
    return [*fields, f"Generated-By: {PROJECT}"]


def _by_name(fields: Iterable[str]) -> dict[str, str]:
    return {line.partition(":")[0].strip().lower(): line for line in fields}


def _header_lines(cat: Catalog) -> list[str]:
    """The header entry: Babel's for a new catalog; as read for one read, with the fields changed since."""
    comment = cat.header_comment
    read = cat.header_as_read if isinstance(cat, PoCatalog) else None
    if read is not None and comment == read.babel_comment:
        comment = read.comment
    if read is None:
        fields = _babel_header_fields(cat)
    elif _header_state(cat) == read.state:  # as read (a merge): Babel's lines would be those it read
        fields = list(read.fields)
    else:
        current, was = _by_name(_babel_header_fields(cat)), read.babel_fields()
        fields = []
        for line in read.fields:
            name = line.partition(":")[0].strip().lower()
            now = current.pop(name, None)
            fields.append(now if now is not None and now != was.get(name) else line)
        # A field the file lacks is added only once set: Babel fills in defaults
        # (POT-Creation-Date: now, Report-Msgid-Bugs-To: EMAIL@ADDRESS).
        fields += [line for name, line in current.items() if line != was.get(name)]
    return _header_entry_lines(comment, cat.fuzzy, fields)


def _header_entry_lines(comment: str, fuzzy: bool, fields: Iterable[str]) -> list[str]:
    lines = comment.split("\n") if comment else []
    if fuzzy:
        lines.append("#, fuzzy")
    text = "".join(f"{field}\n" for field in fields)
    return [*lines, 'msgid ""', f"msgstr {normalize(text, width=WIDTH)}", ""]


def _translator_line(comment: str) -> str:
    return f"# {comment}" if comment else "#"


def _entry_lines(cat: Catalog | None, entry: Entry, obsolete: bool) -> list[str]:
    """One entry as GNU gettext writes it; an obsolete one keeps its comments and ``#~|``."""
    lines = [_translator_line(c) for c in entry.user_comments]
    lines += [f"#. {c}" if c else "#." for c in entry.auto_comments]
    lines += _location_lines(entry.locations)
    if entry.flags:
        lines.append(f"#, {', '.join(sorted(entry.flags))}")
    previous = [("msgctxt", previous_context(entry)), *zip(("msgid", "msgid_plural"), entry.previous_id, strict=False)]
    prefix = "#~| " if obsolete else "#| "
    lines += [f"{prefix}{key} {_quoted(value, prefix)}" for key, value in previous if value is not None]
    return lines + _message_lines(cat, entry, "#~ " if obsolete else "")


@lru_cache(maxsize=4096)
def _quoted(value: str, prefix: str) -> str:
    """``value`` as PO string lines, each after ``prefix``, within :data:`WIDTH`.

    Babel's ``normalize(prefix=...)`` counts the prefix once per word, not once
    per line, so it would wrap ``#~|`` lines at a few words each.  Kept for
    the next catalog: an update writes each msgid once per language.
    """
    return _normalize(value, width=WIDTH - len(prefix)).replace("\n", f"\n{prefix}")


_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
"""What ``str.splitlines`` splits at."""
_SPACES = re.compile(r"(\s+)")
_HYPHEN_BREAK = re.compile(r"[a-zA-Z]-|--")
"""Where Babel's ``WORD_SEP`` can split but at whitespace: a hyphen after a letter, two hyphens."""
_ESCAPED = re.compile('[\\\\\t\r\n"]')
"""What ``escape`` doubles: a chunk without them escapes to its own length plus the quotes."""


@lru_cache(maxsize=16)
def _filled_lines(width: int) -> re.Pattern[str]:
    """Babel's lines of a line with single spaces and nothing to escape, each a match, as its wrapper fills them.

    Its chunks are the words and the spaces; a line takes whole chunks while it
    stays under the width with its two quotes (at most ``width - 3`` characters),
    so it ends where the longest such prefix ends before or after a space (or
    at the end); a word longer than that is a line of its own.  Ten times
    faster than adding up the chunks: a Korean or English msgstr is a
    paragraph of them.
    """
    return re.compile(rf".{{1,{width - 3}}}(?:(?<= )|(?= )|\Z)|[^ ]+")


def _normalize(value: str, width: int) -> str:
    """Babel's ``normalize(value, width=width)``, the same string, without escaping each word twice.

    It is the hot part of writing a catalog: one call per field.
    """
    plain = not _ESCAPED.search(value)  # then every piece escapes to itself between quotes
    quoted = f'"{value}"' if plain else escape(value)
    if len(quoted) <= width and not _LINE_BREAK.search(value):
        return quoted  # one line that fits
    lines: list[str] = []
    for line in value.splitlines(True):
        if (len(line) + 2 if plain else len(escape(line))) <= width:
            lines.append(line)
            continue
        # Babel's word separator splits at whitespace, after a letter and a hyphen, and
        # before two hyphens; its other parts backtrack over every run of word characters
        # (a Japanese sentence is one), quadratic in its length.  None of them spans
        # whitespace, so it is only run on the words that can have such a hyphen.
        if "-" in line and _HYPHEN_BREAK.search(line):
            chunks = []
            for i, piece in enumerate(_SPACES.split(line)):
                if i % 2 == 0 and _HYPHEN_BREAK.search(piece):
                    chunks += WORD_SEP.split(piece)
                else:
                    chunks.append(piece)
        elif line.isprintable() and "  " not in line:
            # No whitespace but single spaces (every other kind is unprintable, NUL too).
            if width > 3 and (plain or not _ESCAPED.search(line)):
                lines += _filled_lines(width).findall(line)
                continue
            chunks = line.replace(" ", "\0 \0").split("\0")
        else:
            chunks = _SPACES.split(line)
        sizes = map(len, chunks) if plain or not _ESCAPED.search(line) else (len(escape(c)) - 2 for c in chunks)
        ends = [0, *accumulate(sizes)]  # ends[i]: the escaped length of chunks[:i]
        start, count = 0, len(chunks)
        while start < count:
            # As Babel: fill the line (two quotes and whole chunks) while it stays under the width,
            # that is up to the last chunk ending before ends[start] + width - 2; a chunk longer
            # than a line gets a line of its own.
            end = max(bisect_left(ends, ends[start] + width - 2) - 1, start + 1)
            lines.append("".join(chunks[start:end]))
            start = end
    if len(lines) <= 1:
        return quoted
    if not lines[-1]:
        del lines[-1]
        lines[-1] += "\n"
        plain = False  # that newline is escaped
    if plain:
        return '""\n"' + '"\n"'.join(lines) + '"'
    return '""\n' + "\n".join(escape(line) for line in lines)


def _location_lines(locations: Iterable[tuple[str, int | None]]) -> list[str]:
    """``#:`` lines in the entry's order; a file name with spaces between U+2068 and U+2069 (as gettext)."""
    refs = []
    for path, line in locations:
        name = f"\u2068{path}\u2069" if (" " in path or "\t" in path) and not path.startswith("\u2068") else path
        refs.append(f"{name}:{line}" if line else name)
    text = " ".join(refs)
    if len(text) <= WIDTH and text == text.strip() and not _WRAP_SPACE.search(text):
        return [f"#: {text}"] if text else []  # what the wrapper gives a line that fits
    # A location is never split, not even at a hyphen (Babel's wrapper would split "2021-02-22-x.md").
    wrapper = TextWrapper(width=WIDTH, break_long_words=False, break_on_hyphens=False)
    return [f"#: {line}" for line in wrapper.wrap(text)]


_WRAP_SPACE = re.compile("[\t\n\x0b\x0c\r]")
"""Whitespace ``TextWrapper`` turns into spaces."""


def _message_lines(cat: Catalog | None, entry: Entry, prefix: str) -> list[str]:
    def field(keyword: str, value: str) -> str:
        return f"{prefix}{keyword} {_quoted(value, prefix)}"

    lines = [field("msgctxt", entry.context)] if entry.context is not None else []
    if isinstance(entry.id, str):
        return [*lines, field("msgid", entry.id), field("msgstr", str(entry.string or ""))]
    assert cat is not None, "plural forms are laid out with their catalog"
    strings = [entry.string] if isinstance(entry.string, str) else list(entry.string or ())
    strings += [""] * (cat.num_plurals - len(strings))
    return [*lines, field("msgid", entry.id[0]), field("msgid_plural", entry.id[1]),
            *(field(f"msgstr[{i}]", strings[i]) for i in range(cat.num_plurals))]


def write_catalog(path: Path, cat: Catalog, prose: bool = True) -> bool:
    """Write ``cat`` atomically unless only its dates would change; True if written."""
    return write_catalog_bytes(path, catalog_bytes(cat, prose))


def write_catalog_bytes(path: Path, data: bytes) -> bool:
    """Write a catalog laid out by :func:`catalog_bytes`, as :func:`write_catalog` does."""
    try:
        old = path.read_bytes()
    except FileNotFoundError:
        old = None
    if old is not None and same_catalog_bytes(old, data):
        return False
    return write_if_changed(path, data)


def same_catalog_bytes(old: bytes, new: bytes) -> bool:
    """Whether writing ``new`` over ``old`` would change nothing but the creation and revision dates."""
    return old == new or _VOLATILE.sub(b"", old) == _VOLATILE.sub(b"", new)


def translations_of(cat: Catalog | None) -> gettext.NullTranslations:
    """A gettext translations object for Jinja2/Liquid, compiled in memory (no fuzzy)."""
    if cat is None:
        return gettext.NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, cat, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def usable_translation(cat: Catalog | Translations | None, msgid: str, context: str | None = None) -> str | None:
    """The msgstr to publish for ``msgid``: None when missing, empty or fuzzy."""
    if cat is None:
        return None
    entry = cat.get(msgid, context)
    if entry is None or entry.fuzzy or not entry.string or isinstance(entry.string, tuple):
        return None
    return str(entry.string)


def translation_memory(found: Iterable[Entry]) -> dict[tuple[str, str | None], str]:
    """The published translations among ``found`` (entries of a locale's catalogs), by (msgid, context)."""
    memory: dict[tuple[str, str | None], str] = {}
    for entry in found:
        if isinstance(entry.id, str) and entry.string and not entry.fuzzy:
            memory.setdefault((entry.id, entry.context), str(entry.string))
    return memory
