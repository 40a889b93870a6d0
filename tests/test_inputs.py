"""The build reads only the inputs that changed: file hashes reused while a file's stamp holds.

:class:`i18n.inputs.FileHashes` trusts the hash a build kept for a file only
while ``stat`` says the same mtime, ctime, size and inode, and only for files
whose last change was old enough when hashed (a second write within the clock
tick of the first could keep the stamp).  A wrong reuse would publish a stale
page, so each way a file can change is tried here, with real files.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import POST

import i18n.inputs
from i18n.cache import digest
from i18n.inputs import FileHashes, file_key


def _age(path: Path, seconds: float = 3600) -> None:
    """Make ``path`` look written ``seconds`` ago (its mtime; its ctime stays now)."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def _settled(path: Path, monkeypatch: pytest.MonkeyPatch) -> FileHashes:
    """Hash ``path`` as a build long after its last change would, and return what that build keeps."""
    monkeypatch.setattr(i18n.inputs, "RECENT_NS", -(10**18))  # ctime is now: pretend the tick passed
    hashes = FileHashes()
    assert hashes.of(str(path)) == file_key(path)
    assert str(path) in hashes.stamped
    return FileHashes(hashes.stamped)


def test_an_unchanged_file_is_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.po"
    path.write_bytes(b"msgid \"a\"\nmsgstr \"b\"\n")
    _age(path)
    again = _settled(path, monkeypatch)

    def no_read(*args: object, **kwargs: object) -> object:
        raise AssertionError("read again")

    monkeypatch.setattr(i18n.inputs, "open", no_read, raising=False)
    assert again.of(str(path)) == digest(path.read_bytes())
    assert not again.changed


@pytest.mark.parametrize("change", ["same size, in place", "renamed over", "longer", "mtime put back"])
def test_every_change_of_a_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    path = tmp_path / "a.po"
    path.write_bytes(b"msgstr \"one\"\n")
    _age(path)
    old = os.stat(path)
    again = _settled(path, monkeypatch)
    if change == "renamed over":
        (tmp_path / "b.tmp").write_bytes(b"msgstr \"two\"\n")
        os.replace(tmp_path / "b.tmp", path)
    elif change == "longer":
        path.write_bytes(b"msgstr \"three\"\n")
    else:
        with open(path, "r+b") as f:
            f.write(b"msgstr \"two\"\n")
        if change == "mtime put back":  # as a tool restoring times would: ctime still moves
            os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert again.of(str(path)) == digest(path.read_bytes()) != digest(b"msgstr \"one\"\n")


def test_a_file_changed_just_now_is_hashed_again_next_time(tmp_path: Path) -> None:
    path = tmp_path / "a.po"
    path.write_bytes(b"x")
    hashes = FileHashes()
    assert hashes.of(str(path)) == digest(b"x")
    assert str(path) not in hashes.stamped  # within RECENT_NS: its stamp may not change with a next write


def test_a_missing_file_has_no_hash(tmp_path: Path) -> None:
    assert FileHashes().of(str(tmp_path / "none.po")) is None


def test_builds_reuse_hashes_and_still_see_a_same_size_edit(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two builds in a row, every file trusted by the second, then a catalog edited in place (same size)."""
    from i18n.config import load_config
    from i18n.site import build

    monkeypatch.setattr(i18n.inputs, "RECENT_NS", -(10**18))  # every file counts as settled
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(load_config(site), jobs=1)
    opened: list[str] = []
    real_open = open

    def counting_open(path: str, *args: object, **kwargs: object) -> object:
        opened.append(path)
        return real_open(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(i18n.inputs, "open", counting_open, raising=False)
    assert build(load_config(site), jobs=1).noop
    assert opened == []  # nothing read again: every stamp held
    po = site / "locales" / "ko" / "LC_MESSAGES" / f"{POST}.po"
    text = po.read_text("utf-8")
    assert "테슬라" in text
    with open(po, "r+b") as f:  # in place, the same number of bytes
        f.write(text.replace("테슬라", "테스라", 1).encode("utf-8"))
    report = build(load_config(site), jobs=1)
    assert not report.noop and opened == [str(po)]
    pages = [p.read_text("utf-8") for p in (site / "_site" / "ko").rglob("index.html")]
    assert any("테스라" in page for page in pages)


def test_library_versions_are_those_importlib_metadata_gives() -> None:
    """The versions read off the metadata folders' names are the installed ones, library by library."""
    from importlib.metadata import version

    from i18n.inputs import SHAPING_LIBRARIES, library_versions

    assert library_versions(SHAPING_LIBRARIES) == {dist: version(dist) for dist in SHAPING_LIBRARIES}


def test_library_versions_take_the_first_folder_on_the_path(tmp_path: Path) -> None:
    """As the import system: the first path entry holding a distribution wins; names compare normalized."""
    from i18n.inputs import library_versions

    first, second = tmp_path / "a", tmp_path / "b"
    (first / "Python.Liquid-2.0.1.dist-info").mkdir(parents=True)
    (first / "notes.txt").write_text("", encoding="utf-8")
    (second / "python_liquid-9.9.dist-info").mkdir(parents=True)
    (second / "Markdown-3.4-py3.11.egg-info").mkdir()
    (second / "no_such_lib_here.egg-info").mkdir()  # no version in its name: asked of importlib.metadata
    found = library_versions(("python-liquid", "markdown", "no-such-lib-here", "absent"),
                             [str(tmp_path / "missing"), str(first), str(second)])
    assert found == {"python-liquid": "2.0.1", "markdown": "3.4", "no-such-lib-here": "none", "absent": "none"}


def test_a_library_upgrade_changes_the_code_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    """Results cached with one version of a library that shapes the output never meet another."""
    real = i18n.inputs.library_versions
    before = i18n.inputs.code_digest()
    monkeypatch.setattr(i18n.inputs, "library_versions",
                        lambda dists: {**real(dists), "markdown": "0.0-upgraded"})
    assert i18n.inputs.code_digest() != before
