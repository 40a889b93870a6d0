"""Writing files safely: atomically (temp file + rename) and only when changed.

A translator's catalog is never left truncated: the new content is written to
a temporary file in the same folder, flushed to disk, then renamed over the
old one, which POSIX makes atomic.

A whole folder (the built site) is replaced at once by :class:`StagedTree`:
the new version is assembled in a spare folder beside it (the previous
version, brought up to date by the files that changed since; unchanged files
are hard links shared by both), then the two folders are swapped by one
``renameat2(RENAME_EXCHANGE)`` call (Linux).  A reader, a web server or a
crash sees the old site or the new one, never a mix.  Where that call is
missing (other systems, some file systems), renames do the swap, leaving a
moment without the folder.  A build that changes nothing touches nothing.
A first version (no live folder) is written with a second hard link to each
file, in a folder that becomes the spare when the first version goes live:
the first rebuild then finds its spare ready instead of linking the whole tree.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO


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
            _link_into(src, dst)


def _holds(path: Path | str, data: bytes | bytearray) -> bool:
    """True when the file at ``path`` holds exactly ``data`` (one ``stat`` when its size differs)."""
    try:
        if os.stat(path).st_size != len(data):
            return False
        with open(path, "rb") as f:
            return f.read() == data
    except OSError:
        return False


@dataclass(frozen=True, slots=True)
class SpareWriter:
    """Writes files into a prepared spare folder; small enough to hand to worker processes."""

    live: str
    """The live folder, to compare with ('' when there is none)."""
    spare: str
    empty: bool
    """The spare was made empty for this version: nothing in it to clear."""
    twin: str = ""
    """With :attr:`empty`: a folder that gets a hard link to each file too, to be the next
    build's spare ('' when none)."""

    def write(self, rel: str, data: bytes | bytearray) -> bool:
        """Put ``data`` at ``rel`` in the spare unless the live version already holds it; True when written."""
        if self.live and _holds(os.path.join(self.live, rel), data):
            return False
        self.put(rel, data)
        return True

    def write_from(self, rel: str, fill: Callable[[BinaryIO], object]) -> bool:
        """:meth:`write` for a file that ``fill`` writes a piece at a time (a large page, never
        held whole): it is made in the spare, then compared with the live version; True when they differ."""
        self.put_from(rel, fill)
        return not (self.live and _same_bytes(os.path.join(self.live, rel), os.path.join(self.spare, rel)))

    def put(self, rel: str, data: bytes | bytearray) -> None:
        """Put ``data`` at ``rel`` in the spare (see :meth:`put_from`)."""
        self.put_from(rel, lambda f: f.write(data))

    def put_from(self, rel: str, fill: Callable[[BinaryIO], object]) -> None:
        """Put at ``rel`` in the spare what ``fill`` writes to the file it is given.

        A file of the spare that no other name shares (a version older than the
        live one) is rewritten in place, which spares the file system freeing
        and allocating its blocks; one shared with the live site (a hard link)
        is replaced by a new file.
        """
        path = os.path.join(self.spare, rel)
        if not self.empty:
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW)
            except FileNotFoundError:
                pass
            except OSError:  # a folder or a symbolic link where the new version has a file
                _make_room(Path(path), Path(self.spare))
            else:
                if os.fstat(fd).st_nlink == 1:
                    with os.fdopen(fd, "wb") as f:
                        fill(f)
                        f.truncate()
                    return
                os.close(fd)
                os.unlink(path)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except OSError:  # a new folder, or something of the old version in the way
            folder = os.path.dirname(path)
            if self.empty and not os.path.lexists(folder):
                os.makedirs(folder, exist_ok=True)  # another worker may be making it too
            else:
                _make_room(Path(path), Path(self.spare))
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as f:
            fill(f)
        if self.twin:
            _link_into(path, os.path.join(self.twin, rel))


def _same_bytes(a: str, b: str) -> bool:
    """True when the files ``a`` and ``b`` hold the same bytes (read a block at a time)."""
    try:
        with open(a, "rb") as fa, open(b, "rb") as fb:
            if os.fstat(fa.fileno()).st_size != os.fstat(fb.fileno()).st_size:
                return False
            while True:
                block = fa.read(1 << 16)
                if block != fb.read(1 << 16):
                    return False
                if not block:
                    return True
    except OSError:
        return False


def _link_into(source: Path | str, dest: Path | str) -> None:
    """Hard-link the file ``source`` at ``dest`` (a copy where links are refused), making folders."""
    for attempt in range(2):
        try:
            os.link(source, dest)
            return
        except FileNotFoundError:
            if attempt:
                raise
            os.makedirs(os.path.dirname(dest), exist_ok=True)  # another worker may be making it too
        except OSError:
            break
    shutil.copy2(source, dest)


class StagedTree:
    """A new version of the folder ``target``, published at once, at the cost of what changed.

    Two versions of the site live side by side: ``target`` (what readers see)
    and a hidden spare, ``.<target>.previous``, holding the version before it;
    unchanged files are hard links shared by both.  :meth:`write` puts a new
    file in the spare; :meth:`publish` brings the rest of the spare up to the
    live version (the files the last publish changed, unless written anew),
    drops the files the new version does not keep, flushes, and swaps the two
    folders in one ``renameat2(RENAME_EXCHANGE)`` call.  So a rebuild that changes a few
    pages touches a few files, not the whole tree.  A state file beside them
    says which files the spare lacks; when it cannot be trusted (first run,
    or a run killed while preparing the spare) the spare is rebuilt from the
    live folder with hard links.  A first build (no live folder) puts each
    file in a second new folder too, as a hard link, so that the spare is
    ready when the first rebuild comes (``twin=False``: not, where no rebuild
    will come).  Leaving the ``with`` block without
    publishing (an error) leaves ``target`` untouched.  One writer at a
    time: the command line holds the site lock (:mod:`i18n.lock`).
    """

    def __init__(self, target: Path, twin: bool = True):
        self.target = target.resolve() if target.is_symlink() else target
        self.spare = self.target.with_name(f".{self.target.name}.previous")
        self.state_file = self.target.with_name(f".{self.target.name}.state")
        self.twin = self.target.with_name(f".{self.target.name}.next")
        """In a first build, the same files again (hard links): the spare once the first version is live."""
        self.written: set[str] = set()
        """Relative paths written with new bytes."""
        self._ready = False
        self._empty = False
        """The spare was made empty for this version (no live site): nothing in it to clear."""
        self._twin = False
        """:attr:`twin` is being made."""
        self._wants_twin = twin
        self._live = self.target.is_dir()
        """A live version exists, to compare new files with."""
        self._had_spare = os.path.lexists(self.spare)
        self._pending: set[str] = set()
        """Files the spare lacks of the live version (changed at the last publish), not yet copied."""

    def __enter__(self) -> StagedTree:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        # An unpublished spare stays marked as not in sync, and the next run rebuilds it;
        # one this run made (there was none) goes, so that a failed build leaves nothing behind.
        if exc is not None and self._ready and not self._had_spare:
            shutil.rmtree(self.spare, ignore_errors=True)
        if exc is not None and self._twin:
            shutil.rmtree(self.twin, ignore_errors=True)

    def write(self, rel: str, data: bytes | bytearray) -> bool:
        """Make ``rel`` hold ``data`` in the new version; True when that differs from the old one."""
        if self._live and _holds(self.target / rel, data):
            return False
        self._prepared()
        self.writer().put(rel, data)
        self.written.add(rel)
        return True

    def prepare(self) -> SpareWriter:
        """Ready the spare now, for worker processes that write into it (:meth:`SpareWriter.write`).

        Report what they wrote with :meth:`record`.  A spare prepared for
        nothing (every file came out as it was) is not swapped in.
        """
        self._prepared()
        return self.writer()

    def writer(self) -> SpareWriter:
        """Writes into the spare as :meth:`write` does (the spare must be prepared)."""
        return SpareWriter(str(self.target) if self._live else "", str(self.spare), self._empty,
                           str(self.twin) if self._twin else "")

    def record(self, rel: str) -> None:
        """Note that ``rel`` was written with new bytes by a :class:`SpareWriter`."""
        self.written.add(rel)

    def publish(self, keep: Iterable[str], previous: Iterable[str] | None = None) -> int:
        """Make the new version live: the files written or in ``keep``; return how many old files went.

        ``previous``: the files of the live version, when the caller knows them (else the
        folder is walked, and a file put there by hand goes too).
        """
        wanted = set(keep) | self.written
        if not self.target.is_dir():
            stale = []
        else:
            old = set(previous) if previous is not None else _files_under(self.target)
            stale = sorted(rel for rel in old - wanted if os.path.lexists(self.target / rel))
        if not self.written and not stale:
            if self._ready:  # prepared, but every file came out as it was: no swap
                self._ready = self._empty = False
                self._drop_twin()
                self._save_state(changed=sorted(self._pending))  # what the spare still lacks
            return 0  # nothing changed: no swap
        spare = self._prepared()
        for rel in sorted(self._pending - self.written):  # brought up to the live version only now:
            _copy_over(self.target / rel, spare / rel, spare)  # a file written anew needed no copy
        for rel in stale:
            path = spare / rel
            if path.is_symlink() or path.is_file():  # else a folder of the new version took its place
                path.unlink()
            _remove_empty_parents(path.parent, spare)
        _sync_tree(spare)
        twin = self._twin
        self._swap()
        self._save_state(changed=[] if twin else sorted(self.written | set(stale)))  # a twin is the same
        return len(stale)

    # -- the spare ----------------------------------------------------------------------------

    def _prepared(self) -> Path:
        """The spare, holding the live version, ready for the new version's files."""
        if self._ready:
            return self.spare
        state = self._load_state()
        self._save_state(changed=None)  # from here the spare may be half done: distrust it if we die
        for leftover in self.target.parent.glob(f".{self.target.name}.staging-*"):
            shutil.rmtree(leftover, ignore_errors=True)  # from an earlier version of this tool
        shutil.rmtree(self.twin, ignore_errors=True)  # what a killed first build left
        if not self.target.is_dir():
            shutil.rmtree(self.spare, ignore_errors=True)
            self.spare.mkdir(parents=True)
            self._empty = True
            if self._wants_twin:
                self.twin.mkdir()
                self._twin = True
        elif state is not None and state.get("changed") is not None and self.spare.is_dir() \
                and state.get("live") == _identity(self.target) and state.get("spare") == _identity(self.spare):
            self._pending = set(state["changed"])  # copied from the live version at publish, unless rewritten
        else:
            shutil.rmtree(self.spare, ignore_errors=True)
            self.spare.mkdir(parents=True)
            _link_tree(self.target, self.spare)
        self._ready = True
        return self.spare

    def _drop_twin(self) -> None:
        if self._twin:
            shutil.rmtree(self.twin, ignore_errors=True)
            self._twin = False

    def _swap(self) -> None:
        if not self.target.exists():
            os.rename(self.spare, self.target)
            if self._twin:
                os.rename(self.twin, self.spare)  # the same files: a spare with nothing to catch up
                self._twin = False
        elif not exchange(self.spare, self.target):
            # Two renames: for a moment there is no ``target``.
            old = self.spare.with_name(self.spare.name + "-old")
            os.rename(self.target, old)
            os.rename(self.spare, self.target)
            os.rename(old, self.spare)
        self._ready = self._empty = False
        self._pending = set()
        self._live = True
        _fsync_dir(self.target.parent)

    def _load_state(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.state_file.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _save_state(self, changed: list[str] | None) -> None:
        """Record which files the spare lacks (``None``: unknown, rebuild it next time)."""
        state = {"live": _identity(self.target), "spare": _identity(self.spare), "changed": changed}
        write_if_changed(self.state_file, json.dumps(state, sort_keys=True).encode())


def _identity(folder: Path) -> list[int] | None:
    """Device and inode of ``folder``: which of the two folders a name points at."""
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return [st.st_dev, st.st_ino]


def _copy_over(source: Path, dest: Path, root: Path) -> None:
    """Make ``dest`` what ``source`` is (a hard link to it), or absent when ``source`` is."""
    if source.is_file() and not source.is_symlink():
        _make_room(dest, root)
        _link_into(source, dest)
    else:
        if dest.is_symlink() or dest.is_file():
            dest.unlink()
        _remove_empty_parents(dest.parent, root)


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()  # only succeeds when empty
        except OSError:
            return
        folder = folder.parent


def _make_room(path: Path, root: Path) -> None:
    """Clear the way for a file at ``path``: no old file where a folder goes, nor the reverse."""
    for parent in reversed(path.relative_to(root).parents):
        folder = root / parent
        if folder.is_file() or folder.is_symlink():
            with contextlib.suppress(FileNotFoundError):  # another worker cleared it
                folder.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
