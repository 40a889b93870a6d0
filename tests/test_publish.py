"""Publishing a folder at once, at the cost of what changed (i18n.files.StagedTree)."""

from __future__ import annotations

import json
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pytest
from conftest import run_cli, snapshot

from i18n import files
from i18n.files import StagedTree
from i18n.site import rebuild_expected

link_tree = files._link_tree

V1 = {"index.html": b"home 1", "ko/a.html": b"a 1", "ko/b.html": b"b 1", "assets/s.css": b"css"}
V2 = {**V1, "ko/a.html": b"a 2", "en/c.html": b"c 1"}
V3 = {k: v for k, v in V2.items() if k != "ko/b.html"} | {"index.html": b"home 3"}


def publish(target: Path, files: dict[str, bytes]) -> tuple[int, int]:
    with StagedTree(target) as tree:
        written = sum(tree.write(rel, data) for rel, data in files.items())
        removed = tree.publish(files)
    return written, removed


def test_each_version_replaces_the_last_and_the_spare_keeps_the_one_before(tmp_path: Path) -> None:
    site = tmp_path / "_site"
    spare = tmp_path / "._site.previous"
    assert publish(site, V1) == (4, 0)
    assert snapshot(site) == V1
    css = (site / "assets" / "s.css").stat().st_ino
    assert publish(site, V2) == (2, 0)
    assert snapshot(site) == V2 and snapshot(spare) == V1
    assert publish(site, V3) == (1, 1)
    assert snapshot(site) == V3 and snapshot(spare) == V2
    assert publish(site, V3) == (0, 0)  # nothing changed: nothing touched
    assert snapshot(site) == V3 and snapshot(spare) == V2
    # An unchanged file is never copied: the same inode through every version.
    assert (site / "assets" / "s.css").stat().st_ino == css
    assert not (site / "ko" / "b.html").exists() and (site / "en" / "c.html").exists()


def test_a_spare_that_cannot_be_trusted_is_rebuilt(tmp_path: Path) -> None:
    site = tmp_path / "_site"
    publish(site, V1)
    publish(site, V2)
    # A run killed while preparing the spare: it is half done, and the state says so.
    (tmp_path / "._site.previous" / "ko" / "a.html").write_bytes(b"half written")
    state = tmp_path / "._site.state"
    state.write_text(json.dumps({**json.loads(state.read_text()), "changed": None}))
    publish(site, V3)
    assert snapshot(site) == V3
    # And a spare edited behind the tool's back (its identity differs) is rebuilt too.
    (tmp_path / "._site.state").write_text("not json")
    publish(site, V1)
    assert snapshot(site) == V1


def test_files_the_new_version_does_not_have_are_removed(tmp_path: Path) -> None:
    site = tmp_path / "_site"
    publish(site, V1)
    (site / "stray.html").write_bytes(b"left by hand")
    assert publish(site, V1) == (0, 1)
    assert snapshot(site) == V1


def test_files_the_last_version_changed_are_copied_only_when_not_written_again(tmp_path: Path) -> None:
    """The spare lacks what the last publish changed: rewritten files need no copy, the others get one."""
    site = tmp_path / "_site"
    spare = tmp_path / "._site.previous"
    publish(site, V1)
    publish(site, V2)  # changed ko/a.html and en/c.html: the spare (V1) lacks them
    v4 = {**V2, "ko/a.html": b"a 4"}  # rewrites ko/a.html; en/c.html must come from the live version
    assert publish(site, v4) == (1, 0)
    assert snapshot(site) == v4 and snapshot(spare) == V2
    # Prepared, but nothing new: no swap, and the spare still knows what it lacks.
    with StagedTree(site) as tree:
        tree.prepare()
        assert tree.publish(v4) == 0
    assert snapshot(site) == v4
    v5 = {**v4, "index.html": b"home 5"}
    assert publish(site, v5) == (1, 0)
    assert snapshot(site) == v5 and snapshot(spare) == v4


def _inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def test_a_first_version_leaves_the_spare_ready_as_hard_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, spare = tmp_path / "_site", tmp_path / "._site.previous"
    (tmp_path / "._site.next").mkdir()  # what a killed first build left: not kept
    (tmp_path / "._site.next" / "stray.html").write_bytes(b"left")
    publish(site, V1)
    assert snapshot(site) == V1 and snapshot(spare) == V1
    assert _inodes(spare) == _inodes(site)  # the same files, not copies
    assert not (tmp_path / "._site.next").exists()
    assert json.loads((tmp_path / "._site.state").read_text())["changed"] == []

    def no_walk(source: Path, dest: Path) -> None:
        raise AssertionError("the spare was made again from the live site")

    monkeypatch.setattr(files, "_link_tree", no_walk)
    assert publish(site, V2) == (2, 0)  # the first rebuild finds its spare ready
    assert snapshot(site) == V2 and snapshot(spare) == V1
    assert (site / "assets" / "s.css").stat().st_ino == (spare / "assets" / "s.css").stat().st_ino


def test_without_a_twin_the_first_rebuild_makes_the_spare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, spare = tmp_path / "_site", tmp_path / "._site.previous"
    with StagedTree(site, twin=False) as tree:
        for rel, data in V1.items():
            tree.write(rel, data)
        tree.publish(V1)
    assert snapshot(site) == V1 and not spare.exists()
    made = []
    monkeypatch.setattr(files, "_link_tree", lambda source, dest: made.append(dest) or link_tree(source, dest))
    assert publish(site, V2) == (2, 0)
    assert made == [spare] and snapshot(site) == V2 and snapshot(spare) == V1


def test_a_failed_first_build_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), StagedTree(tmp_path / "_site") as tree:
        tree.write("index.html", b"home")
        raise RuntimeError("a page failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["._site.state"]


def test_workers_writing_a_first_version_fill_the_twin(tmp_path: Path) -> None:
    """A :class:`SpareWriter` (as a worker has it) puts each file in the twin too, folders and all."""
    site, spare = tmp_path / "_site", tmp_path / "._site.previous"
    with StagedTree(site) as tree:
        writer = pickle.loads(pickle.dumps(tree.prepare()))
        for rel, data in V2.items():
            assert writer.write(rel, data)
            tree.record(rel)
        tree.publish(V2)
    assert snapshot(site) == V2 and snapshot(spare) == V2 and _inodes(spare) == _inodes(site)


def test_a_page_written_a_piece_at_a_time_is_compared_with_the_live_one(tmp_path: Path) -> None:
    """``write_from`` (the sitemap): made in the spare as it is rendered, never through the live file it
    may share an inode with; True only when its bytes differ from the live version's."""
    site = tmp_path / "_site"
    publish(site, V1)
    publish(site, V1 | {"ko/a.html": b"a 1 again"})  # the spare now shares ko/b.html's inode with the live site
    spare = tmp_path / "._site.previous"
    assert (spare / "ko" / "b.html").stat().st_ino == (site / "ko" / "b.html").stat().st_ino

    def pieces(*chunks: bytes) -> Callable[[BinaryIO], None]:
        def fill(file: BinaryIO) -> None:
            for chunk in chunks:
                file.write(chunk)
        return fill

    with StagedTree(site) as tree:
        writer = tree.prepare()
        assert not writer.write_from("ko/b.html", pieces(b"b", b" ", b"1"))  # the same bytes
        assert writer.write_from("ko/b.html", pieces(b"b 2, ", b"longer"))
        assert (site / "ko" / "b.html").read_bytes() == b"b 1"  # the live file is untouched
        assert writer.write_from("en/new.html", pieces(b"new"))
        tree.record("ko/b.html")
        tree.record("en/new.html")
        tree.publish([*V1, "ko/a.html", "en/new.html"])
    assert snapshot(site) == V1 | {"ko/a.html": b"a 1 again", "ko/b.html": b"b 2, longer", "en/new.html": b"new"}


def test_a_first_build_leaves_the_spare_ready_except_in_continuous_integration(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    result = run_cli(site, "build")
    assert result.returncode == 0, result.stderr
    assert snapshot(site / "._site.previous") == snapshot(site / "_site")
    for folder in ("_site", "._site.previous", ".cache"):  # a fresh clone of the site again
        shutil.rmtree(site / folder)
    (site / "._site.state").unlink()
    monkeypatch.setenv("CI", "true")
    result = run_cli(site, "build")
    assert result.returncode == 0, result.stderr
    assert (site / "_site" / "index.html").is_file() and not (site / "._site.previous").exists()


@pytest.mark.parametrize(("value", "expected"), [(None, True), ("", True), ("false", True), ("0", True),
                                                 ("true", False), ("1", False), ("yes", False)])
def test_continuous_integration_is_told_by_its_variable(value: str | None, expected: bool) -> None:
    assert rebuild_expected({} if value is None else {"CI": value}) is expected
