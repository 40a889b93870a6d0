"""Writing files safely: atomically (temp file + rename) and only when changed.

A translator's catalog is never left truncated: the new content is written to
a temporary file in the same folder, flushed to disk, then renamed over the
old one, which POSIX makes atomic.

A whole folder (the built site) is replaced at once by :class:`StagedTree`:
the new version is assembled beside it, unchanged files hard-linked from the
old one, then the two folders are swapped by one ``renameat2(RENAME_EXCHANGE)``
call (Linux).  A reader, a web server or a crash sees the old site or the new
one, never a mix.  Where that call is missing (other systems, some file
systems), two renames do the swap, leaving a moment without the folder.  A
build that changes nothing touches nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType


def write_if_changed(path: Path, data: bytes, *, durable: bool = True) -> bool:
    """Write ``data`` to ``path`` atomically unless it already holds exactly that.

    Returns True when the file was written.  ``durable`` also flushes the file
    and its folder to disk (a translator's catalog survives a power cut); a
    cache entry, which is recomputed when lost, skips that cost.
    """
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if durable:
        _fsync_dir(path.parent)  # the rename itself survives a power cut
    return True


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_temporary_files(folder: Path) -> int:
    """Delete what a killed :func:`write_if_changed` left under ``folder`` (``.name.XXXX.tmp``).

    Only safe while holding the site lock: another writer's file in progress looks the same.
    """
    removed = 0
    if folder.is_dir():
        for leftover in folder.rglob(".*.tmp"):
            if leftover.is_file():
                leftover.unlink()
                removed += 1
    return removed


def write_text_if_changed(path: Path, text: str) -> bool:
    """:func:`write_if_changed` for UTF-8 text with ``\\n`` line endings."""
    return write_if_changed(path, text.encode("utf-8"))


# -- a folder replaced at once ------------------------------------------------------------------

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where the system cannot."""
    libc = _libc()
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # an old kernel, or a file system without exchange
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def _sync_tree(folder: Path) -> None:
    """Flush everything written under ``folder`` to disk, once (``syncfs``), before it goes live."""
    libc = _libc()
    syncfs = getattr(libc, "syncfs", None)
    if syncfs is None:
        os.sync()
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        syncfs(fd)
    finally:
        os.close(fd)


def _files_under(folder: Path) -> set[str]:
    """Relative POSIX paths of the files (and symbolic links) under ``folder``."""
    out = set()
    for parent, dirs, files in os.walk(folder):
        rel = Path(parent).relative_to(folder)
        for name in files + [d for d in dirs if os.path.islink(os.path.join(parent, d))]:
            out.add((rel / name).as_posix())
    return out


def _link_tree(source: Path, dest: Path) -> None:
    """Recreate ``source`` in ``dest`` with hard links (copies where links are refused)."""
    for parent, dirs, files in os.walk(source):
        there = dest / Path(parent).relative_to(source)
        there.mkdir(exist_ok=True)
        for name in files + [d for d in dirs if os.path.islink(os.path.join(parent, d))]:
            src, dst = os.path.join(parent, name), there / name
            if os.path.islink(src):
                os.symlink(os.readlink(src), dst)
                continue
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)


class StagedTree:
    """A new version of the folder ``target``, published at once.

    :meth:`write` puts a file of the new version in place, in a staging
    folder beside ``target`` made at the first file that differs (the old
    files hard-linked in, so unchanged files keep their inode and time);
    :meth:`publish` drops the files the new version does not keep and swaps
    the staging folder in.  Leaving the ``with`` block without publishing
    (an error) discards the staging folder: ``target`` is never touched.
    One writer at a time: the command line holds the site lock
    (:mod:`i18n.lock`); a staging folder left by a killed run is removed.
    """

    def __init__(self, target: Path):
        self.target = target.resolve() if target.is_symlink() else target
        self.staging: Path | None = None
        self.written: set[str] = set()
        """Relative paths written with new bytes."""
        self._prefix = f".{self.target.name}.staging-"

    def __enter__(self) -> StagedTree:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None

    def write(self, rel: str, data: bytes) -> bool:
        """Make ``rel`` hold ``data`` in the new version; True when that differs from the old one."""
        with contextlib.suppress(OSError):
            if (self.target / rel).read_bytes() == data:
                return False
        path = self._staged() / rel
        _make_room(path, self._staged())
        path.write_bytes(data)  # a new inode: the old file may be a hard link into the live site
        self.written.add(rel)
        return True

    def publish(self, keep: Iterable[str]) -> int:
        """Make the new version live: the files written or in ``keep``; return how many old files went."""
        wanted = set(keep) | self.written
        stale = sorted(_files_under(self.target) - wanted) if self.target.is_dir() else []
        if self.staging is None and not stale:
            return 0  # nothing changed: no copy, no swap
        staging = self._staged()
        for rel in stale:
            path = staging / rel
            if path.is_symlink() or path.is_file():  # else a folder of the new version took its place
                path.unlink()
        _prune_empty(staging)
        _sync_tree(staging)
        self._swap(staging)
        return len(stale)

    def _staged(self) -> Path:
        if self.staging is None:
            parent = self.target.parent
            parent.mkdir(parents=True, exist_ok=True)
            for leftover in parent.glob(self._prefix + "*"):
                shutil.rmtree(leftover, ignore_errors=True)
            self.staging = Path(tempfile.mkdtemp(prefix=self._prefix, dir=parent))
            if self.target.is_dir():
                _link_tree(self.target, self.staging)
        return self.staging

    def _swap(self, staging: Path) -> None:
        if not self.target.exists():
            os.rename(staging, self.target)
        elif exchange(staging, self.target):
            pass  # ``staging`` now names the old version
        else:
            # Two renames: for a moment there is no ``target``.
            old = staging.with_name(staging.name + "-old")
            os.rename(self.target, old)
            os.rename(staging, self.target)
            staging = old
        self.staging = None
        _fsync_dir(self.target.parent)
        shutil.rmtree(staging, ignore_errors=True)


def _make_room(path: Path, root: Path) -> None:
    """Clear the way for a file at ``path``: no old file where a folder goes, nor the reverse."""
    for parent in reversed(path.relative_to(root).parents):
        folder = root / parent
        if folder.is_file() or folder.is_symlink():
            folder.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _prune_empty(folder: Path) -> None:
    for parent, _dirs, _files in sorted(os.walk(folder), key=lambda w: w[0], reverse=True):
        if Path(parent) != folder:
            with contextlib.suppress(OSError):
                os.rmdir(parent)  # only succeeds when empty
