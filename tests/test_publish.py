"""Publishing a folder at once, at the cost of what changed (i18n.files.StagedTree)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import snapshot

from i18n.files import StagedTree

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
