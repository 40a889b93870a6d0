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
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from i18n.catalogs import Translations, read_catalog, read_translations
from i18n.errors import PipelineError
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
def mutated_catalog(draw: st.DrawFn) -> str:
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
            lines.insert(i, draw(st.sampled_from(ENTRY_LINES)))
        else:
            lines[i] = draw(st.sampled_from(ENTRY_LINES))
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
    }
    for name, text in cases.items():
        path = tmp_path / f"{name}.po"
        path.write_text(text, "utf-8")
        with pytest.raises(PipelineError) as full:
            read_catalog(path, tmp_path, site_locale("ko"))
        with pytest.raises(PipelineError) as fast:
            read_translations(path, tmp_path, site_locale("ko"))
        assert str(fast.value) == str(full.value), name
