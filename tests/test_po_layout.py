"""Catalogs are laid out exactly as Babel's ``normalize`` wraps strings.

:func:`i18n.catalogs._normalize` is the writer's own copy of Babel's
wrapping (it escapes each word once instead of twice); every string it lays
out must come out as Babel's own function gives it, or ``update`` would
rewrite catalogs that another tool (or an earlier version) wrote.  Proved on
every msgid and msgstr of the real catalogs and on random text.
"""

from __future__ import annotations

import pytest
from babel.messages.pofile import normalize
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from i18n.catalogs import _normalize, entries, read_catalog

CATALOGS = sorted((ROOT / "locales").rglob("*.po")) + sorted((ROOT / "tests" / "data" / "catalogs").rglob("*.po"))
WIDTHS = (76, 73, 72, 10, 3)
"""76 for fields, less after a ``#~ `` or ``#~| `` prefix; tiny widths force every branch."""


def _strings() -> list[str]:
    found: list[str] = []
    for path in CATALOGS:
        try:
            cat = read_catalog(path, path.parent)
        except Exception:
            continue
        for entry in entries(cat):
            for value in (entry.id, entry.string, entry.context):
                if isinstance(value, str):
                    found.append(value)
    return found


def test_real_catalogs_give_strings_to_lay_out() -> None:
    strings = _strings()
    assert len(strings) > 100
    assert any(len(s) > 200 for s in strings)  # long paragraphs: the wrapping path


@pytest.mark.parametrize("width", WIDTHS)
def test_every_real_string_is_wrapped_as_babel_wraps_it(width: int) -> None:
    for value in _strings():
        assert _normalize(value, width) == normalize(value, width=width), value


TEXT = st.text(alphabet=st.sampled_from(list('ab cd-ef\t\n\r"\\日本語、。 \u3000\x0b\u2028--!.,?\'&x')),
               max_size=300)


@settings(max_examples=600, deadline=None)
@given(value=TEXT, width=st.sampled_from(WIDTHS))
def test_random_text_is_wrapped_as_babel_wraps_it(value: str, width: int) -> None:
    assert _normalize(value, width) == normalize(value, width=width)


SPACED = st.lists(st.sampled_from([*"ab cd 日本語、。 ?!.'\xa0\u200b", "  ", "word ", "한국어 "]),
                  max_size=120).map("".join)
"""Prose without hyphens or line breaks: words and spaces, single, double or unusual."""


@settings(max_examples=600, deadline=None)
@given(value=SPACED, width=st.sampled_from(WIDTHS))
def test_random_prose_is_wrapped_as_babel_wraps_it(value: str, width: int) -> None:
    assert _normalize(value, width) == normalize(value, width=width)


SINGLE_SPACED = st.builds(
    lambda lead, words, trail: lead + " ".join(words) + trail,
    st.sampled_from(["", " "]),
    st.lists(st.sampled_from(["a", "bb", "word", "한국어", "日本語の文章です", "x" * 80, "、。", "?!", "'q'"]),
             min_size=1, max_size=80),
    st.sampled_from(["", " "]))
"""Prose whose words are one space apart, nothing to escape: the lines a regular expression fills."""


@settings(max_examples=800, deadline=None)
@given(value=SINGLE_SPACED, width=st.integers(3, 90))
def test_single_spaced_prose_is_filled_as_babel_wraps_it(value: str, width: int) -> None:
    assert _normalize(value, width) == normalize(value, width=width)


PATHS = st.text(alphabet=st.sampled_from(list("ab-_./ 日本\t\u3000\u2068\u2069")), max_size=40)


@settings(max_examples=600, deadline=None)
@given(locations=st.lists(st.tuples(PATHS, st.one_of(st.none(), st.integers(0, 99999))), max_size=6))
def test_reference_lines_are_wrapped_as_the_text_wrapper_wraps_them(
        locations: list[tuple[str, int | None]]) -> None:
    from textwrap import TextWrapper

    from i18n.catalogs import WIDTH, _location_lines

    refs = []
    for path, line in locations:
        name = f"\u2068{path}\u2069" if (" " in path or "\t" in path) and not path.startswith("\u2068") else path
        refs.append(f"{name}:{line}" if line else name)
    wrapper = TextWrapper(width=WIDTH, break_long_words=False, break_on_hyphens=False)
    assert _location_lines(locations) == [f"#: {line}" for line in wrapper.wrap(" ".join(refs))]
