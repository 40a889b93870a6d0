"""Rendering as Jekyll's kramdown does, through Python-Markdown's extension API."""

from __future__ import annotations

import re
import sys
from types import SimpleNamespace
from typing import cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from i18n import render
from i18n.errors import PipelineError
from i18n.locales import SiteLocale, site_locale
from i18n.render import markdown_to_html, reading_minutes


def test_strong_around_fullwidth_parenthesis_and_lone_asterisk_is_one_strong() -> None:
    html = markdown_to_html(
        "はい。**汎用人工知能ソリューション（* Dojo）を構築する、それこそあらゆるビジネスに利用することができます。**\n"
        "Andrej（*テスラAI Director）と私は", "ja")
    assert html.count("<strong>") == 1
    assert "<em>" not in html
    sentence = "汎用人工知能ソリューション（* Dojo）を構築する、それこそあらゆるビジネスに利用することができます。"
    assert f"<strong>{sentence}</strong>" in html


def test_ordinary_emphasis_still_works() -> None:
    assert markdown_to_html("*a* **b** _c_ snake_case", "ja") == \
        "<p><em>a</em> <strong>b</strong> <em>c</em> snake_case</p>"


def test_target_blank_links_get_noopener() -> None:
    html = markdown_to_html('[x](https://example.org){:target="_blank"}', "ja")
    assert html == '<p><a href="https://example.org" rel="noopener" target="_blank">x</a></p>'


def test_block_attribute_list_after_paragraph_attaches_to_it() -> None:
    assert markdown_to_html("注意。\n{: .notice--info}", "ja") == '<p class="notice--info">注意。</p>'


def test_reading_time_counts_characters_for_japanese_and_words_for_english() -> None:
    ja = "<p>" + "あ" * 1001 + "</p>"
    en = "<p>" + "word " * 461 + "</p>"
    assert reading_minutes(ja, site_locale("ja")) == 3  # 500 characters a minute
    assert reading_minutes(en, site_locale("en")) == 3  # 230 words a minute
    assert reading_minutes(en, site_locale("ko")) == 4  # Korean counts characters: 1844 / 500


def test_reading_time_counts_every_character_but_whitespace() -> None:
    """In characters, each one counts but the whitespace ``str.isspace`` knows (Unicode's: ideographic space...)."""
    one_a_minute = cast(SiteLocale, SimpleNamespace(reading_unit="chars", reading_rate=1))
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c) not in "<>")
    spaces = sum(ch.isspace() for ch in every)
    assert 25 <= spaces < 100
    assert reading_minutes(every, one_a_minute) == len(every) - spaces
    assert reading_minutes("<p>\u3000a\u00a0<b>b</b>\n</p>", one_a_minute) == 2


def test_block_attribute_list_before_a_block_attaches_to_it_as_in_kramdown() -> None:
    assert markdown_to_html("{: .notice}\n前置の段落。", "ja") == '<p class="notice">前置の段落。</p>'
    # Before and after: classes add up in the order written (kramdown: "notice notice--info").
    assert markdown_to_html("{: .notice}\n段落。\n{: .notice--info}", "ja") == \
        '<p class="notice notice--info">段落。</p>'
    assert markdown_to_html("{: #intro}\n## 見出し", "ja") == '<h2 id="intro">見出し</h2>'
    assert markdown_to_html("{: .steps}\n1. 一\n2. 二", "ja") == '<ol class="steps">\n<li>一</li>\n<li>二</li>\n</ol>'
    # Not before a block (a blank line follows), or quoted as code: text, as before.
    assert "{: .solo}" in markdown_to_html("{: .solo}\n\n段落。", "ja")
    assert markdown_to_html("`{: .x}`\n段落。", "ja") == "<p><code>{: .x}</code>\n段落。</p>"


def test_lists_as_kramdown_reads_them() -> None:
    # A tight list stays tight; two-space nesting nests; a list may follow a paragraph line.
    assert markdown_to_html("- a\n- b", "ja") == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"
    assert markdown_to_html("* 一\n  * 二\n* 三", "ja") == \
        "<ul>\n<li>一<ul>\n<li>二</li>\n</ul>\n</li>\n<li>三</li>\n</ul>"
    assert markdown_to_html("段落\n* 項目", "ja") == "<p>段落</p>\n<ul>\n<li>項目</li>\n</ul>"


def test_task_list_items_get_kramdowns_checkboxes() -> None:
    assert markdown_to_html("- [ ] 作業\n- [x] 完了\n- 普通", "ja") == (
        '<ul class="task-list">\n'
        '<li class="task-list-item"><input class="task-list-item-checkbox" disabled type="checkbox">作業</li>\n'
        '<li class="task-list-item"><input checked class="task-list-item-checkbox" disabled type="checkbox">完了</li>\n'
        "<li>普通</li>\n</ul>")
    assert markdown_to_html("[ ] 段落", "ja") == "<p>[ ] 段落</p>"  # only in a list


def test_an_inline_attribute_list_ends_at_its_first_brace() -> None:
    # As kramdown reads it; Python-Markdown's own pattern reached the line's last '}' and moved
    # the text in between ("a c} b").
    html = markdown_to_html('[a](http://u){:target="_blank"} b } c', "ja")
    assert html == '<p><a href="http://u" rel="noopener" target="_blank">a</a> b } c</p>'


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="'\"-.<>{}:ab /!\n", max_size=30))
def test_typography_is_looked_for_where_smarty_would_see_it(text: str) -> None:
    """Quotes, dashes, ellipses and « » outside attribute lists and tags: the test that skips Smarty."""
    shown = render._NOT_TEXT.sub("", text)
    assert render._typographic(text) == (re.search(r"['\"]|--|\.\.\.|<<|>>", shown) is not None)


def test_layout_strings_render_as_jinja2s_own_gettext_does() -> None:
    """Strings without variables are looked up once per language: the page must not show it."""
    import gettext as gettext_module

    import jinja2

    class Catalog(gettext_module.NullTranslations):
        def gettext(self, message: str) -> str:
            return {"Share": "共有 <b>&</b>", "Sure": "100%% sûr"}.get(message, message)

    source = ('{{ _("Share") }}|{{ _("Sure") }}|{{ gettext("Share") }}|{{ _("Share %(n)s", n="<i>") }}|'
              '{% trans %}Share{% endtrans %}|{% autoescape false %}{{ _("Share") }}{% endautoescape %}|'
              '{{ _("Sure") }}')
    locale = site_locale("ja")
    ours = render.make_jinja(locale, Catalog()).from_string(source)
    plain = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    plain.install_gettext_translations(Catalog(), newstyle=True)  # type: ignore[attr-defined]
    expected = plain.from_string(source).render()
    assert "共有 <b>&</b>|100% sûr|" in expected
    assert ours.render() == expected
    assert ours.render() == expected  # the second page, from what the first looked up


def test_layouts_look_up_dict_keys_and_attributes_as_jinja2_does() -> None:
    import gettext as gettext_module

    import jinja2

    source = ("{{ page.title }}|{{ page.items is callable }}|{{ page['items'] }}|{{ alt.hreflang }}|"
              "{{ page.nested.deep }}|{% for k in page.keys() %}{{ k }},{% endfor %}|{{ page.get('title') }}")
    context = {"page": {"title": "題", "items": "mine", "nested": {"deep": 1}},
               "alt": type("Alt", (), {"hreflang": "ko"})()}
    ours = render.make_jinja(site_locale("ja"), gettext_module.NullTranslations())
    plain = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    expected = plain.from_string(source).render(**context)
    assert expected.startswith("題|True|mine|ko|1|title,items,nested,|題")
    assert ours.from_string(source).render(**context) == expected
    for missing in ("{{ page.missing }}", "{{ page.nested.missing }}", "{{ alt.missing }}"):
        with pytest.raises(jinja2.UndefinedError) as theirs:
            plain.from_string(missing).render(**context)
        with pytest.raises(jinja2.UndefinedError) as mine:
            ours.from_string(missing).render(**context)
        assert str(mine.value) == str(theirs.value)


def test_a_page_larger_than_a_chunk_comes_out_as_the_layout_renders_it() -> None:
    """Pages are encoded a chunk at a time (the sitemap of a large site): the bytes must not change."""
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, loader=jinja2.DictLoader({
        "big.xml": "<urlset>{% for e in entries %}<url>{{ e }}é</url>\n{% endfor %}</urlset>\n",
        "broken.xml": "{% for e in entries %}{{ e }}{% endfor %}{{ missing.deep }}"}))
    entries = [f"https://example.com/ko/{i}/한국어" for i in range(6000)]
    page = render.render_page(env, "big.xml", {"entries": iter(entries)})
    assert len(page) > 3 * render._CHUNK
    assert page == env.get_template("big.xml").render(entries=entries).encode("utf-8")
    with pytest.raises(PipelineError) as failed:  # after chunks were made: still the layout's error
        render.render_page(env, "broken.xml", {"entries": entries})
    assert str(failed.value.problem.location) == "layouts/broken.xml"
    assert "'missing' is undefined" in failed.value.problem.message
