"""The build cache: one SQLite file, written by the main process only, never a reason for a build to fail."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import EXTRA_POSTS, POST, edit_msgstr, run_cli, snapshot

from i18n import articles
from i18n import site as site_module
from i18n.cache import CACHE_DIR, DATABASE, BuildCache
from i18n.config import load_config
from i18n.site import BuildReport, build

ROOT = Path(__file__).resolve().parent.parent
LOCALES = 3

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # fork() in a multi-threaded test process


def _database(root: Path) -> Path:
    return root / CACHE_DIR / DATABASE


def _entries(root: Path, kind: str) -> set[str]:
    with sqlite3.connect(_database(root)) as db:
        return {key for (key,) in db.execute("SELECT key FROM entries WHERE kind = ?", (kind,))}


def _clean(root: Path, tmp: Path) -> dict[str, bytes]:
    """The site a cold build of a copy of ``root``'s inputs writes."""
    copy = tmp / "clean"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(CACHE_DIR, "_site", "._site.*"))
    build(load_config(copy), jobs=1)
    return snapshot(copy / "_site")


def _no_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make rendering an article fail (in this process and in the workers it forks)."""
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an article was rendered again")

    monkeypatch.setattr(articles, "make_article", refuse)


def _edit_layout(root: Path, n: int) -> None:
    layouts = root / "layouts"
    layouts.mkdir(exist_ok=True)
    theme = (ROOT / "i18n" / "theme" / "templates" / "post.html").read_text("utf-8")
    (layouts / "post.html").write_text(theme.replace('<div class="post-content">',
                                                     f'<div class="post-content" data-edit="{n}">'), "utf-8")


def test_a_parallel_build_keeps_every_article_in_one_database(many: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "rendered"
    make_article = articles.make_article

    def logged(*args: Any, **kwargs: Any) -> Any:
        with log.open("a") as f:  # one short append per call, from whichever process
            f.write(f"{os.getpid()}\n")
        return make_article(*args, **kwargs)

    monkeypatch.setattr(articles, "make_article", logged)
    report = build(load_config(many), jobs=2)
    posts = EXTRA_POSTS + 1
    # Each article rendered once, in the workers; the pages read them from what the main process committed.
    pids = log.read_text().split()
    assert len(pids) == posts * LOCALES
    assert str(os.getpid()) not in pids
    assert len(report.statuses) == posts * LOCALES
    cache = many / CACHE_DIR
    assert sorted(p.name for p in cache.iterdir()) == [DATABASE, "jinja"]  # closed: no -wal or -shm left
    # Rendered by workers, stored by the main process: each (post, language) once.
    assert len(_entries(many, "article")) == posts * LOCALES
    assert len(_entries(many, "liquid")) == LOCALES  # the example post's include, in each language
    assert _entries(many, "state") == {"cldr", "inputs", "last-build", "manifest", "others",
                                       *(f"index-{n}" for n in range(site_module.INDEX_SHARDS))}


def test_a_layout_edit_reads_every_article_from_the_database(many: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    build(load_config(many), jobs=2)
    _edit_layout(many, 1)
    _no_rendering(monkeypatch)
    report = build(load_config(many), jobs=2)
    assert report.rendered >= (EXTRA_POSTS + 1) * LOCALES  # every post page, read back by the workers
    page = many / "_site" / "ko" / "2021/02/22/tesla-ai-jim-keller/index.html"
    assert 'data-edit="1"' in page.read_text("utf-8")
    monkeypatch.undo()
    assert snapshot(many / "_site") == _clean(many, tmp_path)


@pytest.mark.parametrize("damage", ["garbage", "torn", "empty", "directory"])
def test_a_damaged_database_gives_the_right_site(site: Path, tmp_path: Path, damage: str) -> None:
    assert run_cli(site, "build").returncode == 0
    database = _database(site)
    data = database.read_bytes()
    assert len(data) > 8192
    database.unlink()
    if damage == "garbage":
        database.write_bytes(bytes(range(256)) * 64)
    elif damage == "torn":
        database.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        database.write_bytes(b"")
    else:
        database.mkdir()  # cannot be opened, nor deleted: the build goes without
    _edit_layout(site, 1)  # pages read their articles back
    result = run_cli(site, "build")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and result.stderr == ""
    assert snapshot(site / "_site") == _clean(site, tmp_path)
    if damage != "directory":  # made again, with this build's entries
        assert len(_entries(site, "article")) == LOCALES


def test_deleting_the_cache_between_builds_is_safe(many: Path, tmp_path: Path) -> None:
    build(load_config(many), jobs=2)
    shutil.rmtree(many / CACHE_DIR)
    _edit_layout(many, 2)
    build(load_config(many), jobs=2)
    assert snapshot(many / "_site") == _clean(many, tmp_path)


def test_a_cache_deleted_during_a_build_still_gives_every_article(many: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    build(load_config(many), jobs=2)
    _edit_layout(many, 3)
    render_pages: Callable[..., Any] = site_module._render_pages

    def delete_then_render(*args: Any) -> Any:
        shutil.rmtree(many / CACHE_DIR)  # the workers about to read the articles find no database
        return render_pages(*args)

    monkeypatch.setattr(site_module, "_render_pages", delete_then_render)
    build(load_config(many), jobs=2)
    monkeypatch.undo()
    assert snapshot(many / "_site") == _clean(many, tmp_path)


def test_unused_entries_are_pruned(site: Path) -> None:
    report = build(load_config(site))
    before = _entries(site, "article")
    assert len(before) == LOCALES
    edit_msgstr(site / "locales" / "ko" / "LC_MESSAGES" / f"{POST}.po", "Q（Lex）：はい、GPT-3以降",
                lambda s: s + " (수정)")
    report = build(load_config(site))
    after = _entries(site, "article")
    assert len(after) == LOCALES and len(before & after) == LOCALES - 1  # the old Korean article is gone
    assert report.rendered > 0
    (site / "content" / "_posts" / f"{POST}.md").unlink()
    build(load_config(site))
    assert _entries(site, "article") == set()


def test_the_files_of_an_earlier_cache_are_removed(site: Path) -> None:
    for kind in ("article", "state", "update"):
        (site / CACHE_DIR / kind).mkdir(parents=True)
        (site / CACHE_DIR / kind / "0123abcd.pickle").write_bytes(b"old")
    report = build(load_config(site))
    assert not report.noop
    assert sorted(p.name for p in (site / CACHE_DIR).iterdir()) == [DATABASE, "jinja"]


def test_a_build_with_nothing_to_do_reads_the_database(site: Path) -> None:
    build(load_config(site))
    report: BuildReport = build(load_config(site))
    assert report.noop


# -- the cache itself ---------------------------------------------------------------------------

def _child_reads(cache: BuildCache, conn: Any) -> None:
    """In a forked process: read an entry, try to write one, report what was seen."""
    seen = cache.get("article", "a"), cache.get("article", "pending"), cache.has("article", "a")
    cache.put("article", "from-child", "x")
    cache.commit()
    conn.send(seen)
    conn.close()


def test_forked_readers_see_what_was_committed_and_never_write(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    cache.put("article", "a", "<p>a</p>")
    cache.commit()
    cache.put("article", "pending", "<p>b</p>")  # not committed when the child starts
    ctx = multiprocessing.get_context("fork")
    parent_end, child_end = ctx.Pipe()
    child = ctx.Process(target=_child_reads, args=(cache, child_end))
    child.start()
    assert parent_end.recv() == ("<p>a</p>", None, True)
    child.join()
    assert child.exitcode == 0
    # The parent's connection, which the child inherited, still works and still writes.
    assert cache.get("article", "pending") == "<p>b</p>"
    cache.put("article", "c", "<p>c</p>")
    cache.close()
    assert _entries(tmp_path, "article") == {"a", "pending", "c"}


def test_a_database_of_the_earlier_schema_is_emptied_and_made_again(tmp_path: Path) -> None:
    """A cache an earlier version left (a table without rowid, schema 1) is not read: it starts empty."""
    path = tmp_path / CACHE_DIR / DATABASE
    path.parent.mkdir()
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE entries (kind TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, "
               "PRIMARY KEY (kind, key)) WITHOUT ROWID")
    db.execute("INSERT INTO entries VALUES ('article', 'a', x'80')")
    db.execute("PRAGMA user_version=1")
    db.commit()
    db.close()
    cache = BuildCache(tmp_path)
    assert cache.get("article", "a") is None
    cache.put("article", "b", "html")
    cache.close()
    assert _entries(tmp_path, "article") == {"b"}
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchall() == [(2,)]
    assert "WITHOUT ROWID" not in db.execute("SELECT sql FROM sqlite_master WHERE name = 'entries'").fetchall()[0][0]
    db.close()


def test_prune_deletes_only_unused_entries_of_the_given_kinds(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    for key in ("a", "b", "c"):
        cache.put("article", key, key)
    cache.put("update", "u", [1])
    cache.close()
    cache = BuildCache(tmp_path)
    assert cache.get("article", "a") == "a"
    cache.mark_used("article", "b")
    cache.prune(("article",))
    assert _entries(tmp_path, "article") == {"a", "b"}
    assert _entries(tmp_path, "update") == {"u"}
    cache.prune(("article", "update"))  # nothing used since the last prune
    assert _entries(tmp_path, "article") == _entries(tmp_path, "update") == set()
    cache.close()


def test_a_cache_that_is_not_persistent_writes_nothing(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path, persistent=False)
    cache.put("article", "a", "x")
    assert cache.get("article", "a") == "x" and cache.has("article", "a")
    cache.prune(("article",))
    assert cache.has("article", "a")  # put since the cache was made
    cache.prune(("article",))
    assert not cache.has("article", "a")
    cache.close()
    assert not (tmp_path / CACHE_DIR).exists()


def test_a_database_in_use_by_another_writer_is_waited_for_then_gone_without(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    first = BuildCache(tmp_path)
    first.put("article", "a", "x")  # holds the write lock until committed
    monkeypatch.setattr("i18n.cache.BUSY_TIMEOUT", 0.1)
    second = BuildCache(tmp_path)
    second.put("article", "b", "y")
    assert second.get("article", "b") == "y"  # kept in memory for its own build
    second.close()
    first.close()
    assert _entries(tmp_path, "article") == {"a"}  # in use, not damaged: not deleted
    assert os.path.isfile(_database(tmp_path))


def test_the_quick_check_is_spared_only_for_a_file_whose_header_vouches_for_it(site: Path, tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from i18n import cache as cache_module

    build(load_config(site), jobs=1)
    database = _database(site)
    checks: list[bool] = []
    prepare = BuildCache._prepare

    def spy(db: sqlite3.Connection, check: bool = True) -> bool:
        checks.append(check)
        return prepare(db, check)

    monkeypatch.setattr(BuildCache, "_prepare", staticmethod(spy))
    monkeypatch.setattr(cache_module, "_CHECKED", set())  # as in a new process
    assert cache_module._whole(database)
    BuildCache(site).get("state", "manifest")
    assert checks == [False]

    data = database.read_bytes()
    cut, grown = tmp_path / "cut.sqlite", tmp_path / "grown.sqlite"
    cut.write_bytes(data[:-4096])  # one page short, at a page boundary
    grown.write_bytes(data + bytes(4096))
    assert not cache_module._whole(cut) and not cache_module._whole(grown)
    (tmp_path / "grown.sqlite-wal").write_bytes(b"x")
    grown.write_bytes(data)
    assert not cache_module._whole(grown)  # a write-ahead log may hold pages the file lacks

    database.write_bytes(data[:-4096])
    monkeypatch.setattr(cache_module, "_CHECKED", set())
    assert build(load_config(site), jobs=1).pages
    assert checks[1] is True
    monkeypatch.undo()
    assert snapshot(site / "_site") == _clean(site, tmp_path)


def test_the_index_pickles_back_to_equal_objects(site: Path) -> None:
    import pickle

    from i18n.inputs import scan

    build(load_config(site), jobs=1)
    cache = BuildCache(site)
    try:
        index, inputs = site_module.merged_index(site_module.read_index(cache)), cache.get("state", "inputs")
    finally:
        cache.close()
    import dataclasses

    from i18n.model import Left

    assert index is not None
    version = next(iter(index["version"].values()))
    index["version"]["x"] = dataclasses.replace(version, left=(Left(3, "本文", "fuzzy"),))
    assert index["info"] and pickle.loads(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)) == index
    assert pickle.loads(pickle.dumps(inputs)) == inputs == scan(load_config(site), load_config(site).locales)


_NEW_PROCESS_BUILD = """
import sys
from pathlib import Path
import babel.localedata
loaded = []
load = babel.localedata.load
babel.localedata.load = lambda name, *args: loaded.append(name) or load(name, *args)
from i18n.config import load_config
from i18n.site import build
report = build(load_config(Path(sys.argv[1])), jobs=2)
print(report.rendered, "liquid" in sys.modules, ",".join(sorted(set(loaded) - {"root"})))
"""


def _build_in_a_new_process(root: Path) -> tuple[int, bool]:
    """Build ``root`` from the command line's start: (pages rendered, whether Liquid was loaded)."""
    rendered, liquid, _locales = _build_in_a_new_process_seeing(root)
    return rendered, liquid


def _build_in_a_new_process_seeing(root: Path) -> tuple[int, bool, str]:
    """(pages rendered, whether Liquid was loaded, the languages whose CLDR data was read)."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", _NEW_PROCESS_BUILD, str(root)], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    rendered, liquid, *locales = result.stdout.split()
    return int(rendered), liquid == "True", "".join(locales)


def test_a_rebuild_writes_again_only_the_index_entries_it_changed(many: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A translation edit writes the entry of its post, a layout edit none; the next build reads them back."""
    build(load_config(many), jobs=1)
    written: list[str] = []
    put = BuildCache.put

    def logged(self: BuildCache, kind: str, key: str, value: Any, *, disk: bool = True) -> None:
        if kind == "state" and key.startswith("index-"):
            written.append(key)
        put(self, kind, key, value, disk=disk)

    monkeypatch.setattr(BuildCache, "put", logged)
    edit_msgstr(many / "locales" / "ko" / "LC_MESSAGES" / f"{POST}.po", "Q（Lex）：はい、GPT-3以降",
                lambda s: s + " (수정)")
    build(load_config(many), jobs=1)
    assert written == [f"index-{site_module._shard(POST)}"]
    written.clear()
    _no_rendering(monkeypatch)  # every version, the edited one too, is read back from the index
    _edit_layout(many, 1)
    assert build(load_config(many), jobs=1).rendered > 0
    assert written == []
    monkeypatch.undo()
    assert snapshot(many / "_site") == _clean(many, tmp_path)


def test_a_layout_edit_renders_pages_without_liquid(many: Path, tmp_path: Path) -> None:
    """No article is rendered again: Liquid, and what its Jekyll tags know of the site, are not made."""
    build(load_config(many), jobs=2)
    _edit_layout(many, 4)
    rendered, liquid = _build_in_a_new_process(many)
    assert rendered >= (EXTRA_POSTS + 1) * LOCALES and not liquid
    assert snapshot(many / "_site") == _clean(many, tmp_path)


def test_a_translation_edited_outside_liquid_tags_renders_without_liquid(many: Path, tmp_path: Path) -> None:
    """What Liquid made of an article is kept by what it read: the text from its first tag to its last,
    and what its tags see of the page and the site (the page's title here)."""
    build(load_config(many), jobs=2)  # the example's articles are rendered by workers, and kept by this process
    po = many / "locales" / "ko" / "LC_MESSAGES" / f"{POST}.po"
    edit_msgstr(po, "Q（Lex）：はい、GPT-3以降", lambda s: s + " (수정)")  # a paragraph after the include
    assert _build_in_a_new_process(many) == (2, False)
    assert snapshot(many / "_site") == _clean(many, tmp_path / "1")
    edit_msgstr(po, "TeslaのAI技術について", lambda s: s + " 2")  # the title, which the include may show
    assert _build_in_a_new_process(many)[1]
    assert snapshot(many / "_site") == _clean(many, tmp_path / "2")


def test_the_names_of_the_languages_are_kept_for_the_next_build(site: Path) -> None:
    """A Korean page's language switcher names every language in itself: the build that renders
    only Korean pages reads no other language's CLDR data for it."""
    build(load_config(site), jobs=1)
    edit_msgstr(site / "locales" / "ko" / "LC_MESSAGES" / f"{POST}.po", "Q（Lex）：はい、GPT-3以降",
                lambda s: s + " (수정)")
    rendered, _liquid, locales = _build_in_a_new_process_seeing(site)
    assert rendered == 2 and locales == "ko"
    page = (site / "_site" / "ko" / "2021" / "02" / "22" / "tesla-ai-jim-keller" / "index.html").read_text("utf-8")
    assert "(수정)" in page and all(name in page for name in ("日本語", "한국어", "English"))


def test_site_po_is_read_again_only_when_its_bytes_change(site: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from i18n import catalogs

    build(load_config(site), jobs=1)
    reads: list[str] = []
    read_catalog = catalogs.read_catalog

    def counted(path: Path, *args: Any, **kwargs: Any) -> Any:
        reads.append(path.name)
        return read_catalog(path, *args, **kwargs)

    monkeypatch.setattr(catalogs, "read_catalog", counted)
    edit_msgstr(site / "locales" / "ko" / "LC_MESSAGES" / f"{POST}.po", "", lambda s: s + "。")
    build(load_config(site), jobs=1)
    assert "site.po" not in reads  # kept in the cache by its bytes
    edit_msgstr(site / "locales" / "ko" / "LC_MESSAGES" / "site.po", "Feed", lambda _s: "새 피드")
    build(load_config(site), jobs=1)
    assert reads.count("site.po") == 1  # the Korean one, changed
    page = (site / "_site" / "ko" / "2021/02/22/tesla-ai-jim-keller/index.html").read_text("utf-8")
    assert ">새 피드</a>" in page
    monkeypatch.undo()
    assert snapshot(site / "_site") == _clean(site, tmp_path)


def test_the_keys_of_a_kind_are_those_stored_and_those_held_in_memory(tmp_path: Path) -> None:
    first = BuildCache(tmp_path)
    first.put("update", "a", [1])
    first.put("update", "b", [2])
    first.put("article", "c", "<p>x</p>")
    first.close()
    again = BuildCache(tmp_path)
    assert again.keys("update") == {"a", "b"}
    again.put("update", "d", [3])
    assert again.keys("update") == {"a", "b", "d"}
    assert again.keys("version") == frozenset()
    again.close()
    (tmp_path / CACHE_DIR / DATABASE).write_bytes(b"not a database")  # damaged: made anew, empty
    damaged = BuildCache(tmp_path)
    assert damaged.keys("update") == frozenset()
    damaged.put("update", "e", [4])
    assert damaged.keys("update") == {"e"}
    damaged.close()
    assert BuildCache(tmp_path).keys("update") == {"e"}
