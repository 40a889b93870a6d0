"""A document converted without the processors it cannot trigger renders byte for byte as with all of them.

:func:`i18n.render.markdown_to_html` takes an instance trimmed to the
document's features (:mod:`i18n.mdfeatures`); ``every_processor=True`` takes
the instance with every extension's processors, as before the trimming.  Both
are compared, with and without the typography pass, over the CommonMark
examples, every Markdown file and translation of the project, and random mixes
of the syntax each feature test is about (and of what could fool it).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from conftest import CORPUS, ROOT
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown import Markdown

from i18n.mdfeatures import FEATURES, INLINE_TRIGGERS, LOWERS_TO_MARKDOWN, markdown_features
from i18n.render import _markdown, markdown_to_html

EXAMPLES = [str(e["markdown"]) for e in json.loads(CORPUS.read_text(encoding="utf-8"))]


def _body(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if text.startswith("---\n") and "\n---\n" in text[4:]:
        return text[text.index("\n---\n", 4) + 5:]
    return text


MARKDOWN_FILES = sorted(p for folder in ("content", "tests", "docs") for p in (ROOT / folder).rglob("*.md")) \
    + sorted(ROOT.glob("*.md"))


def _translations() -> list[str]:
    texts = []
    for po in sorted((ROOT / "locales").rglob("*.po")):
        with po.open("rb") as f:
            texts += [str(m.string) for m in read_po(f) if m.id and m.string]
    return texts


def _convert(md: Markdown, text: str) -> str:
    """The HTML, or the error (Python-Markdown's footnotes fail on an empty one: ``[^1]:``)."""
    try:
        return md.reset().convert(text)
    except Exception as e:  # either way, both instances must agree
        return repr(e)


def _differences(texts: list[str]) -> list[tuple[str, bool]]:
    """(document, typography) for each rendering where the trimmed instance differs from the full one."""
    differ = []
    for text in texts:
        features = markdown_features(text)
        for typography in (False, True):
            if _convert(_markdown("ja", typography, features), text) != _convert(_markdown("ja", typography), text):
                differ.append((text, typography))
    return differ


def test_every_commonmark_example_renders_as_with_every_processor() -> None:
    assert _differences(EXAMPLES) == []


def test_every_markdown_file_and_translation_of_the_project_renders_as_with_every_processor() -> None:
    documents = [_body(p) for p in MARKDOWN_FILES] + _translations()
    assert len(documents) > 100
    assert _differences(documents) == []


def test_a_post_renders_as_with_every_processor_through_markdown_to_html() -> None:
    body = _body(ROOT / "content" / "_posts" / "2021-02-22-tesla-ai-jim-keller.md")
    assert markdown_to_html(body, "ja") == markdown_to_html(body, "ja", every_processor=True)


def test_plain_documents_get_an_instance_without_the_features_they_lack() -> None:
    """The trimming happens: a plain paragraph needs no block-level feature, and inline patterns are selected."""
    assert markdown_features("本文です。*強調*") == frozenset()
    assert markdown_features("| a | b |\n|---|---|\n| 1 | 2 |\n") == {"tables"}
    assert markdown_features('<div markdown="1">x</div>') == FEATURES
    md = _markdown("ja", False, frozenset())
    assert "table" not in md.parser.blockprocessors and "footnote" not in md.treeprocessors
    md.reset().convert("本文です。*強調*")
    inline = md.treeprocessors["inline"]
    assert set(INLINE_TRIGGERS) - {p for p in INLINE_TRIGGERS if p in inline.inlinePatterns} \
        == set(INLINE_TRIGGERS) - {"em_strong"}


def test_only_the_kelvin_sign_lowers_to_a_letter_of_markdown_outside_ascii() -> None:
    """md_in_html reads attribute names lowered by ``str.lower()``: the test for "markdown" relies on this."""
    letters = set("markdown")
    found = "".join(chr(c) for c in range(0x80, sys.maxunicode + 1) if letters & set(chr(c).lower()))
    assert found == LOWERS_TO_MARKDOWN


# -- random documents -----------------------------------------------------------------------------

WORDS = st.sampled_from(["テスラ", "Dojo", "AI", "word", "x", "12", "自動運転", "HW3.0", "term"])
# Inline syntax of every pattern, and lookalikes.
INLINE = st.sampled_from([
    "*", "**", "_", "__", "*a*", "**b**", "_c_", "snake_case", "`", "``", "`code`", "`a\\`", "\\", "\\*", "\\[",
    "\\`", "\\\\", "[", "]", "[a]", "[a][]", "[a][b]", "[a](http://u)", '[a](http://u "t")', "[a](<u v>)", "!", "![",
    "![i](p.png)", "![i][a]", "![a]", "[^", "[^1]", "[^x]", "^", "<", ">", "<b>", "</b>", "<span>x</span>",
    "<http://u>", "<me@example.com>", "<!-- c -->", "<?pi?>", "<![CDATA[x]]>", "&", "&amp;", "&#123;", "&#x41;",
    "&copy", "AT&T ", '"', "'", "--", "...", "<<", ">>", "{:", "{: .note}", '{:target="_blank"}', "}", "\ue010",
    "\ue011", "*[", "AI", "footnote", "fnref", "|", "||", "~", "~~", ":", ": ", "TOC", "\ue000",
    "~~s~~", "{::", "{::comment}x{:/}", "{::nomarkdown}<b>y</b>{:/}", "{:/}", "\\\n",
])
INLINE_SEPARATORS = st.sampled_from(["", "", " ", " ", "\t", "  "])
# What may begin a line: block markers, and what Markdown may read as a line start once it is removed.
LINE_STARTS = st.sampled_from([
    "", "", "", "", "    ", "   ", "\t", "> ", "> > ", ">", "- ", "* ", "+ ", "1. ", "- - ", "> - ", ": ", ":\t",
    ":   ", "# ", "## ", "### ", "[^1]: ", "[^1]: : ", "[^x]:", "*[AI]: ", "*[HW3.0]:", "[a]: ", "[b]: <http://v> ", "[c]:http://w",
    "| ", "|", "<div>x</div>", "<div>x</div>: ", "<hr>", "<hr>: ", "<!-- c -->", "<!-- c -->: ", "</div>", "<div>",
    "~~~", "```", "{: ", "{:toc}", "{: toc}", "* TOC", "===", "---", "***", "- [a](b)", "\ue010toc\ue010",
])
LINE_ENDS = st.sampled_from(["\n", "\n", "\n", "\n\n", "\n\n", "\r\n", "\r", "  \n", "\t\n", " \n"])
BLOCKS = st.sampled_from([
    "| a | b |\n|---|---|\n| 1 | 2 |", "|a|\n|-|", "a | b\n--|--\nc | d", "| a |\n|---|\n{: .t}",
    "```\ncode <b> & *\n```", "~~~ {.py}\nx\n~~~", "```python\n[a](b)\n```",
    "term\n: definition", "term\n:   definition\n\n    more", "<div>x</div>\n: def", "> term\n> : def",
    "- term\n\n    : def", "[^1]: note\n\ntext[^1] and[^1]", "[^x]:\n    more\n\n[^x]", "text[^1]\n\n[^1]: : def",
    "*[AI]: Artificial intelligence\n\nAI and HW3.0", "[a]: http://u 'T'\n\n[a] [a][] ![a]",
    "- a\n- b\n{:toc}", "* TOC\n{:toc}\n\n## AI\n\n### x", "- a\n{: .list}", "<div>\nblock\n</div>",
    "<pre>\n*x*\n</pre>", "<script>*x*</script>", "1. a\n2. b", "> quote\n>\n> > nested",
    "{::comment}\nnote *x*\n{:/comment}", '{::options a="1" /}', "{::nomarkdown}\n<i>z</i>\n{:/}",
    "1. a\n   ```sh\n   x\t<b>\n   ```\n2. b", "> ```\n> q\n> ```", "    indented *x*", "a\\\nb\\\\\nc",
    "$$\na*b*\n$$", "$$x$$ and $$y$$", "$5 and $6", "$$",
])
# Documents where everything is kept: their share is kept small.
EVERYTHING = st.sampled_from([
    '<div markdown="1">*in* [a](b)</div>', '<p markdown="1">*in*</p>', '<div mar\u212adown="1">*x*</div>',
    '<div markdown="span"><div markdown="1">x</div> *t* [a](b) ![i](p)</div>', "markdown", "\x02", "\x03",
])


@st.composite
def line(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.one_of(INLINE, INLINE, WORDS), max_size=8))
    text = draw(LINE_STARTS)
    for piece in pieces:
        text += draw(INLINE_SEPARATORS) + piece
    return text


@st.composite
def syntax_mix(draw: st.DrawFn) -> str:
    items = draw(st.lists(st.one_of(line(), line(), line(), BLOCKS), min_size=1, max_size=10))
    if draw(st.sampled_from([False] * 19 + [True])):
        items.insert(draw(st.integers(0, len(items))), draw(EVERYTHING))
    text = items[0]
    for item in items[1:]:
        text += draw(LINE_ENDS) + item
    return text


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(syntax_mix())
@example("<div>x</div>: def")  # a definition after a raw HTML block's end, on its line
@example("word\t\nword")  # a tab before a line end is a hard break once expanded
@example("a\r: def")  # a carriage return is a line end
@example("[^1]: : def")  # a footnote's first paragraph is a definition
@example("[^1]: ")  # an empty footnote: both instances fail alike
@example('<div markdown="span"><div markdown="1">x</div> *t*</div>')  # inline syntax in a tail
def test_random_mixes_of_syntax_render_as_with_every_processor(document: str) -> None:
    assert _differences([document]) == []


@pytest.mark.parametrize("feature", sorted(FEATURES))
def test_each_feature_is_needed_by_some_document(feature: str) -> None:
    """Each feature test guards something: without its processors, some document of the corpus renders differently."""
    documents = EXAMPLES + [_body(p) for p in MARKDOWN_FILES] + [
        "* TOC\n{:toc}\n\n## a", "*[AI]: Artificial intelligence\n\nAI", "text[^1]\n\n[^1]: note",
        "term\n: definition", '<div markdown="1">*x*</div>', "a{::comment}b{:/}c", "$$\na*b*\n$$"]
    md = _markdown("ja", False, FEATURES - {feature})
    full = _markdown("ja", False)
    assert any(md.reset().convert(text) != full.reset().convert(text) for text in documents)


def test_the_renderer_is_made_without_looking_through_installed_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Extensions are given as instances: a name would have Markdown read every package's entry points
    (25 ms per process, more than a page of it takes)."""
    import markdown.util

    def refuse() -> None:
        raise AssertionError("Markdown looked an extension up by its name")

    monkeypatch.setattr(markdown.util, "get_installed_extensions", refuse)
    _markdown.cache_clear()
    try:
        assert markdown_to_html("[a](https://example.org){:target=\"_blank\"}", "ja") == \
            '<p><a href="https://example.org" rel="noopener" target="_blank">a</a></p>'
    finally:
        _markdown.cache_clear()


def test_every_processor_a_feature_names_is_registered_in_the_full_instance() -> None:
    """A feature's processors are taken out by name: a misspelt or renamed one would silently stay in."""
    from i18n.mdfeatures import PROCESSORS

    full = _markdown("ja", False)
    for registry, name in (pair for pairs in PROCESSORS.values() for pair in pairs):
        found = full.parser.blockprocessors if registry == "blockprocessors" else getattr(full, registry)
        assert name in found, (registry, name)


def test_a_document_without_fences_is_rendered_without_importing_pygments() -> None:
    """Fenced code (and Pygments, which it imports) is loaded only for a document that has a fence."""
    import subprocess

    code = ("import sys; from i18n.render import markdown_to_html; "
            "html = markdown_to_html('本文です。*強調*\\n\\n| a |\\n|---|\\n| 1 |\\n', 'ja'); "
            "assert 'pygments' not in sys.modules, 'imported'; "
            "html = markdown_to_html('```python\\nprint(1)\\n```\\n', 'ja'); "
            "assert 'pygments' in sys.modules and 'highlight' in html, html")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
