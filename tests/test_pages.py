"""Pages per language and the one publish decision: feeds, categories, 404, chooser, status, pseudo-locale.

Each state (translated, partial, fallback) is built for real from edited catalogs, and every
signal a reader or a search engine sees is checked against that one decision.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

import pytest
from babel.dates import format_date
from conftest import POST, edit_msgstr, run_cli

from i18n.config import load_config
from i18n.validate import _Head, validate_site

BASE = "https://tesla-news.example.org"
POST_PATH = "/{lang}/2021/02/22/tesla-ai-jim-keller/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def head(path: Path) -> _Head:
    h = _Head()
    h.feed(path.read_text("utf-8"))
    return h


def page(built: Path, site_path: str) -> Path:
    return built / (site_path.lstrip("/") + ("index.html" if site_path.endswith("/") else ""))


def build(site: Path, *args: str) -> Path:
    result = run_cli(site, "build", *args)
    assert result.returncode == 0, result.stderr
    return site / "_site"


def clear_msgstrs(site: Path, lang: str, keep: int) -> None:
    """Leave only the first ``keep`` translations of the post's catalog in ``lang``."""
    from babel.messages.pofile import read_po

    po = site / "locales" / lang / "LC_MESSAGES" / f"{POST}.po"
    with po.open("rb") as f:
        ids = [str(m.id) for m in read_po(f) if m.id]
    for msgid in ids[keep:]:
        edit_msgstr(po, msgid, lambda _s: "")


@pytest.fixture
def states(site: Path) -> Path:
    """ja source, ko partial (14 of 15 translated), en fallback (2 of 15)."""
    clear_msgstrs(site, "ko", 14)
    clear_msgstrs(site, "en", 2)
    return build(site)


def sitemap(built: Path) -> dict[str, list[tuple[str, str]]]:
    root = ET.parse(built / "sitemap.xml").getroot()
    return {u.findtext("s:loc", "", SITEMAP): sorted((a.get("hreflang", ""), a.get("href", ""))
                                                     for a in u.findall("x:link", SITEMAP))
            for u in root.findall("s:url", SITEMAP)}


def feed_links(built: Path, lang: str) -> list[str]:
    root = ET.parse(built / lang / "feed.xml").getroot()
    return [e.find(f"{ATOM}link").get("href", "") for e in root.findall(f"{ATOM}entry")]  # type: ignore[union-attr]


def test_every_signal_follows_the_one_publish_decision(site: Path, states: Path) -> None:
    built = states
    status = {r["locale"]: r["status"] for r in json.loads(run_cli(site, "status", "--json").stdout)}
    assert status == {"ko": "partial", "en": "fallback"}
    urls = {lang: BASE + POST_PATH.format(lang=lang) for lang in ("ja", "ko", "en")}
    published = sorted([("ja", urls["ja"]), ("ko", urls["ko"]), ("x-default", urls["ja"])])
    entries = sitemap(built)
    for lang in ("ja", "ko"):  # published: indexed, in every hreflang set, the sitemap and the feed
        h = head(page(built, POST_PATH.format(lang=lang)))
        assert not h.noindex and h.canonical == urls[lang] and sorted(h.alternates) == published
        assert entries[urls[lang]] == published
        assert feed_links(built, lang) == [urls[lang]]
    en = head(page(built, POST_PATH.format(lang="en")))  # fallback
    assert en.noindex and en.alternates == [] and en.canonical == urls["ja"]
    assert urls["en"] not in entries and feed_links(built, "en") == []
    # Listings and the switcher still lead readers to the fallback page, marked as untranslated.
    en_index = (built / "en" / "index.html").read_text("utf-8")
    assert f'href="{POST_PATH.format(lang="en")}"' in en_index and "(not translated yet)" in en_index
    ko_page = page(built, POST_PATH.format(lang="ko")).read_text("utf-8")
    assert re.search(r'<a href="/en/2021/02/22/tesla-ai-jim-keller/" hreflang="en" lang="en" rel="nofollow">'
                     r'English</a> <small>\(', ko_page)
    # The partial page: a notice in Korean, the untranslated block in Japanese, marked so.
    assert 'class="notice notice--partial"' in ko_page
    assert re.search(r'<p lang="ja">A（Jim Keller）：データが多ければ', ko_page)
    assert validate_site(load_config(site)) == []


def test_feed_is_atom_with_language_and_absolute_urls(site: Path) -> None:
    built = build(site)
    root = ET.parse(built / "ko" / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "ko"
    assert root.findtext(f"{ATOM}id") == f"{BASE}/ko/feed.xml"
    assert root.findtext(f"{ATOM}updated") == "2021-02-22T00:00:00+08:00"
    entry = root.find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}title") == "Tesla의 AI 기술에 대하여"
    assert entry.findtext(f"{ATOM}published") == "2021-02-22T00:00:00Z"
    content = entry.find(f"{ATOM}content")
    assert content is not None and content.get("type") == "html"
    assert content.text and content.text.startswith('<h2 id="jim-kellerさんのinterviewteslaのai技術について">')
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["Tesla", "자율주행(FSD)"]
    for el in root.iter():
        for attr in ("href",):
            if el.get(attr):
                assert el.get(attr, "").startswith("https://"), el.attrib
    link = f'<link rel="alternate" type="application/atom+xml" title="테슬라 뉴스" href="{BASE}/ko/feed.xml">'
    assert link in (built / "ko" / "index.html").read_text("utf-8")


def test_category_pages_have_translated_names_and_the_same_slug_in_every_language(site: Path) -> None:
    built = build(site)
    slug = quote("自動運転fsd")
    for lang, name in (("ja", "自動運転(FSD)"), ("ko", "자율주행(FSD)"), ("en", "Self-Driving (FSD)")):
        path = built / lang / "categories" / "自動運転fsd" / "index.html"
        text = path.read_text("utf-8")
        assert f"<h1>{name}</h1>" in text
        assert f'href="{POST_PATH.format(lang=lang)}"' in text
        h = head(path)
        expected = [(code, f"{BASE}/{code}/categories/{slug}/") for code in ("ja", "ko", "en")]
        assert sorted(h.alternates) == sorted([*expected, ("x-default", f"{BASE}/ja/categories/{slug}/")])
        post = page(built, POST_PATH.format(lang=lang)).read_text("utf-8")
        assert f'<a href="/{lang}/categories/自動運転fsd/">{name}</a>' in post


def test_404_pages_are_localized_and_not_indexed(site: Path) -> None:
    built = build(site)
    for lang, title, text in (("ko", "페이지를 찾을 수 없습니다", "찾으시는 페이지가 없거나 이동되었습니다."),
                              ("ja", "ページが見つかりません", "お探しのページは存在しないか、移動しました。"),
                              ("en", "Page not found", "The page you are looking for does not exist or has moved.")):
        html = (built / lang / "404.html").read_text("utf-8")
        assert f'<html lang="{lang}"' in html and f"<h1>{title}</h1>" in html and text in html
        assert head(built / lang / "404.html").noindex
    root = (built / "404.html").read_text("utf-8")
    assert '<html lang="ja"' in root and all(f'href="/{lang}/"' in root for lang in ("ja", "ko", "en"))


def test_rtl_locale_needs_no_code_change(site: Path) -> None:
    config = site / "site.toml"
    config.write_text(config.read_text("utf-8").replace('"en"]', '"en", "ar"]'), "utf-8")
    built = build(site)
    html = page(built, POST_PATH.format(lang="ar")).read_text("utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    assert '<meta property="og:locale" content="ar_EG">' in html
    date = format_date(dt.date(2021, 2, 22), format="long", locale="ar")
    assert f">{date}</time>" in html and "فبراير" in date
    assert head(page(built, POST_PATH.format(lang="ar"))).noindex  # no Arabic catalog yet: fallback
    ja = head(page(built, POST_PATH.format(lang="ja")))
    assert "ar" not in dict(ja.alternates)
    assert 'lang="ar"' in page(built, POST_PATH.format(lang="ja")).read_text("utf-8")  # in the switcher
    assert validate_site(load_config(site)) == []


def test_head_metadata_open_graph_twitter_and_json_ld(site: Path) -> None:
    built = build(site)
    ko = page(built, POST_PATH.format(lang="ko")).read_text("utf-8")
    for tag in ('<meta property="og:locale" content="ko_KR">', '<meta property="og:locale:alternate" content="ja_JP">',
                '<meta property="og:locale:alternate" content="en_US">', '<meta property="og:type" content="article">',
                f'<meta property="og:url" content="{BASE}/ko/2021/02/22/tesla-ai-jim-keller/">',
                '<meta name="twitter:card" content="summary">',
                '<meta property="og:title" content="Tesla의 AI 기술에 대하여">'):
        assert tag in ko
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', ko, re.S).group(1))  # type: ignore[union-attr]
    assert data["@type"] == "BlogPosting" and data["inLanguage"] == "ko"
    assert data["translationOfWork"] == {"@id": f"{BASE}/ja/2021/02/22/tesla-ai-jim-keller/"}
    assert data["datePublished"] == "2021-02-22T00:00:00Z" and data["dateModified"] == "2021-02-22T00:00:00+08:00"
    ja = page(built, POST_PATH.format(lang="ja")).read_text("utf-8")
    source = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', ja, re.S).group(1))  # type: ignore[union-attr]
    assert source["workTranslation"] == [{"@id": f"{BASE}/ko/2021/02/22/tesla-ai-jim-keller/"},
                                         {"@id": f"{BASE}/en/2021/02/22/tesla-ai-jim-keller/"}]
    assert "ko_KR" not in re.findall(r'hreflang="([^"]+)"', ko)


def test_translation_status_page_shows_bars_and_what_is_left(site: Path, states: Path) -> None:
    html = (states / "translation-status" / "index.html").read_text("utf-8")
    assert head(states / "translation-status" / "index.html").noindex
    assert '<progress max="15" value="14">93%</progress>' in html
    assert '<progress max="15" value="2">13%</progress>' in html
    assert f"<code>locales/ko/LC_MESSAGES/{POST}.po</code>" in html
    assert f"<code>content/_posts/{POST}.md:51</code>" in html  # the one untranslated Korean block
    assert "Disallow: /translation-status/" in (states / "robots.txt").read_text("utf-8")


def test_status_command_prints_bars_and_json_with_character_share(site: Path, states: Path) -> None:
    rows = json.loads(run_cli(site, "status", "--json").stdout)
    ko = next(r for r in rows if r["locale"] == "ko")
    assert (ko["translated"], ko["fuzzy"], ko["untranslated"], ko["total"], ko["status"]) == (14, 0, 1, 15, "partial")
    assert 0.8 < ko["chars_ratio"] < 1 and ko["left"][0]["line"] == 51
    table = run_cli(site, "status").stdout
    assert re.search(r"ko .*█.* 14/15 .*partial", table), table


class _OutsideJapanese(HTMLParser):
    """Text with Japanese characters that is not inside an element marked lang="ja"."""

    VOID: ClassVar[set[str]] = {"meta", "link", "br", "img", "hr", "input", "source", "wbr", "area", "col",
                                "embed", "track"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str | None] = []
        self.found: list[str] = []

    TEXT_ATTRIBUTES: ClassVar[set[str]] = {"alt", "title", "aria-label", "placeholder"}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        lang = dict(attrs).get("lang")
        langs = [x for x in [*self.stack, lang] if x]
        for name, value in attrs:  # what a reader sees or hears of the element itself
            if name in self.TEXT_ATTRIBUTES and value and (not langs or langs[-1] != "ja"):
                self.handle_data(value)
        if tag not in self.VOID:
            self.stack.append(lang)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        langs = [lang for lang in self.stack if lang]
        if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", data) and (not langs or langs[-1] != "ja"):
            self.found.append(data.strip())


def japanese_outside_ja(path: Path) -> list[str]:
    parser = _OutsideJapanese()
    parser.feed(path.read_text("utf-8"))
    return parser.found


def test_pseudo_locale_leaves_no_unextracted_japanese(site: Path) -> None:
    built = build(site, "--pseudo")
    pages = sorted((built / "en-xa").rglob("*.html"))
    assert len(pages) == 5  # the post, the index, two categories, the 404 page
    for path in pages:
        assert japanese_outside_ja(path) == [], path
        h = head(path)
        assert h.noindex and h.alternates == []
    post = page(built, POST_PATH.format(lang="en-xa")).read_text("utf-8")
    assert "⟦Ĵīḿ Ķḗŀŀḗř" in post and '{% include' not in post and 'youtube-nocookie.com/embed/G4hL5Om4IJ4' in post
    assert "en-XA" not in (built / "sitemap.xml").read_text("utf-8")
    assert "en-xa" not in page(built, POST_PATH.format(lang="ko")).read_text("utf-8")
    assert validate_site(load_config(site)) == []
    # A normal build removes the preview again.
    assert not (build(site) / "en-xa").exists()


def test_pseudo_locale_keeps_the_markup_the_gate_protects(site: Path) -> None:
    """Heading ids, footnote references and task boxes stay as they are; an image's title is text."""
    post = site / "content" / "_posts" / "2021-03-01-markup.md"
    post.write_text("---\ntitle: 記号の記事\n---\n\n## 見出し {#intro}\n\n本文に脚注[^note]があります。\n\n"
                    "[^note]: 注の文です。\n\n- [ ] やること\n- [x] 済んだこと\n\n"
                    '段落の画像 ![写真](/img/a.png "写真の題名") です。\n', "utf-8")
    assert run_cli(site, "extract").returncode == 0
    built = build(site, "--pseudo")
    html = page(built, "/en-xa/2021/03/01/markup/")
    assert japanese_outside_ja(html) == []
    text = html.read_text("utf-8")
    assert 'id="intro"' in text and 'href="#fn:note"' in text and text.count('type="checkbox"') == 2
    assert re.search(r'<img alt="[^"]+" src="/img/a.png" title="[^"]+">', text)  # (its Japanese checked above)


def test_pseudo_locale_shows_a_hard_coded_string(site: Path) -> None:
    layouts = site / "layouts"
    layouts.mkdir()
    theme = Path(__file__).resolve().parent.parent / "i18n" / "theme" / "templates" / "404.html"
    hard_coded = theme.read_text("utf-8").replace("{% block content %}", "{% block content %}<p>ごめんなさい</p>")
    (layouts / "404.html").write_text(hard_coded, "utf-8")
    built = build(site, "--pseudo")
    assert japanese_outside_ja(built / "en-xa" / "404.html") == ["ごめんなさい"]


def test_sitemap_is_valid_against_the_sitemaps_schema(site: Path) -> None:
    from lxml import etree

    schemas = Path(__file__).parent / "data" / "schemas"
    schema = etree.XMLSchema(etree.parse(str(schemas / "sitemap.xsd")))
    built = build(site)
    assert schema.validate(etree.parse(str(built / "sitemap.xml"))), schema.error_log
    # The schema does reject what search engines reject: ko_KR is not an hreflang.
    broken = (built / "sitemap.xml").read_bytes().replace(b'hreflang="ko"', b'hreflang="ko_KR"')
    assert not schema.validate(etree.fromstring(broken))
    assert (built / "robots.txt").read_text("utf-8").endswith(f"Sitemap: {BASE}/sitemap.xml\n")


def _sitemap_entries(root: ET.Element) -> dict[str, list[tuple[str | None, str | None]]]:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    return {u.findtext("s:loc", "", ns): sorted((a.get("hreflang"), a.get("href")) for a in u.findall("x:link", ns))
            for u in root.findall("s:url", ns)}


@pytest.mark.parametrize("limit", ["SITEMAP_URLS", "SITEMAP_BYTES"])
def test_a_sitemap_too_large_for_one_file_becomes_an_index_of_parts(site: Path, limit: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Past 50,000 URLs (or about 40 MiB) a sitemap is split, as search engines require; below, one file again."""
    from lxml import etree

    from i18n import pages
    from i18n.site import build as build_site

    schemas = Path(__file__).parent / "data" / "schemas"
    urlset = etree.XMLSchema(etree.parse(str(schemas / "sitemap.xsd")))
    index = etree.XMLSchema(etree.parse(str(schemas / "siteindex.xsd")))
    config = load_config(site)
    build_site(config, jobs=1)
    whole = _sitemap_entries(ET.parse(site / "_site" / "sitemap.xml").getroot())
    assert len(whole) == 13

    post = site / "content" / "_posts" / f"{POST}.md"
    monkeypatch.setattr(pages, limit, 5 if limit == "SITEMAP_URLS" else 2000)  # 5 URLs, or about 2 entries
    post.write_bytes(post.read_bytes() + b"\n")  # an edit: the build plans every page again
    build_site(config, jobs=1)
    built = site / "_site"
    tree = etree.parse(str(built / "sitemap.xml"))
    assert index.validate(tree), index.error_log
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in tree.getroot().iterfind("s:sitemap/s:loc", ns)]
    count = 3 if limit == "SITEMAP_URLS" else len(locs)
    assert count >= 2 and locs == [f"{BASE}/sitemap-{n}.xml" for n in range(1, count + 1)]
    lastmods = [s.findtext("s:lastmod", None, ns) for s in tree.getroot().iterfind("s:sitemap", ns)]
    together: dict[str, list[tuple[str | None, str | None]]] = {}
    for n in range(1, count + 1):
        part = etree.parse(str(built / f"sitemap-{n}.xml"))
        assert urlset.validate(part), urlset.error_log
        entries = _sitemap_entries(ET.parse(built / f"sitemap-{n}.xml").getroot())
        assert not entries.keys() & together.keys()
        if limit == "SITEMAP_URLS":
            assert len(entries) <= 5
        else:  # the planned size of its entries is not less than their real one (+ the urlset element)
            assert (built / f"sitemap-{n}.xml").stat().st_size <= 2000 + 200
        # A part's lastmod is its newest entry's (none when no entry has one: listings).
        newest = max((m.text for m in part.getroot().iter("{*}lastmod")), default=None)
        assert lastmods[n - 1] == newest
        together.update(entries)
    assert together == whole  # every URL, in order, once
    assert (built / "robots.txt").read_text("utf-8").endswith(f"Sitemap: {BASE}/sitemap.xml\n")
    assert validate_site(config) == []
    (built / "sitemap-2.xml").unlink()
    problems = [p.message for p in validate_site(config)]
    assert f"sitemap index lists {BASE}/sitemap-2.xml, which is not a file of the site" in problems
    assert any(m.startswith("indexable page ") and m.endswith(" is missing from the sitemap") for m in problems)

    monkeypatch.undo()  # the site fits one file again: the parts go
    post.write_bytes(post.read_bytes() + b"\n")
    build_site(config, jobs=1)
    assert _sitemap_entries(ET.parse(built / "sitemap.xml").getroot()) == whole
    assert not list(built.glob("sitemap-*.xml"))


def test_site_check_reports_a_sitemap_that_is_not_xml(site: Path) -> None:
    built = build(site)
    (built / "sitemap.xml").write_text("<urlset><url>", "utf-8")
    result = run_cli(site, "check", "--site")
    assert result.returncode == 1
    assert "_site/sitemap.xml:1: error: sitemap.xml is not XML: no element found" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_site_below_a_path_links_everything_below_it(site: Path) -> None:
    config = site / "site.toml"
    config.write_text(config.read_text("utf-8") + 'baseurl = "/blog"\n', "utf-8")
    built = build(site)
    ko = page(built, POST_PATH.format(lang="ko"))  # output files do not move
    html = ko.read_text("utf-8")
    assert f'<link rel="canonical" href="{BASE}/blog/ko/2021/02/22/tesla-ai-jim-keller/">' in html
    assert '<link rel="stylesheet" href="/blog/assets/style.css">' in html
    assert 'href="/blog/en/2021/02/22/tesla-ai-jim-keller/" hreflang="en"' in html
    hrefs = re.findall(r'(?:href|src)="(/[^"]*)"', html + (built / "ko" / "index.html").read_text("utf-8"))
    assert hrefs and all(h.startswith("/blog/") for h in hrefs), hrefs
    assert f"<loc>{BASE}/blog/</loc>" in (built / "sitemap.xml").read_text("utf-8")
    robots = (built / "robots.txt").read_text("utf-8")
    assert "Allow: /blog/\nDisallow: /blog/translation-status/\n" in robots
    assert robots.endswith(f"Sitemap: {BASE}/blog/sitemap.xml\n")
    assert validate_site(load_config(site)) == []


def test_index_pages_paginate_in_every_language(site: Path) -> None:
    config = site / "site.toml"
    config.write_text(config.read_text("utf-8").replace("posts_per_page = 10", "posts_per_page = 1"), "utf-8")
    for n in (1, 2):
        (site / "content" / "_posts" / f"2021-03-0{n}-extra-{n}.md").write_text(
            f"---\ntitle: 追加{n}\n---\n\n本文{n}。\n", "utf-8")
    built = build(site)
    first, second = built / "ko" / "index.html", built / "ko" / "page" / "2" / "index.html"
    assert (built / "ko" / "page" / "3" / "index.html").is_file() and not (built / "ko" / "page" / "4").exists()
    assert '<a rel="next" href="/ko/page/2/">' in first.read_text("utf-8")
    text = second.read_text("utf-8")
    assert '<a rel="prev" href="/ko/">' in text and '<a rel="next" href="/ko/page/3/">' in text
    assert sorted(head(second).alternates) == sorted(
        [(lang, f"{BASE}/{lang}/page/2/") for lang in ("ja", "ko", "en")] + [("x-default", f"{BASE}/ja/page/2/")])
    assert f"{BASE}/ko/page/2/" in sitemap(built)
    assert validate_site(load_config(site)) == []
