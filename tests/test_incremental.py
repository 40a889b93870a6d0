"""An incremental build always produces exactly the site a clean build produces.

Hypothesis draws sequences of edits a site really sees (a source paragraph, a translation, a UI
string, a layout, an include, the configuration, a post added or deleted); after each edit the
site is rebuilt incrementally (warm ``.cache/``, previous ``_site/``) and compared, byte for byte,
with a clean build of a fresh copy of the same inputs.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import POST, ROOT, edit_msgstr, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from i18n.config import load_config
from i18n.site import build

INPUTS = ("site.toml", "content", "locales", "layouts")


def _post_text(n: int, category: str, link: bool) -> str:
    return (f"---\ntitle: 追加の記事{n}\ncategories:\n - {category}\nrelated: true\nread_time: true\n---\n\n"
            f"## 見出し{n}\n\n本文{n}です。テスラの話。\n\n- 項目{n}\n\n"
            + (f"[前の記事]({{% post_url {POST} %}})\n" if link else ""))


def _edit_source(root: Path, n: int) -> None:
    post = root / "content" / "_posts" / f"{POST}.md"
    if post.exists():
        text = post.read_text("utf-8").replace("エキサイティングな話です。", f"エキサイティングな話です{n}。")
        post.write_text(text, "utf-8")


def _edit_catalog(root: Path, n: int) -> None:
    po = root / "locales" / ("ko" if n % 2 else "en") / "LC_MESSAGES" / f"{POST}.po"
    if po.exists():
        edit_msgstr(po, "Q（Lex）：はい、GPT-3以降", lambda s: "" if n % 3 == 0 else s + f" ({n})")


def _edit_ui(root: Path, n: int) -> None:
    edit_msgstr(root / "locales" / "ko" / "LC_MESSAGES" / "site.po", "Related posts", lambda _s: f"관련 글 {n}")


def _edit_layout(root: Path, n: int) -> None:
    layouts = root / "layouts"
    layouts.mkdir(exist_ok=True)
    theme = ROOT / "i18n" / "theme" / "templates" / "post.html"
    (layouts / "post.html").write_text(theme.read_text("utf-8").replace(
        '<div class="post-content">', f'<div class="post-content" data-edit="{n}">'), "utf-8")


def _edit_include(root: Path, n: int) -> None:
    include = root / "content" / "_includes" / "youtubePlayer.html"
    include.write_text(include.read_text("utf-8").replace("loading=", f'data-n="{n}" loading='), "utf-8")


def _edit_config(root: Path, n: int) -> None:
    config = root / "site.toml"
    lines = [line for line in config.read_text("utf-8").splitlines() if not line.startswith("posts_per_page")]
    lines.insert(1, f"posts_per_page = {1 + n % 3}")
    config.write_text("\n".join(lines) + "\n", "utf-8")


def _edit_date(root: Path, n: int) -> None:
    """Move the example post to another day: its URL changes, and so do the links to it."""
    post = root / "content" / "_posts" / f"{POST}.md"
    if post.exists():
        lines = [line for line in post.read_text("utf-8").split("\n") if not line.startswith("date:")]
        lines.insert(1, f"date: 2021-03-{1 + n % 28:02d}")
        post.write_text("\n".join(lines), "utf-8")


def _add_post(root: Path, n: int) -> None:
    posts = root / "content" / "_posts"
    (posts / f"2022-0{1 + n % 9}-1{n % 10}-added-{n}.md").write_text(
        _post_text(n, "Tesla" if n % 2 else "料理", (posts / f"{POST}.md").exists()), "utf-8")


def _delete_post(root: Path, n: int) -> None:
    posts = sorted((root / "content" / "_posts").glob("*.md"))
    if len(posts) > 1:
        gone = posts[n % len(posts)]
        gone.unlink()
        for post in posts:  # and the links to it, as its author would (a post_url to no post is an error)
            if post != gone:
                post.write_text(post.read_text("utf-8").replace(f"{{% post_url {gone.stem} %}}", "/"), "utf-8")


def _set_front_matter(post: Path, key: str, value: str | None) -> None:
    lines = [line for line in post.read_text("utf-8").split("\n") if not line.startswith(f"{key}:")]
    if value is not None:
        lines.insert(1, f"{key}: {value}")
    post.write_text("\n".join(lines), "utf-8")


def _edit_permalink(root: Path, n: int) -> None:
    """Give the example post a permalink of its own (or take it away): its links move with it."""
    post = root / "content" / "_posts" / f"{POST}.md"
    if post.exists():
        _set_front_matter(post, "permalink", None if n % 3 == 0 else f"/tesla/{n % 2}/")


def _toggle_published(root: Path, n: int) -> None:
    """``published: false`` on another post, or back: it leaves the site, or comes back."""
    posts = sorted(p for p in (root / "content" / "_posts").glob("*.md") if p.stem != POST)
    if posts:
        post = posts[n % len(posts)]
        _set_front_matter(post, "published", None if "published: false" in post.read_text("utf-8") else "false")


EDITS = [_edit_source, _edit_catalog, _edit_ui, _edit_layout, _edit_include, _edit_config, _edit_date, _add_post,
         _delete_post, _edit_permalink, _toggle_published]


def _copy_inputs(src: Path, dest: Path) -> None:
    dest.mkdir(parents=True)
    for name in INPUTS:
        if (src / name).is_dir():
            shutil.copytree(src / name, dest / name)
        elif (src / name).is_file():
            shutil.copy(src / name, dest / name)


def _build(root: Path, jobs: int) -> dict[str, bytes]:
    build(load_config(root), jobs=jobs)
    return snapshot(root / "_site")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # fork() in a multi-threaded test process
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 50)), min_size=1, max_size=5),
       st.sampled_from([1, 2]))
def test_incremental_build_equals_clean_build(tmp_path_factory: pytest.TempPathFactory,
                                              edits: list[tuple[object, int]], jobs: int) -> None:
    work = tmp_path_factory.mktemp("incremental")
    site = _example_with_posts(work / "site", jobs)
    for step, (edit, n) in enumerate(edits):
        edit(site, n)  # type: ignore[operator]
        incremental = _build(site, jobs)
        clean = work / f"clean{step}"
        _copy_inputs(site, clean)
        assert incremental == _build(clean, 1), f"after {[(e.__name__, n) for e, n in edits[:step + 1]]}"  # type: ignore[attr-defined]


def _example_with_posts(site: Path, jobs: int) -> Path:
    """The example site and three more posts, built."""
    _copy_inputs(ROOT, site)
    for n in range(3):
        _add_post(site, 100 + n)
    _build(site, jobs)
    return site


def _clean_copy(site: Path, dest: Path) -> dict[str, bytes]:
    _copy_inputs(site, dest)
    return _build(dest, 1)


def test_a_post_moved_to_another_day_moves_the_links_of_other_posts_to_it(tmp_path: Path) -> None:
    """``{% post_url %}`` in one post gives another's URL, made of that post's date and slug."""
    site = _example_with_posts(tmp_path / "site", jobs=1)
    _edit_date(site, 4)
    _build(site, 1)
    linking = next((site / "_site" / "en").glob("2022/*/*/added-*/index.html")).read_text("utf-8")
    assert "/en/2021/03/05/tesla-ai-jim-keller/" in linking
    assert snapshot(site / "_site") == _clean_copy(site, tmp_path / "clean")


def test_a_translation_edit_renders_only_the_pages_that_show_it(tmp_path: Path) -> None:
    """From the command line too: its post page and its feed, not every page of the site."""
    site = _example_with_posts(tmp_path / "site", jobs=1)
    po = site / "locales" / "ko" / "LC_MESSAGES" / f"{POST}.po"
    edit_msgstr(po, "Q（Lex）：はい、GPT-3以降", lambda s: s + " (수정)")
    report = build(load_config(site), jobs=1)
    # The Korean post page and feed, which carries the article; counts are unchanged, so the status page too.
    assert (report.rendered, report.written) == (2, 2)
    assert "(수정)" in (site / "_site" / "ko" / "2021/02/22/tesla-ai-jim-keller/index.html").read_text("utf-8")
    assert snapshot(site / "_site") == _clean_copy(site, tmp_path / "clean1")

    edit_msgstr(po, "TeslaのAI技術について", lambda s: s + " 2")  # a title: listings and related posts show it
    report = build(load_config(site), jobs=1)
    assert report.rendered > 2  # beside the post page and the feed: the index, the category page, ...
    assert snapshot(site / "_site") == _clean_copy(site, tmp_path / "clean2")

    edit_msgstr(po, "Q（Lex）：はい、GPT-3以降", lambda _s: "")  # untranslated: counts and maybe the state change
    report = build(load_config(site), jobs=1)
    assert snapshot(site / "_site") == _clean_copy(site, tmp_path / "clean3")


def test_a_title_edit_renders_again_the_listing_pages_that_list_it(tmp_path: Path) -> None:
    """One post a page: the edited title is on one index page and one page of each of its terms only."""
    site = tmp_path / "site"
    _copy_inputs(ROOT, site)
    for n in range(5):
        _add_post(site, 200 + n)
    _edit_config(site, 0)  # posts_per_page = 1
    _build(site, 1)
    po = site / "locales" / "ko" / "LC_MESSAGES" / f"{POST}.po"
    edit_msgstr(po, "TeslaのAI技術について", lambda s: s + " 새 제목")
    report = build(load_config(site), jobs=1)
    listed = [p for p in (site / "_site" / "ko").rglob("index.html") if "새 제목" in p.read_text("utf-8")]
    ko = site / "_site" / "ko"
    assert len([p for p in listed if p.parent == ko or p.parent.parent == ko / "page"]) == 1  # one index page
    assert report.rendered < len(list((site / "_site" / "ko").rglob("index.html")))
    assert snapshot(site / "_site") == _clean_copy(site, tmp_path / "clean")


def test_a_post_layout_edit_plans_no_other_page_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Listings, feeds and the status page are kept as the last build planned them, until their inputs change."""
    from i18n import pages

    site = _example_with_posts(tmp_path / "site", jobs=1)
    calls: list[int] = []
    other_pages = pages.other_pages

    def counted(model: object) -> object:
        calls.append(1)
        return other_pages(model)  # type: ignore[arg-type]

    hashed: list[int] = []  # the sitemap's entries, made again and hashed for its key
    sitemap_parts = pages.sitemap_parts

    def counted_parts(model: object, others: object) -> object:
        hashed.append(1)
        return sitemap_parts(model, others)  # type: ignore[arg-type]

    monkeypatch.setattr(pages, "other_pages", counted)
    monkeypatch.setattr(pages, "sitemap_parts", counted_parts)
    _edit_layout(site, 1)
    build(load_config(site), jobs=1)
    assert calls == [] and hashed == []  # (the clean builds below count too)
    assert snapshot(site / "_site") == _clean_copy(site, tmp_path / "clean1")
    (site / "_site" / "ko" / "index.html").unlink()  # a page not in place: planned again, and made
    _edit_layout(site, 2)
    calls.clear()
    hashed.clear()
    build(load_config(site), jobs=1)
    assert calls == [1] and hashed == []  # the model is the same: so is the sitemap's key
    assert snapshot(site / "_site") == _clean_copy(site, tmp_path / "clean2")
    edit_msgstr(site / "locales" / "ko" / "LC_MESSAGES" / "site.po", "Related posts", lambda _s: "관련")
    _edit_layout(site, 3)  # with another input: planned again
    calls.clear()
    hashed.clear()
    build(load_config(site), jobs=1)
    assert calls == [1] and hashed == [1]
    assert snapshot(site / "_site") == _clean_copy(site, tmp_path / "clean3")


def test_a_new_process_parses_no_layout_while_the_layouts_are_as_they_were(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Which layouts each layout uses is kept with the inputs, and found again once one changes."""
    from i18n import inputs

    site = _example_with_posts(tmp_path / "site", jobs=1)
    parsed: list[str] = []
    layouts_of = inputs._layouts_of

    def counted(templates: dict[str, tuple[str, str]], name: str, references: dict[Any, Any]) -> str:
        parsed.append(name)
        return layouts_of(templates, name, references)

    def rebuild() -> int:
        parsed.clear()
        return build(load_config(site), jobs=1).rendered

    monkeypatch.setattr(inputs, "_layouts_of", counted)
    edit_msgstr(site / "locales" / "ko" / "LC_MESSAGES" / f"{POST}.po", "Q（Lex）：はい、GPT-3以降",
                lambda s: s + " (수정)")
    assert rebuild() == 2 and parsed == []
    theme = ROOT / "i18n" / "theme" / "templates" / "post.html"
    (site / "layouts").mkdir(exist_ok=True)
    (site / "layouts" / "post.html").write_text(theme.read_text("utf-8").replace(
        '<div class="post-content">', '{% include "note.html" %}<div class="post-content">'), "utf-8")
    (site / "layouts" / "note.html").write_text("<p>note 1</p>", "utf-8")
    rebuild()
    assert "post.html" in parsed
    (site / "layouts" / "note.html").write_text("<p>note 2</p>", "utf-8")
    post_pages = list((site / "_site").glob("*/20*/*/*/*/index.html"))
    assert rebuild() == len(post_pages)
    assert all("<p>note 2</p>" in page.read_text("utf-8") for page in post_pages)
    assert snapshot(site / "_site") == _clean_copy(site, tmp_path / "clean")


def test_a_layout_edit_parses_that_layout_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What each layout names is kept with the inputs: the build after an edit of one parses that one;
    without the cache, each layout once (not once per layout that uses it)."""
    from jinja2 import meta

    site = _example_with_posts(tmp_path / "site", jobs=1)
    parsed: list[str] = []
    find = meta.find_referenced_templates

    def counted(ast: object) -> object:
        found = list(find(ast))  # type: ignore[arg-type]
        parsed.append(",".join(str(name) for name in found))
        return found

    monkeypatch.setattr(meta, "find_referenced_templates", counted)
    _edit_layout(site, 1)  # layouts/post.html, which extends base.html
    build(load_config(site), jobs=1)
    assert parsed == ["base.html"]
    assert snapshot(site / "_site") == _clean_copy(site, tmp_path / "clean")
    parsed.clear()
    shutil.rmtree(site / ".cache")
    _edit_layout(site, 2)
    build(load_config(site), jobs=1)
    assert 0 < len(parsed) <= len(list((ROOT / "i18n" / "theme" / "templates").iterdir()))


def test_a_layout_edit_renders_only_the_pages_made_with_it(tmp_path: Path) -> None:
    """A page depends on its layout and the layouts that one uses, not on every layout."""
    site = _example_with_posts(tmp_path / "site", jobs=1)
    post_pages = len(list((site / "_site").glob("*/20*/*/*/*/index.html")))
    _edit_layout(site, 1)  # layouts/post.html, which extends the theme's base.html
    report = build(load_config(site), jobs=1)
    assert report.rendered == post_pages and post_pages == 4 * 3
    assert snapshot(site / "_site") == _clean_copy(site, tmp_path / "clean1")
    theme_base = ROOT / "i18n" / "theme" / "templates" / "base.html"
    (site / "layouts" / "base.html").write_text(theme_base.read_text("utf-8").replace("<body", "<body data-b"), "utf-8")
    report = build(load_config(site), jobs=1)  # every page extends base.html
    assert report.rendered > post_pages
    assert snapshot(site / "_site") == _clean_copy(site, tmp_path / "clean2")
