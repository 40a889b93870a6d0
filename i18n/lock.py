"""One writing command at a time per site: an advisory lock on ``.blogl10n.lock``.

``extract``, ``update`` and ``build`` read everything, then write catalogs or
the site; two of them at once on one folder could interleave (one ``update``
merging into a catalog the other has just rewritten).  Each takes an
exclusive ``flock`` on a lock file in the site folder; a second command waits
a few seconds, then gives up with a message naming the file and the process
holding it.  The kernel releases the lock when its holder exits, even when
killed, so a stale lock cannot block the next run.  The file is never
removed (removing it would let two processes lock two different files); it
is listed in ``.gitignore``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import TracebackType

from .errors import Location, PipelineError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no locking
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".blogl10n.lock"
DEFAULT_WAIT = 5.0
"""Seconds a command waits for another one to finish."""
_POLL = 0.05


class SiteLock:
    """The held lock of one site folder; release it, or use it as a context manager."""

    def __init__(self, fd: int, path: Path):
        self._fd: int | None = fd
        self.path = path

    @classmethod
    def acquire(cls, root: Path, wait: float = DEFAULT_WAIT) -> SiteLock:
        """Lock ``root``, waiting up to ``wait`` seconds; raise :class:`PipelineError` if still busy."""
        path = root / LOCK_NAME
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise PipelineError(Location(LOCK_NAME), f"cannot open the lock file: {exc.strerror}") from None
        deadline = time.monotonic() + max(0.0, wait)
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                holder = _holder(fd)
                os.close(fd)
                raise PipelineError(Location(LOCK_NAME), f"another command{holder} is writing this site "
                                    f"(waited {wait:g}s for its lock on {LOCK_NAME}); run again when it "
                                    "ends, or give --wait SECONDS")
            time.sleep(_POLL)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        return cls(fd, path)

    def release(self) -> None:
        """Let the next command in (closing the file releases the lock)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> SiteLock:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def _try_lock(fd: int) -> bool:
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(fd: int) -> str:
    """`` (process N)`` from the lock file, when its holder wrote it."""
    try:
        pid = os.pread(fd, 32, 0).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (process {pid})" if pid.isdigit() else ""
