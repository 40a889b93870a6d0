"""The built site: pages per language, hreflang, sitemap, dates, switcher."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import POST, edit_msgstr, run_cli, snapshot

from i18n.config import load_config
from i18n.validate import _Head, validate_site

BASE = "https://tesla-news.example.org"
PAGE = "2021/02/22/tesla-ai-jim-keller/index.html"


@pytest.fixture
def built(site: Path) -> Path:
    result = run_cli(site, "build")
    assert result.returncode == 0, result.stderr
    return site / "_site"


def head(path: Path) -> _Head:
    h = _Head()
    h.feed(path.read_text(encoding="utf-8"))
    return h


def test_pages_exist_for_every_language(built: Path) -> None:
    for lang in ("ja", "ko", "en"):
        assert (built / lang / PAGE).is_file()
        assert (built / lang / "index.html").is_file()
    assert (built / "index.html").is_file()
    assert (built / "sitemap.xml").is_file()


def test_hreflang_sets_are_reciprocal_self_referencing_absolute_with_x_default(built: Path) -> None:
    heads = {lang: head(built / lang / PAGE) for lang in ("ja", "ko", "en")}
    expected = sorted([(lang, f"{BASE}/{lang}/2021/02/22/tesla-ai-jim-keller/") for lang in ("ja", "ko", "en")]
                      + [("x-default", f"{BASE}/ja/2021/02/22/tesla-ai-jim-keller/")])
    for lang, h in heads.items():
        assert h.lang == lang
        assert sorted(h.alternates) == expected
        assert h.canonical == f"{BASE}/{lang}/2021/02/22/tesla-ai-jim-keller/"
    assert validate_site(load_config(built.parent)) == []


def test_sitemap_agrees_with_every_page(built: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(built / "sitemap.xml").getroot()
    entries = {u.findtext("s:loc", "", ns): sorted((a.get("hreflang"), a.get("href"))
                                                   for a in u.findall("x:link", ns))
               for u in root.findall("s:url", ns)}
    pages = [p for p in sorted(built.rglob("*.html")) if not head(p).noindex]
    # Per language: the post, the index, two category pages; plus the chooser.
    assert len(entries) == len(pages) == 13
    for page in pages:
        url = BASE + quote("/" + page.relative_to(built).as_posix().removesuffix("index.html"))
        assert entries[url] == sorted(head(page).alternates)
    noindex = sorted(p.relative_to(built).as_posix() for p in built.rglob("*.html") if head(p).noindex)
    assert noindex == ["404.html", "en/404.html", "ja/404.html", "ko/404.html", "translation-status/index.html"]


def test_site_check_finds_a_broken_hreflang(built: Path) -> None:
    page = built / "ko" / PAGE
    page.write_text(page.read_text("utf-8").replace('hreflang="en" href="https://tesla-news.example.org/en/',
                                                    'hreflang="en" href="https://tesla-news.example.org/xx/'), "utf-8")
    result = run_cli(built.parent, "check", "--site")
    assert result.returncode == 1
    assert "hreflang en points to a missing page" in result.stderr
    assert "is not reciprocal" in result.stderr


def test_localized_metadata_dates_and_switcher(built: Path) -> None:
    ko = (built / "ko" / PAGE).read_text("utf-8")
    en = (built / "en" / PAGE).read_text("utf-8")
    ja = (built / "ja" / PAGE).read_text("utf-8")
    assert "2021년 2월 22일" in ko and "February 22, 2021" in en and "2021年2月22日" in ja
    assert '<meta property="og:locale" content="ko_KR">' in ko
    assert '<meta property="og:locale:alternate" content="ja_JP">' in ko
    assert '<meta name="keywords" content="Tesla,Tesla News,테슬라">' in ko
    assert "<title>Tesla의 AI 기술에 대하여 | 테슬라 뉴스</title>" in ko
    assert '<a href="/en/2021/02/22/tesla-ai-jim-keller/" hreflang="en" lang="en">English</a>' in ko
    assert '<a href="/ja/2021/02/22/tesla-ai-jim-keller/" hreflang="ja" lang="ja">日本語</a>' in en
    assert '<a href="/ko/2021/02/22/tesla-ai-jim-keller/" hreflang="ko" lang="ko">한국어</a>' in ja
    assert "자율주행(FSD)" in ko and "Self-Driving (FSD)" in en
    assert 'class="read-time"' in ko and "Share" in en and "공유하기" in ko


def test_heading_ids_are_the_same_in_every_language(built: Path) -> None:
    ids = {lang: re.findall(r'<h2 id="([^"]+)">', (built / lang / PAGE).read_text("utf-8"))
           for lang in ("ja", "ko", "en")}
    assert ids["ja"][0] == "jim-kellerさんのinterviewteslaのai技術について"
    assert ids["ja"] == ids["ko"] == ids["en"]


def test_liquid_and_attribute_lists_never_reach_the_output(built: Path) -> None:
    for page in built.rglob("*.html"):
        article = page.read_text("utf-8")
        assert "{%" not in article and "{:" not in article and "{{" not in article
    ko = (built / "ko" / PAGE).read_text("utf-8")
    assert 'src="https://www.youtube-nocookie.com/embed/G4hL5Om4IJ4?start=4648"' in ko
    assert 'loading="lazy"' in ko and 'title="YouTube 동영상 플레이어"' in ko
    assert 'rel="noopener" target="_blank">Jim Keller</a>' in ko


def test_untranslated_block_keeps_japanese_with_lang(site: Path) -> None:
    po = site / "locales" / "en" / "LC_MESSAGES" / f"{POST}.po"
    text = po.read_text("utf-8")
    start = text.index('msgid "**下記は重要な内容を抜粋しました。**"')
    end = text.index("\n\n", start)
    po.write_text(text[:start] + 'msgid "**下記は重要な内容を抜粋しました。**"\nmsgstr ""' + text[end:], "utf-8")
    assert run_cli(site, "build").returncode == 0
    en = (site / "_site" / "en" / PAGE).read_text("utf-8")
    assert '<p lang="ja"><strong>下記は重要な内容を抜粋しました。</strong></p>' in en
    assert "Parts of this post have not been translated yet" in en  # 14 of 15: partial


def test_build_is_deterministic_and_writes_nothing_when_unchanged(site: Path) -> None:
    assert run_cli(site, "build").returncode == 0
    first = snapshot(site / "_site")
    mtimes = {p: p.stat().st_mtime_ns for p in (site / "_site").rglob("*") if p.is_file()}
    result = run_cli(site, "build")
    assert "nothing changed" in result.stdout
    assert snapshot(site / "_site") == first
    assert {p: p.stat().st_mtime_ns for p in (site / "_site").rglob("*") if p.is_file()} == mtimes
    # A cold build (no cache) and a build with one worker give the same bytes.
    shutil.rmtree(site / ".cache")
    result = run_cli(site, "build", "--jobs", "1")
    assert "(23 rendered, 0 written, 0 removed)" in result.stdout
    assert snapshot(site / "_site") == first


def test_related_posts_are_same_category_and_same_language(site: Path) -> None:
    posts = site / "content" / "_posts"
    (posts / "2021-03-01-dojo-update.md").write_text(
        "---\ntitle: Dojoの続報\ncategories:\n - Tesla\nrelated: true\n---\n\n本文です。\n", "utf-8")
    (posts / "2021-03-02-other.md").write_text(
        "---\ntitle: 別の話題\ncategories:\n - 料理\n---\n\n本文です。\n", "utf-8")
    result = run_cli(site, "build")
    assert result.returncode == 0, result.stderr
    ja = (site / "_site" / "ja" / PAGE).read_text("utf-8")
    related = ja[ja.index('<section class="related"'):]
    assert '<a href="/ja/2021/03/01/dojo-update/">Dojoの続報</a>' in related
    assert "別の話題" not in related
    # The new post has no Korean catalog: its Korean page is a fallback, so it is not related there.
    ko = (site / "_site" / "ko" / PAGE).read_text("utf-8")
    assert '<section class="related"' not in ko
    fallback = (site / "_site" / "ko" / "2021/03/01/dojo-update/index.html").read_text("utf-8")
    assert '<meta name="robots" content="noindex">' in fallback
    assert f'<link rel="canonical" href="{BASE}/ja/2021/03/01/dojo-update/">' in fallback


def test_source_language_pages_have_a_japanese_interface(built: Path) -> None:
    ja = (built / "ja" / "index.html").read_text("utf-8")
    ko = (built / "ko" / "index.html").read_text("utf-8")
    assert ">本文へ移動</a>" in ja and ">Skip to content</a>" not in ja
    assert ">Skip to content</a>" not in ko


def test_an_unpublished_post_is_not_built_but_can_be_translated(site: Path) -> None:
    """``published: false``, as in Jekyll: no page, listing, feed or sitemap entry; its template is made."""
    post = site / "content" / "_posts" / "2021-03-01-draft.md"
    post.write_text("---\ntitle: 下書きの記事\ncategories:\n - Tesla\npublished: false\n---\n\n未公開の本文。\n",
                    "utf-8")
    assert run_cli(site, "extract").returncode == 0
    assert "下書きの記事" in (site / "locales" / "templates" / "2021-03-01-draft.pot").read_text("utf-8")
    result = run_cli(site, "build")
    assert result.returncode == 0, result.stderr
    everything = b"".join(snapshot(site / "_site").values()).decode("utf-8")
    assert "draft" not in everything and "下書き" not in everything
    post.write_text(post.read_text("utf-8").replace("published: false\n", ""), "utf-8")
    assert run_cli(site, "build").returncode == 0
    assert "下書きの記事" in (site / "_site" / "ja" / "2021/03/01/draft/index.html").read_text("utf-8")
    assert "/ja/2021/03/01/draft/" in (site / "_site" / "sitemap.xml").read_text("utf-8")
    assert "下書きの記事" in (site / "_site" / "ja" / "index.html").read_text("utf-8")


def test_a_post_with_its_own_permalink_has_it_in_every_language(site: Path) -> None:
    post = site / "content" / "_posts" / f"{POST}.md"
    post.write_text(post.read_text("utf-8").replace("---\n", "---\npermalink: /about/:title/\n", 1), "utf-8")
    (site / "content" / "_posts" / "2021-03-01-link.md").write_text(
        f"---\ntitle: 参照\n---\n\n[前の記事]({{% post_url {POST} %}})\n", "utf-8")
    result = run_cli(site, "build")
    assert result.returncode == 0, result.stderr
    built = site / "_site"
    for lang in ("ja", "ko", "en"):
        h = head(built / lang / "about" / "tesla-ai-jim-keller" / "index.html")
        assert {a for a in h.alternates} == {(code, f"{BASE}/{code}/about/tesla-ai-jim-keller/")
                                             for code in ("ja", "ko", "en")} | {
            ("x-default", f"{BASE}/ja/about/tesla-ai-jim-keller/")}
        assert not (built / lang / PAGE).exists()
    assert 'href="/ja/about/tesla-ai-jim-keller/"' in (built / "ja" / "2021/03/01/link/index.html").read_text("utf-8")
    assert f"{BASE}/ko/about/tesla-ai-jim-keller/" in (built / "sitemap.xml").read_text("utf-8")
    assert validate_site(load_config(site)) == []


@pytest.mark.parametrize(("front", "url"), [
    ("image: /assets/tesla.jpg", f"{BASE}/assets/tesla.jpg"),
    ("image:\n  path: images/ai.png\n  alt: 写真", f"{BASE}/images/ai.png"),
    ("header:\n  teaser: /img/t.jpg", f"{BASE}/img/t.jpg"),
    ("image: https://cdn.example.com/a.jpg", "https://cdn.example.com/a.jpg"),
    ("image: //cdn.example.com/b.jpg", "https://cdn.example.com/b.jpg"),
    ("image: javascript:alert(1)", None),
])
def test_a_posts_share_image_is_its_og_image_in_every_language(site: Path, front: str, url: str | None) -> None:
    post = site / "content" / "_posts" / f"{POST}.md"
    post.write_text(post.read_text("utf-8").replace("---\n", f"---\n{front}\n", 1), "utf-8")
    result = run_cli(site, "build")
    assert result.returncode == 0, result.stderr
    for lang in ("ja", "ko", "en"):
        html = (site / "_site" / lang / PAGE).read_text("utf-8")
        if url is None:
            assert "og:image" not in html and "javascript" not in html
            assert '<meta name="twitter:card" content="summary">' in html
        else:
            assert f'<meta property="og:image" content="{url}">' in html
            assert '<meta name="twitter:card" content="summary_large_image">' in html
            assert f'"image": "{url}"' in html.replace("\\u002f", "/")


def test_a_raw_html_block_with_text_is_extracted_translated_and_built(site: Path) -> None:
    """From the post to the page: the block reaches the catalogs as one entry, its translation the page."""
    post = site / "content" / "_posts" / f"{POST}.md"
    block = '<div class="box">\n  <p>注意：この記事は<b>古い</b>です。</p>\n</div>'
    post.write_text(post.read_text("utf-8") + "\n" + block + "\n", "utf-8")
    assert run_cli(site, "extract").returncode == 0
    assert run_cli(site, "update").returncode == 0
    ko = site / "locales" / "ko" / "LC_MESSAGES" / f"{POST}.po"
    assert '#. html block\n' in ko.read_text("utf-8")
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(ko)], capture_output=True).returncode == 0
    translated = '<div class="box">\n  <p>주의: 이 글은 <b>오래된</b> 글입니다.</p>\n</div>'
    edit_msgstr(ko, '<div class="box">', lambda _: translated)
    done = run_cli(site, "build")
    assert done.returncode == 0, done.stderr
    assert translated in (site / "_site" / "ko" / PAGE).read_text("utf-8")
    en = (site / "_site" / "en" / PAGE).read_text("utf-8")
    assert "注意：この記事は<b>古い</b>です。" in en  # not translated in English: shown as written,
    assert "Parts of this post have not been translated yet" in en  # and counted as untranslated
