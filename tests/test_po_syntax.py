"""The PO grammar's fast path agrees with the strict reader and with Babel's values.

:func:`i18n.po_syntax.scan_entries` reads most catalogs with one regular
expression per entry; it must never accept a file that msgfmt's rules
(:func:`po_syntax_error`) refuse, and every entry it gives must have exactly
the msgid, msgstr, context, fuzzy flag and line Babel's reader gives (the
build publishes what it reads).  Proved on real catalogs and on random
mutations of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from i18n.catalogs import (
    PoCatalog,
    Translations,
    _babel_catalog,
    _fast_catalog,
    catalog_bytes,
    entries,
    previous_context,
    read_catalog,
    read_translations,
)
from i18n.errors import Location, PipelineError
from i18n.locales import site_locale
from i18n.po_syntax import po_syntax_error, scan_entries

CATALOGS = sorted(p for p in (ROOT / "tests" / "data" / "catalogs").rglob("*.po")) \
    + sorted((ROOT / "locales").rglob("*.po"))


def _babel_entries(path: Path) -> dict[object, object]:
    return dict(Translations.of(read_catalog(path, path.parent))._entries)


def _fast_entries(text: str) -> dict[object, object] | None:
    entries = scan_entries(text)
    return None if entries is None else dict(Translations(entries)._entries)


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_fast_path_reads_real_catalogs_as_babel_does(path: Path) -> None:
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    fast = _fast_entries(text)
    if fast is not None:
        assert fast == _babel_entries(path)
    assert dict(read_translations(path, path.parent)._entries) == _babel_entries(path)


def test_fast_path_covers_the_catalogs_the_tool_writes() -> None:
    posts = sorted((ROOT / "locales").glob("*/LC_MESSAGES/2*.po"))
    assert posts
    for path in posts:
        assert scan_entries(path.read_text("utf-8")) is not None, path


ENTRY_LINES = [
    "", "# translator comment", "#. paragraph", "#: content/_posts/x.md:12", "#, fuzzy", "#, python-format, fuzzy",
    "#,fuzzy", "#| msgid \"old text\"", "#| \"continued\"", "#~ msgid \"gone\"", "#~ msgstr \"parti\"",
    "#~| msgid \"older\"", 'msgctxt "category"', 'msgid "テスラ"', 'msgid "テスラ"', 'msgid ""', '"続き"',
    '"tab\\there"', '"octal \\101"', '"bad \\q escape"', '"unterminated', 'msgstr "테슬라"', 'msgstr ""',
    'msgstr[0] "분"', 'msgid_plural "%(n)d minutes"', "msgid\t\"tabbed\"", "  msgid  \"spaced\"",
    "#~ msgctxt \"tag\"", "<<<<<<< HEAD", "garbage", '"trailing"  ', "#", "#~",
]


@st.composite
def mutated_catalog(draw: st.DrawFn, tricky: list[str] = ENTRY_LINES) -> str:
    """A real catalog with lines deleted, duplicated, swapped or replaced by tricky ones."""
    base = (ROOT / "locales" / "ko" / "LC_MESSAGES" / "2021-02-22-tesla-ai-jim-keller.po").read_text("utf-8")
    lines = base.split("\n")[: draw(st.integers(20, 80))]
    for _ in range(draw(st.integers(0, 6))):
        keywords = [n for n, line in enumerate(lines) if line.startswith(("msg", "#~ msg", '"'))]
        if keywords and draw(st.booleans()):  # most mistakes that matter are inside an entry
            i = draw(st.sampled_from(keywords)) + draw(st.sampled_from([0, 1]))
            i = min(i, len(lines) - 1)
        else:
            i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "replace"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "insert":
            lines.insert(i, draw(st.sampled_from(tricky)))
        else:
            lines[i] = draw(st.sampled_from(tricky))
        if not lines:
            lines = [""]
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_catalog())
def test_fast_path_never_accepts_what_msgfmt_refuses(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    fast = _fast_entries(text)
    if fast is None:
        return
    assert po_syntax_error(text) is None
    path = tmp_path_factory.mktemp("po") / "x.po"
    path.write_text(text, "utf-8")
    assert fast == _babel_entries(path)


def test_an_empty_msgid_with_a_context_is_left_to_babel_which_takes_it_for_the_header(tmp_path: Path) -> None:
    text = '# ko\nmsgctxt "category"\nmsgid ""\nmsgstr ""\n"Language: ko\\n"\n\nmsgid "a"\nmsgstr "b"\n'
    assert scan_entries(text) is None
    path = tmp_path / "x.po"
    path.write_text(text, "utf-8")
    assert dict(read_translations(path, tmp_path)._entries) == _babel_entries(path)
    assert list(_babel_entries(path)) == [("a", None)]


BROKEN = {
    "comment inside an entry": 'msgid "a"\n# note\nmsgstr "b"\n',
    "no msgstr": 'msgid "a"\n\nmsgid "b"\nmsgstr "c"\n',
    "string outside an entry": '"stray"\nmsgid "a"\nmsgstr "b"\n',
    "unterminated": 'msgid "a\nmsgstr "b"\n',
    "text after the quote": 'msgid "a" x\nmsgstr "b"\n',
    "duplicate": 'msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n',
    "duplicate obsolete": '#~ msgid "a"\n#~ msgstr "b"\n\n#~ msgid "a"\n#~ msgstr "c"\n',
    "mixed obsolete": 'msgid "a"\n#~ msgstr "b"\n',
    "bad previous": '#| msgid "old\nmsgid "a"\nmsgstr "b"\n',
    "unknown keyword": 'msgid "a"\nmsgstring "b"\n',
    "msgstr first": 'msgstr "b"\nmsgid "a"\n',
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_fast_path_refuses_broken_entries(name: str) -> None:
    assert po_syntax_error(BROKEN[name]) is not None
    assert scan_entries(BROKEN[name]) is None


def test_fast_read_keeps_every_refusal_of_the_full_reader(tmp_path: Path) -> None:
    """Conflict markers, a foreign Language, and what only the strict reader sees, located the same."""
    base = (ROOT / "locales" / "ko" / "LC_MESSAGES" / "2021-02-22-tesla-ai-jim-keller.po").read_text("utf-8")
    first_msgid = base.index('\nmsgid "', 10) + 1
    cases = {
        "conflict": base.replace('\nmsgid "', '\n<<<<<<< HEAD\nmsgid "', 1),
        "language": base.replace('"Language: ko\\n"', '"Language: en\\n"'),
        "unterminated": base[:first_msgid] + base[first_msgid:].replace('"\n', "\n", 1),
        "duplicate": base + "\n" + base[first_msgid:],
        "reference after the last entry": base + "\n#: \u2068open path.md:3\n",  # an unclosed U+2068
    }
    for name, text in cases.items():
        path = tmp_path / f"{name}.po"
        path.write_text(text, "utf-8")
        with pytest.raises(PipelineError) as full:
            read_catalog(path, tmp_path, site_locale("ko"))
        with pytest.raises(PipelineError) as fast:
            read_translations(path, tmp_path, site_locale("ko"))
        assert str(fast.value) == str(full.value), name


# -- the whole catalog, for update ------------------------------------------------------------

def _catalog_dump(cat: Catalog) -> dict[str, object]:
    """Every field of a catalog that merging and writing it use."""
    def one(e: Message) -> tuple[object, ...]:
        return (e.id, e.string, e.context, e.locations, sorted(e.flags), e.auto_comments, e.user_comments,
                e.previous_id, previous_context(e), e.lineno)

    assert isinstance(cat, PoCatalog)
    read = cat.header_as_read
    # Babel's view of the header as read, as it writes it (a date the file lacks is "now", to the minute).
    header = None if read is None else (read.comment, read.fields, read.babel_comment, read.babel_fields())
    return {"entries": [one(e) for e in entries(cat)], "obsolete": [(k, one(e)) for k, e in cat.obsolete.items()],
            "header": header, "fuzzy": cat.fuzzy, "header_comment": cat.header_comment,
            "mime": cat.mime_headers, "locale": str(cat.locale), "bytes": catalog_bytes(cat)}


def _both_readers(text: str, locale: str | None) -> tuple[Catalog | None, Catalog | None]:
    data = text.encode("utf-8")
    loc = site_locale(locale) if locale else None
    fast = _fast_catalog(text, loc)
    try:
        slow = _babel_catalog(data, Location("x.po", 1), loc)
    except PipelineError:
        slow = None
    return fast, slow


TEMPLATES = sorted((ROOT / "locales" / "templates").glob("*.pot"))


@pytest.mark.parametrize("path", CATALOGS + TEMPLATES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_full_fast_reader_gives_babel_catalog_of_real_catalogs(path: Path) -> None:
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    locale = path.parent.parent.name if path.suffix == ".po" and path.parent.name == "LC_MESSAGES" else None
    fast, slow = _both_readers(text, locale if locale in ("ko", "en", "ja") else None)
    if fast is not None:
        assert slow is not None
        assert _catalog_dump(fast) == _catalog_dump(slow)


def test_full_fast_reader_covers_what_the_tool_writes() -> None:
    """Post catalogs and templates (site.po has plural forms, which only Babel's reader reads)."""
    for path in [*sorted((ROOT / "locales").glob("*/LC_MESSAGES/2*.po")), *TEMPLATES[:-1]]:
        assert path.stem != "site"
        assert _fast_catalog(path.read_text("utf-8"), None) is not None, path


FULL_ENTRY_LINES = [*ENTRY_LINES, "#: a.md:1 b.md", "#: \u2068with space.md\u2069:3", "#: x.md:zz", "#: \u2068open",
                    "#. ", "#.  indented", "#  two spaces", "#-", "#| msgctxt \"old\"", "#|msgid \"tight\"",
                    'msgctxt ""', "#, fuzzy, ,", "#~| msgctxt \"gone\"", '#~ msgstr ""', "# x", "# x"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_full_fast_reader_gives_babel_catalog_of_mutated_catalogs(data: st.DataObject) -> None:
    text = data.draw(mutated_catalog(FULL_ENTRY_LINES))
    fast, slow = _both_readers(text, "ko")
    if fast is not None:
        assert slow is not None
        assert _catalog_dump(fast) == _catalog_dump(slow)


COMMENT_LINES = ["# translator", "#", "#  indented", "#. extracted", "#.", "#: a.md:1 b.md", "#: a.md:1 a.md:1",
                 "#: \u2068with space.md\u2069:3", "#: x.md:zz", "#, fuzzy", "#, fuzzy, ,", "#,python-format",
                 "#| msgid \"old\"", "#| \"more\"", "#| msgctxt \"ctx\"", "#|msgid \"tight\"", "#~| msgid \"gone\"",
                 "# x", "# x", "  # spaced", "#-"]
OBSOLETE = '\n#, fuzzy\n#~ msgctxt "tag"\n#~ msgid "gone"\n#~ msgstr "사라짐"\n' \
           '\n# kept\n#~ msgid "また"\n#~ msgstr ""\n#~ "続き"\n'


@st.composite
def commented_catalog(draw: st.DrawFn) -> str:
    """A real catalog, obsolete entries appended, with comment lines of every kind added above entries."""
    base = (ROOT / "locales" / "ko" / "LC_MESSAGES" / "2021-02-22-tesla-ai-jim-keller.po").read_text("utf-8")
    lines = (base + OBSOLETE).split("\n")
    starts = [n for n, line in enumerate(lines) if line.startswith(("msgid", "msgctxt", "#~ msgid", "#~ msgctxt"))
              and not lines[n - 1].startswith(("msgctxt", "#~ msgctxt"))]
    for n in sorted(draw(st.lists(st.sampled_from(starts), max_size=8)), reverse=True):
        lines[n:n] = draw(st.lists(st.sampled_from(COMMENT_LINES), min_size=1, max_size=4))
    return "\n".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(commented_catalog())
def test_full_fast_reader_reads_every_kind_of_comment_as_babel_does(text: str) -> None:
    fast, slow = _both_readers(text, "ko")
    assert (slow is None) == ("#-" in text)  # Babel's reader refuses a conflict line, located
    if not any(beyond in text for beyond in ("#-", "x.md:zz", "#~|")):  # what the fast path leaves to Babel
        assert fast is not None
    if fast is not None:
        assert _catalog_dump(fast) == _catalog_dump(slow)


@pytest.mark.parametrize("plural", [False, True], ids=["fast path", "Babel's reader"])
def test_a_catalog_declaring_another_charset_is_read_as_the_utf8_it_is(tmp_path: Path, plural: bool) -> None:
    """Every catalog is UTF-8 (anything else is refused, located); a header naming another charset
    must not turn "café" into "cafÃ©", which update would then write back for good."""
    text = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=ISO-8859-1\\n"\n\n'
            'msgid "カフェ"\nmsgstr "café"\n')
    if plural:  # plural forms are read by Babel's reader only
        text += '\nmsgid "%(n)d cup"\nmsgid_plural "%(n)d cups"\nmsgstr[0] "%(n)d tasse"\nmsgstr[1] "%(n)d tasses"\n'
    path = tmp_path / "x.po"
    path.write_text(text, "utf-8")
    cat = read_catalog(path, tmp_path)
    entry = cat.get("カフェ")
    assert entry is not None and entry.string == "café"
    assert read_translations(path, tmp_path).get("カフェ") == Translations.of(cat).get("カフェ")
    assert "café" in catalog_bytes(cat).decode("utf-8")


def test_reference_lines_after_the_last_entry_are_left_to_babels_reader(tmp_path: Path) -> None:
    """Babel's reader splits them too, and refuses an unclosed U+2068: so does every read."""
    path = tmp_path / "x.po"
    path.write_text('msgid "a"\nmsgstr "b"\n#: \u2068open\n', "utf-8")
    assert _fast_catalog(path.read_text("utf-8"), None) is None
    with pytest.raises(PipelineError) as refused:
        read_catalog(path, tmp_path)
    assert str(refused.value).startswith("x.po:")
    with pytest.raises(PipelineError) as built:  # what a build reads of it
        read_translations(path, tmp_path)
    assert str(built.value) == str(refused.value)
    path.write_text('msgid "a"\nmsgstr "b"\n#: closed.md:3\n', "utf-8")  # one Babel's reader accepts
    assert read_translations(path, tmp_path).get("a").string == "b"


_PO_STRING_TEXT = st.text(alphabet=['"', "\\", "\n", "n", "t", "x", "0", "7", "8", "a", "F", " ", "\t", "日"],
                          max_size=12)


@settings(max_examples=2000, deadline=None)
@given(_PO_STRING_TEXT)
def test_the_fast_string_patterns_accept_what_a_character_at_a_time_accepts(text: str) -> None:
    """The fast grammar's strings, written as runs between escapes, are the strings of the plain definition."""
    import re

    from i18n import po_syntax

    plain = {
        po_syntax._SIMPLE_STRING: r'"(?:[^"\\\n]|\\[\\"abfnrtv])*"[ \t]*',
        po_syntax._ANY_STRING: r'"(?:[^"\\\n]|\\(?:[\\"abfnrtv]|[0-7]{1,3}|x[0-9A-Fa-f]+))*"[ \t]*',
        po_syntax._QUOTED.pattern: r'"(?:[^"\\\n]|\\.)*"',
    }
    for fast, reference in plain.items():
        for candidate in (text, f'"{text}'):
            ours, theirs = re.match(fast, candidate), re.match(reference, candidate)
            assert (ours and ours.group()) == (theirs and theirs.group())
