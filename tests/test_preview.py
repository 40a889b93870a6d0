"""The live preview's quick rebuild writes exactly the site a clean build writes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import POST, edit_msgstr, snapshot

from i18n.cache import BuildCache
from i18n.config import load_config
from i18n.preview import Session
from i18n.site import build

KO = Path("locales") / "ko" / "LC_MESSAGES" / f"{POST}.po"


def clean_build(site: Path, tmp: Path) -> dict[str, bytes]:
    copy = tmp / "clean"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(".cache", "_site", "._site.*"))
    build(load_config(copy), jobs=1)
    return snapshot(copy / "_site")


@pytest.fixture
def session(site: Path) -> Session:
    session = Session(BuildCache(site, in_memory=True))
    build(load_config(site), jobs=1, session=session)
    return session


def test_a_saved_translation_redoes_only_its_pages(site: Path, session: Session, tmp_path: Path) -> None:
    edit_msgstr(site / KO, "Q（Lex）：はい、GPT-3以降", lambda s: s + " (수정)")
    report = build(load_config(site), jobs=1, session=session)
    # The Korean post page and the Korean feed, which carries the article; counts are unchanged,
    # so the status page is too.
    assert report.quick and (report.rendered, report.written) == (2, 2)
    assert "(수정)" in (site / "_site" / "ko" / "2021/02/22/tesla-ai-jim-keller/index.html").read_text("utf-8")
    assert snapshot(site / "_site") == clean_build(site, tmp_path)
    assert build(load_config(site), jobs=1, session=session).noop


def test_a_title_redoes_the_listings_of_its_language(site: Path, session: Session, tmp_path: Path) -> None:
    edit_msgstr(site / KO, "TeslaのAI技術について", lambda s: s + " (제2판)")  # the title: index, categories, feed
    report = build(load_config(site), jobs=1, session=session)
    assert report.quick and report.rendered > 3
    for page in ("ko/index.html", "ko/feed.xml", "ja/index.html"):
        shown = (site / "_site" / page).read_text("utf-8")
        assert ("(제2판)" in shown) == page.startswith("ko/"), page
    assert snapshot(site / "_site") == clean_build(site, tmp_path)


def test_a_change_of_publish_state_takes_the_full_build(site: Path, session: Session, tmp_path: Path) -> None:
    edit_msgstr(site / KO, "Q（Lex）：はい、GPT-3以降", lambda _s: "")  # translated -> partial: hreflang, sitemap
    report = build(load_config(site), jobs=1, session=session)
    assert not report.quick and report.statuses[(POST, "ko")] == "partial"
    assert snapshot(site / "_site") == clean_build(site, tmp_path)


def test_a_broken_catalog_fails_and_the_fix_is_quick_again(site: Path, session: Session, tmp_path: Path) -> None:
    good = (site / KO).read_text("utf-8")
    (site / KO).write_text(good + '\nmsgid "unterminated\n', "utf-8")
    with pytest.raises(Exception, match="unterminated string"):
        build(load_config(site), jobs=1, session=session)
    (site / KO).write_text(good.replace("(Stack: S/W", "(Stack: S/W!"), "utf-8")
    assert build(load_config(site), jobs=1, session=session).quick
    assert snapshot(site / "_site") == clean_build(site, tmp_path)


EN = Path("locales") / "en" / "LC_MESSAGES" / f"{POST}.po"
KO_PAGE = Path("_site") / "ko" / "2021/02/22/tesla-ai-jim-keller/index.html"
EN_PAGE = Path("_site") / "en" / "2021/02/22/tesla-ai-jim-keller/index.html"


def test_a_same_size_catalog_renamed_over_with_its_old_time_is_seen(site: Path, session: Session,
                                                                     tmp_path: Path) -> None:
    po = site / KO
    old = po.stat()
    text = po.read_text("utf-8")
    assert "はい、GPT-3以降" in text and "(수정)" not in text
    new = site / "locales" / "ko" / "LC_MESSAGES" / ".saving"
    edited = text.replace("Stack: S/W", "Stack: S-W", 1)  # one character for one: the same size
    assert edited != text and len(edited.encode()) == len(text.encode())
    new.write_text(edited, "utf-8")
    os.utime(new, ns=(old.st_atime_ns, old.st_mtime_ns))  # as an editor that keeps the time
    os.replace(new, po)
    assert build(load_config(site), jobs=1, session=session).quick
    assert snapshot(site / "_site") == clean_build(site, tmp_path)


@pytest.fixture
def watched(site: Path) -> Session:
    """A session whose builds a watcher tells what changed, as ``serve``'s: the first build is told nothing."""
    session = Session(BuildCache(site, in_memory=True))
    session.report(None)
    build(load_config(site), jobs=1, session=session)
    assert session.reported == set()
    return session


def rebuild(site: Path, session: Session, *reported: Path | str) -> bool:
    """A session's build after a watcher reported ``reported``; whether it took the quick path."""
    session.report({str(site / p) for p in reported})
    return build(load_config(site), jobs=1, session=session).quick


def test_what_a_failed_rebuild_was_told_is_looked_at_again(site: Path, watched: Session, tmp_path: Path) -> None:
    good = (site / KO).read_text("utf-8")
    (site / KO).write_text(good + '\nmsgid "unterminated\n', "utf-8")
    with pytest.raises(Exception, match="unterminated string"):
        rebuild(site, watched, KO)
    edit_msgstr(site / EN, "Q（Lex）：はい、GPT-3以降", lambda s: s + " (edited)")
    with pytest.raises(Exception, match="unterminated string"):  # the Korean catalog is still broken
        rebuild(site, watched, EN)
    (site / KO).write_text(good, "utf-8")
    assert rebuild(site, watched, KO)
    assert "(edited)" in (site / EN_PAGE).read_text("utf-8")
    assert snapshot(site / "_site") == clean_build(site, tmp_path)


def test_the_files_a_watcher_reports_are_the_ones_looked_at(site: Path, watched: Session, tmp_path: Path) -> None:
    edit_msgstr(site / KO, "Q（Lex）：はい、GPT-3以降", lambda s: s + " (수정)")
    edit_msgstr(site / EN, "Q（Lex）：はい、GPT-3以降", lambda s: s + " (edited)")
    assert rebuild(site, watched, KO)  # the English catalog was not reported: not looked at yet
    assert "(수정)" in (site / KO_PAGE).read_text("utf-8")
    assert "(edited)" not in (site / EN_PAGE).read_text("utf-8")
    assert rebuild(site, watched, EN)
    assert "(edited)" in (site / EN_PAGE).read_text("utf-8")
    assert snapshot(site / "_site") == clean_build(site, tmp_path)


def test_files_that_are_not_inputs_keep_the_quick_path(site: Path, watched: Session, tmp_path: Path) -> None:
    edit_msgstr(site / KO, "Q（Lex）：はい、GPT-3以降", lambda s: s + " (수정)")
    (site / KO).with_suffix(".mo").write_bytes(b"compiled by an editor")  # Poedit writes one on save
    assert rebuild(site, watched, KO, KO.with_suffix(".mo"), KO.with_name(".~saving.po"))  # that one is gone
    assert "(수정)" in (site / KO_PAGE).read_text("utf-8")
    assert snapshot(site / "_site") == clean_build(site, tmp_path)


def test_a_reported_new_post_is_built(site: Path, watched: Session, tmp_path: Path) -> None:
    posts = site / "content" / "_posts"
    new = posts / "2021-03-01-second.md"
    shutil.copy(posts / f"{POST}.md", new)
    assert not rebuild(site, watched, new.relative_to(site))
    assert (site / "_site" / "ja" / "2021/03/01/second/index.html").is_file()
    assert snapshot(site / "_site") == clean_build(site, tmp_path)


def test_a_reported_folder_of_posts_that_went_is_looked_at(site: Path, watched: Session, tmp_path: Path) -> None:
    posts = site / "content" / "_posts"
    (posts / "old").mkdir()
    shutil.copy(posts / f"{POST}.md", posts / "old" / "2020-05-01-moved.md")
    assert not rebuild(site, watched, posts / "old", posts / "old" / "2020-05-01-moved.md")
    assert (site / "_site" / "ja" / "2020/05/01/moved/index.html").is_file()
    shutil.move(posts / "old", tmp_path / "elsewhere")  # one event for the folder, none for the post in it
    assert not rebuild(site, watched, posts / "old")
    assert not (site / "_site" / "ja" / "2020/05/01/moved/index.html").exists()
    assert snapshot(site / "_site") == clean_build(site, tmp_path)


def test_what_quick_rebuilds_keep_in_memory_reaches_the_cache_when_saved(site: Path, watched: Session,
                                                                       tmp_path: Path) -> None:
    edit_msgstr(site / KO, "Q（Lex）：はい、GPT-3以降", lambda s: s + " (수정)")
    assert rebuild(site, watched, KO)
    assert watched.unsaved
    # A build in another process before the state is saved starts from the older state: it
    # renders the pages again, and finds them as the quick rebuild wrote them.
    other = build(load_config(site), jobs=1)
    assert not other.noop and other.written == 0
    edit_msgstr(site / KO, "Q（Lex）：はい、GPT-3以降", lambda s: s + " (2)")
    assert rebuild(site, watched, KO)
    watched.save()
    watched.cache.close()
    assert not watched.unsaved
    assert build(load_config(site), jobs=1).noop  # the saved state is the site as it is
    assert snapshot(site / "_site") == clean_build(site, tmp_path)
