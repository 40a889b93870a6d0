"""``update``'s shortcut for a catalog that merging would leave as it is.

:func:`merged_as_is` says "as is" without Babel's catalogs; these tests hold it
to the full merge (Babel's reader, ``Catalog.update``, our writer): on the
example site's catalogs, and on random templates and catalogs, edited the ways
translators and tools edit them. Whenever it answers, the full merge gives the
same bytes and the same entries; and it answers for every catalog an
``update`` just wrote, which is what makes ``update`` fast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.catalog import Message as Entry
from conftest import ROOT
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from i18n.catalogs import (
    add_entry,
    catalog_bytes,
    entries,
    merged_as_is,
    read_catalog,
    template_catalog,
    template_entries,
    update_catalog,
)
from i18n.errors import Location, PipelineError
from i18n.locales import SiteLocale, site_locale

DATE = dt.datetime(2024, 5, 6, 7, 8, tzinfo=dt.UTC)
KO = site_locale("ko")
POSTS = sorted(p for p in (ROOT / "locales" / "templates").glob("*.pot") if p.stem != "site")


def _fields(found: list[Entry]) -> list[tuple[object, ...]]:
    return [(e.id, e.context, e.string, sorted(e.flags), e.fuzzy, e.user_comments, e.auto_comments,
             e.locations, e.previous_id) for e in found]


def _full_merge(template: bytes, catalog: bytes, prose: bool, drop_obsolete: bool,
                tmp: Path, locale: SiteLocale = KO) -> tuple[bytes, list[Entry]]:
    """What ``update`` does without the shortcut: read both through :func:`read_catalog`, merge, lay out."""
    (tmp / "t.pot").write_bytes(template)
    (tmp / "c.po").write_bytes(catalog)
    merged = update_catalog(read_catalog(tmp / "c.po", tmp, locale), read_catalog(tmp / "t.pot", tmp), locale, DATE,
                            drop_obsolete=drop_obsolete)
    return catalog_bytes(merged, prose=prose), entries(merged)


@pytest.mark.parametrize("template", POSTS, ids=lambda p: p.stem)
def test_the_example_catalogs_are_merged_as_they_are(template: Path, tmp_path: Path) -> None:
    pot = template.read_bytes()
    fast = template_entries(pot)
    assert fast is not None
    for code in ("ko", "en"):
        data = (ROOT / "locales" / code / "LC_MESSAGES" / f"{template.stem}.po").read_bytes()
        found = merged_as_is(fast, data, site_locale(code), True, False)
        assert found is not None, code
        full, full_entries = _full_merge(pot, data, True, False, tmp_path, site_locale(code))
        assert full == data
        assert _fields(found) == _fields(full_entries)


def test_a_template_with_plural_forms_is_left_to_the_full_merge() -> None:
    pot = (ROOT / "locales" / "templates" / "site.pot").read_bytes()
    assert b"msgid_plural" in pot
    assert template_entries(pot) is None


# -- random templates and catalogs ---------------------------------------------------------------

WORDS = st.sampled_from(["テスラ", "自動運転", "は", "AI", "の", "Dojo", "GPT-3", "100%", "%(name)s", "{0}",
                         "a-b", "、", "。", "word", "longer words here", "한국어", "\u3000", "x" * 40])
TEXT = st.lists(WORDS, min_size=1, max_size=14).map(" ".join)
CONTEXTS = st.sampled_from([None, None, None, "category", "tag"])


@st.composite
def template_file(draw: st.DrawFn) -> tuple[bytes, list[tuple[str, str | None]]]:
    """A template as ``extract`` writes it, and its entries' keys."""
    keys = draw(st.lists(st.tuples(TEXT, CONTEXTS), min_size=1, max_size=6, unique=True))
    cat = template_catalog([], DATE)
    for i, (msgid, context) in enumerate(keys):
        path = draw(st.sampled_from(["content/_posts/2024-01-01-x.md", "layouts/post.html", "a b.md"]))
        add_entry(cat, msgid, Location(path, i + 1), draw(st.sampled_from(["paragraph", "heading", "", "title"])),
                  context=context, flags=draw(st.sampled_from([[], [], ["no-wrap"], ["python-format"]])))
    text = catalog_bytes(cat, prose=False).decode("utf-8")
    if draw(st.integers(0, 5)) == 0:  # what no extract writes, but a template may say
        text = text.replace("\n#: ", draw(st.sampled_from(
            ["\n#, fuzzy\n#: ", "\n#| msgid \"t\"\n#: ", "\n#, fuzzy\n#| msgid \"t\"\n#: "])), 1)
    return text.encode("utf-8"), keys


@st.composite
def translated(draw: st.DrawFn, template: bytes, tmp: Path, prose: bool) -> bytes:
    """A catalog ``update`` wrote for ``template``, then translated (some entries left empty or fuzzy)."""
    (tmp / "t.pot").write_bytes(template)
    cat = update_catalog(None, read_catalog(tmp / "t.pot", tmp), KO, DATE)
    for entry in entries(cat):
        entry.string = draw(st.one_of(st.just(""), TEXT))
        if draw(st.integers(0, 4)) == 0:
            entry.user_comments = draw(st.lists(st.sampled_from(["check", "check", "", " indented"]), max_size=3))
        if entry.string and draw(st.integers(0, 4)) == 0:
            entry.flags.add("fuzzy")
            entry.previous_id = [draw(TEXT)] if draw(st.booleans()) else []
    for i in range(draw(st.integers(0, 2))):
        gone = Entry(f"gone {i}", draw(TEXT), user_comments=["old"] if draw(st.booleans()) else [])
        cat.obsolete[gone.id] = gone
    return catalog_bytes(cat, prose=prose)


EDITS = [
    ("nothing", lambda text, rnd: text),
    ("a comment", lambda text, rnd: text.replace("\n#. ", "\n# note\n#. ", 1)),
    ("the same comment twice", lambda text, rnd: text.replace("\n#. ", "\n# same\n# same\n#. ", 1)),
    ("a flag", lambda text, rnd: text.replace("\n#: ", "\n#, python-format\n#: ", 1)),
    ("fuzzy", lambda text, rnd: _body(text, lambda b: b.replace("\nmsgid \"", "\n#, fuzzy\nmsgid \"", 1 + rnd % 2))),
    ("a previous msgid", lambda text, rnd: _body(text, lambda b: b.replace(
        "\nmsgid \"", "\n#| msgid \"before\"\nmsgid \"", 1 + rnd % 2))),
    ("a previous context", lambda text, rnd: text.replace("\n#, fuzzy\n", "\n#, fuzzy\n#| msgctxt \"c\"\n", 1)),
    ("a previous context alone", lambda text, rnd: _body(text, lambda b: b.replace(
        "\nmsgid \"", "\n#, fuzzy\n#| msgctxt \"c\"\nmsgid \"", 1))),
    ("one line", lambda text, rnd: text.replace('"\n"', "", 1)),
    ("a space after a string", lambda text, rnd: text.replace('"\n', '" \n', 3)),
    ("CRLF", lambda text, rnd: text.replace("\n", "\r\n")),
    ("a BOM", lambda text, rnd: "\ufeff" + text),
    ("a header field", lambda text, rnd: text.replace('"Language: ', '"X-Generator: Poedit 3.4\\n"\n"Language: ', 1)),
    ("a header comment", lambda text, rnd: "# Korean team\n" + text),
    ("no header comment", lambda text, rnd: text[text.index('msgid ""'):]),
    ("a reference", lambda text, rnd: text.replace("#: ", "#: other.md:9 ", 1)),
    ("no reference", lambda text, rnd: "\n".join(line for line in text.split("\n") if not line.startswith("#:"))),
    ("an extracted comment", lambda text, rnd: text.replace("\n#: ", "\n#. more\n#: ", 1)),
    ("an entry less", lambda text, rnd: _drop_entry(text, rnd)),
    ("two entries swapped", lambda text, rnd: _swap_entries(text, rnd)),
    ("an obsolete entry", lambda text, rnd: text + '#~ msgid "old"\n#~ msgstr "예전"\n\n'),
    ("an obsolete reference", lambda text, rnd: text + '#: x.md:1\n#~ msgid "old"\n#~ msgstr "예전"\n\n'),
    ("an obsolete comment", lambda text, rnd: text + '#. said\n#~ msgid "older"\n#~ msgstr "더 예전"\n\n'),
    ("an obsolete fuzzy", lambda text, rnd: text + '#, fuzzy\n#~| msgid "x"\n#~ msgid "oldest"\n#~ msgstr "예"\n\n'),
    ("a blank line less", lambda text, rnd: text.replace("\n\n", "\n", 1)),
    ("a blank line more", lambda text, rnd: text.replace("\n\n", "\n\n\n", 1)),
    ("another language", lambda text, rnd: text.replace("Language: ko", "Language: ja", 1)),
    ("a conflict", lambda text, rnd: text.replace("\nmsgid \"", "\n<<<<<<< ours\nmsgid \"", 1)),
    ("a header fuzzy", lambda text, rnd: text.replace('msgid ""', '#, fuzzy\nmsgid ""', 1)),
]


def _body(text: str, edit: Callable[[str], str]) -> str:
    """``edit`` applied to the entries after the header."""
    head, blank, body = text.partition("\n\n")
    return head + blank + edit(body)


def _blocks(text: str) -> list[str]:
    return text.split("\n\n")


def _drop_entry(text: str, rnd: int) -> str:
    blocks = _blocks(text)
    if len(blocks) > 2:
        del blocks[1 + rnd % (len(blocks) - 2)]
    return "\n\n".join(blocks)


def _swap_entries(text: str, rnd: int) -> str:
    blocks = _blocks(text)
    if len(blocks) > 3:
        i = 1 + rnd % (len(blocks) - 3)
        blocks[i], blocks[i + 1] = blocks[i + 1], blocks[i]
    return "\n\n".join(blocks)


@pytest.mark.parametrize("edit", EDITS, ids=[name for name, _ in EDITS])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), drop_obsolete=st.booleans(), prose=st.booleans())
def test_a_catalog_said_to_be_as_is_is_what_the_full_merge_writes(
        edit: tuple[str, Callable[[str, int], str]], data: st.DataObject, drop_obsolete: bool, prose: bool,
        tmp_path: Path) -> None:
    """After ``edit`` (and maybe others), the shortcut says "as is" only where the full merge writes the same."""
    template, _keys = data.draw(template_file())
    catalog = data.draw(translated(template, tmp_path, prose))
    edits = [edit, *data.draw(st.lists(st.sampled_from(EDITS), max_size=2))]
    text = catalog.decode("utf-8")
    for _name, change in edits:
        text = change(text, data.draw(st.integers(0, 99)))
    edited = text.encode("utf-8")
    fast = template_entries(template)
    assert fast is not None  # extract's templates are read by the shortcut
    found = merged_as_is(fast, edited, KO, prose, drop_obsolete)
    if found is not None:
        full, full_entries = _full_merge(template, edited, prose, drop_obsolete, tmp_path)
        assert full == edited, [name for name, _ in edits]
        assert _fields(found) == _fields(full_entries)


REFUSED_OR_SLOW = ("another language", "a conflict", "an obsolete fuzzy")


@pytest.mark.parametrize("edit", [e for e in EDITS if e[0] not in REFUSED_OR_SLOW], ids=lambda e: e[0])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), prose=st.booleans())
def test_every_catalog_update_writes_is_then_merged_as_is(
        edit: tuple[str, Callable[[str, int], str]], data: st.DataObject, prose: bool, tmp_path: Path) -> None:
    """Merged once (after whatever a translator did), a catalog is recognized on the next ``update``.

    Not after a conflict or another language (update refuses those), nor with an obsolete entry's
    "#~|" line: the PO grammar's fast path leaves those to Babel's reader, so the full merge runs;
    nor when merging it again would change it (then it must not be taken as merged).
    """
    template, _keys = data.draw(template_file())
    catalog = data.draw(translated(template, tmp_path, prose))
    text = catalog.decode("utf-8")
    for _name, change in [edit, *data.draw(st.lists(st.sampled_from(EDITS[:12]), max_size=1))]:
        text = change(text, data.draw(st.integers(0, 99)))
    try:
        once, once_entries = _full_merge(template, text.encode("utf-8"), prose, False, tmp_path)
    except PipelineError:  # edits that break the file (two obsolete entries alike): update refuses it
        assume(False)
    fast = template_entries(template)
    assert fast is not None
    found = merged_as_is(fast, once, KO, prose, False)
    twice, _ = _full_merge(template, once, prose, False, tmp_path)
    if twice != once:
        # Babel's merge is not always its own fixed point: a template's own "#|" line (which no
        # extract writes) replaces the previous msgid a fuzzy match gave. The shortcut must not
        # take such a catalog as merged.
        assert found is None
        return
    assert found is not None
    assert _fields(found) == _fields(once_entries)
