"""A command killed at any moment leaves every catalog and the site whole.

A site of 30 posts is translated (extract, update, build), then every post is
edited and ``extract`` run: ``update`` now has 60 catalogs to rewrite and
``build`` about 120 pages.  Each command is started, then killed with SIGKILL
(its whole process group, workers included) at moments spread over an
uninterrupted run, and what it leaves is compared with snapshots: each
catalog is byte-identical to before or to the result of an uninterrupted run,
never truncated; no temporary file shows up as a catalog; ``_site`` is
exactly the previous complete site or the new complete one.  The next run
after a kill reaches the uninterrupted result.

Then: a second writing command waits for the first (the site lock), and a
build that changes nothing leaves the site folder and every file untouched.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import POST, ROOT, run_cli, snapshot

POSTS = 30
KILLS = 15
EDIT = ("その中でTeslaの自動運転に対してコメントが特に面白かったので紹介します。",
        "その中でTeslaの自動運転に対してコメントが特に面白かったので、ここで紹介します。")


def _run(root: Path, verb: str) -> None:
    result = run_cli(root, verb)
    assert result.returncode == 0, result.stderr


def _catalogs(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "locales").rglob("*.po"))}


class States:
    """The site before the edit is merged, and what uninterrupted runs make of it."""

    def __init__(self, base: Path):
        self.base = base
        self.before_update = base / "before-update"
        self.before_build = base / "before-build"
        self.catalogs_before: dict[str, bytes] = {}
        self.catalogs_after: dict[str, bytes] = {}
        self.site_before: dict[str, bytes] = {}
        self.site_after: dict[str, bytes] = {}
        self.update_seconds = 0.0
        self.build_seconds = 0.0


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> States:
    s = States(tmp_path_factory.mktemp("crash"))
    root = s.before_update
    root.mkdir()
    shutil.copy(ROOT / "site.toml", root / "site.toml")
    for folder in ("content", "locales"):
        shutil.copytree(ROOT / folder, root / folder)
    text = (root / "content" / "_posts" / f"{POST}.md").read_text("utf-8")
    for n in range(1, POSTS):
        day = dt.date(2021, 3, 1) + dt.timedelta(days=n)
        copy = text.replace("title: TeslaのAI技術について", f"title: TeslaのAI技術について その{n}")
        (root / "content" / "_posts" / f"{day.isoformat()}-keller-{n}.md").write_text(copy, "utf-8")
    for verb in ("extract", "update", "build"):
        _run(root, verb)
    for post in (root / "content" / "_posts").glob("*.md"):
        post.write_text(post.read_text("utf-8").replace(*EDIT), "utf-8")
    _run(root, "extract")
    s.catalogs_before, s.site_before = _catalogs(root), snapshot(root / "_site")

    shutil.copytree(root, s.before_build, symlinks=True)
    started = time.monotonic()
    _run(s.before_build, "update")
    s.update_seconds = time.monotonic() - started
    s.catalogs_after = _catalogs(s.before_build)
    after = s.base / "after"
    shutil.copytree(s.before_build, after, symlinks=True)
    started = time.monotonic()
    _run(after, "build")
    s.build_seconds = time.monotonic() - started
    s.site_after = snapshot(after / "_site")
    assert s.catalogs_after != s.catalogs_before and s.site_after != s.site_before  # both commands have work
    return s


def _killed(start: Path, work: Path, verb: str, delay: float) -> Path:
    """A copy of ``start`` where ``verb`` ran for ``delay`` seconds, then was killed with its workers."""
    root = work / "site"
    shutil.copytree(start, root, symlinks=True)
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "-C", str(root), "-q", verb],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
                               start_new_session=True)
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return root


def _delays(seconds: float) -> list[float]:
    return [seconds * k / (KILLS + 1) for k in range(1, KILLS + 1)]


def test_killed_update_leaves_each_catalog_before_or_after(states: States, tmp_path: Path) -> None:
    for k, delay in enumerate(_delays(states.update_seconds)):
        root = _killed(states.before_update, tmp_path / str(k), "update", delay)
        catalogs = _catalogs(root)
        assert catalogs.keys() == states.catalogs_after.keys(), "a catalog appeared or vanished"
        for name, data in catalogs.items():
            assert data in (states.catalogs_before[name], states.catalogs_after[name]), \
                f"killed after {delay:.2f}s: {name} is neither the old nor the new catalog"
        if k == KILLS // 2:  # the next run finishes the job, and clears what the killed one left
            _run(root, "update")
            assert _catalogs(root) == states.catalogs_after
            assert not list((root / "locales").rglob("*.tmp"))


def test_killed_build_leaves_the_old_site_or_the_new_one(states: States, tmp_path: Path) -> None:
    for k, delay in enumerate(_delays(states.build_seconds)):
        root = _killed(states.before_build, tmp_path / str(k), "build", delay)
        site = snapshot(root / "_site")
        assert site in (states.site_before, states.site_after), \
            f"killed after {delay:.2f}s: _site is neither the old site nor the new one"
        assert _catalogs(root) == states.catalogs_after, "build changed a catalog"
        if k == KILLS // 2:
            _run(root, "build")
            assert snapshot(root / "_site") == states.site_after


# -- one writer at a time, and a build that changes nothing touches nothing ---------------------

def _inodes(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def test_a_second_writer_waits_then_names_the_lock(states: States, tmp_path: Path) -> None:
    from i18n.lock import LOCK_NAME, SiteLock

    root = tmp_path / "site"
    shutil.copytree(states.base / "after", root, symlinks=True)
    before = snapshot(root / "_site")
    with SiteLock.acquire(root):
        result = run_cli(root, "build", "--wait", "0.5")
    assert result.returncode == 1
    assert result.stderr.startswith(f"{LOCK_NAME}: error: another command (process {os.getpid()}) is writing "
                                    f"this site (waited 0.5s for its lock on {LOCK_NAME})")
    assert snapshot(root / "_site") == before
    assert run_cli(root, "build").returncode == 0  # the lock went with its holder


def test_concurrent_updates_both_finish_with_the_result_of_one(states: States, tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(states.before_update, root, symlinks=True)
    command = [sys.executable, str(ROOT / "build.py"), "-C", str(root), "-q", "update", "--wait", "60"]
    runs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    assert _catalogs(root) == states.catalogs_after


def test_a_build_without_changes_touches_nothing(states: States, tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(states.base / "after", root, symlinks=True, copy_function=shutil.copy2)
    shutil.rmtree(root / ".cache")  # every page is rendered again, to the same bytes
    folder, files = (root / "_site").stat().st_ino, _inodes(root / "_site")
    result = run_cli(root, "build")
    assert result.returncode == 0, result.stderr
    assert (root / "_site").stat().st_ino == folder, "the site was swapped for an identical one"
    assert _inodes(root / "_site") == files
    assert not list(root.glob("._site.staging-*"))


def test_a_changed_build_swaps_the_site_and_keeps_unchanged_files(states: States, tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(states.base / "after", root, symlinks=True)
    post = root / "content" / "_posts" / f"{POST}.md"
    post.write_text(post.read_text("utf-8").replace("下記は重要な内容", "下記は特に重要な内容"), "utf-8")
    folder, files = (root / "_site").stat().st_ino, _inodes(root / "_site")
    result = run_cli(root, "build")
    assert result.returncode == 0, result.stderr
    assert (root / "_site").stat().st_ino != folder, "the new site was not swapped in as a whole"
    now = _inodes(root / "_site")
    changed = {rel for rel in now if now[rel] != files.get(rel)}
    assert "ja/2021/02/22/tesla-ai-jim-keller/index.html" in changed
    assert "ja/2021/03/02/keller-1/index.html" not in changed  # hard-linked from the old site
    assert len(changed) < len(now) // 2
    assert not list(root.glob("._site.staging-*"))
