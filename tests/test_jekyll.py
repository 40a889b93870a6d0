"""Bringing an existing Jekyll blog: ``import``, Liquid and kramdown as its posts use them, and Jekyll itself.

``tests/jekyll_site`` is a small Jekyll site written for these tests: three
Japanese posts using highlight, raw, post_url, link, include, site/page
variables, URL filters, ``<!--more-->``, ``{:toc}``, block attribute lists,
footnotes, tables and definition lists, plus what the import cannot carry
over (a plugin, a collection, layouts, a data file, a draft, a page, an image).
"""

from __future__ import annotations

import datetime as dt
import gettext
import html
import re
import shutil
import subprocess
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from conftest import ROOT, run_cli

from i18n.errors import Location, PipelineError
from i18n.liquid_stage import JekyllSite, JekyllTime, make_environment, render_liquid
from i18n.render import markdown_to_html
from i18n.text import is_wide

JEKYLL_SITE = Path(__file__).parent / "jekyll_site"
SHOWN = "tests/jekyll_site"  # the folder as typed on the command line (run_cli runs in the checkout)
POSTS = ("2021-02-22-tesla-fsd", "2021-03-01-dojo", "2021-03-15-fsd-beta")
FSD = "2021/02/22/tesla-fsd/index.html"
DOJO = "2021/03/01/dojo/index.html"
BETA = "2021/03/15/fsd-beta/index.html"


def _ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stderr
    return result


def _translate_ko(root: Path) -> None:
    """A Korean 'translation' of every post: each msgid prefixed with KO:, markup and Liquid kept."""
    for name in POSTS:
        path = root / "locales" / "ko" / "LC_MESSAGES" / f"{name}.po"
        with path.open("rb") as f:
            catalog = read_po(f)
        for message in catalog:
            if message.id:
                message.string = "KO:" + str(message.id)
        with path.open("wb") as f:
            write_po(f, catalog, width=0)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The test Jekyll site imported into an empty folder, extracted, updated, translated into Korean, built."""
    root = tmp_path_factory.mktemp("imported")
    result = _ok(run_cli(root, "import", SHOWN))
    _ok(run_cli(root, "extract"))
    _ok(run_cli(root, "update"))
    _translate_ko(root)
    _ok(run_cli(root, "build"))
    return root, result


def _page(root: Path, lang: str, page: str) -> str:
    return (root / "_site" / lang / page).read_text("utf-8")


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text("utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


# -- import ------------------------------------------------------------------------------------

def test_import_copies_posts_and_includes_and_writes_site_toml(imported: tuple[Path, object]) -> None:
    root, _ = imported
    for name in POSTS:
        copied = root / "content" / "_posts" / f"{name}.md"
        assert copied.read_bytes() == (JEKYLL_SITE / "_posts" / f"{name}.md").read_bytes()
    assert (root / "content/_includes/note.html").read_bytes() == (JEKYLL_SITE / "_includes/note.html").read_bytes()
    assert not (root / "content" / "_drafts").exists()
    settings = tomllib.loads((root / "site.toml").read_text("utf-8"))
    assert settings == {
        "title": "テスト技術ブログ", "base_url": "https://blog.example.jp", "source_locale": "ja",
        "locales": ["ja", "ko", "en"], "permalink": "/:year/:month/:day/:title/", "timezone": "Asia/Tokyo",
        "posts_per_page": 5, "excerpt_separator": "<!--more-->", "author": "山田太郎",
        "description": "Jekyllから移行するテスト用のブログ", "twitter_username": "yamada_taro",
    }


def test_import_warns_at_everything_it_leaves_behind(imported: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    _, result = imported
    config = JEKYLL_SITE / "_config.yml"
    warnings = result.stderr.splitlines()
    expected = [
        f"{SHOWN}/_config.yml:{_line_of(config, '- jekyll-feed')}: warning: plugin 'jekyll-feed' is not carried "
        "over: no Jekyll plugins run here",
        f"{SHOWN}/_config.yml:{_line_of(config, 'collections:')}: warning: collection 'recipes' (1 file) is not "
        "carried over: only posts are imported",
        f"{SHOWN}/_config.yml:{_line_of(config, 'defaults:')}: warning: front matter defaults are not carried "
        "over: posts keep only their own front matter",
        f"{SHOWN}/_data/authors.yml:1: warning: data file not carried over: site.data is not available here",
        f"{SHOWN}/_drafts/next-post.md:1: warning: draft not imported: move it to _posts/ when it is ready",
        f"{SHOWN}/_layouts/default.html:1: warning: layout not carried over: pages use the built-in theme "
        "(your own Jinja2 layouts go in layouts/)",
        f"{SHOWN}/_layouts/post.html:1: warning: layout not carried over: pages use the built-in theme "
        "(your own Jinja2 layouts go in layouts/)",
        f"{SHOWN}/about.md:1: warning: page not carried over: only posts are imported",
        f"{SHOWN}/assets: warning: folder of 1 static file not copied: publish it with the built site if posts "
        "link to it",
    ]
    assert warnings == expected  # jekyll-seo-tag's work is done by the build: no warning for it
    assert result.stdout.startswith("import: 3 posts, 1 include, 4 written, site.toml created, 9 warnings")


def test_import_merges_into_an_existing_site_toml_and_is_idempotent(tmp_path: Path) -> None:
    existing = '# my site\ntitle = "私のブログ"  # keep this\nlocales = ["ja", "en"]\n\n[theme]\ncolor = "red"\n'
    (tmp_path / "site.toml").write_text(existing, "utf-8")
    first = _ok(run_cli(tmp_path, "import", SHOWN))
    text = (tmp_path / "site.toml").read_text("utf-8")
    assert text.startswith('# my site\ntitle = "私のブログ"  # keep this\nlocales = ["ja", "en"]\n\n'
                           "# Imported from tests/jekyll_site/_config.yml.\n")
    assert text.endswith('\n[theme]\ncolor = "red"\n')
    settings = tomllib.loads(text)
    assert settings["title"] == "私のブログ" and settings["locales"] == ["ja", "en"]
    assert settings["base_url"] == "https://blog.example.jp" and settings["theme"] == {"color": "red"}
    assert (f"{tmp_path}/site.toml:2: warning: keeps title = \"私のブログ\"; tests/jekyll_site/_config.yml has "
            "\"テスト技術ブログ\"") in first.stderr.splitlines()
    again = _ok(run_cli(tmp_path, "import", SHOWN))
    assert "0 written, site.toml unchanged" in again.stdout
    assert (tmp_path / "site.toml").read_text("utf-8") == text


def test_import_never_replaces_a_changed_file_without_force(tmp_path: Path) -> None:
    _ok(run_cli(tmp_path, "import", SHOWN))
    post = tmp_path / "content" / "_posts" / f"{POSTS[0]}.md"
    post.write_text(post.read_text("utf-8") + "\n追記しました。\n", "utf-8")
    edited = post.read_bytes()
    refused = run_cli(tmp_path, "import", SHOWN)
    assert refused.returncode == 1
    assert (f"{tmp_path}/content/_posts/{POSTS[0]}.md:1: error: differs from {SHOWN}/_posts/{POSTS[0]}.md; "
            "import --force replaces it") in refused.stderr.splitlines()
    assert post.read_bytes() == edited
    _ok(run_cli(tmp_path, "import", SHOWN, "--force"))
    assert post.read_bytes() == (JEKYLL_SITE / "_posts" / f"{POSTS[0]}.md").read_bytes()


def test_import_reports_plugin_tags_and_settings_it_cannot_follow(tmp_path: Path) -> None:
    jekyll = tmp_path / "blog"
    shutil.copytree(JEKYLL_SITE, jekyll)
    config = jekyll / "_config.yml"
    config.write_text(config.read_text("utf-8").replace("lang: ja", "locale: ja-JP")
                      .replace('baseurl: ""', "baseurl: /tech/")
                      .replace("permalink: /:year/:month/:day/:title/", "permalink: /:categories/:i_month/:title"),
                      "utf-8")
    post = jekyll / "_posts" / f"{POSTS[2]}.md"
    post.write_text(post.read_text("utf-8") + "\n{% gist 12345 %}\n\n{{ page.title | slugify }}\n", "utf-8")
    into = tmp_path / "site"
    result = _ok(run_cli(ROOT, "import", str(jekyll), "--into", str(into), "--locales", "en"))
    lines = result.stderr.splitlines()
    assert (f"{post}:{_line_of(post, '{% gist')}: warning: Liquid tag 'gist' is not available here "
            "(a Jekyll plugin's?): the build will stop") in lines
    assert (f"{post}:{_line_of(post, 'slugify')}: warning: Liquid filter 'slugify' is not available here "
            "(one of Jekyll's own?)") in lines
    assert (f"{config}:{_line_of(config, 'permalink:')}: warning: permalink '/:categories/:i_month/:title' "
            "(:i_month) cannot be followed: posts use /:year/:month/:day/:title/") in lines
    settings = tomllib.loads((into / "site.toml").read_text("utf-8"))
    assert (settings["source_locale"], settings["locales"], settings["baseurl"]) == ("ja", ["ja", "en"], "/tech")


def test_import_of_a_folder_without_config_is_an_error(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "import", str(tmp_path / "nothing"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"{tmp_path / 'nothing'}: error: no _config.yml here: is this a Jekyll site")
    assert not (tmp_path / "site.toml").exists()


# -- what translators see ----------------------------------------------------------------------

def _msgids(root: Path, name: str) -> list[str]:
    with (root / "locales" / "templates" / f"{name}.pot").open("rb") as f:
        return [str(m.id) for m in read_po(f) if m.id]


def test_code_raw_and_toc_blocks_are_not_messages_and_definitions_are(imported: tuple[Path, object]) -> None:
    root, _ = imported
    fsd = _msgids(root, POSTS[0])
    assert not [m for m in fsd if "TOC" in m or "def plan" in m or "{:" in m]
    assert fsd[-5:-1] == ["HW3", "テスラが自社開発したFSDコンピュータ", "Dojo", "学習用のスーパーコンピュータ"]
    assert fsd[-1] == "レーダーは2021年に廃止されました。"
    dojo = _msgids(root, POSTS[1])
    assert not [m for m in dojo if "Liquidの例" in m or "include" in m]
    assert "前回の記事「[テスラのFSDについて]({% post_url 2021-02-22-tesla-fsd %})」の続きです。" in dojo


# -- pages -------------------------------------------------------------------------------------

def test_highlight_is_rendered_as_jekyll_does(imported: tuple[Path, object]) -> None:
    root, _ = imported
    fsd = _page(root, "ja", FSD)
    assert ('<figure class="highlight"><pre><code class="language-python" data-lang="python">'
            '<table class="rouge-table"><tbody><tr><td class="gutter gl"><pre class="lineno">1\n2\n</pre></td>'
            '<td class="code"><pre><span class="k">def</span> <span class="nf">plan</span>') in fsd
    assert ('<span class="n">safe</span><span class="p">]</span>\n</pre></td></tr></tbody></table>'
            "</code></pre></figure>") in fsd
    beta = _page(root, "ja", BETA)
    assert ('<figure class="highlight"><pre><code class="language-ruby" data-lang="ruby"><span class="nb">puts</span> '
            '<span class="s2">&quot;安全第一&quot;</span></code></pre></figure>') in beta


def test_toc_lists_the_headings_by_their_ids_in_every_language(imported: tuple[Path, object]) -> None:
    root, _ = imported
    ja, ko = _page(root, "ja", FSD), _page(root, "ko", FSD)
    assert ('<ul id="markdown-toc">\n<li><a href="#概要" id="markdown-toc-概要">概要</a></li>\n'
            '<li><a href="#処理の流れ" id="markdown-toc-処理の流れ">処理の流れ</a><ul>\n'
            '<li><a href="#サンプルコード" id="markdown-toc-サンプルコード">サンプルコード</a></li>\n</ul>\n</li>\n'
            '<li><a href="#用語" id="markdown-toc-用語">用語</a></li>\n</ul>') in ja
    assert '<h2 id="処理の流れ">処理の流れ</h2>' in ja
    assert '<li><a href="#処理の流れ" id="markdown-toc-処理の流れ">KO:処理の流れ</a><ul>' in ko
    assert '<h2 id="処理の流れ">KO:処理の流れ</h2>' in ko
    assert "* TOC" not in ja and "{:toc}" not in ja


def test_block_attribute_lists_footnotes_and_definition_lists(imported: tuple[Path, object]) -> None:
    root, _ = imported
    fsd, dojo = _page(root, "ja", FSD), _page(root, "ja", DOJO)
    assert ('<p class="notice--info">FSDはカメラだけで周囲を認識します<sup id="fnref:camera" role="doc-noteref">'
            '<a class="footnote" href="#fn:camera" rel="footnote">1</a></sup>。</p>') in fsd
    assert '<ol class="steps">\n<li>カメラ画像を取得する</li>' in fsd
    assert '<table class="compare">' in dojo
    assert '<p class="align-center"><img alt="Dojoの構成図" src="/assets/images/dojo.svg"></p>' in dojo
    assert ('<div class="footnotes" role="doc-endnotes">\n<ol>\n<li id="fn:camera" role="doc-endnote">\n'
            '<p>レーダーは2021年に廃止されました。&#160;<a class="reversefootnote" href="#fnref:camera" '
            'role="doc-backlink">&#8617;</a></p>') in fsd
    assert "<dl>\n<dt>HW3</dt>\n<dd>テスラが自社開発したFSDコンピュータ</dd>\n<dt>Dojo</dt>" in fsd
    assert '<dt>KO:HW3</dt>\n<dd>KO:テスラが自社開発したFSDコンピュータ</dd>' in _page(root, "ko", FSD)


def test_post_url_link_and_url_filters_point_into_the_page_language(imported: tuple[Path, object]) -> None:
    root, _ = imported
    for lang in ("ja", "ko", "en"):
        dojo = _page(root, lang, DOJO)
        assert f'<a href="/{lang}/2021/02/22/tesla-fsd/">' in dojo  # post_url
        assert f'・<a href="/{lang}/2021/02/22/tesla-fsd/">前回の記事</a>' in dojo  # link
        assert f'<a href="https://blog.example.jp/{lang}/2021/03/01/dojo/">' in dojo  # page.url | absolute_url
        assert '<a href="/">' in dojo  # "/" | relative_url


def test_site_and_page_variables_raw_and_include(imported: tuple[Path, object]) -> None:
    root, _ = imported
    dojo = _page(root, "ja", DOJO)
    assert "<p>サイト名は「テスト技術ブログ」、この記事は2021年03月01日に公開されました。</p>" in dojo
    assert "<p>Liquidの例：{{ page.title }} は展開されません。</p>" in dojo
    assert '<div class="notice">この記事は試験的に翻訳しています。</div>' in dojo


def test_index_shows_the_excerpt_before_more_else_the_first_paragraph(imported: tuple[Path, object]) -> None:
    root, _ = imported
    ja = (root / "_site" / "ja" / "index.html").read_text("utf-8")
    assert ('<div class="excerpt"><p>テスラの完全自動運転（FSD）について、仕組みを順に紹介します。</p>\n'
            '<p class="lead">この記事の後半では、経路計画のコードも紹介します。</p></div>') in ja
    # No separator: the first paragraph, its footnote reference left out (the footnote is not on the index).
    assert ('<div class="excerpt"><p>ベータ版を一週間使ってみました。<strong>右折</strong>がとても<em>滑らか</em>'
            "です。</p></div>") in ja
    assert "概要" not in ja and "fnref" not in ja
    ko = (root / "_site" / "ko" / "index.html").read_text("utf-8")
    assert '<div class="excerpt"><p>KO:前回の記事「<a href="/ko/2021/02/22/tesla-fsd/">' in ko


def test_site_of_an_imported_blog_passes_the_site_check(imported: tuple[Path, object]) -> None:
    root, _ = imported
    result = run_cli(root, "check", "--site")
    assert result.returncode == 0, result.stderr
    assert re.search(r"check: 0 errors, 0 warnings, \d+\.\d\ds$", result.stderr.strip())


def test_unknown_post_in_post_url_is_an_error_at_its_line(tmp_path: Path) -> None:
    _ok(run_cli(tmp_path, "import", SHOWN))
    post = tmp_path / "content" / "_posts" / f"{POSTS[1]}.md"
    post.write_text(post.read_text("utf-8").replace("{% post_url 2021-02-22-tesla-fsd %}",
                                                    "{% post_url 2021-02-23-nothing %}"), "utf-8")
    result = run_cli(tmp_path, "build")
    assert result.returncode == 1
    line = _line_of(post, "2021-02-23-nothing")
    assert (f"content/_posts/{POSTS[1]}.md:{line}: error: Liquid: post_url: no post named "
            "'2021-02-23-nothing' in _posts") in result.stderr.splitlines()
    assert "Traceback" not in result.stderr


# -- Liquid and kramdown details ------------------------------------------------------------

def _liquid(source: str, site: JekyllSite, **variables: object) -> str:
    env = make_environment(JEKYLL_SITE / "_includes", gettext.NullTranslations(), site)
    return render_liquid(env, source, variables, Location("content/_posts/x.md"), 5)


def test_urls_carry_the_baseurl_as_jekylls_filters_do() -> None:
    site = JekyllSite(url="https://example.org", baseurl="/tech",
                      post_paths={"2021-02-22-tesla-fsd": "/ko/2021/02/22/tesla-fsd/"},
                      source_paths={"_posts/2021-02-22-tesla-fsd.md": "/ko/2021/02/22/tesla-fsd/"})
    out = _liquid('{% post_url 2021-02-22-tesla-fsd %} {% link _posts/2021-02-22-tesla-fsd.md %} '
                  '{{ "about/" | relative_url }} {{ "/日本/" | absolute_url }} {{ "https://x.org/a" | absolute_url }}',
                  site)
    assert out.split() == ["/tech/ko/2021/02/22/tesla-fsd/", "/tech/ko/2021/02/22/tesla-fsd/", "/tech/about/",
                           "https://example.org/tech/%E6%97%A5%E6%9C%AC/", "https://x.org/a"]


def test_page_date_prints_as_jekyll_prints_it_in_the_site_time_zone() -> None:
    naive = JekyllTime.of(dt.datetime(2021, 3, 1, 9, 0), "Asia/Tokyo")
    utc = JekyllTime.of(dt.datetime(2021, 3, 1, 0, 0, tzinfo=dt.UTC), "Asia/Tokyo")
    assert _liquid("{{ a }}|{{ b }}|{{ b | date: '%Y年%m月%d日 %H時' }}", JekyllSite(), a=naive, b=utc) == \
        "2021-03-01 09:00:00 +0900|2021-03-01 09:00:00 +0900|2021年03月01日 09時"


def test_bad_highlight_and_link_are_errors_at_their_line() -> None:
    for source, message in [
        ("段落\n\n{% highlight %}\nx\n{% endhighlight %}\n",
         "highlight '': valid syntax is 'highlight <lang> [linenos]'"),
        ("段落\n\n{% highlight ruby %}\nx\n", "highlight was never closed with endhighlight"),
        ("段落\n\n[a]({% link about.md %})\n",
         "link: 'about.md' is not a post of this site (only posts under _posts are)"),
        # A block never closed: at its opening tag, not at the end of the text or before it.
        ("段落\n\n{% if x %}\n\n段落三。\n", "expected tag endif, found end of expression"),
        ("段落\n\n{% if x %}\n{% if y %}{% endif %}\n段落三。\n", "expected tag endif, found end of expression"),
    ]:
        with pytest.raises(PipelineError) as caught:
            _liquid(source, JekyllSite())
        assert str(caught.value) == f"content/_posts/x.md:7: error: Liquid: {message}"


def test_only_kramdowns_toc_list_becomes_a_table_of_contents() -> None:
    assert markdown_to_html("[TOC]\n\n## 見出し\n", "ja") == '<p>[TOC]</p>\n<h2 id="見出し">見出し</h2>'
    assert markdown_to_html("1. TOC\n{:toc}\n\n## 見出し\n", "ja") == (
        '<ul id="markdown-toc">\n<li><a href="#見出し" id="markdown-toc-見出し">見出し</a></li>\n</ul>\n'
        '<h2 id="見出し">見出し</h2>')


def test_attribute_list_after_a_list_belongs_to_the_list_not_its_last_item() -> None:
    assert markdown_to_html("- 一\n- 二\n{: .cls #list}\n次の段落\n", "ja") == (
        '<ul class="cls" id="list">\n<li>一</li>\n<li>二</li>\n</ul>\n<p>次の段落</p>')


# -- against Jekyll ----------------------------------------------------------------------------

class _ArticleText(HTMLParser):
    """Text content of ``<div class="post-content">``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += tag not in ("img", "br", "hr", "input", "meta", "link")
        elif tag == "div" and ("class", "post-content") in attrs:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in ("img", "br", "hr"):
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def article_text(page: str) -> str:
    """Whitespace-normalized article text: runs of white space are one space, none next to CJK characters.

    CSS Text 3 drops a line break between CJK characters; the pipeline joins
    soft-wrapped Japanese lines without one, kramdown keeps the newline.
    """
    parser = _ArticleText()
    parser.feed(page)
    text = re.sub(r"\s+", " ", html.unescape("".join(parser.parts))).strip()
    return re.sub(r"(?<=(.)) (?=(.))", lambda m: "" if is_wide(m.group(1)) or is_wide(m.group(2)) else " ", text)


def test_japanese_pages_read_as_jekylls_own_build(imported: tuple[Path, object], tmp_path: Path) -> None:
    root, _ = imported
    jekyll = shutil.which("jekyll")
    assert jekyll, "Jekyll is not installed (Debian: apt-get install jekyll; .ci/run does it)"
    out = tmp_path / "jekyll_site"
    result = subprocess.run([jekyll, "build", "--disable-disk-cache", "-s", str(JEKYLL_SITE), "-d", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    for page in (FSD, DOJO, BETA):
        ours = article_text(_page(root, "ja", page))
        theirs = article_text((out / page).read_text("utf-8"))
        # Links point into the language's pages (/ja/...), so compare the text, not the markup.
        assert ours == theirs, page
        assert len(ours) > 40


class _ListShape(HTMLParser):
    """Lists, items, code blocks and the words in them: what a reader sees of a list (not <p> looseness)."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("ul", "ol", "li", "pre"):
            self.tokens.append(f"<{tag}>")
        elif tag == "input":  # a task list's checkbox
            self.tokens.append("[x]" if "checked" in dict(attrs) else "[ ]")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol", "li", "pre"):
            self.tokens.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.tokens += data.split()


def _list_shape(html_text: str) -> list[str]:
    shape = _ListShape()
    shape.feed(html_text)
    return shape.tokens


LISTS = {
    "nested by two spaces": "* リスト1\n  * ネスト1\n  * ネスト2\n* リスト2\n",
    "nested under a number": "1. 一\n   - 子\n2. 二\n",
    "three levels": "- a\n  - b\n    - c\n- d\n",
    "four spaces still nest": "* a\n    * b\n* c\n",
    "an ordered list, then a bullet list": "1. 番号一\n2. 番号二\n\n- 箇条一\n- 箇条二\n",
    "a paragraph and code in an item": "* a\n\n  続きの段落\n\n      code\n\n* b\n",
    "a list, then a paragraph": "* a\n* b\n\n段落\n",
    "a rule is no item": "* a\n\n* * *\n\n段落\n",
    "a list right after a paragraph": "段落\n* 直後のリスト\n* 二つ目\n",
    "a numbered list right after a paragraph": "段落\n2. 直後\n3. 次\n",
    "an indented list right after a paragraph": "段落\n  * 字下げ\n",
    "a list right after a heading": "# 見出し\n* リスト\n",
    "a task list": "- [ ] 作業\n- [x] 完了\n- 普通の項目\n",
    "a bullet list two spaces under a number": "1. 一\n  - 子\n  - 孫\n2. 二\n",
    "a numbered list one space under a bullet": "* a\n 1. b\n* c\n",
    "the same kind one space in stays a sibling": "* a\n * b\n* c\n",
    "an item right after a continued paragraph": "* 一\n\n  続き\n* 二\n",
    "a nested item's continued paragraph, then an item": "1. a\n   - b\n\n     続き\n2. c\n",
}


@pytest.mark.parametrize("name", LISTS)
def test_lists_nest_as_kramdown_nests_them(name: str) -> None:
    ruby = shutil.which("ruby")
    assert ruby, "Ruby is not installed (Debian: apt-get install jekyll; .ci/run does it)"
    kramdown = subprocess.run(
        [ruby, "-rkramdown", "-rkramdown-parser-gfm", "-e",
         'print Kramdown::Document.new(STDIN.read, input: "GFM", hard_wrap: false).to_html'],
        input=LISTS[name], capture_output=True, text=True, check=True, timeout=60).stdout
    assert _list_shape(markdown_to_html(LISTS[name], "ja")) == _list_shape(kramdown)


class _Tokens(HTMLParser):
    """Start tags (with sorted attributes), end tags and text with whitespace collapsed.

    Highlighted tokens (``<span>``) are left out, their text kept: Pygments and
    Rouge cut some tokens differently (the colors come from the same classes).
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[str] = []
        self._text = ""

    def _flush(self) -> None:
        if self._text.strip():
            self.tokens.append(" ".join(self._text.split()))
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "span":
            self._flush()
            self.tokens.append(f"<{tag} {sorted(attrs)}>")

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("br", "hr", "img", "input", "span"):  # kramdown writes <br />, which the parser ends too
            self._flush()
            self.tokens.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self._text += data


def _tokens(html_text: str) -> list[str]:
    parser = _Tokens()
    parser.feed(html_text)
    parser.close()
    parser._flush()
    return parser.tokens


def _kramdown(markdown: str) -> str:
    ruby = shutil.which("ruby")
    assert ruby, "Ruby is not installed (Debian: apt-get install jekyll; .ci/run does it)"
    return subprocess.run(
        [ruby, "-rkramdown", "-rkramdown-parser-gfm", "-e",
         'print Kramdown::Document.new(STDIN.read, input: "GFM", hard_wrap: false, syntax_highlighter: "rouge",'
         ' syntax_highlighter_opts: {"default_lang" => "plaintext", "guess_lang" => true}).to_html'],  # Jekyll's
        input=markdown, capture_output=True, text=True, check=True, timeout=60).stdout.replace(
            '<code class="language-plaintext highlighter-rouge">', "<code>")  # (Rouge's class on inline code: not ours)


BLOCKS = {
    "strikethrough": "価格は~~1000円~~800円です。\n",
    "escapes": "\\$100、\\<b\\>、\\~、a\\:b、\\=、\\|\n",
    "a hashtag is no heading": "#テスラ #AI の話\n\n##見出しではない\n",
    "an attribute list after a heading": "## 目次\n{: .no_toc}\n\n## 導入\n{: #install}\n\n本文。\n",
    "contents of every level, without no_toc": "* TOC\n{:toc}\n\n# 大\n\n## 目次\n{: .no_toc}\n\n### 子\n\n##### 小\n",
    "a fence with a file name": "```ruby:app.rb\nputs 1\n```\n",
    "a fence with two words is none": "``` python title\nprint(1)\n```\n",
    "a fence in a tight list item": "1. インストール\n   ```sh\n   gem install jekyll\n   ```\n2. 起動\n",
    "a fence in a loose list item": "* 項目\n\n  ```ruby\n  puts 1 < 2\n  ```\n\n* 次\n",
    "a fence two levels down": "- a\n  - b\n    ```\n    deep\n    ```\n",
    "a fence in a quote": "> 引用\n>\n> ```\n> code <b>\n> ```\n",
    "a fence indented at the margin": "  ```\n  two spaces\n  ```\n",
    "four spaces are indented code": "    ```\n    not a fence\n    ```\n",
    "highlighted code of each kind": "```ruby\nputs 1 if x\n```\n\n```\nplain <b>\n```\n\n    indented & <i>\n\n"
                                     "```nosuchlang\nx\n```\n\n- 項目\n  ```python\n  print('a')\n  ```\n",
    "kramdown's comment, nomarkdown and options": (
        "前\n\n{::comment}\n秘密のメモ\n{:/comment}\n\n本文{::comment}内緒{:/}です\n\n"
        "{::nomarkdown}\n<div>*raw*</div>\n{:/nomarkdown}\n\n{::options auto_ids=\"true\" /}\n{::comment /}\n後\n"),
    "heading ids as kramdown makes them": (
        "## **太字**と`code`の見出し\n\n## Part 1 - 概要\n\n## 第1章\u3000はじめに\n\n## 🚀 はじめに\n\n"
        "## C++ & Rust: 比較!\n\n## foo_bar baz\n\n## Ünïcödé Tést\n\n## 1. 番号\n\n## a  b &amp; c\n\n"
        "## まとめ\n\n## まとめ\n\n## まとめ\n"),
    "math, inline and as a block": (
        "式 $$E=mc^2$$ です。\n\n$$\n\\sum_{i=1}^n x_i \\\\ a*b*c < d\n$$\n\n$$a^*$$ と $$b^*$$\n\n"
        "価格は$100と$200、`$$コード$$`\n"),
    "a backslash line break": "一行目\\\n二行目\\\\\n三行目\\\\\\\n四行目\\\n",
    "markdown inside an HTML element": ('<div class="notice--info" markdown="1">\n**注意:** この記事は*古い*です。\n'
                                        '</div>\n\n<aside markdown="1">\n- 項目\n</aside>\n\n後の段落。\n'),
    "raw HTML blocks with text (messages of their own)": (
        '<div class="box">\n  <p>注意：この記事は<b>古い</b>です。</p>\n</div>\n\n<p align="center">写真：東京</p>\n\n'
        "<center>中央</center>\n\n後の段落。\n"),
}


@pytest.mark.parametrize("name", BLOCKS)
def test_blocks_render_as_kramdown_renders_them(name: str) -> None:
    assert _tokens(markdown_to_html(BLOCKS[name], "ja")) == _tokens(_kramdown(BLOCKS[name]))


CODE = {
    "tabs at the margin": "```make\nall:\n\tgo build\n\t@echo \"done\"\n```\n",
    "tabs in a list item": "- 手順\n  ```go\n  func f() {\n  \treturn\n  }\n  ```\n",
}


@pytest.mark.parametrize("name", CODE)
def test_code_keeps_its_exact_text_as_in_kramdown(name: str) -> None:
    """Inside <pre> every character counts (a Makefile's tabs): compared as is, not whitespace-collapsed."""
    def code(html_text: str) -> list[str]:
        blocks = re.findall(r"<pre[^>]*><code[^>]*>(.*?)</code></pre>", html_text, re.DOTALL)
        return [html.unescape(re.sub(r"</?span[^>]*>", "", c)) for c in blocks]

    ours = code(markdown_to_html(CODE[name], "ja"))
    assert ours == code(_kramdown(CODE[name])) and "\t" in ours[0]
