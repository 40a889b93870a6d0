"""Tests of the benchmark's own tools: ``python -m pytest bench -q``.

A benchmark that measures the wrong work is worse than none: these check that
the corpus is what the build expects (catalogs complete, ``check`` clean,
byte-identical on regeneration), that the floor renders every page, that the
edits of the rebuild scenarios are real edits, and that memory is measured.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import run

POSTS = 6


def _cli(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(corpus.REPO / "build.py"), "-C", str(site), *args],
                          capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "c"
    corpus.generate(out, POSTS, seed=3, log=False)
    return out


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_catalogs_are_complete_and_check_clean(generated: Path) -> None:
    site = generated / "site"
    for po in (site / "locales").glob("*/LC_MESSAGES/*.po"):
        with po.open("rb") as f:
            cat = read_po(f)
        empty = [e.id for e in cat if e.id and not e.string]
        assert not empty, f"{po}: untranslated {empty[:3]}"
        assert not [e.id for e in cat if e.id and e.fuzzy], po
    done = _cli(site, "check")
    assert done.returncode == 0, done.stderr
    assert "warning:" not in done.stderr and "error:" not in done.stderr, done.stderr


def test_every_post_is_built_translated(generated: Path) -> None:
    site = generated / "site"
    assert _cli(site, "build").returncode == 0
    pages = list((site / "_site" / "ko").glob("*/*/*/*/index.html"))
    assert len(pages) == POSTS
    # The pseudo-translation reached the page: Hangul in the article, not the Japanese source.
    text = pages[0].read_text(encoding="utf-8")
    assert any("\uac00" <= ch <= "\ud7a3" for ch in text)
    assert "伝説的なエンジニア" not in text


def test_regeneration_is_byte_identical(generated: Path, tmp_path: Path) -> None:
    again = tmp_path / "c"
    corpus.generate(again, POSTS, seed=3, log=False)
    for part in ("site/content", "site/locales", "markdown", "hugo/content"):
        assert _files(generated / part) == _files(again / part), part


def test_partial_leaves_korean_entries_empty_or_fuzzy(tmp_path: Path) -> None:
    site = corpus.generate(tmp_path / "c", 20, seed=1, partial=True, log=False)
    empty = fuzzy = total = 0
    for po in (site / "locales" / "ko" / "LC_MESSAGES").glob("2*.po"):
        with po.open("rb") as f:
            cat = read_po(f)
        entries = [e for e in cat if e.id]
        total += len(entries)
        empty += sum(not e.string for e in entries)
        fuzzy += sum(e.fuzzy for e in entries)
    assert 0.08 < empty / total < 0.25 and fuzzy > 0
    assert _cli(site, "check").returncode == 0


@pytest.mark.parametrize("msgid", [
    '[Jim Keller](https://ja.wikipedia.org/wiki/ジム・ケラー){:target="_blank"}という**HW3.0**を開発。',
    "新しい`FSD v12`では、{{ page.title }}と{% include x.html id=\"a\" %}を使う。",
    "**下記は重要な内容を抜粋しました。**",
])
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_pseudo_translation_keeps_protected_spans(msgid: str, lang: str) -> None:
    out = corpus.pseudo_translate(msgid, lang)
    for span in corpus._PROTECTED.finditer(msgid):
        assert span.group(0) in out
    assert out.count("**") == msgid.count("**")
    prose = corpus._PROTECTED.sub("", out)
    assert not any("\u3040" <= ch <= "\u30ff" for ch in prose), out  # no kana left outside URLs


def test_floor_renders_every_page(generated: Path, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(run.FLOOR), str(generated / "markdown"), str(tmp_path / "o")],
                          capture_output=True, text=True, check=True)
    assert f"{3 * POSTS} pages" in done.stdout
    page = next((tmp_path / "o" / "en").glob("*/index.html")).read_text(encoding="utf-8")
    assert '<a href="https://ja.wikipedia.org/wiki/' in page and 'target="_blank"' in page
    assert "<iframe" in page


def test_po_edit_is_a_real_translation_change(generated: Path, tmp_path: Path) -> None:
    po = next((generated / "site" / "locales" / "ko" / "LC_MESSAGES").glob("2*.po"))
    copy = tmp_path / po.name
    copy.write_bytes(po.read_bytes())
    run.edit_first_paragraph_msgstr(copy, "benchedit7")
    with copy.open("rb") as f:
        cat = read_po(f)
    changed = [e for e in cat if e.id and str(e.string).startswith("benchedit7 ")]
    assert len(changed) == 1 and "paragraph" in changed[0].auto_comments


def test_measure_reports_the_child_memory() -> None:
    sample = run.measure([sys.executable, "-c", "b = bytearray(80 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"])
    assert sample.maxrss_kib >= 80 * 1024
    assert sample.wall_s > 0 and sample.cpu_s > 0


def test_measure_counts_pages_shared_after_fork_once_in_the_tree_pss() -> None:
    """A forked child's inherited 80 MiB count twice in the tree's RSS, once in its PSS."""
    child = ("import os, time\n"
             "b = bytearray(80 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])\n"
             "if os.fork() == 0:\n    time.sleep(1.0); os._exit(0)\n"
             "time.sleep(1.0); os.wait()")
    sample = run.measure([sys.executable, "-c", child])
    assert sample.tree_kib >= 2 * 80 * 1024
    assert 80 * 1024 <= sample.tree_pss_kib < 0.7 * sample.tree_kib


def test_measure_fails_on_a_failing_command() -> None:
    with pytest.raises(SystemExit):
        run.measure([sys.executable, "-c", "raise SystemExit(3)"])


def test_the_first_update_is_a_target_of_its_own() -> None:
    first = run.Row(1000, "update-first", "ours", [run.Sample(3.1, 5.0, 0, 0)])
    warm = run.Row(1000, "update", "ours", [run.Sample(0.5, 0.5, 0, 0), run.Sample(0.6, 0.6, 0, 0)])
    found = {v["target"]: v["pass"] for v in run.verdicts([first, warm])}
    assert found == {"update of all catalogs, warm": True, "update of all catalogs, first (no cache)": False}


def test_cold_build_ratios_are_shown_round_by_round() -> None:
    """The cold builds run one of each tool per round: each round's ratio is shown beside the medians'."""
    ours = run.Row(1000, "cold", "ours", [run.Sample(wall, wall, 0, 0) for wall in (10.0, 11.0, 12.0)])
    hugo = run.Row(1000, "cold", "hugo", [run.Sample(wall, wall, 0, 0) for wall in (5.0, 4.0, 6.0)])
    edit = run.Row(1000, "po-edit", "ours", [run.Sample(0.5, 0.5, 0, 0)])
    found = {v["target"]: v for v in run.verdicts([ours, hugo, edit])}
    assert found["cold build vs Hugo full"]["rounds"] == [2.0, 2.75, 2.0]
    assert found["cold build vs Hugo full"]["ratio"] == 11.0 / 5.0
    assert found["PO-edit rebuild vs Hugo full"]["rounds"] == []  # not run beside Hugo's: no rounds
    table = run.verdict_table(list(found.values()))
    assert "| 2.00x, 2.75x, 2.00x |" in table and table.count("| — |") >= 1


def test_memory_is_judged_on_the_tree_rss_and_on_its_pss() -> None:
    ours = run.Row(5000, "cold", "ours", [run.Sample(40.0, 70.0, 140 * 1024, 345 * 1024, tree_pss_kib=120 * 1024)])
    hugo = run.Row(5000, "cold", "hugo", [run.Sample(30.0, 50.0, 1400 * 1024, 1400 * 1024, tree_pss_kib=1300 * 1024)])
    found = {v["target"]: v["pass"] for v in run.verdicts([ours, hugo])}
    assert found["peak RSS (cold) vs Hugo"] is False  # 345 / 1400
    assert found["peak PSS of the tree (cold) vs Hugo"] is True  # 120 / 1300


def test_trash_moves_old_trees_aside_until_emptied(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "_site" / "ko").mkdir(parents=True)
    (site / "_site" / "ko" / "index.html").write_text("old", encoding="utf-8")
    (site / ".cache").mkdir()
    trash = run.Trash(tmp_path / "trash")
    trash.put(site / "_site", site / ".cache", site / "._site.previous")  # the last one is missing
    assert not (site / "_site").exists() and not (site / ".cache").exists()
    kept = sorted(p.relative_to(trash.folder).as_posix() for p in trash.folder.rglob("*"))
    assert kept == ["1", "1/ko", "1/ko/index.html", "2"]
    (site / "_site").mkdir()  # the next run's tree takes the name; the old one stays aside
    trash.put(site / "_site")
    assert sorted(p.name for p in trash.folder.iterdir()) == ["1", "2", "3"]
    trash.empty()
    assert not trash.folder.exists()


def test_measure_reports_system_time_apart() -> None:
    # A child that spends its time in the kernel (creating and deleting files) shows it.
    code = ("import os, tempfile\nd = tempfile.mkdtemp()\n"
            "for i in range(3000):\n    p = os.path.join(d, str(i)); open(p, 'w').close(); os.unlink(p)\n"
            "os.rmdir(d)")
    sample = run.measure([sys.executable, "-c", code])
    assert 0 < sample.sys_s <= sample.cpu_s
    assert "of it, system (s)" in run.table([run.Row(1, "cold", "ours", [sample])])


def test_stolen_cpu_time_is_read_from_proc_stat() -> None:
    """The host's steal counter, in seconds: it never goes back, and the table shows each scenario's worst."""
    first = run.stolen_s()
    assert first >= 0 and run.stolen_s() >= first
    sample = run.measure([sys.executable, "-c", "pass"])
    assert sample.stolen_s >= 0
    rows = [run.Row(1, "cold", "ours", [run.Sample(1.0, 1.0, 0, 0, 0.0, 0.25), run.Sample(1.0, 1.0, 0, 0, 0.0, 1.5)])]
    assert "| CPU stolen, max (s) |" in run.table(rows) and "| 1.50 |" in run.table(rows)
