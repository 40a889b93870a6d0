"""Properties over generated inputs (hypothesis).

* Segmenting a Markdown document and reassembling it with every message
  left as is (``translate`` returning None, or the msgid) renders to exactly
  the HTML of the document itself.
* Re-wrapping a paragraph (soft breaks between words, or anywhere between CJK
  characters) never changes a msgid.
* Whatever a catalog holds (translated, fuzzy, missing, hostile entries), a
  build ends with exit 0 or a located error, and the pages never carry an
  element, attribute or URL scheme the untouched site does not have.
"""

from __future__ import annotations

import contextlib
import gettext
import io
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from conftest import POST, ROOT, snapshot
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from i18n.cli import main
from i18n.liquid_stage import make_environment
from i18n.render import markdown_to_html
from i18n.segments import assemble, segment_body

# -- documents ------------------------------------------------------------------------------------

CJK = st.text(alphabet="日本語の文章をかきますテスラ自動運転技術。、「」", min_size=1, max_size=12)
LATIN = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC", min_size=1, max_size=8)
HANGUL = st.text(alphabet="한국어문장입니다테슬라", min_size=1, max_size=6)
WORD = st.one_of(CJK, LATIN, HANGUL, st.sampled_from(["AI", "HW3.0", "2021", "Dojo", "GPT-3"]))


@st.composite
def inline(draw: st.DrawFn, liquid: bool = True) -> str:
    """A run of inline Markdown: words, emphasis, code, links (with attribute lists), Liquid."""
    word = draw(WORD)
    kind = draw(st.sampled_from(["plain"] * 4 + ["em", "strong", "code", "link", "ial_link"]
                                + (["liquid"] if liquid else [])))
    if kind == "em":
        return f"*{word}*"
    if kind == "strong":
        return f"**{word}**"
    if kind == "code":
        return f"`{word}`"
    if kind == "link":
        return f"[{word}](https://example.org/{draw(LATIN)})"
    if kind == "ial_link":
        return f'[{word}](https://example.org/{draw(LATIN)}){{:target="_blank"}}'
    if kind == "liquid":
        return "{{ page.title }}"
    return word


@st.composite
def sentence(draw: st.DrawFn, liquid: bool = True) -> str:
    parts = draw(st.lists(inline(liquid), min_size=1, max_size=6))
    text = parts[0]
    for part in parts[1:]:
        text += draw(st.sampled_from([" ", ""])) + part
    return text.strip() or "x"


@st.composite
def paragraph(draw: st.DrawFn, soft: bool) -> str:
    """Sentences joined by spaces and hard breaks, and soft breaks when ``soft``."""
    lines = draw(st.lists(sentence(), min_size=1, max_size=3))
    text = lines[0]
    for line in lines[1:]:
        brk = draw(st.sampled_from(["  \n", "\n", " "] if soft else ["  \n", " "]))
        text += brk + line
    return text


@st.composite
def list_block(draw: st.DrawFn, depth: int = 0) -> str:
    marker = draw(st.sampled_from(["-", "*", "1."]))
    items = []
    for _ in range(draw(st.integers(1, 3))):
        item = f"{'    ' * depth}{marker} {draw(sentence())}\n"
        if depth < 3 and draw(st.integers(0, 3)) == 0:
            item += draw(list_block(depth + 1))
        items.append(item)
    return "".join(items)


@st.composite
def quote_block(draw: st.DrawFn, depth: int = 1) -> str:
    prefix = "> " * depth
    text = f"{prefix}{draw(sentence())}\n"
    if depth < 4 and draw(st.booleans()):
        text += f"{prefix.rstrip()}\n" + draw(quote_block(depth + 1))
    return text


@st.composite
def table_block(draw: st.DrawFn) -> str:
    columns = draw(st.integers(1, 3))
    header = "| " + " | ".join(draw(sentence()).replace("|", "") for _ in range(columns)) + " |\n"
    rows = "".join("| " + " | ".join(draw(sentence()).replace("|", "") for _ in range(columns)) + " |\n"
                   for _ in range(draw(st.integers(1, 3))))
    return header + "|" + "---|" * columns + "\n" + rows


@st.composite
def block(draw: st.DrawFn, soft: bool) -> str:
    kind = draw(st.sampled_from(["paragraph"] * 3 + ["heading", "list", "quote", "table", "fence",
                                                      "liquid", "ial", "rule"]))
    if kind == "heading":
        # No Liquid: a heading's id comes from its source text without Liquid, the same in every
        # language, where a direct rendering (without Liquid run) would slug the tag's text.
        return f"{'#' * draw(st.integers(1, 6))} {draw(sentence(liquid=False))}\n"
    if kind == "list":
        return draw(list_block())
    if kind == "quote":
        return draw(quote_block())
    if kind == "table":
        return draw(table_block())
    if kind == "fence":
        return f"```\n{draw(sentence())}\n<b>{draw(LATIN)}</b>\n```\n"
    if kind == "liquid":
        return '{% include youtubePlayer.html id="abc" %}\n'
    if kind == "ial":
        return f"{draw(paragraph(soft))}\n{{: .note}}\n"
    if kind == "rule":
        return "***\n"
    return draw(paragraph(soft)) + "\n"


def documents(soft: bool) -> st.SearchStrategy[str]:
    return st.lists(block(soft), min_size=1, max_size=8).map("\n".join)

LIQUID = make_environment(ROOT / "content" / "_includes", gettext.NullTranslations())
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _render(markdown: str) -> str:
    """As a post is rendered: Liquid first, then Markdown."""
    text = LIQUID.from_string(markdown).render(page={"title": "題名"})
    return markdown_to_html(text, "ja")


def _identity_renderings(document: str) -> list[tuple[str, str]]:
    """(HTML of ``document``, HTML of it segmented and reassembled) for both identity translations."""
    segmented = segment_body(document, "post.md")
    direct = _render(document)
    return [(direct, _render(assemble(segmented, translate, mark_untranslated=False)))
            for translate in (lambda m: None, lambda m: m.msgid)]


@SETTINGS
@given(documents(soft=False))
def test_identity_reassembly_renders_exactly_like_the_source(document: str) -> None:
    for direct, again in _identity_renderings(document):
        assert again == direct


@SETTINGS
@given(documents(soft=True))
def test_identity_reassembly_of_soft_wrapped_text_differs_only_in_whitespace(document: str) -> None:
    """A soft break is joined (without a space between CJK characters): only whitespace may change."""
    for direct, again in _identity_renderings(document):
        assert re.sub(r"\s+", "", again) == re.sub(r"\s+", "", direct)


@pytest.mark.parametrize(("document", "element"), [("*強調*\n*強調*\n", "<em>"), ("`コード`\n`コード`\n", "<code>")],
                         ids=["emphasis", "code"])
def test_soft_break_between_two_delimiter_runs_keeps_them_apart(document: str, element: str) -> None:
    assembled = assemble(segment_body(document, "p.md"), lambda m: None, mark_untranslated=False)
    assert markdown_to_html(assembled, "ja").count(element) == 2


@st.composite
def rewrapped(draw: st.DrawFn) -> tuple[str, str]:
    """A one-line paragraph, and the same paragraph soft-wrapped at word or CJK boundaries."""
    words = draw(st.lists(st.one_of(CJK, LATIN, HANGUL), min_size=2, max_size=12))
    line, wrapped = words[0], words[0]
    for word in words[1:]:
        cjk_edge = _wide(line[-1]) or _wide(word[0])
        separator = "" if cjk_edge else " "
        line += separator + word
        wrapped += ("\n" if draw(st.booleans()) else separator) + word
    return line, wrapped


def _wide(ch: str) -> bool:
    from i18n.text import is_wide

    return is_wide(ch)


@SETTINGS
@given(rewrapped())
def test_msgids_are_stable_under_rewrapping(pair: tuple[str, str]) -> None:
    line, wrapped = pair
    assert [m.msgid for m in segment_body(wrapped + "\n", "p.md").messages] == \
        [m.msgid for m in segment_body(line + "\n", "p.md").messages] == [line]


GATED_EXTRAS = st.sampled_from(["## 見出し {#intro}\n", "本文の脚注[^note]です。\n\n[^note]: 注の文。\n",
                                "![写真](/img/a.png \"題名\")\n", "- [ ] やること\n- [x] 済み\n",
                                "<kbd>Ctrl</kbd>と&amp;を押す\n", "`コード`と{{ page.title }}と{: .x}\n",
                                "式 $$E=mc^2$$ です。\n"])


@SETTINGS
@given(st.lists(st.one_of(block(soft=True), GATED_EXTRAS), min_size=1, max_size=8).map("\n".join))
def test_the_pseudo_locale_passes_the_gate_it_previews(document: str) -> None:
    """``build --pseudo`` translates every message so that the gate publishes it: markup kept as is."""
    from i18n.pseudo import pseudo_translate
    from i18n.translate import unsafe_reasons

    for message in segment_body(document, "p.md").messages:
        assert unsafe_reasons(message.msgid, pseudo_translate(message.msgid)) == [], message.msgid


# -- catalogs -------------------------------------------------------------------------------------

HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<iframe src="https://e.example/">',
           "<style>*{}</style>", "[x](javascript:alert(1))", "[x](java&#x73;cript:alert(1))",
           "[x](java\rscript:alert(1))", "[x](data:text/html,x)", "<!--", "{% include ../../secret %}",
           "{{ site.title }}",
           '{: onclick="x"}', "<svg/onload=alert(1)>", "![](https://e.example/p.gif)", "<a href=x>"]
PLAIN_TEXT = st.text(alphabet="가나다라 abc 日本語、。.,!?", min_size=1, max_size=30)
WILD_TEXT = st.text(alphabet="가나다 abc <>&\"'`*_[](){}%:;/\\!#|-=日本\n", max_size=30)


class _Signatures(HTMLParser):
    """Each element as (tag, sorted attribute names), and every non-web URL scheme."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: set[tuple[str, tuple[str, ...]]] = set()
        self.schemes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.add((tag, tuple(sorted(name for name, _ in attrs))))
        for name, value in attrs:
            url = "".join(ch for ch in (value or "") if ord(ch) > 0x20).lower()
            scheme = re.match(r"([a-z][a-z0-9+.-]*):", url)
            if name in ("href", "src", "action", "formaction") and scheme and \
                    scheme.group(1) not in ("http", "https", "mailto", "tel"):
                self.schemes.add(scheme.group(1))


def _signatures(site: Path) -> _Signatures:
    found = _Signatures()
    for page in sorted((site / "_site").rglob("*.html")):
        found.feed(page.read_text("utf-8"))
        found.close()
        found.reset()
    return found


BENIGN = {("em", ()), ("strong", ()), ("code", ()), ("br", ()), ("a", ("href",)), ("a", ("href", "title"))}
"""Elements plain inline Markdown makes, which a translation may add."""


def _build(root: Path) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(["-C", str(root), "-q", "build", "-j", "1"])
    return status, err.getvalue()


def _example(tmp_path_factory: pytest.TempPathFactory, missing: int) -> Path:
    """The example site, built, after emptying the first ``missing`` entries of each post catalog."""
    root = tmp_path_factory.mktemp("example") / "site"
    root.mkdir()
    shutil.copy(ROOT / "site.toml", root / "site.toml")
    for folder in ("content", "locales"):
        shutil.copytree(ROOT / folder, root / folder)
    for lang in ("ko", "en"):
        _fuzz_catalog(root / f"locales/{lang}/LC_MESSAGES/{POST}.po", ["missing"] * missing)
    status, err = _build(root)
    assert status == 0, err
    return root


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, _Signatures]:
    """The example built, and the markup its pages have in every publish state."""
    allowed = _Signatures()
    for missing in (2, 15):  # a partial translation; a fallback
        found = _signatures(_example(tmp_path_factory, missing))
        allowed.elements |= found.elements
        allowed.schemes |= found.schemes
    root = _example(tmp_path_factory, 0)  # every entry translated
    found = _signatures(root)
    allowed.elements |= found.elements
    allowed.schemes |= found.schemes
    return root, allowed


benign_change = st.one_of(st.just("keep"), st.just("keep"), st.just("missing"), st.just("fuzzy"),
                          PLAIN_TEXT.map(lambda t: ("prepend", t)))
hostile_change = st.one_of(benign_change, WILD_TEXT.map(lambda t: ("replace", t)),
                           st.sampled_from(HOSTILE).map(lambda h: ("append", h)),
                           st.sampled_from(HOSTILE).map(lambda h: ("replace", h)))
catalog_changes = st.sampled_from([benign_change, hostile_change]).flatmap(
    lambda change: st.tuples(st.lists(change, min_size=15, max_size=15), st.lists(change, min_size=15, max_size=15)))
"""Per entry of the ko and en catalogs: kept, emptied, made fuzzy, or plain text put before it, or
(half the examples) also replaced by text full of markup characters, or a hostile string added or put
in its place."""


def _fuzz_catalog(path: Path, changes: list[object]) -> None:
    with path.open("rb") as f:
        catalog = read_po(f)
    for entry, change in zip([e for e in catalog if e.id], changes, strict=False):
        if change == "missing":
            entry.string = ""
        elif change == "fuzzy":
            entry.flags.add("fuzzy")
        elif isinstance(change, tuple):
            how, text = change
            entry.string = {"append": f"{entry.string} {text}", "prepend": f"{text} {entry.string}"}.get(how, text)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76)
    path.write_bytes(buffer.getvalue())


LOCATED = re.compile(r"^(locales|content)/\S+?(:\d+)?: (error|warning): .+$")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(changes=catalog_changes)
def test_any_catalog_builds_or_fails_located_and_never_adds_markup(
        reference: tuple[Path, _Signatures], tmp_path_factory: pytest.TempPathFactory,
        changes: tuple[list[object], list[object]]) -> None:
    ko, en = changes
    source_root, allowed = reference
    root = tmp_path_factory.mktemp("case") / "site"
    shutil.copytree(source_root, root)
    _fuzz_catalog(root / f"locales/ko/LC_MESSAGES/{POST}.po", ko)
    _fuzz_catalog(root / f"locales/en/LC_MESSAGES/{POST}.po", en)
    before = snapshot(root / "_site")

    status, err = _build(root)  # an unexpected exception fails the test with its traceback

    assert status in (0, 1), err
    if status == 1:
        problems = [line for line in err.splitlines() if ": error: " in line]
        assert problems and all(LOCATED.match(line) for line in problems), err
        assert snapshot(root / "_site") == before
        return
    found = _signatures(root)
    assert found.elements - allowed.elements - BENIGN == set()
    assert found.schemes <= allowed.schemes


# -- Liquid reads only the span between the first and the last tag ---------------------------------

LIQUID_PIECE = st.one_of(
    st.sampled_from([" ", "  ", "\n", "\n\n", "\u3000", "\t", "{", "}", "}}", "%}", "{ {", "-", "本文", "text",
                     "{{ page.title }}", "{{- page.title -}}", "{{- page.title }}", "{{ page.title -}}",
                     "{% if page.title %}有{% endif %}", "{%- if page.title -%} 有 {%- endif -%}",
                     "{% raw %}{{ x }}{% endraw %}", "{%- raw -%} {{ y }} {%- endraw -%}",
                     "{% comment %}隠す{% endcomment %}", "{% assign v = 'a' %}{{ v }}",
                     '{% include youtubePlayer.html id="abc" %}', "{{ missing.deep }}",
                     "{%", "{{", "{%-", "{{-", "{% if %}", "{% endif %}", "{% unknown %}", "{{ page.title "]),
    CJK, LATIN)


def _liquid_outcome(render: object) -> tuple[str, str]:
    from i18n.errors import PipelineError

    try:
        return "ok", render()  # type: ignore[operator]
    except PipelineError as exc:
        return "error", f"{exc.problem.location}: {exc.problem.message}"


@SETTINGS
@given(st.lists(LIQUID_PIECE, max_size=14).map("".join))
@example("{{- page.title -}}、\n")  # Liquid trims the last newline too after a "-}}"
@example("前\n\n{%- if page.title %} 有 {% endif -%}\n\n後 }} ")
def test_liquid_renders_a_body_as_reading_all_of_it_would(body: str) -> None:
    """Output, and any error with its line, are those of Liquid reading the whole body."""
    from i18n import liquid_stage
    from i18n.errors import Location

    variables = {"page": {"title": "題名"}}
    where = Location("content/_posts/p.md")
    ours = _liquid_outcome(lambda: liquid_stage.render_liquid(LIQUID, body, variables, where, 3))

    def whole() -> str:
        span = liquid_stage.liquid_span
        liquid_stage.liquid_span = lambda source: (0, len(source) if "{%" in source or "{{" in source else 0)
        try:
            return liquid_stage.render_liquid(LIQUID, body, variables, where, 3)
        finally:
            liquid_stage.liquid_span = span

    assert ours == _liquid_outcome(whole)
