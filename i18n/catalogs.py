"""Gettext catalogs through Babel: read, build templates, update, write.

Thin symmetric functions over Babel's ``Catalog`` (as ``read_po``/``write_po``):

* :func:`read_catalog` refuses merge-conflict markers, a ``Language`` header
  that disagrees with the catalog's folder, and syntax errors, each located as
  ``path:line`` (Babel's ``PoFileError.lineno`` is 0-based and nameless).
* :func:`template_catalog` builds a POT from messages; :func:`update_catalog`
  merges it into a locale's PO: new entries, fuzzy entries with ``#| msgid``
  for edited blocks, obsolete ``#~`` entries for deleted ones (never dropped
  unless asked), and reuse of identical translations from elsewhere.
* :func:`write_catalog` writes atomically and only when something other than
  the creation/revision dates changed, so catalogs do not churn.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, normalize, read_po, unescape, write_po

from .errors import Location, PipelineError
from .files import write_if_changed
from .locales import SiteLocale
from .segments import Message

PROJECT = "blogl10n"
_CONFLICT = re.compile(rb"^(<{7}|={7}|>{7})(?: |$)", re.MULTILINE)
_LANGUAGE = re.compile(rb'^"Language: *([^\\"]*)\\n"', re.MULTILINE)
_VOLATILE = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): [^"]*"\n', re.MULTILINE)
_GENERATED_BY = re.compile(rb'^"Generated-By: [^"]*"\n', re.MULTILINE)


def build_date() -> dt.datetime:
    """Now, or ``SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)


def read_catalog(path: Path, root: Path, locale: SiteLocale | None = None) -> Catalog:
    """Read a PO/POT file; raise :class:`PipelineError` at the offending line."""
    where = Location.of(path, root=root)
    data = path.read_bytes()
    conflict = _CONFLICT.search(data)
    if conflict:
        line = data.count(b"\n", 0, conflict.start()) + 1
        raise PipelineError(Location(where.path, line), "merge conflict marker; resolve the conflict first")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if locale is not None:
        m = _LANGUAGE.search(data)
        if m and m.group(1).strip():
            declared = m.group(1).decode("utf-8", "replace").strip()
            if declared.replace("-", "_") != locale.catalog_dir:
                line = data.count(b"\n", 0, m.start()) + 1
                raise PipelineError(
                    Location(where.path, line),
                    f"Language header says {declared!r} but the catalog is in the {locale.catalog_dir!r} folder",
                )
    data, previous = _take_previous(data)
    try:
        cat = read_po(io.BytesIO(data), locale=locale.catalog_dir if locale else None,
                      abort_invalid=True, charset="utf-8")
    except PoFileError as exc:
        raise PipelineError(Location(where.path, exc.lineno + 1), f"invalid PO file: {exc}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise PipelineError(where, f"cannot read catalog: {exc}") from None
    for entry in [*cat, *cat.obsolete.values()]:
        if entry.lineno in previous:
            entry.previous_id = previous[entry.lineno]
    return cat


_PREVIOUS = re.compile(r"^#~?\| (?:(msgctxt|msgid_plural|msgid) )?(.*)$")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_MSGID_LINE = re.compile(r"^(?:#~ )?msgid ")


def _previous_run(lines: list[str], i: int) -> tuple[list[tuple[str, str]], int]:
    """Parse the ``#|`` lines starting at ``i``: ((keyword, value) in order, index after them)."""
    fields: list[tuple[str, str]] = []
    while i < len(lines):
        m = _PREVIOUS.match(lines[i])
        if not m:
            break
        value = "".join(unescape(f'"{q}"') for q in _QUOTED.findall(m.group(2)))
        if m.group(1):
            fields.append((m.group(1), value))
        elif fields:
            fields[-1] = (fields[-1][0], fields[-1][1] + value)
        i += 1
    return fields, i


def _take_previous(data: bytes) -> tuple[bytes, dict[int, list[str]]]:
    """Blank out ``#|`` lines (Babel's reader would keep them as plain comments).

    Returns the data with those lines emptied (line numbers unchanged) and the
    previous msgid (and msgid_plural) by the line number of the entry's msgid.
    """
    lines = data.decode("utf-8").split("\n")
    previous: dict[int, list[str]] = {}
    i = 0
    while i < len(lines):
        fields, end = _previous_run(lines, i)
        if not fields:
            i += 1
            continue
        lines[i:end] = [""] * (end - i)
        j = end
        while j < len(lines) and lines[j].strip() and not _MSGID_LINE.match(lines[j]):
            j += 1  # flags, comments, msgctxt: Babel numbers an entry by its msgid line
        values = dict(fields)
        if j < len(lines) and "msgid" in values:
            previous[j + 1] = [values["msgid"], *([values["msgid_plural"]] if "msgid_plural" in values else [])]
        i = end
    return "\n".join(lines).encode("utf-8"), previous


def _new_catalog(locale: str | None, date: dt.datetime) -> Catalog:
    cat = Catalog(
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
    becomes obsolete (kept unless ``drop_obsolete``); an obsolete entry whose
    text comes back is revived; an empty new entry takes an identical
    translation from ``memory`` (the rest of the site).
    """
    if po is None:
        po = _new_catalog(locale.catalog_dir, date)
    for entry in template:
        key = _obsolete_key(str(entry.id), entry.context)
        if entry.id and po.get(entry.id, entry.context) is None and key in po.obsolete:
            po[entry.id] = po.obsolete.pop(key)
    # Babel's update rebuilds unchanged entries from the template, losing the
    # previous msgid of an entry that is still fuzzy; keep it for the translator.
    previous = {(e.id, e.context): e.previous_id for e in po if e.fuzzy and e.previous_id}
    po.update(template, no_fuzzy_matching=False, update_header_comment=False,
              keep_user_comments=True, update_creation_date=False)
    for entry in po:
        if entry.fuzzy and not entry.previous_id and (entry.id, entry.context) in previous:
            entry.previous_id = previous[(entry.id, entry.context)]
        if entry.id and not entry.string and memory:
            found = memory.get((str(entry.id), entry.context))
            if found:
                entry.string = found
    if drop_obsolete:
        po.obsolete.clear()
    return po


def _obsolete_key(msgid: str, context: str | None) -> str | tuple[str, str]:
    """Babel's key for ``Catalog.obsolete`` (as its ``_key_for``)."""
    return (msgid, context) if context else msgid


def catalog_bytes(cat: Catalog, prose: bool = True) -> bytes:
    """Serialize deterministically (source order, width 76, previous msgids kept).

    ``prose`` catalogs (posts) never carry ``python-format``: Babel guesses it
    from text like "100% of", and ``msgfmt -c`` would then reject honest
    translations.
    """
    if prose:
        for entry in [*cat, *cat.obsolete.values()]:
            entry.flags.discard("python-format")
    buffer = io.BytesIO()
    write_po(buffer, cat, width=76, include_previous=True, sort_output=False, sort_by_file=False)
    generated_by = f'"Generated-By: {PROJECT}\\n"\n'.encode()
    data = _GENERATED_BY.sub(lambda _: generated_by, buffer.getvalue())
    return _rewrap_previous(data.decode("utf-8")).encode("utf-8")


def _rewrap_previous(text: str) -> str:
    """Lay out ``#| msgid`` like GNU gettext does.

    Babel wraps a long previous msgid as comment prose, giving
    ``#| msgid "" "A..."`` on one line; editors expect one string per line.
    """
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        fields, end = _previous_run(lines, i)
        if not fields:
            out.append(lines[i])
            i += 1
            continue
        for keyword, value in fields:
            first, *rest = normalize(value, prefix="#| ", width=76).split("\n")
            out.append(f"#| {keyword} {first.removeprefix('#| ')}")
            out.extend(rest)
        i = end
    return "\n".join(out)


def write_catalog(path: Path, cat: Catalog, prose: bool = True) -> bool:
    """Write ``cat`` atomically unless only its dates would change; True if written."""
    data = catalog_bytes(cat, prose)
    try:
        old = path.read_bytes()
    except FileNotFoundError:
        old = None
    if old is not None and _VOLATILE.sub(b"", old) == _VOLATILE.sub(b"", data):
        return False
    return write_if_changed(path, data)


def translations_of(cat: Catalog | None) -> gettext.NullTranslations:
    """A gettext translations object for Jinja2/Liquid, compiled in memory (no fuzzy)."""
    if cat is None:
        return gettext.NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, cat, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def usable_translation(cat: Catalog | None, msgid: str, context: str | None = None) -> str | None:
    """The msgstr to publish for ``msgid``: None when missing, empty or fuzzy."""
    if cat is None:
        return None
    entry = cat.get(msgid, context)
    if entry is None or entry.fuzzy or not entry.string or isinstance(entry.string, tuple):
        return None
    return str(entry.string)


def translation_memory(catalogs: Iterable[Catalog]) -> dict[tuple[str, str | None], str]:
    """Every published translation of a locale, by (msgid, context)."""
    memory: dict[tuple[str, str | None], str] = {}
    for cat in catalogs:
        for entry in cat:
            if entry.id and isinstance(entry.id, str) and entry.string and not entry.fuzzy:
                memory.setdefault((entry.id, entry.context), str(entry.string))
    return memory
