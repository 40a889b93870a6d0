"""What a message is: segmentation of Markdown bodies and front matter."""

from __future__ import annotations

from pathlib import Path

from i18n.render import markdown_to_html
from i18n.segments import assemble, segment_body
from i18n.text import join_lines


def msgids(body: str) -> list[str]:
    return [m.msgid for m in segment_body(body, "post.md").messages]


def kinds(body: str) -> list[str]:
    return [m.kind for m in segment_body(body, "post.md").messages]


def test_soft_breaks_join_without_space_between_cjk_and_with_space_between_words() -> None:
    assert join_lines(["日本語の", "テキスト"]) == "日本語のテキスト"
    assert join_lines(["Latin", "words"]) == "Latin words"
    assert join_lines(["한국어", "문장"]) == "한국어 문장"  # Korean separates words with spaces
    assert join_lines(["**太郎**", "次郎"]) == "**太郎**次郎"


def test_rewrapping_does_not_change_msgids() -> None:
    one_line = "これは長い段落です。テスラのAIについて書きます。Jim Kellerさんの話です。\n"
    wrapped = "これは長い段落です。\nテスラのAIについて\n書きます。Jim Kellerさんの話です。   \n"
    assert msgids(one_line) == msgids(wrapped) == [one_line.strip()]


def test_hard_break_is_kept_as_a_newline_in_the_msgid() -> None:
    assert msgids("一行目  \n二行目\n") == ["一行目\n二行目"]


def test_block_kinds_and_what_is_never_a_message() -> None:
    body = (
        "# 見出し\n\n"
        "段落です。\n{: .notice--info}\n\n"
        "- 項目一\n- 項目二\n\n"
        "> 引用です。\n\n"
        "| 列A | 列B |\n|---|---|\n| セル1 | `code|x` |\n\n"
        "![代替テキスト](/img.png)\n\n"
        "```python\nprint('コード')\n```\n\n"
        "    インデントされたコード\n\n"
        "<div class=\"raw\">生のHTML</div>\n\n"
        "<iframe src=\"https://www.youtube.com/embed/abc\" allowfullscreen></iframe>\n\n"
        "<!-- 下書きのメモ -->\n\n"
        "<script>\nconst label = \"日本語\";\n</script>\n\n"
        "{% include youtubePlayer.html id=\"abc\" %}\n\n"
        "{: .only-attributes}\n"
    )
    assert msgids(body) == ["見出し", "段落です。", "項目一", "項目二", "引用です。", "列A", "列B", "セル1",
                            "`code|x`", "代替テキスト", '<div class="raw">生のHTML</div>']
    assert kinds(body) == ["heading", "paragraph", "list item", "list item", "blockquote", "table cell",
                           "table cell", "table cell", "table cell", "image alt", "html block"]


def test_inline_markdown_liquid_and_attribute_lists_stay_verbatim() -> None:
    body = '[Jim Keller](https://ja.wikipedia.org/wiki/ジム){:target="_blank"}は**HW3.0**を{{ page.x }}開発。\n'
    assert msgids(body) == [body.strip()]


def test_locations_are_file_lines() -> None:
    seg = segment_body("\n## 見出し\n\n段落\n続き\n", "content/_posts/x.md", first_line=10)
    assert [str(m.location) for m in seg.messages] == ["content/_posts/x.md:11", "content/_posts/x.md:13"]


def test_assemble_replaces_each_block_and_keeps_structure() -> None:
    body = "## 見出し\n\n> 引用\n> 続き\n\n- 項目\n\n終わり\n"
    seg = segment_body(body, "post.md")
    out = assemble(seg, lambda m: {"見出し": "Heading", "引用続き": "Quote", "項目": "Item"}.get(m.msgid), False)
    assert out == "## Heading {#見出し}\n\n> Quote\n\n- Item\n\n終わり\n"


def test_heading_ids_come_from_the_source_and_are_unique() -> None:
    seg = segment_body("## 同じ\n\n## 同じ\n", "post.md")
    out = assemble(seg, lambda m: "Same", False)
    assert out == "## Same {#同じ}\n\n## Same {#同じ-1}\n"  # numbered as kramdown numbers them


def test_taxonomy_terms_are_spelled_as_jekyll_spells_them(tmp_path: Path) -> None:
    from i18n.articles import post_info
    from i18n.content import read_post
    from i18n.segments import taxonomy_terms

    path = tmp_path / "2025-01-01-terms.md"
    path.write_text("---\ntitle: t\ncategories: AI 2024\ntags: [1, true, ~, Tesla]\n---\n\n本文。\n", encoding="utf-8")
    post = read_post(path, tmp_path)
    assert [(key, term) for key, term, _ in taxonomy_terms(post)] == [
        ("categories", "AI"), ("categories", "2024"), ("tags", "1"), ("tags", "true"), ("tags", "Tesla")]
    info = post_info(post)
    assert (info.categories, info.tags) == (("AI", "2024"), ("1", "true", "Tesla"))


def test_a_backslash_line_break_is_a_hard_break_in_the_msgid() -> None:
    body = "一\\\n二\\\\\n三\\\\\\\nつづき\n"  # GFM's \, kramdown's \\, an escaped \ and a break
    seg = segment_body(body, "p.md")
    assert [m.msgid for m in seg.messages] == ["一\n二\n三\\\\\nつづき"]
    assert markdown_to_html(assemble(seg, lambda m: m.msgid, False), "ja") == markdown_to_html(body, "ja")


def test_math_blocks_are_never_messages_and_inline_math_stays_in_the_msgid() -> None:
    body = "前\n\n$$\n\\sum_i x_i\n$$\n\n$$a$$ と $$b$$\n\n式 $$E=mc^2$$ です。\n"
    seg = segment_body(body, "p.md")
    assert [m.msgid for m in seg.messages] == ["前", "$$a$$ と $$b$$", "式 $$E=mc^2$$ です。"]
    assert markdown_to_html(assemble(seg, lambda m: m.msgid, False), "ja") == markdown_to_html(body, "ja")


def test_front_matter_text_is_shown_as_jekyll_prints_it(tmp_path: Path) -> None:
    from i18n.content import read_post
    from i18n.segments import front_matter_messages

    path = tmp_path / "2025-01-01-text.md"
    path.write_text("---\ntitle: yes\ndescription: 2024\nmeta_keywords: [テスラ, AI]\n---\n\n本文。\n", "utf-8")
    assert [(m.kind, m.msgid) for m in front_matter_messages(read_post(path, tmp_path))] == [
        ("title", "true"), ("description", "2024"), ("meta_keywords", "テスラ,AI")]


def test_prose_that_starts_with_liquid_is_a_message() -> None:
    def messages(text: str) -> list[str]:
        return [m.msgid for m in segment_body(text, "x.md", 1).messages]

    # Text around or inside a one-line raw span, or between tags, is for translators.
    raw = "{% raw %}生の {{ x }} テキスト。{% endraw %}"
    assert messages(raw + "\n") == [raw]
    assert messages("{% if a %}条件付きの文。{% endif %}\n") == ["{% if a %}条件付きの文。{% endif %}"]
    # Lines of tags alone, and raw blocks over several lines (code), are not.
    assert messages('{% include youtubePlayer.html id="abc" %}\n') == []
    assert messages("{{ page.title }} {% include x.html %}\n") == []
    assert messages("{% raw %}\n{{ code }}\n{% endraw %}\n") == []


def test_markdown_inside_an_html_element_marked_markdown_is_for_translators() -> None:
    """``<div markdown="1">`` (a kramdown notice): its Markdown content is cut into messages, the tags kept."""
    body = (
        '<div class="notice--info" markdown="1">\n'
        "**注意:** この記事は*古い*です。\n"
        "</div>\n\n"
        "<aside markdown='block'>\n"
        "## 補足\n\n"
        "- 項目\n"
        "</aside>\n\n"
        '<div class="raw">\n生のHTMLの中の文。\n</div>\n\n'
        '<div markdown="0">\n解析されない文。\n</div>\n\n'
        '<section MARKDOWN="1">\n大文字の属性。\n</section>\n'
    )
    seg = segment_body(body, "post.md")
    assert [(m.kind, m.msgid) for m in seg.messages] == [
        ("paragraph", "**注意:** この記事は*古い*です。"), ("heading", "補足"), ("list item", "項目"),
        ("html block", '<div class="raw">\n生のHTMLの中の文。\n</div>'),
        ("html block", '<div markdown="0">\n解析されない文。\n</div>'), ("paragraph", "大文字の属性。")]
    assert [str(m.location) for m in seg.messages] == ["post.md:2", "post.md:6", "post.md:8", "post.md:11",
                                                       "post.md:15", "post.md:20"]
    # The source assembles to what it was, and a translation lands inside the element.
    assert markdown_to_html(assemble(seg, lambda m: m.msgid, False), "ja") == markdown_to_html(body, "ja")
    english = {"**注意:** この記事は*古い*です。": "**Note:** this post is *old*.", "補足": "Aside",
               "項目": "Item"}
    html = markdown_to_html(assemble(seg, lambda m: english.get(m.msgid), False), "en")
    assert '<div class="notice--info">\n<p><strong>Note:</strong> this post is <em>old</em>.</p>\n</div>' in html
    assert "<li>Item</li>" in html and "生のHTMLの中の文。" in html and "解析されない文。" in html


def test_a_raw_html_block_with_text_is_one_message_its_tags_and_lines_kept() -> None:
    """Text for readers in raw HTML is translated: the block is one msgid, as written (but its
    indentation and trailing spaces), and the translation goes back in its place, in any container."""
    from i18n.translate import unsafe_reasons

    body = (
        '<div class="box">\n'
        '  <p>注意：この記事は<b>古い</b>です。</p>  \n'
        "</div>\n\n"
        "> <p align=\"center\">引用の中の\n"
        "> 文章</p>\n\n"
        "- 項目\n\n"
        "    <center>リストの中</center>\n\n"
        "<pre>\n  字下げ   そのまま\n</pre>\n<p>説明</p>\n"
    )
    seg = segment_body(body, "post.md")
    assert [(m.kind, m.msgid) for m in seg.messages] == [
        ("html block", '<div class="box">\n  <p>注意：この記事は<b>古い</b>です。</p>\n</div>'),
        ("html block", '<p align="center">引用の中の\n文章</p>'),
        ("list item", "項目"),
        ("html block", "<center>リストの中</center>"),
        ("html block", "<p>説明</p>")]  # (the <pre> ends at its closing tag: its code is no message)
    # The source comes back as it was (less the trailing spaces, which raw HTML ignores).
    assert assemble(seg, lambda m: m.msgid, False) == body.replace("</p>  \n", "</p>\n")
    english = {
        seg.messages[0].msgid: '<div class="box">\n  <p>Note: this post is <b>old</b>.</p>\n</div>',
        seg.messages[1].msgid: '<p align="center">In the\nquote</p>',
        "項目": "Item",
        seg.messages[3].msgid: "<center>In the list</center>",
    }
    out = assemble(seg, lambda m: english.get(m.msgid), True)
    assert '> <p align="center">In the\n> quote</p>\n' in out  # each line inside the quote
    html = markdown_to_html(out, "en")
    assert '<div class="box">\n  <p>Note: this post is <b>old</b>.</p>\n</div>' in html
    assert "<center>In the list</center>" in html and "<pre>\n  字下げ   そのまま\n</pre>" in html
    assert "\ue000" not in out and "\ue001" not in out  # an untranslated HTML block is not marked
    # The same tags pass the translation gate; one the source lacks, or a new attribute, does not.
    for msgid, msgstr in english.items():
        assert unsafe_reasons(msgid, msgstr) == [], msgid
    assert unsafe_reasons(seg.messages[3].msgid, '<center onclick="x()">In the list</center>')
    assert unsafe_reasons(seg.messages[3].msgid, "<center>In the list</center><script>x()</script>")


def test_a_raw_html_block_reindented_as_a_whole_keeps_its_msgid() -> None:
    block = '<div class="box">\n  <p>本文</p>\n</div>\n'
    shifted = "".join("  " + line + "\n" for line in block.splitlines())
    assert msgids(block) == msgids(shifted) == ['<div class="box">\n  <p>本文</p>\n</div>']


def test_a_comment_pre_or_script_runs_through_its_closing_line_past_blank_lines() -> None:
    """As the renderer reads them: what follows a blank line inside one is not a paragraph for translators."""
    body = ("<!--\n下書きのメモ\n\nまだ続くメモ\n-->\n\n"
            "<pre>\nコード\n\n  続き\n</pre>\n\n"
            "<script>\nconst a = 1;\n\nconst b = \"日本\";\n</script>\n<p>説明</p>\n\n"
            "<!-- 閉じないコメント\n\n段落。\n")
    seg = segment_body(body, "post.md")
    assert [(m.kind, m.msgid) for m in seg.messages] == [("html block", "<p>説明</p>"), ("paragraph", "段落。")]
    assert assemble(seg, lambda m: m.msgid, False) == body
    assert markdown_to_html(assemble(seg, lambda m: m.msgid, False), "ja") == markdown_to_html(body, "ja")
